"""Storing a station's airing records: verify, then write everything in one transaction.

Set-based on purpose (a province syncs 600 stations every few minutes): one query reads the
hashes the batch overlaps, one multi-row insert stores the records, one upsert per summary
table adds the day's sums. Nothing is written unless the whole batch is verified; a fork
writes only the flag on the station.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, tzinfo
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster import signing
from broadcaster.hub import bulk, continuity, tally
from broadcaster.hub.auth import HubAPIError, public_key_of, signer_of
from broadcaster.hub.tables import (
    AiringRow,
    BulletinDayRow,
    DeliveryRow,
    StationDayRow,
    table,
)
from broadcaster.hublink import protocol
from broadcaster.i18n import _


@dataclass(frozen=True)
class Outcome:
    receipt: dict[str, Any] | None
    problem: continuity.Problem | None


def _sources(body: Mapping[str, Any]) -> dict[int, str]:
    raw = body.get("sources")
    if not isinstance(raw, dict):
        return {}
    return {int(k): v for k, v in raw.items() if isinstance(k, str) and k.isdigit() and isinstance(v, str)}


def _check_head(station: LockedStation, body: Mapping[str, Any], last_seq: int, last_hash: str) -> None:
    head, signature = body.get("head"), body.get("head_signature")
    if (
        not isinstance(head, dict)
        or head.get("station") != station.code
        or head.get("count") != last_seq
        or head.get("hash") != last_hash
        or protocol.parse_timestamp(head.get("signed_at")) is None
    ):
        raise HubAPIError(
            422,
            "head",
            _("The signed chain head does not name the batch's last airing (#{seq}).").format(seq=last_seq),
        )
    if not signing.verify(public_key_of(station.public_key), "chain-head", head, signature):
        raise HubAPIError(
            422, "head", _("The chain head is not signed with station {code}'s key.").format(code=station.code)
        )


def _held(session: Session, station: LockedStation, first: int, last: int) -> dict[int, str]:
    """The hashes the batch must be checked against: the head and the one before it from the
    station's row (no query when the batch starts at or after the head, as every sync does)."""
    held: dict[int, str] = {}
    if station.head_count:
        held[station.head_count] = station.head_hash
        held[station.head_count - 1] = station.head_prev_hash
    wanted = [seq for seq in range(max(first - 1, 1), min(last, station.head_count) + 1) if seq not in held]
    if wanted:
        held |= dict(
            session.execute(
                select(AiringRow.seq, AiringRow.hash).where(
                    AiringRow.station_id == station.id, AiringRow.seq >= wanted[0], AiringRow.seq <= wanted[-1]
                )
            ).all()
        )
    return held


@dataclass(slots=True)
class LockedStation:
    """A station's row as read (locked) for a push, changed by `verify`, written back with its group."""

    id: int
    code: str
    public_key: str
    head_count: int
    head_hash: str
    head_prev_hash: str
    head_signature: str | None
    head_signed_at: datetime | None
    receipt_signature: str | None
    receipt_issued_at: datetime | None
    receipt_received: int | None
    cursor: int
    last_contact_at: datetime | None
    clock_offset_ms: int | None
    problem: str | None
    problem_at: datetime | None
    problem_seq: int | None


READ = tuple(f.name for f in fields(LockedStation))
WRITTEN = READ[3:]  # all but id, code and public_key


@dataclass(frozen=True)
class Batch:
    """A verified batch waiting to be stored with the rest of its group."""

    station_id: int
    new: list[continuity.Checked]
    sources: dict[int, str]
    cursor: int  # the deliveries the station has fetched: only those can it have aired


def verify(
    session: Session,
    station: LockedStation,
    body: Mapping[str, Any],
    *,
    now: datetime,
    key: Ed25519PrivateKey,
    max_records: int,
    batches: list[Batch],
) -> Outcome:
    """Check a batch (see continuity.py) against the station's locked row and update the row: the
    receipt, or the problem (a fork is flagged). The new records go to `batches`, for `store` to
    write in the same transaction (with other stations' when grouped)."""
    entries = body.get("records")
    if isinstance(entries, list) and len(entries) > max_records:
        raise HubAPIError(
            413,
            "too_many",
            _("Send at most {n} records per request.").format(n=max_records),
            extra={"max": max_records},
        )
    parsed, problem = continuity.parse_entries(entries)
    if problem is not None:
        return Outcome(None, problem)
    first, last = parsed[0][0], parsed[-1][0]
    decision = continuity.check_batch(parsed, station.head_count, _held(session, station, first, last))
    if decision.problem is not None:
        if decision.problem.flag:
            station.problem, station.problem_at, station.problem_seq = (
                decision.problem.message,
                now,
                decision.problem.seq,
            )
        return Outcome(None, decision.problem)
    _check_head(station, body, last, decision.last_hash)
    cursor = body.get("cursor")
    if isinstance(cursor, int) and not isinstance(cursor, bool) and cursor >= 0:
        station.cursor = cursor
    if decision.new:
        batches.append(Batch(station.id, decision.new, _sources(body), station.cursor))
        station.head_count, station.head_hash = decision.head_count, decision.head_hash
        station.head_prev_hash = decision.head_prev
        station.head_signature, station.head_signed_at = body.get("head_signature"), now
    station.last_contact_at = now
    return Outcome(_receipt(station, len(decision.new), now, key), None)


