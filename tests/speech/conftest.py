from __future__ import annotations

from pathlib import Path

import pytest

from tests.speech.helpers import SENTENCE, espeak_wav, to_google_mp3


@pytest.fixture(scope="session")
def sentence_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav(SENTENCE, tmp_path_factory.mktemp("speech") / "sentence.wav")


@pytest.fixture(scope="session")
def sentence_mp3(sentence_wav: Path) -> bytes:
    return to_google_mp3(sentence_wav)
