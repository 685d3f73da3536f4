from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from broadcaster.errors import SpeechError
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
