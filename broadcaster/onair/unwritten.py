"""Airing records the database refused (a full disk, a database server down), never lost.

`UnwrittenRecords` keeps them in order and writes them as soon as the database
accepts again; `SpillFile` is a pre-allocated file that carries them across a stop.

When the disk is full the database cannot take the record of a bulletin that
just aired. Keeping it in memory is not enough: if the daemon stops before
space is freed, the record is lost, and the next start mislabels the airing
(interrupted by a crash) or airs its slot again (passed while off). So the
daemon reserves this file's blocks while there is room; a refused record is
written into the reserved space (no new blocks needed, fsynced), and the next
start writes it to the log before anything else looks at the log.

Layout: a magic line, then entries (8-byte length, 4-byte CRC-32, UTF-8 JSON),
ended by a zero length. A torn last entry (power cut mid-write) fails its CRC
and is ignored: it was never reported as kept.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcaster.airlog import AiredItem, AiringDraft, AiringRecord
from broadcaster.errors import StoreError

if TYPE_CHECKING:
    from broadcaster.service.context import Station

log = logging.getLogger(__name__)

MAGIC = b"broadcaster-unwritten-records v1\n"
SPILL_NAME = "unwritten-records.spill"
DEFAULT_SIZE = 4 << 20  # ~4,000 records: weeks of a full disk
_ENTRY_HEAD = struct.Struct("<QI")


class SpillFile:
    def __init__(self, path: Path, size: int = DEFAULT_SIZE) -> None:
        self.path = path
        self.size = size
        self._end = len(MAGIC)
        self._ready = False
        self._lock = threading.Lock()

    def reserve(self) -> bool:
        """Allocate the file's blocks now, while there is room; False (and a warning) if it cannot."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if os.fstat(fd).st_size < self.size:
                    os.posix_fallocate(fd, 0, self.size)
                head = os.pread(fd, len(MAGIC), 0)
                if head != MAGIC:
                    os.pwrite(fd, MAGIC + bytes(_ENTRY_HEAD.size), 0)
                    os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning(
                "cannot reserve %s for records a full disk refuses (%s); they are kept in memory only",
                self.path,
                exc.strerror,
            )
            return False
        self._end = len(MAGIC) + sum(len(raw) for raw in self._raw_entries())
        self._ready = True
        return True

    def add(self, entry: dict[str, Any]) -> bool:
        """Write `entry` into the reserved space and fsync it; False when it could not be kept."""
        if not self._ready:
            return False
        body = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        raw = _ENTRY_HEAD.pack(len(body), zlib.crc32(body)) + body
        with self._lock:
            if self._end + len(raw) + _ENTRY_HEAD.size > self.size:
                log.error("the file for unwritten records %s is full; this record is kept in memory only", self.path)
                return False
            try:
                fd = os.open(self.path, os.O_RDWR)
                try:
                    # the terminator first, then the entry over the old terminator: a torn write never
                    # leaves a valid-looking entry followed by garbage
                    os.pwrite(fd, bytes(_ENTRY_HEAD.size), self._end + len(raw))
                    os.pwrite(fd, raw, self._end)
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                log.error("could not keep an unwritten record in %s: %s", self.path, exc.strerror)
                return False
            self._end += len(raw)
        return True

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(raw[_ENTRY_HEAD.size :].decode("utf-8")) for raw in self._raw_entries()]

    def _raw_entries(self) -> list[bytes]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        if not data.startswith(MAGIC):
            return []
        found, at = [], len(MAGIC)
        while at + _ENTRY_HEAD.size <= len(data):
            length, crc = _ENTRY_HEAD.unpack_from(data, at)
            body = data[at + _ENTRY_HEAD.size : at + _ENTRY_HEAD.size + length]
            if length == 0 or len(body) < length or zlib.crc32(body) != crc:
                break
            found.append(data[at : at + _ENTRY_HEAD.size + length])
            at += _ENTRY_HEAD.size + length
        return found

    def clear(self) -> None:
        """Every kept record is in the log now: forget them (the space stays reserved)."""
        with self._lock:
            try:
                fd = os.open(self.path, os.O_RDWR)
            except FileNotFoundError:
                return
            try:
                os.pwrite(fd, bytes(_ENTRY_HEAD.size), len(MAGIC))
                os.fsync(fd)
            finally:
                os.close(fd)
            self._end = len(MAGIC)


