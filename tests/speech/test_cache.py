from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadcaster.errors import SpeechError
from broadcaster.media.mastering import MasteringSettings
from broadcaster.speech import EspeakEngine, FallbackChain, RenderCache, cache_key, render
from broadcaster.speech.cache import RenderMeta
from tests.speech.helpers import SENTENCE, wav_info

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW

    def monotonic(self) -> float:
        return 0.0

    def sleep(self, seconds: float) -> None:
        pass


class CountingEngine:
    """Real espeak-ng, counting how often it is asked to speak."""

    def __init__(self, voice: str = "vi") -> None:
        self.inner = EspeakEngine(voice=voice)
        self.name, self.voice = "espeak", voice
        self.calls = 0

    @property
    def settings(self) -> Mapping[str, object]:
        return self.inner.settings

    def synthesize(self, text: str, out_path: Path) -> None:
        self.calls += 1
        self.inner.synthesize(text, out_path)


class OfflineEngine:
    name, voice = "gtts", "vi"

    @property
    def settings(self) -> Mapping[str, object]:
        return {"tld": "com"}

    def synthesize(self, text: str, out_path: Path) -> None:
        raise SpeechError("could not connect to Google Translate after 3 tries")


def test_second_render_is_a_hit_without_synthesizing(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = RenderCache(tmp_path / "cache")
    first = render(SENTENCE, FallbackChain([engine]), MasteringSettings(), cache, clock=FixedClock())
    second = render(SENTENCE, FallbackChain([engine]), MasteringSettings(), cache, clock=FixedClock())
    assert engine.calls == 1
    assert second == first
    assert (first.engine, first.voice, first.created) == ("espeak", "vi", NOW)
    assert wav_info(first.path)[:3] == (1, 2, 44100)
    assert first.duration_s == pytest.approx(wav_info(first.path)[3], abs=0.01)
    # nothing but the entry itself is left in the cache folder
    assert sorted(p.name for p in first.path.parent.iterdir()) == sorted([first.path.name, f"{first.path.stem}.json"])


def test_damaged_file_is_deleted_and_rendered_again(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = RenderCache(tmp_path / "cache")
    first = render(SENTENCE, FallbackChain([engine]), MasteringSettings(), cache)
    data = bytearray(first.path.read_bytes())
    data[5000] ^= 0xFF  # one flipped byte: still a playable WAV, but not the one we rendered
    first.path.write_bytes(bytes(data))
    key = cache_key(SENTENCE, [engine], MasteringSettings())
    assert cache.get(key) is None
    assert not first.path.exists() and not first.path.with_suffix(".json").exists()
    again = render(SENTENCE, FallbackChain([engine]), MasteringSettings(), cache)
    assert engine.calls == 2
    assert again.sha256 == first.sha256  # espeak and the mastering chain are deterministic


def test_missing_or_garbled_sidecar_is_a_miss(tmp_path: Path, sentence_wav: Path) -> None:
    cache = RenderCache(tmp_path)
    key = "a" * 64
    cache.put(key, sentence_wav, RenderMeta("espeak", "vi", 3.0, NOW))
    assert cache.get(key) is not None
    cache.meta_path(key).write_text("{not json", encoding="utf-8")
    assert cache.get(key) is None
    cache.put(key, sentence_wav, RenderMeta("espeak", "vi", 3.0, NOW))
    cache.audio_path(key).unlink()
    assert cache.get(key) is None


def test_fallback_notes_are_kept_with_the_cached_audio(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    chain = FallbackChain([OfflineEngine(), EspeakEngine()])
    render(SENTENCE, chain, MasteringSettings(), cache)
    hit = render(SENTENCE, chain, MasteringSettings(), cache)
    assert hit.engine == "espeak"
    assert hit.fallback_notes == ("gtts failed: could not connect to Google Translate after 3 tries",)
    sidecar = json.loads(hit.path.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["sha256"] == hit.sha256 and sidecar["engine"] == "espeak"


def test_key_changes_with_everything_that_changes_the_sound() -> None:
    espeak = EspeakEngine()
    base = cache_key(SENTENCE, [espeak], MasteringSettings())
    assert cache_key(unicodedata.normalize("NFD", SENTENCE), [espeak], MasteringSettings()) == base
    others = {
        cache_key(SENTENCE + " ", [espeak], MasteringSettings()),  # whitespace around is not spoken
        cache_key(SENTENCE, [EspeakEngine(voice="vi-vn-x-south")], MasteringSettings()),
        cache_key(SENTENCE, [EspeakEngine(speed_wpm=120)], MasteringSettings()),
        cache_key(SENTENCE, [espeak], replace(MasteringSettings(), loudness_lufs=-18)),
        cache_key(SENTENCE, [espeak], MasteringSettings(), format_version=2),
        cache_key(SENTENCE + "!", [espeak], MasteringSettings()),
    }
    assert base in others  # only the stripped-whitespace variant shares the key
    assert len(others) == 6


def test_put_refuses_naive_times(tmp_path: Path, sentence_wav: Path) -> None:
    with pytest.raises(ValueError, match="aware"):
        RenderCache(tmp_path).put("b" * 64, sentence_wav, RenderMeta("espeak", "vi", 1.0, datetime(2026, 1, 1)))


class FlakyOnlineEngine:
    """Stands for gTTS: offline until `online` is set, then speaking (with espeak's voice, to stay offline)."""

    name, voice = "gtts", "vi"

    def __init__(self) -> None:
        self.online = False
        self.inner = EspeakEngine(speed_wpm=120)

    @property
    def settings(self) -> Mapping[str, object]:
        return {"tld": "com"}

    def synthesize(self, text: str, out_path: Path) -> None:
        if not self.online:
            raise SpeechError("could not connect to Google Translate after 3 tries")
        self.inner.synthesize(text, out_path)


def test_fallback_speech_is_replaced_once_the_first_voice_is_back(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    online = FlakyOnlineEngine()
    chain = FallbackChain([online, EspeakEngine()])
    offline_render = render(SENTENCE, chain, MasteringSettings(), cache)
    assert offline_render.engine == "espeak" and offline_render.fallback_notes
    # still offline: the retry keeps the cached audio, never leaving the item without speech
    kept = render(SENTENCE, chain, MasteringSettings(), cache, retry_fallback=True)
    assert kept == offline_render and kept.path.exists()
    online.online = True
    assert render(SENTENCE, chain, MasteringSettings(), cache) == offline_render  # a plain hit does not retry
    fresh = render(SENTENCE, chain, MasteringSettings(), cache, retry_fallback=True)
    assert (fresh.engine, fresh.fallback_notes) == ("gtts", ())
    assert fresh.sha256 != offline_render.sha256
    assert render(SENTENCE, chain, MasteringSettings(), cache) == fresh
