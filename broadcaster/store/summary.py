"""The airtime summary: the airing log summed per station-local day, kept as airings are appended.

Why: a report over years of airings must not read every record (75,000 airings with
their items cost ~300 ms to load and roll up; the district's report should take < 200 ms).
The log is append-only, so a day's figures only grow: `add` runs inside
`airings.append`, in the same transaction as the record, and `facts` reads a period
back (summary_read.py) as `Facts` with a few indexed range queries whose size depends on days, not airings.

The figures are those of reports/aggregate.py to the millisecond: the same day (the
station-local date of the *scheduled* time) and the same airtime per item as
`item_airtime_ms` (an interrupted item counts the part played), computed on the integer
milliseconds the log stores. `report_from_facts(facts(...))` equals `build_report(records)`.

Tables (models in store/tables.py, created by migration 0003):

- airtime_daily (dimension, day, key): ms, items, airings. `dimension` is one of
  "all" (key ""), "topic", "slot", "priority" (only items on air count, as in `rollup`)
  or "status" (every airing, `airings` only).
- airtime_item_days (item_id, day): the days each news item was on air, chained by
  `next_day`, with the topic of its last on-air occurrence that day.
- airtime_item_lasts (day, topic, next_day): items. Distinct items of a period [a, b]
  are counted without reading them: each item has exactly one day in [a, b] whose next
  on-air day is after b, and its topic there is the topic of its last airing in the period.
  (`rollup` takes the last in log order; the two differ only if an item changed topic
  and its airings were logged out of date order.)

The summary remembers the time zone it was built for (station_state). If it was never
built (an old database upgraded without a time zone) or the station's time zone changed,
it is rebuilt from the log on first use. The daemon must be restarted after changing the
time zone, or it and the reports would keep rebuilding it for their own zone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from broadcaster.airlog import STATUSES, AiringRecord
from broadcaster.reports.figures import AIRED_STATUSES
from broadcaster.store.tables import (
    AiredItemRow,
    AiringRow,
    AirtimeDailyRow,
    AirtimeItemDayRow,
    AirtimeItemLastRow,
    StationStateRow,
)

log = logging.getLogger(__name__)

TZ_KEY = "airtime_summary_tz"
NO_NEXT = date(9999, 12, 31)  # next_day of an item's last day so far (a primary key column cannot be NULL)
INCIDENT_STATUSES = tuple(s for s in STATUSES if s != "completed")
_LOCK_ID = 0x6272_6F61_6463  # PostgreSQL advisory lock of a rebuild ("broadc")

Executor = Session | Connection
DailyKey = tuple[str, date, str]  # (dimension, day, key)


# --- pure: airings in integer milliseconds -> summary rows -------------------------


@dataclass(frozen=True, slots=True)
class ItemMs:
    """An item of an airing as the log stores it (integer milliseconds)."""

    position: int
    item_id: int
    topic: str
    priority: str
    offset_ms: int
    duration_ms: int
    completed: bool


def airtime_ms(status: str, played_ms: int, item: ItemMs) -> int:
    """`aggregate.item_airtime_ms` on the stored milliseconds (the same definition, kept in step by tests)."""
    if status not in AIRED_STATUSES:
        return 0
    if item.completed:
        return max(item.duration_ms, 0)
    return min(max(played_ms - item.offset_ms, 0), item.duration_ms)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def items_of(record: AiringRecord) -> list[ItemMs]:
    return [
        ItemMs(n, i.item_id, i.topic, i.priority, _ms(i.offset_seconds), _ms(i.duration_seconds), i.completed)
        for n, i in enumerate(record.items)
    ]


def local_day(at: datetime, tz: tzinfo) -> date:
    return at.astimezone(tz).date()


@dataclass(slots=True)
class Sums:
    """Summary rows for a batch of airings: daily figures and, per (item, day), (topic, seq, position)."""

    daily: dict[DailyKey, list[int]] = field(default_factory=dict)  # -> [ms, items, airings]
    item_days: dict[tuple[int, date], tuple[str, int, int]] = field(default_factory=dict)

    def add(self, seq: int, day: date, slot: str, status: str, played_ms: int, items: Iterable[ItemMs]) -> None:
        daily = self.daily
        _bump(daily, ("status", day, status), 0, 0, 1)
        on_air = [(item, ms) for item in items if (ms := airtime_ms(status, played_ms, item)) > 0]
        if not on_air:
            return
        total = sum(ms for _, ms in on_air)
        _bump(daily, ("all", day, ""), total, len(on_air), 1)
        _bump(daily, ("slot", day, slot), total, len(on_air), 1)
        for dimension in ("topic", "priority"):
            per: dict[str, list[int]] = {}
            for item, ms in on_air:
                sums = per.setdefault(item.topic if dimension == "topic" else item.priority, [0, 0])
                sums[0] += ms
                sums[1] += 1
            for key, (ms, n) in per.items():
                _bump(daily, (dimension, day, key), ms, n, 1)
        item_days = self.item_days
        for item, _ in on_air:
            old = item_days.get((item.item_id, day))
            if old is None or (seq, item.position) > (old[1], old[2]):
                item_days[(item.item_id, day)] = (item.topic, seq, item.position)


def _bump(daily: dict[DailyKey, list[int]], key: DailyKey, ms: int, items: int, airings: int) -> None:
    sums = daily.get(key)
    if sums is None:
        daily[key] = [ms, items, airings]
    else:
        sums[0] += ms
        sums[1] += items
        sums[2] += airings


def chain_items(
    item_days: dict[tuple[int, date], tuple[str, int, int]],
) -> tuple[list[dict[str, object]], dict[tuple[date, str, date], int]]:
    """Rows of airtime_item_days (with next_day) and counts of airtime_item_lasts, for a whole log."""
    rows: list[dict[str, object]] = []
    lasts: dict[tuple[date, str, date], int] = {}
    by_item: dict[int, list[date]] = {}
    for item_id, day in item_days:
        by_item.setdefault(item_id, []).append(day)
    for item_id, days in by_item.items():
        days.sort()
        for n, day in enumerate(days):
            topic, seq, pos = item_days[(item_id, day)]
            next_day = days[n + 1] if n + 1 < len(days) else None
            rows.append(
                {"item_id": item_id, "day": day, "topic": topic, "last_seq": seq, "last_pos": pos, "next_day": next_day}
            )
            key = (day, topic, next_day or NO_NEXT)
            lasts[key] = lasts.get(key, 0) + 1
    return rows, lasts


# --- writing ---------------------------------------------------------------------------


def dialect(db: Executor) -> str:
    return db.dialect.name if isinstance(db, Connection) else db.get_bind().dialect.name


def _tz_name(tz: tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz)


def built_for(db: Executor) -> str | None:
    """The time zone the summary was built for, or None if it was never built."""
    return db.execute(select(StationStateRow.value).where(StationStateRow.key == TZ_KEY)).scalar()


def _upsert(db: Executor, model: type, keys: Sequence[str], rows: list[dict[str, object]], sums: Sequence[str]) -> None:
    """Insert rows, or add their `sums` columns to the rows already there (one statement)."""
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    name = dialect(db)
    if name in ("sqlite", "postgresql"):
        stmt = (sqlite.insert if name == "sqlite" else postgresql.insert)(table).values(rows)
        db.execute(
            stmt.on_conflict_do_update(index_elements=list(keys), set_={c: table.c[c] + stmt.excluded[c] for c in sums})
        )
        return
    for row in rows:  # other databases: portable, slower
        where = [table.c[k] == row[k] for k in keys]
        done = db.execute(update(table).where(*where).values({c: table.c[c] + row[c] for c in sums}))
        if not done.rowcount:  # type: ignore[attr-defined]
            db.execute(insert(table).values(row))


def add(session: Session, record: AiringRecord, tz: tzinfo) -> None:
    """Count a record just appended to the log (call in the same transaction as the append)."""
    if ensure(session, tz):
        return  # rebuilt from the log, which already holds this record
    day = local_day(record.scheduled_at, tz)
    sums = Sums()
    sums.add(record.seq, day, record.slot, record.status, _ms(record.duration_seconds), items_of(record))
    _upsert(
        session,
        AirtimeDailyRow,
        ("dimension", "day", "key"),
        _daily_rows(sums),
        ("ms", "items", "airings"),
    )
    lasts: dict[tuple[date, str, date], int] = {}
    for (item_id, item_day), (topic, seq, pos) in sums.item_days.items():
        _add_item_day(session, lasts, item_id, item_day, topic, seq, pos)
    changed = [{"day": d, "topic": t, "next_day": n, "items": c} for (d, t, n), c in lasts.items() if c]
    _upsert(session, AirtimeItemLastRow, ("day", "topic", "next_day"), changed, ("items",))
    lt = AirtimeItemLastRow
    for d, t, n in (key for key, c in lasts.items() if c < 0):  # an item's last day moved on: drop emptied rows
        session.execute(delete(lt).where(lt.day == d, lt.topic == t, lt.next_day == n, lt.items <= 0))


def _add_item_day(
    session: Session, lasts: dict[tuple[date, str, date], int], item_id: int, day: date, topic: str, seq: int, pos: int
) -> None:
    """Put (item, day) into the item's chain of days, moving the counts of airtime_item_lasts."""

    def move(old: tuple[date, str, date], new: tuple[date, str, date]) -> None:
        lasts[old] = lasts.get(old, 0) - 1
        lasts[new] = lasts.get(new, 0) + 1

    t = AirtimeItemDayRow
    same = session.execute(
        select(t.topic, t.last_seq, t.last_pos, t.next_day).where(t.item_id == item_id, t.day == day)
    ).first()
    if same is not None:
        if (seq, pos) > (same.last_seq, same.last_pos):
            nxt = same.next_day or NO_NEXT
            if same.topic != topic:
                move((day, same.topic, nxt), (day, topic, nxt))
            session.execute(
                update(t).where(t.item_id == item_id, t.day == day).values(topic=topic, last_seq=seq, last_pos=pos)
            )
        return
    before = session.execute(
        select(t.day, t.topic, t.next_day).where(t.item_id == item_id, t.day < day).order_by(t.day.desc()).limit(1)
    ).first()
    if before is not None:
        next_day = before.next_day  # the day after `before` is now after `day`
        move((before.day, before.topic, before.next_day or NO_NEXT), (before.day, before.topic, day))
        session.execute(update(t).where(t.item_id == item_id, t.day == before.day).values(next_day=day))
    else:  # usually none: an airing logged after a later one of the same item
        next_day = session.execute(select(func.min(t.day)).where(t.item_id == item_id, t.day > day)).scalar()
    session.execute(
        insert(t).values(item_id=item_id, day=day, topic=topic, last_seq=seq, last_pos=pos, next_day=next_day)
    )
    lasts[(day, topic, next_day or NO_NEXT)] = lasts.get((day, topic, next_day or NO_NEXT), 0) + 1


