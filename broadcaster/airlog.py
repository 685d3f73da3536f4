"""The airing log: append-only, hash-chained records of what went out on the loudspeakers.

Each record's hash is sha256(prev_hash + canonical bytes of the record), so editing,
deleting, inserting or reordering records breaks the chain. The newest records can be
deleted without breaking it; that is caught by comparing with a `ChainHead` (count and
hash) printed on an earlier report.

The canonical bytes do not depend on how a database hands values back: datetimes are
written in UTC with microseconds whatever their tzinfo, seconds as integer milliseconds,
strings in NFC. `seal` stores the already-normalised values in the record, so the store
can save exactly what was hashed (PostgreSQL keeps microseconds, SQLite keeps what it is
given). Datetimes must be aware; SQLite hands back naive ones, which the store must mark
as UTC before building records.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from broadcaster.canonical_json import dump_canonical
from broadcaster.errors import InputError
from broadcaster.i18n import _

GENESIS = "0" * 64
# Version 2 adds, per item, what kind of audio it was (speech or a recording), its language, the
# district bulletin it came from, and its audio's SHA-256s; per airing, the relay block. Records
# sealed as version 1 keep their version-1 bytes, so every old log still verifies.
CANONICAL_VERSION = 2
# relay: a relayed programme (tiếp sóng); outage: one record for a stretch the station was off;
# clock: the computer's clock was found wrong
KINDS = ("slot", "emergency", "relay", "outage", "clock")
ITEM_KINDS = ("speech", "recording")
STATUSES = ("completed", "interrupted", "failed", "missed", "empty")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class AiredItem:
    """One news item inside an airing; offset is from the start of the bulletin."""

    item_id: int
    title: str
    topic: str
    priority: str
    offset_seconds: float
    duration_seconds: float
    engine: str
    voice: str
    approved_by: str | None
    approved_at: datetime | None
    completed: bool
    kind: str = "speech"  # speech | recording
    language: str = "vie"  # ISO 639-3
    source_id: str | None = None  # the district bulletin it came from
    original_sha256: str | None = None  # a recording: the file as received, byte for byte
    audio_sha256: str | None = None  # the mastered audio of the item's main part


@dataclass(frozen=True, slots=True)
class AiringDraft:
    """An airing before it is sealed into the chain."""

    slot: str
    kind: str
    scheduled_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: float
    status: str
    reason: str | None
    output: str
    device: str
    amplifier: str
    audio_sha256: str | None
    exemption: str | None
    items: tuple[AiredItem, ...] = ()
    relay: Mapping[str, Any] | None = None  # a relay's stream, segments (relay/fallback/silence) and seconds


@dataclass(frozen=True, slots=True)
class AiringRecord:
    """A sealed airing. `duration_seconds` is how long the bulletin was actually on air."""

    seq: int
    slot: str
    kind: str
    scheduled_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: float
    status: str
    reason: str | None
    output: str
    device: str
    amplifier: str
    audio_sha256: str | None
    exemption: str | None
    items: tuple[AiredItem, ...]
    prev_hash: str
    hash: str
    relay: Mapping[str, Any] | None = None
    version: int = CANONICAL_VERSION  # of the canonical form it was sealed in


@dataclass(frozen=True, slots=True)
class ChainHead:
    """What a report prints so that later truncation of the log can be detected."""

    hash: str
    count: int

    def __str__(self) -> str:
        return f"{self.count}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> ChainHead:
        return parse_chain_head(text)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    count: int
    head_hash: str
    first_bad_seq: int | None
    problem: str | None


def parse_chain_head(text: str, typed: str | None = None) -> ChainHead:
    """Parse the `<count>:<hash>` code printed on a report; a refusal quotes `typed`, what the user typed, if given."""
    count_text, sep, hash_text = text.strip().partition(":")
    hash_text = hash_text.strip().lower()
    if not sep or not count_text.strip().isdigit() or not _HEX64.match(hash_text):
        raise InputError(
            _("'{code}' is not a log verification code.").format(code=(text if typed is None else typed).strip()),
            _(
                "Copy it exactly as printed on the report: the number of airings, a colon, "
                "then 64 letters and digits, e.g. 120:3fa9..."
            ),
        )
    return ChainHead(hash=hash_text, count=int(count_text))


# --- canonical form -------------------------------------------------------


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()} in the airing log; attach tzinfo=UTC first")
    return dt.astimezone(UTC)


def _ts(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return _utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ms(seconds: float) -> int:
    if not math.isfinite(seconds):
        raise ValueError(f"seconds must be finite, got {seconds!r}")
    return round(seconds * 1000)


def _nfc(text: str | None) -> str | None:
    return None if text is None else unicodedata.normalize("NFC", text)


def _item_canon(item: AiredItem, version: int) -> dict[str, Any]:
    doc = {
        "item_id": item.item_id,
        "title": _nfc(item.title),
        "topic": _nfc(item.topic),
        "priority": _nfc(item.priority),
        "offset_ms": _ms(item.offset_seconds),
        "duration_ms": _ms(item.duration_seconds),
        "engine": _nfc(item.engine),
        "voice": _nfc(item.voice),
        "approved_by": _nfc(item.approved_by),
        "approved_at": _ts(item.approved_at),
        "completed": bool(item.completed),
    }
    if version >= 2:
        doc |= {
            "kind": _nfc(item.kind),
            "language": _nfc(item.language),
            "source_id": _nfc(item.source_id),
            "original_sha256": _nfc(item.original_sha256),
            "audio_sha256": _nfc(item.audio_sha256),
        }
    return doc


def relay_canon(relay: Mapping[str, Any] | None) -> Any:
    """A relay block as canonical JSON data: texts in NFC, keys sorted when dumped."""
    if relay is None:
        return None
    return json.loads(unicodedata.normalize("NFC", json.dumps(relay, sort_keys=True, ensure_ascii=False)))


def canonical_doc(record: AiringRecord) -> dict[str, Any]:
    """The document `canonical_bytes` serialises: what a station sends the district hub for each record."""
    doc = {
        "v": record.version,
        "seq": record.seq,
        "slot": _nfc(record.slot),
        "kind": _nfc(record.kind),
        "scheduled_at": _ts(record.scheduled_at),
        "started_at": _ts(record.started_at),
        "ended_at": _ts(record.ended_at),
        "duration_ms": _ms(record.duration_seconds),
        "status": _nfc(record.status),
        "reason": _nfc(record.reason),
        "output": _nfc(record.output),
        "device": _nfc(record.device),
        "amplifier": _nfc(record.amplifier),
        "audio_sha256": _nfc(record.audio_sha256),
        "exemption": _nfc(record.exemption),
        "items": [_item_canon(item, record.version) for item in record.items],
    }
    if record.version >= 2:
        doc["relay"] = relay_canon(record.relay)
    return doc


def canonical_bytes(record: AiringRecord) -> bytes:
    """The bytes that are hashed: every field except `hash` and `prev_hash` (which prefixes them)."""
    return dump_canonical(canonical_doc(record))


def hash_canonical(prev_hash: str, doc: dict[str, Any]) -> str:
    """The hash of a record given as its canonical document (any canonical version) after `prev_hash`.

    The district hub verifies records this way, from the documents stations send, without
    needing to understand every field of every version."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(dump_canonical(doc))
    return digest.hexdigest()


