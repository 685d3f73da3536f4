from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from broadcaster.errors import SpeechError
from broadcaster.speech import EspeakEngine, FallbackChain
from tests.speech.helpers import SENTENCE


class FailingEngine:
    """An engine that always fails the way a real adapter does: with a SpeechError."""

    def __init__(self, name: str, reason: str) -> None:
        self.name, self.voice, self.reason = name, "vi", reason
        self.calls = 0

    @property
    def settings(self) -> Mapping[str, object]:
        return {}

    def synthesize(self, text: str, out_path: Path) -> None:
        self.calls += 1
        raise SpeechError(self.reason)


class FileEngine:
    """Writes a fixed file, e.g. silence a broken engine might return with success."""

    def __init__(self, name: str, source: Path) -> None:
        self.name, self.voice, self.source = name, "vi", source

    @property
    def settings(self) -> Mapping[str, object]:
        return {}

    def synthesize(self, text: str, out_path: Path) -> None:
        shutil.copyfile(self.source, out_path)


def test_first_engine_that_works_speaks_and_failures_are_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = FailingEngine("gtts", "HTTP 429 (Too Many Requests) after 3 tries")
    chain = FallbackChain([broken, EspeakEngine()], logging.getLogger("news"))
    with caplog.at_level(logging.WARNING, logger="news"):
        result = chain.synthesize(SENTENCE, tmp_path / "out.wav")
    assert result.engine == "espeak" and result.voice == "vi"
    assert result.summary() == "gtts failed: HTTP 429 (Too Many Requests) after 3 tries; spoken by espeak"
    assert result.summary() in caplog.text
    assert result.duration_s > 1


def test_invalid_output_is_removed_and_the_next_engine_tries(tmp_path: Path) -> None:
    silent = tmp_path / "silent.wav"
    EspeakEngine().synthesize(".", silent)  # espeak says nothing for a lone full stop
    chain = FallbackChain([FileEngine("broken", silent), EspeakEngine()])
    result = chain.synthesize(SENTENCE, tmp_path / "out.wav")
    assert result.engine == "espeak"
    assert result.failures[0].engine == "broken"


def test_all_engines_failing_is_one_speech_error_naming_each(tmp_path: Path) -> None:
    chain = FallbackChain([FailingEngine("gtts", "offline"), FailingEngine("espeak", "not installed")])
    with pytest.raises(SpeechError, match="gtts failed: offline; espeak failed: not installed"):
        chain.synthesize(SENTENCE, tmp_path / "out.wav")
    assert not (tmp_path / "out.wav").exists()


def test_first_engine_success_skips_the_rest(tmp_path: Path) -> None:
    spare = FailingEngine("spare", "unused")
    result = FallbackChain([EspeakEngine(), spare]).synthesize(SENTENCE, tmp_path / "out.wav")
    assert (result.engine, result.failures, spare.calls) == ("espeak", (), 0)
