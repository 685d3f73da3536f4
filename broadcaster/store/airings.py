"""Queries on the airing log, the on-air journal and emergency requests.

The log is append-only: records are inserted, never updated or deleted. The
next sequence number is the primary key, so two writers racing to append the
same number cannot both succeed; the loser's transaction rolls back whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from functools import partial
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from broadcaster.airlog import GENESIS, AiringDraft, AiringRecord, ChainHead, VerifyResult, seal
from broadcaster.airlog_verify import AIRING_COLUMNS, ITEM_COLUMNS, ITEM_SEQ, ChainScan, RawAiring, RawItem
from broadcaster.errors import NotFoundError
from broadcaster.i18n import _
from broadcaster.reports.log_days import OnRecord
from broadcaster.store import sealed_sqlite, summary
from broadcaster.store.airing_rows import airing_row, item_rows, to_record
from broadcaster.store.plain import fetch, plain_time
from broadcaster.store.tables import (
    AiredItemRow,
    AiringRow,
    EmergencyRequestRow,
    NewsItemRow,
    OnAirRow,
    StationStateRow,
)


def head(session: Session) -> tuple[int, str]:
    row = session.execute(select(AiringRow.seq, AiringRow.hash).order_by(AiringRow.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def append(
    session: Session,
    draft: AiringDraft,
    tz: tzinfo | None = None,
    *,
    on_air_id: int | None = None,
    count_aired: Sequence[int] = (),
) -> AiringRecord:
    """Seal `draft` after the current head and store it, in the caller's transaction.

    In the same transaction: the on-air journal entry is removed, the items that
    aired in full get one more airing counted and the airtime summary (summed by
    day in the station's time zone `tz`) is updated, so a crash leaves either all
    of it or none of it. Without `tz` the summary is marked stale instead and the
    next report rebuilds it from the log (correct, but slow on a long log).
    """
    seq, prev = head(session)
    record = seal(draft, prev, seq + 1)
    session.add(airing_row(record))
    session.flush()
    session.add_all(item_rows(record))
    if on_air_id is not None:
        session.execute(delete(OnAirRow).where(OnAirRow.id == on_air_id))
    for item_id in count_aired:
        row = session.get(NewsItemRow, item_id)
        if row is not None:
            row.airings_done += 1
    session.flush()
    if tz is None:
        summary.invalidate(session)
    else:
        summary.add(session, record, tz)
    return record


def _within(query: Any, start: datetime | None, end: datetime | None, status: str | None) -> Any:
    if start is not None:
        query = query.where(AiringRow.scheduled_at >= start)
    if end is not None:
        query = query.where(AiringRow.scheduled_at < end)
    return query.where(AiringRow.status == status) if status else query


def records(
    session: Session, start: datetime | None = None, end: datetime | None = None, status: str | None = None
) -> list[AiringRecord]:
    query = _within(select(AiringRow).order_by(AiringRow.seq), start, end, status)
    return [to_record(r) for r in session.scalars(query)]


def newest(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
    *,
    limit: int = 50,
    before: int | None = None,
) -> list[AiringRecord]:
    """A page of the log, newest first: `limit` airings numbered below `before` (for screens)."""
    query = _within(select(AiringRow).order_by(AiringRow.seq.desc()).limit(limit), start, end, status)
    if before is not None:
        query = query.where(AiringRow.seq < before)
    return [to_record(r) for r in session.scalars(query)]


def iter_all(session: Session, batch: int = 2000) -> Iterator[AiringRecord]:
    """Every record in chain order, in batches (ORM objects: for tests and small logs; `verify` streams rows)."""
    last = 0
    while True:
        rows = session.scalars(select(AiringRow).where(AiringRow.seq > last).order_by(AiringRow.seq).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield to_record(row)
        last = rows[-1].seq
        session.expunge_all()


def stream(
    session: Session, after: int = 0, until: int | None = None, batch: int = 5000
) -> Iterator[tuple[RawAiring, list[RawItem]]]:
    """Every airing after #`after` (up to #`until`) in log order as plain rows with its items: two range
    queries per batch."""
    a, i = AiringRow, AiredItemRow
    columns = (a.__table__.c[n] for n in AIRING_COLUMNS)
    airing_cols = [plain_time(session, c) if c.key.endswith("_at") else c for c in columns]
    columns = (i.__table__.c[n] for n in ITEM_COLUMNS)
    item_cols = [plain_time(session, c) if c.key.endswith("_at") else c for c in columns]
    last = after
    while True:
        upto = [] if until is None else [a.seq <= until]
        airings = fetch(session, select(*airing_cols).where(a.seq > last, *upto).order_by(a.seq).limit(batch))
        if not airings:
            return
        top = airings[-1][0]
        # In insertion order: an airing's items are written in position order, so the index on
        # airing_seq hands them over without a sort. Rows in another order (never written by
        # broadcaster) fail the fast hash and are judged by the reference, which orders by position.
        query = select(*item_cols).where(i.airing_seq > last, i.airing_seq <= top).order_by(i.airing_seq, i.id)
        items: dict[int, list[RawItem]] = {
            seq: list(rows) for seq, rows in groupby(fetch(session, query), itemgetter(ITEM_SEQ))
        }
        for row in airings:
            yield row, items.get(row[0], [])
        last = top


def scan(
    session: Session,
    checker: ChainScan,
    on_record: OnRecord | None = None,
    after: int = 0,
    until: int | None = None,
) -> None:
    """Feed the airings after #`after` (up to #`until`) to `checker`, stopping at its first problem.

    `on_record` is called for every airing that verified, in log order (e.g. to sum the log again
    while it is read once). On SQLite the database writes each airing's canonical bytes
    (store/sealed_sqlite.py); where its SQL fails on a value (a BLOB where text belongs), the rest
    is read the Python way, from the first airing not yet checked."""
    if not sealed_sqlite.usable(session):
        scan_python(session, checker, on_record, after, until)
        return
    cursor = session.connection().connection.cursor()
    try:
        sealed_sqlite.scan_else(
            cursor, checker, on_record, after, until, partial(get, session),
            lambda rest: scan_python(session, checker, on_record, rest, until),
        )  # fmt: skip
    finally:
        cursor.close()


def scan_python(
    session: Session, checker: ChainScan, on_record: OnRecord | None, after: int, until: int | None
) -> None:
    """`scan` with each record's canonical bytes written in Python (any database)."""
    for airing, items in stream(session, after, until):
        if not checker.feed(airing, items, partial(get, session, airing[0])):
            return
        if on_record is not None:
            on_record(airing[0], airing[15], airing[3], airing[2], airing[7], airing[6], items)


def verify(session: Session, head: ChainHead | None = None) -> VerifyResult:
    """`airlog.verify_chain` over the whole log, streamed (same verdicts and messages)."""
    checker = ChainScan(head)
    scan(session, checker)
    return checker.result()


def link_problem(session: Session, batch: int = 20_000) -> str | None:
    """Whether the chain holds together without re-hashing it: airings 1..N, each linked to the one before.

    A report runs this every time, so it reads as little as it can: the count and the ends of the
    numbering (a unique key numbered 1..N with N rows has no gap), then the two hash columns in
    order. When something is wrong, the full verification names the first bad record, with
    `log verify`'s own words."""
    a = AiringRow
    count, first, last = session.execute(select(func.count(), func.min(a.seq), func.max(a.seq))).one()
    if count and (first != 1 or last != count):
        return verify(session).problem or "The airing log changed while it was being checked."
    prev = GENESIS
    for low in range(1, (count or 0) + 1, batch):
        for prev_hash, record_hash in fetch(
            session, select(a.prev_hash, a.hash).where(a.seq.between(low, low + batch - 1)).order_by(a.seq)
        ):
            if prev_hash != prev:
                return verify(session).problem or "The airing log changed while it was being checked."
            prev = record_hash
    return None


# The largest id a database integer holds; a longer number typed by hand names no airing.
MAX_SEQ = 2**63 - 1


def get(session: Session, seq: int) -> AiringRecord:
    row = session.get(AiringRow, seq) if 0 < seq <= MAX_SEQ else None
    if row is None:
        raise NotFoundError(
            _("There is no airing {id} in the log.").format(id=seq),
            _("Run `broadcaster log` to see the airings."),
            console_hint=_("Find it on the Airing log page."),
        )
    return to_record(row)


VERDICT_KEY = sealed_sqlite.VERDICT_KEY


def last_verdict(session: Session) -> str | None:
    """What the last full verification found, as `reports.verification.verdict_text` wrote it."""
    return session.scalar(select(StationStateRow.value).where(StationStateRow.key == VERDICT_KEY))


def keep_verdict(session: Session, text: str, now: datetime) -> None:
    row = session.get(StationStateRow, VERDICT_KEY)
    if row is None:
        session.add(StationStateRow(key=VERDICT_KEY, value=text, updated_at=now))
    else:
        row.value, row.updated_at = text, now


def hash_of(session: Session, seq: int) -> str | None:
    return session.scalar(select(AiringRow.hash).where(AiringRow.seq == seq))


def seq_of(session: Session, record_hash: str) -> int | None:
    """The airing that carries `record_hash` (the hash column is unique), if any."""
    return session.scalar(select(AiringRow.seq).where(AiringRow.hash == record_hash))


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AiringRow)) or 0)