# --- rebuilding from the log ----------------------------------------------------------------


def ensure(db: Executor, tz: tzinfo) -> bool:
    """Rebuild the summary if it is not built for `tz`; True if it was rebuilt."""
    if built_for(db) == _tz_name(tz):
        return False
    if dialect(db) == "postgresql":
        # One rebuild at a time; a concurrent append waits here and then sees the new summary.
        db.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        if built_for(db) == _tz_name(tz):
            return False
    rebuild(db, tz)
    return True


def log_sums(db: Executor, tz: tzinfo, batch: int = 20_000) -> Sums:
    """Sum the whole log (read as plain rows, in batches, for speed)."""
    sums = Sums()
    a, i = AiringRow, AiredItemRow
    last = 0
    while True:
        airings = db.execute(
            select(a.seq, a.scheduled_at, a.slot, a.status, a.duration_ms)
            .where(a.seq > last)
            .order_by(a.seq)
            .limit(batch)
        ).all()
        if not airings:
            return sums
        items: dict[int, list[ItemMs]] = {}
        rows = db.execute(
            select(i.airing_seq, i.position, i.item_id, i.topic, i.priority, i.offset_ms, i.duration_ms, i.completed)
            .where(i.airing_seq > last, i.airing_seq <= airings[-1].seq)
            .order_by(i.airing_seq, i.position)
        )
        for row in rows:
            items.setdefault(row[0], []).append(ItemMs(*row[1:]))
        day_from = day_to = datetime.min.replace(tzinfo=UTC)
        day = date.min
        for seq, at, slot, status, played_ms in airings:
            if not day_from <= at < day_to:  # reuse the local date while inside the same local day
                day = local_day(at, tz)
                day_from = datetime.combine(day, time(0), tz).astimezone(UTC)
                day_to = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)
            sums.add(seq, day, slot, status, played_ms, items.get(seq, ()))
        last = airings[-1].seq


