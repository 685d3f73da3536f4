"""The airtime summary in the database: one sealed row per station-local day, kept as airings are appended.

Why: a report over years of airings must not read every record (75,000 airings with their
items cost seconds to load and sum; the district's report should take < 200 ms). `add` runs
inside `airings.append`, in the same transaction as the record, so the log and its summary
never disagree after a crash. What a row holds and how it is sealed against the chain is
in reports/daybook.py (pure); this module only reads and writes it.

Table airtime_sums (model in store/tables.py, migration 0004): span ("day" or "run"),
start, figures (canonical JSON), last_seq and last_hash (the last airing that changed the
figures), seal.

An append changes the row of its own day and, for each news item it carries, the row of the
day that item was last on air before (its "next on-air day" moves), then the runs holding
those days (summed again from their days, at most seven). The item's earlier airings are
read from the log itself (aired_items by item_id), so there is no second index to keep or
to tamper with.

The summary remembers the time zone it was built for (station_state). If it was never built
(an old database upgraded without a time zone) or the station's time zone changed, it is
rebuilt from the log on first use. The daemon must be restarted after changing the time zone,
or it and the reports would keep rebuilding it for their own zone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime, tzinfo
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.orm import Session

from broadcaster.airlog import AiringRecord
from broadcaster.reports.daybook import Day, Daybook, ItemMs, SumRow, airtime_ms, item_days, run_bounds, runs_of
from broadcaster.reports.log_days import DayOf, tz_name
from broadcaster.store.plain import fetch, plain_time
from broadcaster.store.sealed_sqlite import SUMMARY_TZ_KEY as TZ_KEY
from broadcaster.store.tables import AiredItemRow, AiringRow, AirtimeSumRow, StationStateRow

log = logging.getLogger(__name__)

_LOCK_ID = 0x6272_6F61_6463  # PostgreSQL advisory lock of a rebuild ("broadc")

Executor = Session | Connection


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def items_of(record: AiringRecord) -> list[ItemMs]:
    return [
        ItemMs(
            n, i.item_id, i.topic, i.priority, _ms(i.offset_seconds), _ms(i.duration_seconds), i.completed, i.language
        )
        for n, i in enumerate(record.items)
    ]


def local_day(at: datetime, tz: tzinfo) -> date:
    return at.astimezone(tz).date()


def dialect(db: Executor) -> str:
    return db.dialect.name if isinstance(db, Connection) else db.get_bind().dialect.name


def built_for(db: Executor) -> str | None:
    """The time zone the summary was built for, or None if it was never built."""
    return db.execute(select(StationStateRow.value).where(StationStateRow.key == TZ_KEY)).scalar()


# --- appending ---------------------------------------------------------------------------


def add(session: Session, record: AiringRecord, tz: tzinfo) -> None:
    """Count a record just appended to the log (call in the same transaction as the append)."""
    if ensure(session, tz):
        return  # rebuilt from the log, which already holds this record
    items = items_of(record)
    played = _ms(record.duration_seconds)
    on_air = sorted({i.item_id for i in items if airtime_ms(record.status, played, i) > 0})
    book = Daybook(lambda day: _stored_day(session, day))
    book.items.update(_earlier_days(session, on_air, record.seq, tz))
    touched = book.add(
        record.seq, record.hash, local_day(record.scheduled_at, tz), record.slot, record.status, played, items
    )
    write_rows(session, book.rows(touched).values(), replace=True)
    write_rows(session, _runs(session, {run_bounds(d)[0] for d in touched}).values(), replace=True)


def _stored_day(session: Session, day: date) -> Day:
    t = AirtimeSumRow
    stored = session.execute(select(t.figures).where(t.span == "day", t.start == day)).scalar()
    return Day() if stored is None else Day.parse(stored)


def _runs(session: Session, starts: set[date]) -> dict[date, SumRow]:
    """The runs starting on `starts`, summed again from their stored days."""
    t = AirtimeSumRow
    days: dict[date, tuple[Day, int, str]] = {}
    for start in starts:
        rows = session.execute(
            select(t.start, t.figures, t.last_seq, t.last_hash).where(
                t.span == "day", t.start.between(start, run_bounds(start)[1])
            )
        )
        days.update({day: (Day.parse(figures), seq, mark) for day, figures, seq, mark in rows})
    return runs_of(days)


def _earlier_days(session: Session, item_ids: Sequence[int], seq: int, tz: tzinfo) -> dict[int, dict[date, Any]]:
    """Each item's on-air days before airing `seq`, read from the log."""
    if not item_ids:
        return {}
    a, i = AiringRow, AiredItemRow
    rows = session.execute(
        select(
            a.seq,
            a.scheduled_at,
            a.status,
            a.duration_ms,
            i.position,
            i.item_id,
            i.topic,
            i.priority,
            i.offset_ms,
            i.duration_ms,
            i.completed,
            i.language,
        )
        .join(a, a.seq == i.airing_seq)
        .where(i.item_id.in_(item_ids), a.seq < seq)
        .order_by(a.seq, i.position)
    )
    found: dict[int, list[tuple[int, date, ItemMs]]] = {item_id: [] for item_id in item_ids}
    for at_seq, at, status, played, *fields in rows:
        item = ItemMs(*fields)
        if airtime_ms(status, played, item) > 0:
            found[item.item_id].append((at_seq, local_day(at, tz), item))
    return {item_id: item_days(occurrences) for item_id, occurrences in found.items()}


