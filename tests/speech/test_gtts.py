"""gTTS offline: `responses` plays Google's batchexecute endpoint with realistic replies."""

from __future__ import annotations

import json
import logging
import urllib.parse
from pathlib import Path

import pytest
import requests
import responses
from responses.registries import OrderedRegistry

from broadcaster.errors import SpeechError
from broadcaster.speech import EspeakEngine, FallbackChain, GttsEngine, split_for_gtts, validate_rendering
from tests.speech.helpers import LONG_TEXT, SENTENCE, batchexecute_body

URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"


class SleepRecorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def engine(sleep: SleepRecorder) -> GttsEngine:
    return GttsEngine(lang="vi", timeout_s=7, retries=3, backoff_base_s=1.0, sleep=sleep, rng=lambda: 0.5)


def chain(sleep: SleepRecorder) -> FallbackChain:
    return FallbackChain([engine(sleep), EspeakEngine()], logging.getLogger("test"))


def spoken_pieces() -> list[str]:
    """The text of every request gTTS sent, decoded from its f.req form field."""
    pieces = []
    for call in responses.calls:
        body = call.request.body
        assert isinstance(body, str | bytes)
        freq = urllib.parse.parse_qs(body if isinstance(body, str) else body.decode())["f.req"][0]
        pieces.append(json.loads(json.loads(freq)[0][0][1])[0])
    return pieces


@responses.activate(registry=OrderedRegistry)
def test_success_writes_google_audio_with_timeout_and_certificate_checks(tmp_path: Path, sentence_mp3: bytes) -> None:
    responses.post(URL, body=batchexecute_body(sentence_mp3))
    out = tmp_path / "speech.mp3"
    engine(SleepRecorder()).synthesize(SENTENCE, out)
    assert out.read_bytes() == sentence_mp3
    assert validate_rendering(out, SENTENCE) > 1.0
    kwargs = responses.calls[0].request.req_kwargs  # type: ignore[attr-defined]  # set by responses
    assert kwargs["verify"] is True or Path(kwargs["verify"]).is_file()  # on, maybe with REQUESTS_CA_BUNDLE
    assert kwargs["timeout"] == 7
    assert spoken_pieces() == [SENTENCE]


@responses.activate(registry=OrderedRegistry)
def test_429_is_retried_with_growing_backoff_then_succeeds(tmp_path: Path, sentence_mp3: bytes) -> None:
    responses.post(URL, status=429, body="Too Many Requests")
    responses.post(URL, status=503, body="Service Unavailable")
    responses.post(URL, body=batchexecute_body(sentence_mp3))
    sleep = SleepRecorder()
    result = chain(sleep).synthesize(SENTENCE, tmp_path / "speech.audio")
    assert (result.engine, result.voice, result.failures) == ("gtts", "vi", ())
    assert sleep.delays == [1.0, 2.0]  # base * 2^n * (0.5 + jitter 0.5)
    assert len(responses.calls) == 3


@responses.activate(registry=OrderedRegistry)
def test_429_three_times_falls_back_to_espeak(tmp_path: Path) -> None:
    for _ in range(3):
        responses.post(URL, status=429, headers={"Retry-After": "5"})
    sleep = SleepRecorder()
    out = tmp_path / "speech.audio"
    result = chain(sleep).synthesize(SENTENCE, out)
    assert result.engine == "espeak"
    assert result.summary() == "gtts failed: HTTP 429 (Too Many Requests) after 3 tries; spoken by espeak"
    assert sleep.delays == [5.0, 5.0]  # Retry-After wins over a shorter backoff
    assert validate_rendering(out, SENTENCE) == pytest.approx(result.duration_s)


@responses.activate(registry=OrderedRegistry)
def test_403_is_not_retried_and_falls_back(tmp_path: Path) -> None:
    responses.post(URL, status=403, body="<html>Forbidden</html>")
    sleep = SleepRecorder()
    result = chain(sleep).synthesize(SENTENCE, tmp_path / "speech.audio")
    assert result.engine == "espeak"
    assert result.notes == ("gtts failed: HTTP 403 (Forbidden)",)
    assert sleep.delays == []
    assert len(responses.calls) == 1


@responses.activate(registry=OrderedRegistry)
def test_connection_refused_is_retried_then_falls_back_to_espeak(tmp_path: Path) -> None:
    for _ in range(3):
        responses.post(URL, body=requests.ConnectionError("[Errno 111] Connection refused"))
    sleep = SleepRecorder()
    result = chain(sleep).synthesize(SENTENCE, tmp_path / "speech.audio")
    assert result.engine == "espeak"
    assert result.notes == ("gtts failed: could not connect to Google Translate after 3 tries",)
    assert len(sleep.delays) == 2


@responses.activate(registry=OrderedRegistry)
def test_reply_without_audio_leaves_no_file_and_falls_back(tmp_path: Path) -> None:
    responses.post(URL, body=batchexecute_body(None))
    responses.post(URL, body=')]}\'\n\n25\n[["e",4,null,null,25]]\n')
    out = tmp_path / "speech.mp3"
    with pytest.raises(SpeechError, match="without audio"):
        engine(SleepRecorder()).synthesize(SENTENCE, out)
    assert list(tmp_path.iterdir()) == []  # no empty file, no leftover temp file
    result = chain(SleepRecorder()).synthesize(SENTENCE, out)
    assert (result.engine, result.notes) == ("espeak", ("gtts failed: Google replied without audio",))


@responses.activate(registry=OrderedRegistry)
def test_failure_midway_keeps_the_previous_file_intact(tmp_path: Path, sentence_mp3: bytes) -> None:
    out = tmp_path / "speech.mp3"
    out.write_bytes(b"previous rendering")
    responses.post(URL, body=batchexecute_body(sentence_mp3))  # first piece fine
    responses.post(URL, status=400, body="Bad Request")  # second piece fails
    with pytest.raises(SpeechError, match="HTTP 400"):
        engine(SleepRecorder()).synthesize(LONG_TEXT, out)
    assert out.read_bytes() == b"previous rendering"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["speech.mp3"]


@responses.activate
def test_long_text_is_sent_in_pieces_cut_at_clause_ends(tmp_path: Path, sentence_mp3: bytes) -> None:
    responses.post(URL, body=batchexecute_body(sentence_mp3))
    engine(SleepRecorder()).synthesize(LONG_TEXT, tmp_path / "speech.mp3")
    pieces = spoken_pieces()
    assert len(pieces) > 2
    assert all(len(p) <= 100 for p in pieces)
    assert all(p[-1] in ".,;:" for p in pieces)
    assert " ".join(pieces) == LONG_TEXT


def test_split_packs_clauses_and_cuts_unpunctuated_text_at_spaces() -> None:
    assert split_for_gtts("Một, hai. Ba; bốn: năm.") == ["Một, hai. Ba; bốn: năm."]
    words = " ".join(["thông báo"] * 30)
    pieces = split_for_gtts(words)
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces) == words
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in pieces)
    assert split_for_gtts("x" * 250) == ["x" * 100, "x" * 100, "x" * 50]


@responses.activate(registry=OrderedRegistry)
def test_timeouts_are_retried_and_reported(tmp_path: Path, sentence_mp3: bytes) -> None:
    responses.post(URL, body=requests.ReadTimeout("read timed out"))
    responses.post(URL, body=requests.ConnectTimeout("connect timed out"))
    responses.post(URL, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(SpeechError, match="no reply within 7 s after 3 tries"):
        engine(SleepRecorder()).synthesize(SENTENCE, tmp_path / "speech.mp3")
    assert list(tmp_path.iterdir()) == []