def write_all(db: Executor, sums: Sums, tz: tzinfo) -> None:
    """Replace the summary with `sums` (of the whole log) and mark it built for `tz`."""
    for model in (AirtimeDailyRow, AirtimeItemDayRow, AirtimeItemLastRow):
        db.execute(delete(model))
    daily = _daily_rows(sums)
    item_rows, lasts = chain_items(sums.item_days)
    last_rows = [{"day": d, "topic": t, "next_day": n, "items": c} for (d, t, n), c in lasts.items()]
    for model, rows in ((AirtimeDailyRow, daily), (AirtimeItemDayRow, item_rows), (AirtimeItemLastRow, last_rows)):
        for chunk in _chunks(rows, 5000):
            db.execute(insert(model), chunk)
    db.execute(delete(StationStateRow).where(StationStateRow.key == TZ_KEY))
    # The database's clock: the summary is derived data, and logic here takes no `now`.
    db.execute(insert(StationStateRow).values(key=TZ_KEY, value=_tz_name(tz), updated_at=func.current_timestamp()))


def _daily_rows(sums: Sums) -> list[dict[str, object]]:
    return [
        {"dimension": d, "day": day, "key": k, "ms": v[0], "items": v[1], "airings": v[2]}
        for (d, day, k), v in sums.daily.items()
    ]


def _chunks(rows: list[dict[str, object]], size: int) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def invalidate(db: Executor) -> None:
    """Forget the summary; the next `facts` or `add` rebuilds it from the log."""
    db.execute(delete(StationStateRow).where(StationStateRow.key == TZ_KEY))


def rebuild(db: Executor, tz: tzinfo) -> None:
    """Sum the whole log again for time zone `tz` (after an upgrade, or when the time zone changed)."""
    # Write first: on SQLite this takes the write lock before the log is read, so no append slips between.
    db.execute(delete(StationStateRow).where(StationStateRow.key == TZ_KEY))
    log.info("summing the airing log for reports (time zone %s)", _tz_name(tz))
    write_all(db, log_sums(db, tz), tz)


# --- reading -----------------------------------------------------------------------------