def record_hash(record: AiringRecord) -> str:
    """The hash a record should carry given its contents and `prev_hash`."""
    return hash_canonical(record.prev_hash, canonical_doc(record))


def _norm_dt(dt: datetime | None) -> datetime | None:
    return None if dt is None else _utc(dt)


def _norm_seconds(seconds: float) -> float:
    return _ms(seconds) / 1000


def _norm_item(item: AiredItem) -> AiredItem:
    return AiredItem(
        item_id=item.item_id,
        title=unicodedata.normalize("NFC", item.title),
        topic=unicodedata.normalize("NFC", item.topic),
        priority=unicodedata.normalize("NFC", item.priority),
        offset_seconds=_norm_seconds(item.offset_seconds),
        duration_seconds=_norm_seconds(item.duration_seconds),
        engine=unicodedata.normalize("NFC", item.engine),
        voice=unicodedata.normalize("NFC", item.voice),
        approved_by=_nfc(item.approved_by),
        approved_at=_norm_dt(item.approved_at),
        completed=bool(item.completed),
        kind=unicodedata.normalize("NFC", item.kind),
        language=unicodedata.normalize("NFC", item.language),
        source_id=_nfc(item.source_id),
        original_sha256=_nfc(item.original_sha256),
        audio_sha256=_nfc(item.audio_sha256),
    )


