"""How long each cached rendering is, read from the render cache's small records and remembered.

The pages that show the programme ask for the length of every live item's speech (a title and a
text for each of a thousand items) on every request; a stat() and a path built for each record was
half the schedule page's time. A record changes only when the cache stores or discards a rendering,
and both create, rename or unlink files in the record's folder (`RenderCache.shard`), which moves that
folder's modification time, whichever process did it (the daemon renders ahead, the console reads).
So a length, or its absence, is remembered with the folder's mtime and looked up again only when
the folder has changed: one stat() per folder (at most 256) instead of one per rendering.

A folder changed in the last few seconds is not trusted yet (as git treats its "racy" index
entries): a file system keeps times in coarse ticks, so a second change within the same tick would
leave the mtime as it was. Its records are read each time until the folder has settled.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable

from broadcaster.speech.cache import RenderCache

SETTLED_NS = 3_000_000_000  # a folder unchanged this long has no change hidden in its mtime's tick
MAX_REMEMBERED = 50_000  # renderings; forgotten all at once beyond (a text edited is a new key)

# (cache folder, key) -> (mtime of the key's folder when read, seconds or None when not cached)
_found: dict[tuple[str, str], tuple[int, float | None]] = {}


def cached_lengths(cache: RenderCache, keys: Iterable[str]) -> dict[str, float | None]:
    """The length in seconds of each key's cached rendering, from its record (no audio is read or
    hashed); None when the cache has none."""
    root = str(cache.folder)
    by_folder: dict[str, list[str]] = {}
    for key in keys:
        by_folder.setdefault(cache.shard(key), []).append(key)
    now = time.time_ns()
    lengths: dict[str, float | None] = {}
    for shard, shard_keys in by_folder.items():
        try:
            mtime = os.stat(os.path.join(root, shard)).st_mtime_ns
        except OSError:  # no rendering in this folder yet (or the cache is not there)
            lengths.update(dict.fromkeys(shard_keys))
            continue
        settled = now - mtime > SETTLED_NS
        for key in shard_keys:
            known = _found.get((root, key)) if settled else None
            if known is not None and known[0] == mtime:
                lengths[key] = known[1]
                continue
            lengths[key] = seconds = _read_length(cache, key)
            if settled:
                if len(_found) >= MAX_REMEMBERED:
                    _found.clear()
                _found[(root, key)] = (mtime, seconds)
    return lengths


def _read_length(cache: RenderCache, key: str) -> float | None:
    try:
        record = json.loads(cache.meta_path(key).read_text(encoding="utf-8"))
        return float(record["duration_s"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
