"""Piper: an offline neural voice (piper-tts 1.8, onnxruntime on CPU), run as a subprocess.

Piper runs in its own process (`python -m piper`), never imported here: the daemon stays small (onnxruntime
and a 60 MB voice load only while speaking) and the GPL-licensed piper-tts stays out of the broadcaster process.

A voice is two files side by side: `NAME.onnx` (the network) and
`NAME.onnx.json` (its phoneme table, sample rate and the espeak-ng voice that
turns text into phonemes; `vi` for Vietnamese). docs/piper-voice.md tells the
technician how to fetch vi_VN-vais1000-medium on a PC with internet.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcaster.errors import SpeechError
from broadcaster.i18n import N_, _
from broadcaster.speech.engine import EngineSpec, atomic_output, nfc

# hashlib, json, subprocess, importlib.util are imported where used: config loading needs only PiperSettings.
if TYPE_CHECKING:
    import subprocess

log = logging.getLogger(__name__)

DEFAULT_VOICE = "vi_VN-vais1000-medium"
VOICES_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main"
# lang_REGION-name-quality, the naming of rhasspy/piper-voices (as piper.download_voices parses it)
_VOICE_NAME = re.compile(r"^(?P<family>[^-_]+)_(?P<region>[^-]+)-(?P<name>[^-]+)-(?P<quality>.+)$")
# Loading a medium voice takes 1-3 s on a station PC, more from a cold disk or
# while another render runs; synthesis runs at 0.1-0.5x real time on 2 cores
# and speech lasts ~0.07 s per character, so 0.25 s per character leaves 5x room.
TIMEOUT_BASE_S = 60.0
TIMEOUT_PER_CHAR_S = 0.25
TEST_SENTENCE = "Đài truyền thanh xã xin kính chào bà con."
_SENTENCE_END = ".!?…:;,"


@dataclass(frozen=True)
class PiperSettings:
    """`[speech.piper]` in config.toml. Checked by `config_problems`, not on construction,
    so `config check` can list every mistake at once."""

    voice: str  # path to NAME.onnx (NAME.onnx.json beside it); relative to the config file's folder
    length_scale: float = 1.0  # > 1 speaks slower (1.1 = 10 % slower); the voice's own pace at 1.0
    sentence_silence: float = 0.2  # seconds of silence piper adds after each sentence
    speaker: int | None = None  # for multi-speaker voices; None = the voice's default speaker
    noise_scale: float | None = None  # None = the voice's own value (its .onnx.json "inference")
    noise_w_scale: float | None = None  # phoneme-length variation; None = the voice's own value
    threads: int | None = None  # onnxruntime threads; None = one per CPU core

    def files(self, base_dir: Path) -> tuple[Path, Path]:
        """(model, config) paths, a relative `voice` resolved against `base_dir`."""
        model = Path(self.voice).expanduser()
        if not model.is_absolute():
            model = base_dir / model
        return model, model.with_name(model.name + ".json")


def fetch_instructions(model: Path) -> str:
    """How to get a missing voice: the download command (on a PC with internet) and where to copy it."""
    stem = model.name.removesuffix(".onnx")
    match = _VOICE_NAME.match(stem)
    if match is None:
        return _("Copy {model} and {model}.json to the station (see docs/piper-voice.md).").format(model=model)
    family, region, name, quality = match.group("family", "region", "name", "quality")
    url = f"{VOICES_URL}/{family}/{family}_{region}/{name}/{quality}/{stem}"
    return _(
        "On a PC with internet run: curl -L -O {url}.onnx -O {url}.onnx.json "
        "(or: python -m piper.download_voices {stem}), then copy both files into {folder} "
        "(see docs/piper-voice.md)."
    ).format(url=url, stem=stem, folder=model.parent)


_sha_cache: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """SHA-256 of `path`, hashed once per (path, mtime, size): a 60 MB voice takes ~0.2 s to hash."""
    import hashlib

    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _sha_cache:
        digest = hashlib.sha256()
        with path.open("rb") as fp:
            while block := fp.read(1 << 20):
                digest.update(block)
        _sha_cache[key] = digest.hexdigest()
    return _sha_cache[key]


def one_line(text: str) -> str:
    """Piper speaks each input line on its own, with no sentence silence between lines:
    join the lines, ending each with a full stop unless it already ends a clause."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    ended = [line if line[-1] in _SENTENCE_END else f"{line}." for line in lines[:-1]]
    return " ".join([*ended, *lines[-1:]])


