"""Lengths of cached renderings are remembered while their folder is unchanged, and found again when
the cache stores or discards a rendering there (by this process or another)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadcaster.speech import RenderCache
from broadcaster.speech import lengths as lengths_module
from broadcaster.speech.cache import RenderMeta
from broadcaster.speech.lengths import cached_lengths

NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
KEY_A = "ab" + "1" * 62
KEY_B = "ab" + "2" * 62  # the same folder as A
KEY_C = "cd" + "3" * 62


def store(cache: RenderCache, tmp_path: Path, key: str, seconds: float) -> None:
    audio = tmp_path / "speech.wav"
    audio.write_bytes(b"RIFF....WAVE")  # the records are read, never the audio
    cache.put(key, audio, RenderMeta("espeak", "vi", seconds, NOW))


def settle(cache: RenderCache) -> None:
    """As if the folders last changed a minute ago."""
    past = time.time() - 60
    for folder in cache.folder.iterdir():
        os.utime(folder, (past, past))


def test_lengths_come_from_the_records_and_are_remembered_until_the_folder_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = RenderCache(tmp_path / "cache")
    store(cache, tmp_path, KEY_A, 2.5)
    assert cached_lengths(cache, [KEY_A, KEY_B, KEY_C]) == {KEY_A: 2.5, KEY_B: None, KEY_C: None}
    settle(cache)
    assert cached_lengths(cache, [KEY_A, KEY_B]) == {KEY_A: 2.5, KEY_B: None}
    reads: list[str] = []
    real = lengths_module._read_length
    monkeypatch.setattr(lengths_module, "_read_length", lambda c, k: reads.append(k) or real(c, k))
    assert cached_lengths(cache, [KEY_A, KEY_B]) == {KEY_A: 2.5, KEY_B: None}
    assert reads == []  # a settled folder: its records are not read again
    # another process stores B beside A: the folder's mtime moves, both are read again
    store(cache, tmp_path, KEY_B, 4.0)
    assert cached_lengths(cache, [KEY_A, KEY_B]) == {KEY_A: 2.5, KEY_B: 4.0}
    assert sorted(reads) == [KEY_A, KEY_B]
    # a damaged rendering discarded (or deleted by hand) is missed at once, settled or not
    settle(cache)
    assert cached_lengths(cache, [KEY_A, KEY_B]) == {KEY_A: 2.5, KEY_B: 4.0}
    cache.meta_path(KEY_A).unlink()
    assert cached_lengths(cache, [KEY_A, KEY_B]) == {KEY_A: None, KEY_B: 4.0}


def test_a_folder_changed_within_the_last_seconds_is_read_each_time(tmp_path: Path) -> None:
    """Its mtime could hide a second change in the same tick of the file system's clock."""
    cache = RenderCache(tmp_path / "cache")
    store(cache, tmp_path, KEY_A, 2.5)
    assert cached_lengths(cache, [KEY_A]) == {KEY_A: 2.5}
    folder = cache.meta_path(KEY_A).parent
    mtime = folder.stat().st_mtime_ns
    # rewritten in place, the folder's mtime set back as a coarse clock would leave it
    cache.meta_path(KEY_A).write_text('{"duration_s": 9.0}', encoding="utf-8")
    os.utime(folder, ns=(mtime, mtime))
    assert cached_lengths(cache, [KEY_A]) == {KEY_A: 9.0}
