"""espeak-ng: the offline engine that always works, robotic but intelligible."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from broadcaster.config.rules import ranged
from broadcaster.errors import SpeechError
from broadcaster.i18n import N_, _
from broadcaster.speech.engine import EngineSpec, atomic_output, nfc

# subprocess is imported where used: the config loader reads this module for EspeakSettings at every
# start of the command line (issue 9).

log = logging.getLogger(__name__)


def espeak_hint() -> str:
    return _("Is espeak-ng installed? apt-get install espeak-ng")


VARIANT = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,30}")  # a file in espeak-ng-data/voices/!v


@dataclass(frozen=True)
class EspeakSettings:
    """`[speech.espeak]` in config.toml."""

    voice: str = "vi"
    speed: int = ranged(150, 80, 450, unit=N_("words per minute"))
    pitch: int = ranged(50, 0, 99, unit=N_("50 is the voice's own"))
    word_gap: int = ranged(0, 0, 100, unit=N_("pause after each word, about 15 ms each at 150 words per minute"))
    variant: str = ""  # an espeak-ng voice variant such as m3 or f2; empty: the voice as it is


class EspeakEngine:
    name = "espeak"

    def __init__(
        self,
        voice: str = "vi",
        speed_wpm: int = 150,
        espeak_binary: str = "espeak-ng",
        *,
        pitch: int = 50,
        word_gap: int = 0,
        variant: str | None = None,
    ) -> None:
        # 150 wpm instead of espeak's 175: syllable-timed Vietnamese through a
        # horn outdoors needs room; mastering slows it a further 8 %.
        if not 80 <= speed_wpm <= 450:
            raise ValueError(f"speed_wpm must be between 80 and 450, not {speed_wpm}")
        if not 0 <= pitch <= 99:
            raise ValueError(f"pitch must be between 0 and 99, not {pitch}")
        if not 0 <= word_gap <= 100:
            raise ValueError(f"word_gap must be between 0 and 100, not {word_gap}")
        if variant is not None and not VARIANT.fullmatch(variant):
            raise ValueError(f"variant must be an espeak-ng variant name such as m3 or f2, not {variant!r}")
        self.voice = voice
        self.speed_wpm = speed_wpm
        self.espeak_binary = espeak_binary
        self.pitch = pitch
        # espeak-ng's -g: a pause after each word (each syllable in Vietnamese) in units of ~10 ms at
        # 175 wpm; espeak-ng stretches the unit at slower speeds (~15 ms at 150 wpm, ~21 ms at 120 wpm)
        self.word_gap = word_gap
        self.variant = variant

    @property
    def settings(self) -> Mapping[str, object]:
        return {
            "speed_wpm": self.speed_wpm,
            "pitch": self.pitch,
            "word_gap": self.word_gap,
            "variant": self.variant,
        }

    def command(self) -> list[str]:
        voice = f"{self.voice}+{self.variant}" if self.variant else self.voice
        cmd = [self.espeak_binary, "-v", voice, "-s", str(self.speed_wpm), "-p", str(self.pitch)]
        if self.word_gap:
            cmd += ["-g", str(self.word_gap)]
        # Text goes through stdin: no argument-length limit and a leading "-" is not an option.
        return [*cmd, "-b", "1", "--stdin"]

    def synthesize(self, text: str, out_path: Path) -> None:
        import subprocess

        text = nfc(text).strip()
        if not text:
            raise SpeechError(_("There is no text to speak."), _("Give the news item some text."))
        cmd = self.command()
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
                raise SpeechError(
                    _("espeak-ng ({binary}) was not found.").format(binary=self.espeak_binary), espeak_hint()
                ) from exc
            except subprocess.TimeoutExpired as exc:
                raise SpeechError(
                    _("espeak-ng did not finish in time."), _("Try again; split very long texts.")
                ) from exc
            err = proc.stderr.decode("utf-8", errors="replace").strip()
            if proc.returncode != 0:
                hint = espeak_hint()
                if "voice does not exist" in err:
                    hint = _("Voice '{voice}' is unknown; list voices with: espeak-ng --voices=vi").format(
                        voice=self.voice
                    )
                reason = err or _("exit code {code}").format(code=proc.returncode)
                raise SpeechError(_("espeak-ng failed: {reason}").format(reason=reason), hint)
            if tmp.stat().st_size <= 44:  # a bare WAV header
                raise SpeechError(_("espeak-ng produced no audio."), espeak_hint())


def check_espeak_vietnamese(espeak_binary: str = "espeak-ng", variant: str | None = None) -> str | None:
    """None when espeak-ng speaks Vietnamese (with `variant`, if given), else what is wrong and the fix."""
    import subprocess

    if shutil.which(espeak_binary) is None:
        return _("espeak-ng ({binary}) is not installed or not on PATH. Fix: apt-get install espeak-ng").format(
            binary=espeak_binary
        )
    try:
        proc = subprocess.run([espeak_binary, "--voices=vi"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _("espeak-ng could not be run: {error}. Fix: apt-get install --reinstall espeak-ng").format(error=exc)
    rows = proc.stdout.decode("utf-8", errors="replace").splitlines()[1:]
    if not any(len(cols := row.split()) >= 2 and cols[1].startswith("vi") for row in rows):
        return _("espeak-ng has no Vietnamese voice. Fix: apt-get install espeak-ng-data")
    if variant is not None and variant not in espeak_variants(espeak_binary):
        # espeak-ng ignores an unknown variant without a word: the station would sound different than set
        return _(
            "espeak-ng has no voice variant '{variant}'. Fix: choose one that `espeak-ng --voices=variant` lists "
            "(the File column without '!v/'), e.g. m3 or f2."
        ).format(variant=variant)
    return None


def espeak_variants(espeak_binary: str = "espeak-ng") -> set[str]:
    """Variant names as `-v vi+NAME` takes them (the file names under espeak-ng-data/voices/!v)."""
    import subprocess

    try:
        proc = subprocess.run([espeak_binary, "--voices=variant"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return set()
    rows = proc.stdout.decode("utf-8", errors="replace").splitlines()[1:]
    return {cols[4].removeprefix("!v/") for row in rows if len(cols := row.split()) >= 5}


def _build(settings: EspeakSettings, _base_dir: Path) -> EspeakEngine:
    return EspeakEngine(
        voice=settings.voice,
        speed_wpm=settings.speed,
        pitch=settings.pitch,
        word_gap=settings.word_gap,
        variant=settings.variant or None,
    )


def _problems(settings: EspeakSettings) -> list[str]:
    if settings.variant and not VARIANT.fullmatch(settings.variant):
        return [
            _(
                'speech.espeak.variant: \'{variant}\' is not an espeak-ng variant name; write e.g. "m3" or "f2" '
                "(`espeak-ng --voices=variant` lists them), or leave it out"
            ).format(variant=settings.variant)
        ]
    return []


def _check(settings: EspeakSettings, _base_dir: Path) -> str | None:
    return check_espeak_vietnamese(variant=settings.variant or None)


SPEC = EngineSpec(
    name="espeak",
    label=N_("espeak-ng (offline voice)"),
    settings=EspeakSettings,
    build=_build,
    ready=N_("installed, with the Vietnamese voice"),
    check=_check,
    problems=_problems,
)
