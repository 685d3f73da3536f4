"""The piper engine against a fake piper command line (tests/speech/fake_piper.py).

The fake shows what the real Piper cannot be made to do on demand: crash, hang, write
nothing or noise. tests/speech/test_piper_real.py runs the same code with the real Piper.
"""

from __future__ import annotations

import json
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from broadcaster.errors import SpeechError
from broadcaster.speech.engine import SpeechEngine
from broadcaster.speech.piper import (
    PiperEngine,
    PiperSettings,
    check_piper,
    config_problems,
    fetch_instructions,
    one_line,
)
from tests.speech.helpers import SENTENCE, wav_info

FAKE = Path(__file__).with_name("fake_piper.py")
VOICE = "voices/vi_VN-test-medium.onnx"


def voice_config(espeak_voice: str = "vi", speakers: int = 1) -> dict[str, object]:
    return {
        "audio": {"sample_rate": 22050},
        "espeak": {"voice": espeak_voice},
        "phoneme_type": "espeak",
        "num_speakers": speakers,
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
    }


@pytest.fixture
def station(tmp_path: Path) -> Path:
    """A station folder (where config.toml lives) with a voice in voices/."""
    (tmp_path / "voices").mkdir()
    (tmp_path / VOICE).write_bytes(b"onnx model bytes")
    (tmp_path / f"{VOICE}.json").write_text(json.dumps(voice_config()), encoding="utf-8")
    return tmp_path


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "record.json"
    monkeypatch.setenv("FAKE_PIPER_RECORD", str(path))
    monkeypatch.delenv("ORT_INTRA_OP_NUM_THREADS", raising=False)
    return path


def fake_engine(station: Path, **settings: object) -> PiperEngine:
    return PiperEngine(PiperSettings(voice=VOICE, **settings), station, command=[sys.executable, str(FAKE)])  # type: ignore[arg-type]


def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_sends_the_voice_the_output_file_and_the_settings_on_the_command_line(
    station: Path, tmp_path: Path, record: Path
) -> None:
    out = out_dir(tmp_path) / "a.wav"
    fake_engine(station, length_scale=1.15, sentence_silence=0.35, speaker=2, noise_scale=0.5).synthesize(SENTENCE, out)
    argv = json.loads(record.read_text(encoding="utf-8"))["argv"]
    assert argv[:2] == ["--model", str(station / VOICE)]  # relative to the config file's folder
    assert argv[2] == "--output-file"
    written = Path(argv[3])
    assert written.parent == out.parent and written != out  # a temp file beside, renamed when valid
    assert argv[4:] == [
        "--length-scale",
        "1.15",
        "--sentence-silence",
        "0.35",
        "--speaker",
        "2",
        "--noise-scale",
        "0.5",
    ]
    assert list(out.parent.iterdir()) == [out]
    channels, width, rate, duration = wav_info(out)
    assert (channels, width, rate) == (1, 2, 22050) and duration > 3


def test_defaults_leave_speaker_and_noise_to_the_voice(station: Path, tmp_path: Path, record: Path) -> None:
    fake_engine(station).synthesize(SENTENCE, tmp_path / "a.wav")
    recorded = json.loads(record.read_text(encoding="utf-8"))
    assert recorded["argv"][4:] == ["--length-scale", "1", "--sentence-silence", "0.2"]
    assert recorded["threads"] is None


def test_an_absolute_voice_path_is_used_as_given(station: Path, tmp_path: Path, record: Path) -> None:
    engine = PiperEngine(
        PiperSettings(voice=str(station / VOICE)), Path("/nowhere"), command=[sys.executable, str(FAKE)]
    )
    engine.synthesize(SENTENCE, tmp_path / "a.wav")
    assert json.loads(record.read_text(encoding="utf-8"))["argv"][1] == str(station / VOICE)
    assert engine.voice == "vi_VN-test-medium"


def test_threads_reach_onnxruntime(station: Path, tmp_path: Path, record: Path) -> None:
    fake_engine(station, threads=1).synthesize(SENTENCE, tmp_path / "a.wav")
    assert json.loads(record.read_text(encoding="utf-8"))["threads"] == "1"