def _receipt(station: LockedStation, received: int, now: datetime, key: Ed25519PrivateKey) -> dict[str, Any]:
    doc = protocol.receipt_doc(station.code, station.head_count, station.head_hash, received, now)
    signature = signer_of(key).sign("receipt", doc)
    # Kept on the station's row (updated anyway): the station keeps every receipt, the hub its last.
    station.receipt_signature, station.receipt_issued_at, station.receipt_received = signature, now, received
    return {"receipt": doc, "signature": signature}


def store(session: Session, batches: Sequence[Batch], now: datetime, tz: tzinfo) -> list[bulk.Rows]:
    """What to write for verified batches (one per station at most), for `bulk.write` to send with the
    stations' rows: every record, and each summary table's sums to add. Queries only for bulletins
    not yet known to be delivered."""
    if not batches:
        return []
    # Column by column (the way bulk sends them), each record's fields read once for its row and its sums.
    columns: dict[str, list[Any]] = {c: [] for c in _AIRING_COLUMNS}
    read = []
    for batch in batches:
        fields_of = [tally.record_fields(record.doc) for record in batch.new]
        read.append(fields_of)
        for record, read_fields in zip(batch.new, fields_of, strict=True):
            columns["station_id"].append(batch.station_id)
            columns["seq"].append(record.seq)
            columns["hash"].append(record.hash)
            columns["version"].append(record.doc["v"])
            columns["scheduled_at"].append(read_fields.scheduled_at)
            columns["status"].append(read_fields.status[:16] if read_fields.status else None)
            columns["slot"].append(read_fields.slot[:200] if read_fields.slot else None)
            columns["duration_ms"].append(read_fields.duration_ms)
            columns["doc"].append(bulk.Utf8(record.canonical))
    candidates = {b.station_id: tally.candidate_sources([r.doc for r in b.new], b.sources) for b in batches}
    delivered = _delivered(session, candidates, {b.station_id: b.cursor for b in batches})
    days: list[dict[str, Any]] = []
    aired: list[dict[str, Any]] = []
    for batch, fields_of in zip(batches, read, strict=True):
        docs = [r.doc for r in batch.new]
        sums = tally.tally(docs, tz, batch.sources, delivered[batch.station_id], fields_of)
        days += [{"station_id": batch.station_id, "day": day, **figures} for day, figures in sums.days.items()]
        aired += [
            {"bulletin_id": b, "station_id": batch.station_id, "day": d, "airings": f[0], "partial": f[1], "ms": f[2]}
            for (b, d), f in sums.bulletins.items()
        ]
    return [
        bulk.Rows(table(AiringRow), columns, constants={"received_at": now}),
        bulk.Rows(table(StationDayRow), _by_column(days), keys=("station_id", "day"), add=True),
        bulk.Rows(table(BulletinDayRow), _by_column(aired), keys=_BULLETIN_DAY_KEYS, add=True),
    ]


_BULLETIN_DAY_KEYS = ("bulletin_id", "station_id", "day")


def _by_column(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {c: [row[c] for row in rows] for c in rows[0]} if rows else {}


_AIRING_COLUMNS = ("station_id", "seq", "hash", "version", "scheduled_at", "status", "slot", "duration_ms", "doc")


# Deliveries are only ever added and a station's cursor only moves on, so a bulletin once seen
# fetched by a station stays so: remembering them spares a query per sync (each process keeps its
# own; a miss asks the database).
_DELIVERED: dict[int, set[str]] = {}
_DELIVERED_LOCK = threading.Lock()


def _delivered(session: Session, candidates: Mapping[int, set[str]], cursors: Mapping[int, int]) -> dict[int, set[str]]:
    """Per station, which of its `candidates` (bulletin ids its records name) it fetched: addressed
    to it, and at or before its cursor. A record naming a bulletin the station never fetched (copied
    from another commune's log, or made up) is not credited to it. One query for the whole group,
    and none once every candidate is known."""
    with _DELIVERED_LOCK:
        known = {station_id: set(_DELIVERED.get(station_id, ())) for station_id in candidates}
    missing = {(s, b) for s, wanted in candidates.items() for b in wanted - known[s]}
    if missing:
        found = session.execute(
            select(DeliveryRow.station_id, DeliveryRow.bulletin_id, DeliveryRow.id).where(
                DeliveryRow.station_id.in_(sorted({s for s, _b in missing})),
                DeliveryRow.bulletin_id.in_(sorted({b for _s, b in missing})),
            )
        ).all()
        with _DELIVERED_LOCK:
            for station_id, bulletin_id, delivery in found:
                if delivery <= cursors[station_id]:
                    _DELIVERED.setdefault(station_id, set()).add(bulletin_id)
                    known[station_id].add(bulletin_id)
    return {s: wanted & known[s] for s, wanted in candidates.items()}
