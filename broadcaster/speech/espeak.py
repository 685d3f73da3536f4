"""espeak-ng: the offline engine that always works, robotic but intelligible."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from broadcaster.errors import SpeechError
from broadcaster.speech.engine import atomic_output, nfc

log = logging.getLogger(__name__)

ESPEAK_HINT = "Is espeak-ng installed? apt-get install espeak-ng"


class EspeakEngine:
    name = "espeak"

    def __init__(self, voice: str = "vi", speed_wpm: int = 150, espeak_binary: str = "espeak-ng") -> None:
        # 150 wpm instead of espeak's 175: syllable-timed Vietnamese through a
        # horn outdoors needs room; mastering slows it a further 8 %.
        if not 80 <= speed_wpm <= 450:
            raise ValueError(f"speed_wpm must be between 80 and 450, not {speed_wpm}")
        self.voice = voice
        self.speed_wpm = speed_wpm
        self.espeak_binary = espeak_binary

    @property
    def settings(self) -> Mapping[str, object]:
        return {"speed_wpm": self.speed_wpm}

    def synthesize(self, text: str, out_path: Path) -> None:
        text = nfc(text).strip()
        if not text:
            raise SpeechError("There is no text to speak.", "Give the news item some text.")
        # Text goes through stdin: no argument-length limit and a leading "-" is not an option.
        cmd = [self.espeak_binary, "-v", self.voice, "-s", str(self.speed_wpm), "-b", "1", "--stdin"]
        with atomic_output(out_path) as tmp:
            try:
                proc = subprocess.run(
                    [*cmd, "-w", str(tmp)],
                    input=text.encode("utf-8"),
                    capture_output=True,
                    timeout=60 + len(text) / 20,
                    check=False,
                )
            except FileNotFoundError as exc:
                raise SpeechError(f"espeak-ng ({self.espeak_binary}) was not found.", ESPEAK_HINT) from exc
            except subprocess.TimeoutExpired as exc:
                raise SpeechError("espeak-ng did not finish in time.", "Try again; split very long texts.") from exc
            err = proc.stderr.decode("utf-8", errors="replace").strip()
            if proc.returncode != 0:
                hint = ESPEAK_HINT
                if "voice does not exist" in err:
                    hint = f"Voice '{self.voice}' is unknown; list voices with: espeak-ng --voices=vi"
                raise SpeechError(f"espeak-ng failed: {err or f'exit code {proc.returncode}'}", hint)
            if tmp.stat().st_size <= 44:  # a bare WAV header
                raise SpeechError("espeak-ng produced no audio.", ESPEAK_HINT)


def check_espeak_vietnamese(espeak_binary: str = "espeak-ng") -> str | None:
    """None when espeak-ng speaks Vietnamese, otherwise what is wrong and the fixing command."""
    if shutil.which(espeak_binary) is None:
        return f"espeak-ng ({espeak_binary}) is not installed or not on PATH. Fix: apt-get install espeak-ng"
    try:
        proc = subprocess.run([espeak_binary, "--voices=vi"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"espeak-ng could not be run: {exc}. Fix: apt-get install --reinstall espeak-ng"
    rows = proc.stdout.decode("utf-8", errors="replace").splitlines()[1:]
    if not any(len(cols := row.split()) >= 2 and cols[1].startswith("vi") for row in rows):
        return "espeak-ng has no Vietnamese voice. Fix: apt-get install espeak-ng-data"
    return None
