from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from broadcaster.errors import SpeechError
from broadcaster.speech import validate_rendering
from broadcaster.speech.validate import duration_bounds
from tests.speech.helpers import LONG_TEXT, SENTENCE, write_wav


def test_real_speech_passes_with_its_duration(sentence_wav: Path) -> None:
    duration = validate_rendering(sentence_wav, SENTENCE)
    low, high = duration_bounds(SENTENCE)
    assert low < duration < high
    assert 2.0 < duration < 10.0


def test_silence_is_rejected(tmp_path: Path) -> None:
    path = write_wav(np.zeros(44100 * 4), tmp_path / "silent.wav")
    with pytest.raises(SpeechError, match="silent"):
        validate_rendering(path, SENTENCE)


def test_empty_and_undecodable_files_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "empty.mp3").write_bytes(b"")
    (tmp_path / "html.mp3").write_text("<html>Our systems have detected unusual traffic</html>")
    with pytest.raises(SpeechError, match="empty"):
        validate_rendering(tmp_path / "empty.mp3", SENTENCE)
    with pytest.raises(SpeechError, match="cannot be decoded"):
        validate_rendering(tmp_path / "html.mp3", SENTENCE)


def test_audio_far_too_short_for_the_text_is_rejected(sentence_wav: Path) -> None:
    # one sentence's audio offered as the rendering of a 240-character text, 8 times longer
    text = LONG_TEXT * 4
    with pytest.raises(SpeechError, match="implausible"):
        validate_rendering(sentence_wav, text)


def test_audio_far_too_long_for_the_text_is_rejected(sentence_wav: Path) -> None:
    with pytest.raises(SpeechError, match="implausible"):
        validate_rendering(sentence_wav, "Có.")