def has_record(session: Session, slot: str, scheduled_at: datetime) -> bool:
    found = session.scalar(
        select(AiringRow.seq)
        .where(AiringRow.slot == slot, AiringRow.scheduled_at == scheduled_at, AiringRow.kind.in_(("slot", "relay")))
        .limit(1)
    )
    return found is not None


def slot_keys_since(session: Session, since: datetime) -> set[tuple[str, datetime]]:
    """(slot, scheduled time) of the slot records scheduled after `since`."""
    rows = session.execute(
        select(AiringRow.slot, AiringRow.scheduled_at).where(
            AiringRow.kind.in_(("slot", "relay")), AiringRow.scheduled_at > since
        )
    )
    return {(slot, at) for slot, at in rows}


def has_airing(session: Session, draft: AiringDraft) -> bool:
    """Whether this airing (same kind, slot, scheduled and start time, status) is in the log already."""
    query = select(AiringRow.seq).where(
        AiringRow.kind == draft.kind,
        AiringRow.slot == draft.slot,
        AiringRow.scheduled_at == draft.scheduled_at,
        AiringRow.status == draft.status,
    )
    query = query.where(
        AiringRow.started_at.is_(None) if draft.started_at is None else AiringRow.started_at == draft.started_at
    )
    return session.scalar(query.limit(1)) is not None


# ------------------------------------------------------------ on air journal


def open_on_air(session: Session, **values: Any) -> int:
    row = OnAirRow(**values)
    session.add(row)
    session.flush()
    return row.id


def on_air_rows(session: Session) -> list[OnAirRow]:
    return list(session.scalars(select(OnAirRow).order_by(OnAirRow.id)))


def cue_items(row: OnAirRow) -> list[dict[str, Any]]:
    return list(json.loads(row.cue_json).get("items", []))


# ------------------------------------------------------------ emergencies


def request_emergency(session: Session, item_id: int, now: datetime) -> int:
    row = EmergencyRequestRow(item_id=item_id, requested_at=now)
    session.add(row)
    session.flush()
    return row.id


def pending_emergencies(session: Session) -> list[EmergencyRequestRow]:
    return list(
        session.scalars(
            select(EmergencyRequestRow).where(EmergencyRequestRow.handled_at.is_(None)).order_by(EmergencyRequestRow.id)
        )
    )


def mark_handled(session: Session, request_id: int, now: datetime) -> None:
    row = session.get(EmergencyRequestRow, request_id)
    if row is not None and row.handled_at is None:
        row.handled_at = now
