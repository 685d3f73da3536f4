"""Storing a station's airing records: verify, then write everything in one transaction.

Set-based on purpose (a province syncs 600 stations every few minutes): one query reads the
hashes the batch overlaps, one multi-row insert stores the records, one upsert per summary
table adds the day's sums. Nothing is written unless the whole batch is verified; a fork
writes only the flag on the station.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from broadcaster import signing
from broadcaster.hub import continuity, tally
from broadcaster.hub.auth import HubAPIError, public_key_of
from broadcaster.hub.tables import AiringRow, BulletinDayRow, DeliveryRow, ReceiptRow, StationDayRow, StationRow
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


def _check_head(station: StationRow, body: Mapping[str, Any], last_seq: int, last_hash: str) -> None:
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


def _held(session: Session, station: StationRow, first: int, last: int) -> dict[int, str]:
    top = min(last, station.head_count)
    held = {station.head_count: station.head_hash} if station.head_count else {}
    if top >= first - 1 and top >= 1:
        held |= dict(
            session.execute(
                select(AiringRow.seq, AiringRow.hash).where(
                    AiringRow.station_id == station.id, AiringRow.seq >= first - 1, AiringRow.seq <= top
                )
            ).all()
        )
    return held


def ingest(
    session: Session,
    station: StationRow,
    body: Mapping[str, Any],
    *,
    now: datetime,
    tz: tzinfo,
    key: Ed25519PrivateKey,
    max_records: int,
) -> Outcome:
    """Verify and store a batch (see continuity.py); the receipt, or the problem (a fork is flagged)."""
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
    last_hash = decision.new[-1].hash if decision.new else _held(session, station, last, last)[last]
    _check_head(station, body, last, last_hash)
    if decision.new:
        _store(session, station, decision.new, _sources(body), now, tz)
        station.head_count, station.head_hash = decision.head_count, decision.head_hash
        station.head_signature, station.head_signed_at = body.get("head_signature"), now
    cursor = body.get("cursor")
    if isinstance(cursor, int) and not isinstance(cursor, bool) and cursor >= 0:
        station.cursor = cursor
    station.last_contact_at = now
    return Outcome(_receipt(session, station, len(decision.new), now, key), None)


def _receipt(
    session: Session, station: StationRow, received: int, now: datetime, key: Ed25519PrivateKey
) -> dict[str, Any]:
    doc = protocol.receipt_doc(station.code, station.head_count, station.head_hash, received, now)
    signature = signing.sign(key, "receipt", doc)
    session.execute(
        insert(ReceiptRow).values(
            station_id=station.id,
            count=station.head_count,
            hash=station.head_hash,
            received=received,
            issued_at=now,
            signature=signature,
        )
    )
    return {"receipt": doc, "signature": signature}


def _store(
    session: Session,
    station: StationRow,
    new: Sequence[continuity.Checked],
    sources: dict[int, str],
    now: datetime,
    tz: tzinfo,
) -> None:
    rows = []
    for record in new:
        fields = tally.record_fields(record.doc)
        rows.append(
            {
                "station_id": station.id,
                "seq": record.seq,
                "hash": record.hash,
                "version": record.doc["v"],
                "scheduled_at": fields.scheduled_at,
                "status": fields.status[:16] if fields.status else None,
                "slot": fields.slot[:200] if fields.slot else None,
                "duration_ms": fields.duration_ms,
                "doc": json.dumps(record.doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                "received_at": now,
            }
        )
    session.execute(insert(AiringRow), rows)
    docs = [r.doc for r in new]
    candidates = tally.candidate_sources(docs, sources)
    delivered: set[str] = set()
    if candidates:
        delivered = set(
            session.scalars(
                select(DeliveryRow.bulletin_id).where(
                    DeliveryRow.station_id == station.id, DeliveryRow.bulletin_id.in_(candidates)
                )
            )
        )
    sums = tally.tally(docs, tz, sources, delivered)
    if sums.days:
        _add(
            session,
            StationDayRow.__table__,  # type: ignore[arg-type]
            ("station_id", "day"),
            [{"station_id": station.id, "day": day, **figures} for day, figures in sums.days.items()],
        )
    if sums.bulletins:
        _add(
            session,
            BulletinDayRow.__table__,  # type: ignore[arg-type]
            ("bulletin_id", "station_id", "day"),
            [
                {"bulletin_id": b, "station_id": station.id, "day": d, "airings": f[0], "partial": f[1], "ms": f[2]}
                for (b, d), f in sums.bulletins.items()
            ],
        )


def _add(session: Session, table: Table, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """Insert rows, or add their figures to the rows already there (one statement per table)."""
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    figures = [c for c in rows[0] if c not in keys]
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: table.c[c] + stmt.excluded[c] for c in figures}
    )
    session.execute(stmt, rows)