def write_rows(db: Executor, rows: Any, *, replace: bool = False) -> None:
    values = [
        {
            "span": r.span,
            "start": r.start,
            "figures": r.text,
            "last_seq": r.last_seq,
            "last_hash": r.last_hash,
            "seal": r.seal,
        }
        for r in rows
    ]
    t = AirtimeSumRow
    if replace and values:
        span = values[0]["span"]
        db.execute(delete(t).where(t.span == span, t.start.in_([v["start"] for v in values])))
    for start in range(0, len(values), 5000):
        db.execute(insert(t), values[start : start + 5000])


# --- rebuilding from the log ----------------------------------------------------------------


def ensure(db: Executor, tz: tzinfo) -> bool:
    """Rebuild the summary if it is not built for `tz`; True if it was rebuilt."""
    if built_for(db) == tz_name(tz):
        return False
    if dialect(db) == "postgresql":
        # One rebuild at a time; a concurrent append waits here and then sees the new summary.
        db.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        if built_for(db) == tz_name(tz):
            return False
    rebuild(db, tz)
    return True


def log_items(
    db: Executor, after: int = 0, batch: int = 20_000
) -> Iterator[tuple[int, str, Any, str, str, int, list[Any]]]:
    """Every airing after #`after` in log order as (seq, hash, scheduled_at as `plain_time` text, slot,
    status, played ms, items as tuples in `ItemMs`'s field order, plus the airing's seq), read as plain rows."""
    a, i = AiringRow, AiredItemRow
    last = after
    while True:
        airings = fetch(
            db,
            select(a.seq, a.hash, plain_time(db, a.scheduled_at), a.slot, a.status, a.duration_ms)
            .where(a.seq > last)
            .order_by(a.seq)
            .limit(batch),
        )
        if not airings:
            return
        top = airings[-1][0]
        query = (
            # ItemMs's fields, then the airing's number: the driver's rows are the items as they are (a
            # trailing field Daybook does not read), without a copy of each of 218,000 rows cut to size.
            select(
                i.position,
                i.item_id,
                i.topic,
                i.priority,
                i.offset_ms,
                i.duration_ms,
                i.completed,
                i.language,
                i.airing_seq,
            )
            .where(i.airing_seq > last, i.airing_seq <= top)
            .order_by(i.airing_seq, i.id)  # the order within an airing does not change its sums
        )
        items = {seq: list(rows) for seq, rows in groupby(fetch(db, query), itemgetter(8))}
        for seq, record_hash, at, slot, status, played in airings:
            yield seq, record_hash, at, slot, status, played, items.get(seq, [])
        last = top


def sum_log(db: Executor, tz: tzinfo, book: Daybook | None = None, after: int = 0) -> Daybook:
    """The whole log (or the airings after #`after`, added to `book`) summed into days: what a rebuild
    writes and `log verify` compares. `book.count` is the number of the last airing summed."""
    book = book or Daybook()
    day_of = DayOf(tz)
    for seq, record_hash, at, slot, status, played, items in log_items(db, after):
        book.add(seq, record_hash, day_of.of_text(at), slot, status, played, items)
    return book


def rebuild(db: Executor, tz: tzinfo) -> None:
    """Sum the whole log again for time zone `tz` (after an upgrade, or when the time zone changed)."""
    # Write first: on SQLite this takes the write lock before the log is read, so no append slips between.
    db.execute(delete(StationStateRow).where(StationStateRow.key == TZ_KEY))
    log.info("summing the airing log for reports (time zone %s)", tz_name(tz))
    book = sum_log(db, tz)
    db.execute(delete(AirtimeSumRow))
    write_rows(db, book.rows().values())
    write_rows(db, book.run_rows().values())
    # The database's clock: the summary is derived data, and logic here takes no `now`.
    db.execute(insert(StationStateRow).values(key=TZ_KEY, value=tz_name(tz), updated_at=func.current_timestamp()))


def invalidate(db: Executor) -> None:
    """Forget the summary; the next report or append rebuilds it from the log."""
    db.execute(delete(StationStateRow).where(StationStateRow.key == TZ_KEY))


# --- reading ------------------------------------------------------------------------------


def stored_rows(db: Executor) -> list[tuple[SumRow, str | None]]:
    """Every stored day and run, with the hash the log holds for the airing each names (None: no such airing)."""
    t, a = AirtimeSumRow, AiringRow
    query = (
        select(t.span, t.start, t.figures, t.last_seq, t.last_hash, t.seal, a.hash)
        .outerjoin(a, a.seq == t.last_seq)
        .order_by(t.span, t.start)
    )
    return [(SumRow(*row[:6]), row[6]) for row in db.execute(query)]
