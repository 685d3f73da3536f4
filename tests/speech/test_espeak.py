from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest

from broadcaster.errors import SpeechError
from broadcaster.media.ffmpeg import decode_mono
from broadcaster.speech import EspeakEngine, check_espeak_vietnamese, validate_rendering
from tests.speech.helpers import SENTENCE, wav_info


def test_speaks_vietnamese_into_a_valid_wav(tmp_path: Path) -> None:
    out = tmp_path / "a.wav"
    EspeakEngine().synthesize(SENTENCE, out)
    channels, width, _rate, duration = wav_info(out)
    assert (channels, width) == (1, 2)
    assert validate_rendering(out, SENTENCE) == pytest.approx(duration, abs=0.01)


def test_decomposed_tone_marks_sound_the_same_as_composed(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", SENTENCE)
    assert nfd != SENTENCE
    EspeakEngine().synthesize(SENTENCE, tmp_path / "nfc.wav")
    EspeakEngine().synthesize(nfd, tmp_path / "nfd.wav")
    assert (tmp_path / "nfc.wav").read_bytes() == (tmp_path / "nfd.wav").read_bytes()


def test_slower_speed_gives_longer_speech(tmp_path: Path) -> None:
    EspeakEngine(speed_wpm=120).synthesize(SENTENCE, tmp_path / "slow.wav")
    EspeakEngine(speed_wpm=200).synthesize(SENTENCE, tmp_path / "fast.wav")
    assert wav_info(tmp_path / "slow.wav")[3] > 1.3 * wav_info(tmp_path / "fast.wav")[3]


def test_missing_binary_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as info:
        EspeakEngine(espeak_binary="espeak-ng-not-here").synthesize(SENTENCE, tmp_path / "a.wav")
    assert info.value.hint == "Is espeak-ng installed? apt-get install espeak-ng"
    assert list(tmp_path.iterdir()) == []


def test_unknown_voice_is_reported_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="voice does not exist") as info:
        EspeakEngine(voice="zz-nowhere").synthesize(SENTENCE, tmp_path / "a.wav")
    assert "espeak-ng --voices=vi" in (info.value.hint or "")
    assert list(tmp_path.iterdir()) == []


def test_empty_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="no text"):
        EspeakEngine().synthesize("  ", tmp_path / "a.wav")


def test_doctor_check() -> None:
    assert check_espeak_vietnamese() is None
    problem = check_espeak_vietnamese("espeak-ng-not-here")
    assert problem is not None and "apt-get install espeak-ng" in problem


def dominant_hz(path: Path, low: float = 60, high: float = 500) -> float:
    """The strongest frequency of the voice in its pitch range."""
    samples = decode_mono(path, 16000)
    spectrum = np.abs(np.fft.rfft(samples))
    bins = np.fft.rfftfreq(len(samples), 1 / 16000)
    band = (bins >= low) & (bins <= high)
    return float(bins[band][np.argmax(spectrum[band])])


def test_higher_pitch_raises_the_voice(tmp_path: Path) -> None:
    EspeakEngine(pitch=20).synthesize(SENTENCE, tmp_path / "low.wav")
    EspeakEngine(pitch=80).synthesize(SENTENCE, tmp_path / "high.wav")
    assert dominant_hz(tmp_path / "high.wav") > 1.2 * dominant_hz(tmp_path / "low.wav")


def test_word_gap_adds_pauses_between_words(tmp_path: Path) -> None:
    EspeakEngine().synthesize(SENTENCE, tmp_path / "plain.wav")
    EspeakEngine(word_gap=10).synthesize(SENTENCE, tmp_path / "gaps.wav")
    gaps = len(SENTENCE.split()) - 1
    added = wav_info(tmp_path / "gaps.wav")[3] - wav_info(tmp_path / "plain.wav")[3]
    assert 0.1 * gaps < added < 0.2 * gaps  # ~15 ms per unit at 150 wpm


def test_a_voice_variant_changes_the_voice(tmp_path: Path) -> None:
    EspeakEngine().synthesize(SENTENCE, tmp_path / "plain.wav")
    EspeakEngine(variant="f2").synthesize(SENTENCE, tmp_path / "female.wav")
    assert dominant_hz(tmp_path / "female.wav") > 1.3 * dominant_hz(tmp_path / "plain.wav")


def test_every_setting_that_changes_the_sound_is_in_the_cache_settings() -> None:
    base = dict(EspeakEngine().settings)
    for change in ({"speed_wpm": 130}, {"pitch": 40}, {"word_gap": 2}, {"variant": "m3"}):
        assert dict(EspeakEngine(**change).settings) != base, change  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"speed_wpm": 60}, "speed_wpm"),
        ({"pitch": 120}, "pitch"),
        ({"word_gap": -1}, "word_gap"),
        ({"variant": "m3 --stdout"}, "variant"),
    ],
)
def test_impossible_settings_are_refused(setting: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EspeakEngine(**setting)  # type: ignore[arg-type]


def test_doctor_knows_the_voice_variants() -> None:
    assert check_espeak_vietnamese(variant="m3") is None
    problem = check_espeak_vietnamese(variant="no-such-variant")
    assert problem is not None and "espeak-ng --voices=variant" in problem