def seal(draft: AiringDraft, prev_hash: str, seq: int, version: int = CANONICAL_VERSION) -> AiringRecord:
    """Chain a draft after `prev_hash` as record number `seq` (the first record is 1, after GENESIS).

    The returned record holds normalised values (UTC datetimes, seconds rounded to the
    millisecond, NFC text): store exactly these and verification will pass after a round trip.
    """
    if draft.kind not in KINDS:
        raise ValueError(f"airing kind must be one of {KINDS}, got {draft.kind!r}")
    if draft.status not in STATUSES:
        raise ValueError(f"airing status must be one of {STATUSES}, got {draft.status!r}")
    if not _HEX64.match(prev_hash):
        raise ValueError(f"prev_hash must be 64 lowercase hex digits, got {prev_hash!r}")
    if seq < 1:
        raise ValueError(f"seq starts at 1, got {seq}")
    scheduled = _utc(draft.scheduled_at)
    record = AiringRecord(
        seq=seq,
        slot=unicodedata.normalize("NFC", draft.slot),
        kind=draft.kind,
        scheduled_at=scheduled,
        started_at=_norm_dt(draft.started_at),
        ended_at=_norm_dt(draft.ended_at),
        duration_seconds=_norm_seconds(draft.duration_seconds),
        status=draft.status,
        reason=_nfc(draft.reason),
        output=unicodedata.normalize("NFC", draft.output),
        device=unicodedata.normalize("NFC", draft.device),
        amplifier=unicodedata.normalize("NFC", draft.amplifier),
        audio_sha256=_nfc(draft.audio_sha256),
        exemption=_nfc(draft.exemption),
        items=tuple(_norm_item(item) for item in draft.items),
        prev_hash=prev_hash,
        hash="",
        relay=relay_canon(draft.relay),
        version=version,  # an older version only to rebuild logs written before it (tests, migrations)
    )
    return replace(record, hash=record_hash(record))


# --- verification ---------------------------------------------------------


def _bad(count: int, head_hash: str, seq: int, problem: str) -> VerifyResult:
    return VerifyResult(ok=False, count=count, head_hash=head_hash, first_bad_seq=seq, problem=problem)


def verify_chain(records: Iterable[AiringRecord], head: ChainHead | None = None) -> VerifyResult:
    """Check records given in log order (by seq), stopping at the first problem.

    With `head` (as printed on an earlier report), also check that the log still reaches
    that record with that hash, which catches the newest records being deleted.
    On success `count` is the number of records and `head_hash` the last hash.
    """
    rows = list(records)
    seen_seqs = {r.seq for r in rows}
    prev = GENESIS
    expected = 1
    for index, rec in enumerate(rows):
        if rec.seq != expected:
            if rec.seq < expected:
                if any(other.seq == rec.seq for other in rows[:index]):
                    problem = f"Airing #{rec.seq} appears twice in the log: a record was inserted or copied."
                else:
                    problem = f"Airing #{rec.seq} is out of order: the records were reordered."
                return _bad(index, prev, rec.seq, problem)
            if expected in seen_seqs:
                problem = f"Airing #{rec.seq} comes where airing #{expected} should be: the records were reordered."
                return _bad(index, prev, expected, problem)
            missing = f"#{expected}" if rec.seq == expected + 1 else f"#{expected} to #{rec.seq - 1}"
            problem = f"Airing {missing} is missing from the log: it was deleted."
            return _bad(index, prev, expected, problem)
        if record_hash(rec) != rec.hash:
            problem = f"Airing #{rec.seq} was changed after it was written (its hash does not match its contents)."
            return _bad(index, prev, rec.seq, problem)
        if rec.prev_hash != prev:
            before = "the start of the log" if rec.seq == 1 else f"airing #{rec.seq - 1}"
            problem = (
                f"Airing #{rec.seq} is not linked to {before} (its previous-hash does not match): "
                "records were deleted, inserted or rewritten before it."
            )
            return _bad(index, prev, rec.seq, problem)
        prev = rec.hash
        expected += 1
    count = len(rows)
    if head is not None:
        at_head = _check_head(rows, head)
        if at_head is not None:
            return _bad(count, prev, min(head.count, count + 1) or 1, at_head)
    return VerifyResult(ok=True, count=count, head_hash=prev, first_bad_seq=None, problem=None)


def _check_head(rows: list[AiringRecord], head: ChainHead) -> str | None:
    at = rows[head.count - 1].hash if 0 < head.count <= len(rows) else (GENESIS if head.count == 0 else None)
    return head_problem(len(rows), at, head)


def head_problem(count: int, hash_at_head: str | None, head: ChainHead) -> str | None:
    """What is wrong with a log of `count` airings whose airing #head.count has `hash_at_head`
    (GENESIS for count 0; None when the log is shorter), given the code printed on an earlier report."""
    if head.count > count:
        deleted = f"#{count + 1}" if head.count == count + 1 else f"#{count + 1} to #{head.count}"
        return (
            f"The log has only {count} airings but an earlier report counted {head.count}: "
            f"the newest airings ({deleted}) were deleted."
        )
    if hash_at_head != head.hash.lower():
        where = f"Airing #{head.count}" if head.count > 0 else "The start of the log"
        return (
            f"{where} does not match the verification code printed on an earlier report ({head}): "
            "the log was rewritten up to that point."
        )
    return None