class PiperEngine:
    name = "piper"

    def __init__(
        self,
        settings: PiperSettings,
        base_dir: Path,
        python: str = sys.executable,
        *,
        command: Sequence[str] | None = None,
        timeout_base_s: float = TIMEOUT_BASE_S,
        timeout_per_char_s: float = TIMEOUT_PER_CHAR_S,
    ) -> None:
        """`command` replaces `python -m piper` (e.g. piper's console script, or a test double)."""
        problems = range_problems(settings)
        if problems:
            raise ValueError("; ".join(problems))
        self.config = settings
        self.model, self.model_config = settings.files(base_dir)
        self.voice = self.model.name.removesuffix(".onnx")
        self.python = python
        self.command = list(command) if command is not None else [python, "-m", "piper"]
        self.timeout_base_s = timeout_base_s
        self.timeout_per_char_s = timeout_per_char_s

    @property
    def settings(self) -> Mapping[str, object]:
        # The files' hashes, not their paths: a new voice under the old name renders afresh. A file
        # that is missing still gives a key (gtts may speak first), one that changes when it appears.
        c = self.config
        return {
            "voice_sha256": _sha_or_missing(self.model),
            "config_sha256": _sha_or_missing(self.model_config),
            "length_scale": c.length_scale,
            "sentence_silence": c.sentence_silence,
            "speaker": c.speaker,
            "noise_scale": c.noise_scale,
            "noise_w_scale": c.noise_w_scale,
        }

    def argv(self, out_path: Path) -> list[str]:
        c = self.config
        args = [*self.command, "--model", str(self.model), "--output-file", str(out_path)]
        args += ["--length-scale", f"{c.length_scale:g}", "--sentence-silence", f"{c.sentence_silence:g}"]
        if c.speaker is not None:
            args += ["--speaker", str(c.speaker)]
        if c.noise_scale is not None:
            args += ["--noise-scale", f"{c.noise_scale:g}"]
        if c.noise_w_scale is not None:
            args += ["--noise-w-scale", f"{c.noise_w_scale:g}"]
        return args

    def timeout_s(self, text: str) -> float:
        return self.timeout_base_s + self.timeout_per_char_s * len(text)

    def synthesize(self, text: str, out_path: Path) -> None:
        text = one_line(nfc(text))
        if not text:
            raise SpeechError(_("There is no text to speak."), _("Give the news item some text."))
        for path in (self.model, self.model_config):
            if not path.is_file():
                raise SpeechError(
                    _("The Piper voice file {path} is missing.").format(path=path), fetch_instructions(self.model)
                )
        with atomic_output(out_path) as tmp:
            proc = self._run(text, tmp)
            if proc.returncode != 0:
                raise _failure(proc, self.model, self.python)
            try:
                from broadcaster.speech.validate import validate_rendering  # ffmpeg's module: only when speaking

                validate_rendering(tmp, text)
            except SpeechError as exc:
                raise SpeechError(
                    _("Piper's audio is unusable: {reason}").format(reason=exc.message), exc.hint
                ) from exc

    def _run(self, text: str, out: Path) -> subprocess.CompletedProcess[bytes]:
        import subprocess

        env = dict(os.environ)
        env["PYTHONIOENCODING"] = "utf-8"  # piper reads stdin as text in the locale's encoding otherwise
        if self.config.threads is not None:
            # piper has no threads option; onnxruntime reads this for its default session options
            env["ORT_INTRA_OP_NUM_THREADS"] = str(self.config.threads)
        timeout = self.timeout_s(text)
        try:
            return subprocess.run(
                self.argv(out), input=text.encode("utf-8") + b"\n", capture_output=True,
                timeout=timeout, env=env, check=False,
            )  # fmt: skip
        except FileNotFoundError as exc:
            raise SpeechError(
                _("The program that runs Piper ({program}) was not found.").format(program=self.command[0]),
                install_hint(self.python),
            ) from exc
        except OSError as exc:
            raise SpeechError(
                _("Piper could not be started: {error}").format(error=exc), install_hint(self.python)
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise SpeechError(
                _("Piper did not finish within {seconds:.0f} s for {chars} characters.").format(
                    seconds=timeout, chars=len(text)
                ),
                _("The PC may be overloaded; try again, or split very long texts. espeak-ng speaks meanwhile."),
            ) from exc


def install_hint(python: str) -> str:
    return _(
        "Is piper installed? pip install 'broadcaster[piper]' (or: {python} -m pip install 'piper-tts>=1.8,<1.9')"
    ).format(python=python)


def _sha_or_missing(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return "missing"


def stderr_tail(stderr: bytes, lines: int = 3) -> str:
    text = [line for line in stderr.decode("utf-8", errors="replace").splitlines() if line.strip()]
    return " | ".join(line.strip() for line in text[-lines:]) or _("no error output")


def _failure(proc: subprocess.CompletedProcess[bytes], model: Path, python: str) -> SpeechError:
    err = proc.stderr.decode("utf-8", errors="replace")
    tail = stderr_tail(proc.stderr)
    message = _("Piper failed (exit code {code}): {tail}").format(code=proc.returncode, tail=tail)
    if "No module named piper" in err or "No module named 'piper'" in err:
        return SpeechError(_("piper-tts is not installed."), install_hint(python))
    if "onnxruntime" in err or "JSONDecodeError" in err or "KeyError" in err:
        return SpeechError(
            message,
            _("The voice file {model} or its .json may be damaged or incomplete; fetch both again. {how}").format(
                model=model.name, how=fetch_instructions(model)
            ),
        )
    return SpeechError(message, _("Run `broadcaster doctor` to check Piper; espeak-ng speaks meanwhile."))


# ---------------------------------------------------------------- checks for `config check` and `doctor`


def range_problems(settings: PiperSettings) -> list[str]:
    s, problems = settings, []
    if not 0.5 <= s.length_scale <= 2.0:
        problems.append(
            _(
                "speech.piper.length_scale: must be between 0.5 and 2.0 "
                "(1.0 = the voice's own pace, 1.1 = 10 % slower), not {value}"
            ).format(value=s.length_scale)
        )
    if not 0.0 <= s.sentence_silence <= 2.0:
        problems.append(
            _("speech.piper.sentence_silence: must be between 0 and 2 seconds (e.g. 0.2), not {value}").format(
                value=s.sentence_silence
            )
        )
    if s.speaker is not None and s.speaker < 0:
        problems.append(_("speech.piper.speaker: must be 0 or more, not {value}").format(value=s.speaker))
    for key, value in (("noise_scale", s.noise_scale), ("noise_w_scale", s.noise_w_scale)):
        if value is not None and not 0.0 <= value <= 1.5:
            problems.append(
                _(
                    "speech.piper.{key}: must be between 0 and 1.5, or left out to use the voice's own, not {value}"
                ).format(key=key, value=value)
            )
    if s.threads is not None and not 1 <= s.threads <= 64:
        problems.append(
            _("speech.piper.threads: must be 1 or more (1 leaves the other core free), not {value}").format(
                value=s.threads
            )
        )
    return problems


def read_voice_config(config_path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(parsed .onnx.json, None) or (None, what is wrong with it)."""
    import json

    try:
        data = json.loads(config_path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data, None
    except (OSError, ValueError) as exc:
        return None, _(
            "speech.piper.voice: {path} is not a readable Piper voice config ({error}). Fetch it again."
        ).format(path=config_path.name, error=exc)


def voice_config_problems(settings: PiperSettings, data: Mapping[str, Any]) -> list[str]:
    """A Vietnamese station needs a voice whose text-to-phoneme step is espeak-ng's `vi`."""
    problems = []
    espeak = data.get("espeak")
    espeak_voice = espeak.get("voice") if isinstance(espeak, dict) else None
    phoneme_type = data.get("phoneme_type", "espeak")
    if phoneme_type != "espeak" or not isinstance(espeak_voice, str) or not espeak_voice.startswith("vi"):
        problems.append(
            _(
                "speech.piper.voice: {voice} is not a Vietnamese voice (its phoneme voice is '{espeak}', "
                "not 'vi'). Use vi_VN-vais1000-medium (docs/piper-voice.md)."
            ).format(voice=Path(settings.voice).name, espeak=espeak_voice if phoneme_type == "espeak" else phoneme_type)
        )
    speakers = data.get("num_speakers", 1)
    if settings.speaker is not None and isinstance(speakers, int):
        if speakers <= 1 and settings.speaker != 0:
            problems.append(_("speech.piper.speaker: this voice has one speaker; remove the speaker line."))
        elif speakers > 1 and settings.speaker >= speakers:
            problems.append(
                _("speech.piper.speaker: this voice has speakers 0 to {last}, not {value}.").format(
                    last=speakers - 1, value=settings.speaker
                )
            )
    return problems


def config_problems(settings: PiperSettings, base_dir: Path) -> list[str]:
    """Everything wrong with `[speech.piper]` that can be seen without running Piper."""
    return range_problems(settings) + voice_problems(settings, base_dir)


def voice_problems(settings: PiperSettings, base_dir: Path) -> list[str]:
    """The voice files: both present, the .onnx.json readable and Vietnamese."""
    model, config_path = settings.files(base_dir)
    missing = [p for p in (model, config_path) if not p.is_file()]
    if missing:
        names = _(" and ").join(str(p) for p in missing)
        return [_("speech.piper.voice: {names} not found. {how}").format(names=names, how=fetch_instructions(model))]
    data, problem = read_voice_config(config_path)
    if data is None:
        return [problem or ""]
    return voice_config_problems(settings, data)


def setup_warnings(settings: PiperSettings, base_dir: Path) -> list[str]:
    """For `config check`: piper-tts installed for this Python (found, not imported) and the voice usable."""
    import importlib.util

    problems = []
    if importlib.util.find_spec("piper") is None:
        problems.append(
            _("speech.piper: piper-tts is not installed, so espeak-ng speaks instead of Piper. {hint}").format(
                hint=install_hint(sys.executable)
            )
        )
    return problems + voice_problems(settings, base_dir)


def check_piper(settings: PiperSettings, base_dir: Path, python: str = sys.executable) -> str | None:
    """For `broadcaster doctor`: None when Piper speaks with this voice, else what is wrong and the fix."""
    import subprocess

    problems = config_problems(settings, base_dir)
    if problems:
        return " ".join(problems)
    try:
        proc = subprocess.run(
            [python, "-c", "import importlib.metadata as m; print(m.version('piper-tts'))"],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _("Python ({python}) could not be run: {error}. {hint}").format(
            python=python, error=exc, hint=install_hint(python)
        )
    if proc.returncode != 0:
        return _("piper-tts is not installed. {hint}").format(hint=install_hint(python))
    engine = PiperEngine(settings, base_dir, python)
    with tempfile.TemporaryDirectory(prefix="piper-check-") as tmp:
        try:
            engine.synthesize(TEST_SENTENCE, Path(tmp) / "test.wav")
        except SpeechError as exc:
            return _("A test sentence could not be spoken: {error}").format(error=exc)
    return None


SPEC = EngineSpec(
    name="piper",
    label=N_("Piper (offline neural voice)"),
    settings=PiperSettings,
    build=lambda settings, base_dir: PiperEngine(settings, base_dir),
    ready=N_("installed; the voice speaks a test sentence"),
    check=check_piper,
    problems=range_problems,
    warnings=setup_warnings,
    needs_table='voice = "voices/vi_VN-vais1000-medium.onnx" (see docs/piper-voice.md)',
)
