"""Reading the airtime summary back: a period's figures as `Facts`, and its incidents.

The writing side, and what the tables hold, is in summary.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Date, String, func, select, type_coerce
from sqlalchemy.orm import Session

from broadcaster.reports.figures import Facts, Incident
from broadcaster.reports.periods import Period
from broadcaster.store.summary import INCIDENT_STATUSES, dialect, ensure
from broadcaster.store.tables import AiringRow, AirtimeDailyRow, AirtimeItemLastRow


def facts(session: Session, period: Period, tz: tzinfo) -> Facts:
    """The airings of `period` (station-local dates, inclusive) summed, as `rollup` would."""
    ensure(session, tz)
    d = AirtimeDailyRow
    in_period = d.day.between(period.start, period.end)
    as_day = _day_reader(session)
    day_airings: dict[date, int] = {}
    day_topic_ms: dict[tuple[date, str], int] = {}
    day_topic_airings: dict[tuple[date, str], int] = {}
    segment = _segment_start(session, d.day, period.start)
    for dimension, raw_day, key, ms, airings in session.execute(
        select(d.dimension, segment, d.key, func.sum(d.ms), func.sum(d.airings))
        .where(d.dimension.in_(("all", "topic")), in_period)
        .group_by(d.dimension, segment, d.key)
    ):
        day = as_day(raw_day)
        if dimension == "all":
            day_airings[day] = int(airings)
        else:
            day_topic_ms[(day, key)] = int(ms)
            day_topic_airings[(day, key)] = int(airings)
    groups: dict[str, tuple[dict[str, int], dict[str, int], dict[str, int]]] = {
        g: ({}, {}, {}) for g in ("slot", "priority", "status")
    }
    for dimension, key, ms, items, airings in session.execute(
        select(d.dimension, d.key, func.sum(d.ms), func.sum(d.items), func.sum(d.airings))
        .where(d.dimension.in_(tuple(groups)), in_period)
        .group_by(d.dimension, d.key)
    ):
        by_ms, by_items, by_airings = groups[dimension]
        by_ms[key], by_items[key], by_airings[key] = int(ms), int(items), int(airings)
    lt = AirtimeItemLastRow
    topic_items = {
        topic: int(n)
        for topic, n in session.execute(
            select(lt.topic, func.sum(lt.items))
            .where(lt.day.between(period.start, period.end), lt.next_day > period.end)
            .group_by(lt.topic)
        )
    }
    return Facts(
        day_topic_ms=day_topic_ms,
        day_topic_airings=day_topic_airings,
        day_airings=day_airings,
        slot_ms=groups["slot"][0],
        slot_items=groups["slot"][1],
        slot_airings=groups["slot"][2],
        priority_ms=groups["priority"][0],
        priority_items=groups["priority"][1],
        priority_airings=groups["priority"][2],
        topic_items=topic_items,
        distinct_items=sum(topic_items.values()),
        statuses=groups["status"][2],
        incidents=incidents(session, period, tz),
    )


# SQLite hands dates and times back as text that SQLAlchemy parses with a regular
# expression per value; a 10-year report reads ~40,000 day rows and thousands of
# incidents, so there they are read as text and parsed with the C `fromisoformat`
# (days once each). PostgreSQL's driver already returns date and datetime objects.


def _segment_start(session: Session, day: Any, period_start: date) -> Any:
    """The first day of the run of days sharing one ISO week, one month and the period.

    Every unit a report sums by (ISO week, month, quarter, year, the period) is a
    union of such runs, so the figures summed per run and filed under its first
    day give the same report as daily ones, from about six times fewer rows.
    """
    if dialect(session) == "sqlite":
        return func.max(
            func.date(day, "weekday 0", "-6 days"), func.date(day, "start of month"), period_start.isoformat()
        )
    return func.greatest(
        func.cast(func.date_trunc("week", day), Date),
        func.cast(func.date_trunc("month", day), Date),
        period_start,
    )


def _raw(session: Session, column: Any) -> Any:
    return type_coerce(column, String) if dialect(session) == "sqlite" else column


def _day_reader(session: Session) -> Callable[[Any], date]:
    if dialect(session) != "sqlite":
        return lambda value: value
    cache: dict[str, date] = {}

    def read(text_: str) -> date:
        day = cache.get(text_)
        if day is None:
            day = cache[text_] = date.fromisoformat(text_)
        return day

    return read


def _utc_reader(session: Session) -> Callable[[Any], datetime]:
    if dialect(session) != "sqlite":
        return lambda value: value.astimezone(UTC)
    return lambda text_: datetime.fromisoformat(text_).replace(tzinfo=UTC)


def utc_bounds(period: Period, tz: tzinfo) -> tuple[datetime, datetime]:
    low = datetime.combine(period.start, time(0), tzinfo=tz).astimezone(UTC)
    high = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return low, high


def incidents(session: Session, period: Period, tz: tzinfo) -> tuple[Incident, ...]:
    """Airings of the period that did not complete (index ix_airings_status_scheduled)."""
    a = AiringRow
    low, high = utc_bounds(period, tz)
    as_utc = _utc_reader(session)
    rows = session.execute(
        select(_raw(session, a.scheduled_at), a.seq, a.slot, a.kind, a.status, a.reason).where(
            a.status.in_(INCIDENT_STATUSES), a.scheduled_at >= low, a.scheduled_at < high
        )
    )
    found = [Incident(as_utc(at).astimezone(tz), *rest) for at, *rest in rows]
    found.sort(key=lambda i: (i.when, i.seq))
    return tuple(found)