# --- drafts as JSON ---------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def draft_to_json(draft: AiringDraft) -> dict[str, Any]:
    doc: dict[str, Any] = {k: getattr(draft, k) for k in AiringDraft.__dataclass_fields__ if k != "items"}
    for key in ("scheduled_at", "started_at", "ended_at"):
        doc[key] = _time(doc[key])
    doc["items"] = [
        {**{k: getattr(i, k) for k in AiredItem.__dataclass_fields__}, "approved_at": _time(i.approved_at)}
        for i in draft.items
    ]
    return doc


def draft_from_json(doc: dict[str, Any]) -> AiringDraft:
    items = tuple(AiredItem(**{**i, "approved_at": _parse_time(i["approved_at"])}) for i in doc["items"])
    times = {key: _parse_time(doc[key]) for key in ("scheduled_at", "started_at", "ended_at")}
    return AiringDraft(**{**doc, **times, "items": items})


# --- the buffer -------------------------------------------------------------


@dataclass
class _Waiting:
    draft: AiringDraft
    on_air_id: int | None
    count_aired: list[int]
    kept_on_disk: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"draft": draft_to_json(self.draft), "on_air_id": self.on_air_id, "count_aired": self.count_aired}


class UnwrittenRecords:
    """Appends airing records in airing order; what the database refuses waits here (and in the
    spill file) and goes first when it accepts again, so the chain keeps the order of the airings."""

    def __init__(self, station: Station, spill: SpillFile) -> None:
        self.station = station
        self.spill = spill
        self._waiting: list[_Waiting] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._waiting)

    def append(
        self, draft: AiringDraft, on_air_id: int | None = None, count_aired: Sequence[int] = ()
    ) -> AiringRecord | None:
        """The sealed record, or None when the database refused it (kept and written later)."""
        with self._lock:
            entry = _Waiting(draft, on_air_id, list(count_aired))
            self._waiting.append(entry)
            written = self._flush()
            return None if entry in self._waiting else written[-1]

    def flush(self) -> list[AiringRecord]:
        """Write the records kept back, oldest first; stops at the first refusal. Thread-safe."""
        with self._lock:
            return self._flush()

    def _flush(self) -> list[AiringRecord]:
        written: list[AiringRecord] = []
        spilled = any(e.kept_on_disk for e in self._waiting)
        while self._waiting:
            entry = self._waiting[0]
            try:
                written.append(self._write(entry))
            except StoreError as exc:
                log.error(
                    "the airing of %s at %s could not be logged (%s); kept and tried again, %d waiting",
                    entry.draft.slot,
                    entry.draft.scheduled_at,
                    exc,
                    len(self._waiting),
                )
                for waiting in self._waiting:
                    if not waiting.kept_on_disk:
                        waiting.kept_on_disk = self.spill.add(waiting.to_json())
                return written
            self._waiting.pop(0)
        if spilled:
            self.spill.clear()
        return written

    def _write(self, entry: _Waiting) -> AiringRecord:
        from broadcaster.store import airings as log_store

        with self.station.db.session() as session:
            return log_store.append(
                session, entry.draft, self.station.config.tz, on_air_id=entry.on_air_id, count_aired=entry.count_aired
            )

    def replay(self) -> int:
        """At start, before anything reads the log: take back what a stop left in the spill file and
        write it (a record that reached the log before the stop is not written twice). What the
        database still refuses stays waiting, in order, ahead of every new record."""
        from broadcaster.store import airings as log_store

        with self._lock:
            kept = [
                _Waiting(draft_from_json(doc["draft"]), doc.get("on_air_id"), list(doc["count_aired"]), True)
                for doc in self.spill.entries()
            ]
            with self.station.db.session() as session:
                kept = [entry for entry in kept if not log_store.has_airing(session, entry.draft)]
            self._waiting[:0] = kept
            written = self._flush()
        if kept:
            log.warning(
                "%d airing record(s) kept while the database refused them: %d written to the log now",
                len(kept),
                len(written),
            )
        return len(written)

    def pending_airings(self) -> Counter[int]:
        """Airings counted by records still waiting: the planner adds them, or an item would air
        again in every slot while the disk is full."""
        with self._lock:
            return Counter(item_id for e in self._waiting for item_id in e.count_aired)

    def pending_on_air_ids(self) -> set[int]:
        """On-air journal entries whose closing record is waiting here (not a crash to recover)."""
        with self._lock:
            return {e.on_air_id for e in self._waiting if e.on_air_id is not None}