def test_text_goes_to_stdin_composed_and_on_one_line(station: Path, tmp_path: Path, record: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Thông báo\nLịch tiếp công dân.\n\n  Sáng thứ hai  hằng tuần. ")
    fake_engine(station).synthesize(decomposed, tmp_path / "a.wav")
    stdin = json.loads(record.read_text(encoding="utf-8"))["stdin"]
    # piper speaks each line apart with no pause between: one line, a full stop where a line had none
    assert stdin == "Thông báo. Lịch tiếp công dân. Sáng thứ hai hằng tuần.\n"
    assert stdin == unicodedata.normalize("NFC", stdin)


def test_one_line_keeps_clause_punctuation() -> None:
    assert one_line("Kính gửi bà con,\nxã thông báo:\nlịch họp") == "Kính gửi bà con, xã thông báo: lịch họp"
    assert one_line(" \n ") == ""


def test_empty_text_is_refused_without_running_piper(station: Path, tmp_path: Path, record: Path) -> None:
    with pytest.raises(SpeechError, match="no text"):
        fake_engine(station).synthesize(" \n ", tmp_path / "a.wav")
    assert not record.exists()


def test_a_crash_reports_piper_s_last_words_and_leaves_no_file(
    station: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PIPER_MODE", "fail")
    folder = out_dir(tmp_path)
    with pytest.raises(SpeechError) as info:
        fake_engine(station).synthesize(SENTENCE, folder / "a.wav")
    assert "exit code 1" in info.value.message
    assert "RuntimeError: phonemizer crashed on this text" in info.value.message
    assert "broadcaster doctor" in (info.value.hint or "")
    assert list(folder.iterdir()) == []  # the half-written WAV is gone


def test_piper_not_installed_says_how_to_install(
    station: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PIPER_MODE", "no-module")
    with pytest.raises(SpeechError, match="piper-tts is not installed") as info:
        fake_engine(station).synthesize(SENTENCE, tmp_path / "a.wav")
    assert "pip install 'broadcaster[piper]'" in (info.value.hint or "")


def test_a_damaged_voice_says_to_fetch_it_again(station: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_PIPER_MODE", "damaged")
    with pytest.raises(SpeechError, match="INVALID_PROTOBUF") as info:
        fake_engine(station).synthesize(SENTENCE, tmp_path / "a.wav")
    assert "fetch both again" in (info.value.hint or "")


def test_a_hung_piper_is_killed_after_the_timeout(
    station: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PIPER_MODE", "hang")
    engine = PiperEngine(
        PiperSettings(voice=VOICE), station, command=[sys.executable, str(FAKE)],
        timeout_base_s=1.0, timeout_per_char_s=0.0,
    )  # fmt: skip
    folder = out_dir(tmp_path)
    start = time.monotonic()
    with pytest.raises(SpeechError, match="did not finish within 1 s"):
        engine.synthesize(SENTENCE, folder / "a.wav")
    assert time.monotonic() - start < 10
    assert list(folder.iterdir()) == []


def test_the_timeout_grows_with_the_text(station: Path) -> None:
    engine = fake_engine(station)
    short, long = engine.timeout_s("a" * 100), engine.timeout_s("a" * 2000)
    assert short >= 60 and long - short == pytest.approx(1900 * 0.25)


def test_a_missing_python_says_how_to_install(station: Path, tmp_path: Path) -> None:
    engine = PiperEngine(PiperSettings(voice=VOICE), station, python="/nowhere/bin/python3")
    with pytest.raises(SpeechError, match=r"\(/nowhere/bin/python3\) was not found") as info:
        engine.synthesize(SENTENCE, tmp_path / "a.wav")
    assert (info.value.hint or "").startswith("Is piper installed? pip install 'broadcaster[piper]'")
    assert list(tmp_path.glob("*.part")) == []


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("empty", "is empty"),
        ("garbage", "cannot be decoded"),
        ("silent", "is silent"),
        ("short", r"lasts 0\.1 s, implausible"),
    ],
)
def test_output_that_is_not_speech_is_refused(
    station: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, reason: str
) -> None:
    monkeypatch.setenv("FAKE_PIPER_MODE", mode)
    folder = out_dir(tmp_path)
    with pytest.raises(SpeechError, match=f"Piper's audio is unusable: .*{reason}"):
        fake_engine(station).synthesize(SENTENCE, folder / "a.wav")
    assert list(folder.iterdir()) == []


def test_a_missing_voice_file_says_how_to_fetch_it(station: Path, tmp_path: Path, record: Path) -> None:
    (station / f"{VOICE}.json").unlink()
    with pytest.raises(SpeechError, match=r"vi_VN-test-medium\.onnx\.json is missing") as info:
        fake_engine(station).synthesize(SENTENCE, tmp_path / "a.wav")
    assert "vi/vi_VN/test/medium/vi_VN-test-medium.onnx.json" in (info.value.hint or "")
    assert not record.exists()


def test_cache_settings_follow_the_voice_file_and_every_setting_that_changes_the_sound(station: Path) -> None:
    base = dict(fake_engine(station).settings)
    assert len(str(base["voice_sha256"])) == 64
    for change in ({"length_scale": 1.1}, {"sentence_silence": 0.5}, {"speaker": 1}, {"noise_scale": 0.3}):
        assert dict(fake_engine(station, **change).settings) != base, change
    assert dict(fake_engine(station, threads=1).settings) == base  # speed only, same sound
    (station / VOICE).write_bytes(b"a newer model, same name")
    assert fake_engine(station).settings["voice_sha256"] != base["voice_sha256"]
    (station / f"{VOICE}.json").write_text(json.dumps(voice_config() | {"inference": {}}), encoding="utf-8")
    assert fake_engine(station).settings["config_sha256"] != base["config_sha256"]


def test_a_missing_voice_still_gives_cache_settings(tmp_path: Path) -> None:
    # gtts may speak first in the chain; the key must not need the voice file
    settings = PiperEngine(PiperSettings(voice=VOICE), tmp_path).settings
    assert settings["voice_sha256"] == "missing"


def test_meets_the_engine_contract(station: Path) -> None:
    engine = fake_engine(station)
    assert isinstance(engine, SpeechEngine)
    assert (engine.name, engine.voice) == ("piper", "vi_VN-test-medium")


def test_bad_settings_are_refused_by_the_engine(station: Path) -> None:
    with pytest.raises(ValueError, match="length_scale"):
        fake_engine(station, length_scale=0)


def test_config_check_is_happy_with_a_vietnamese_voice(station: Path) -> None:
    assert config_problems(PiperSettings(voice=VOICE), station) == []


def test_config_check_refuses_a_missing_voice_with_the_command_that_fetches_it(tmp_path: Path) -> None:
    problems = config_problems(PiperSettings(voice="voices/vi_VN-vais1000-medium.onnx"), tmp_path)
    assert len(problems) == 1
    url = "https://huggingface.co/rhasspy/piper-voices/resolve/main/vi/vi_VN/vais1000/medium/vi_VN-vais1000-medium"
    assert problems[0].startswith("speech.piper.voice: ")
    assert f"curl -L -O {url}.onnx -O {url}.onnx.json" in problems[0]
    assert "python -m piper.download_voices vi_VN-vais1000-medium" in problems[0]
    assert f"copy both files into {tmp_path / 'voices'}" in problems[0]


def test_fetch_instructions_for_a_voice_not_named_like_piper_voices() -> None:
    assert "docs/piper-voice.md" in fetch_instructions(Path("/station/voices/giong-xa.onnx"))


def test_config_check_lists_every_bad_range_at_once(station: Path) -> None:
    settings = PiperSettings(
        voice=VOICE, length_scale=0, sentence_silence=-1, speaker=-1, noise_scale=3, noise_w_scale=-0.1, threads=0
    )
    problems = config_problems(settings, station)
    keys = [p.split(":")[0] for p in problems]
    assert keys == [
        "speech.piper.length_scale",
        "speech.piper.sentence_silence",
        "speech.piper.speaker",
        "speech.piper.noise_scale",
        "speech.piper.noise_w_scale",
        "speech.piper.threads",
        "speech.piper.speaker",  # and -1 is no speaker of a one-speaker voice
    ]


def test_config_check_refuses_a_voice_that_is_not_vietnamese(station: Path) -> None:
    (station / f"{VOICE}.json").write_text(json.dumps(voice_config("en-us")), encoding="utf-8")
    (problem,) = config_problems(PiperSettings(voice=VOICE), station)
    assert "is not a Vietnamese voice (its phoneme voice is 'en-us', not 'vi')" in problem


def test_config_check_refuses_a_damaged_voice_config(station: Path) -> None:
    (station / f"{VOICE}.json").write_text('{"audio": ', encoding="utf-8")
    (problem,) = config_problems(PiperSettings(voice=VOICE), station)
    assert "is not a readable Piper voice config" in problem and "Fetch it again" in problem


def test_config_check_knows_how_many_speakers_a_voice_has(station: Path) -> None:
    assert "remove the speaker line" in config_problems(PiperSettings(voice=VOICE, speaker=3), station)[0]
    (station / f"{VOICE}.json").write_text(json.dumps(voice_config(speakers=4)), encoding="utf-8")
    assert config_problems(PiperSettings(voice=VOICE, speaker=3), station) == []
    assert "speakers 0 to 3, not 4" in config_problems(PiperSettings(voice=VOICE, speaker=4), station)[0]


def test_doctor_names_the_missing_file_before_running_anything(tmp_path: Path) -> None:
    problem = check_piper(PiperSettings(voice="voices/vi_VN-vais1000-medium.onnx"), tmp_path)
    assert problem is not None and "not found" in problem and "curl -L -O" in problem
