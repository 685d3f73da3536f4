"""Reading a period back for a report: its sealed days as `Facts`, its incidents, and the checks on both.

The writing side, and what a day holds, is in summary.py and reports/daybook.py. Every day
read is checked against its seal and against the airing it names (one join); what a report
checks as a whole is in evidence.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from broadcaster.airlog import STATUSES
from broadcaster.reports.daybook import Day, DayRow, check_row, period_facts
from broadcaster.reports.figures import Facts, Incident
from broadcaster.reports.periods import Period
from broadcaster.store.summary import dialect, ensure
from broadcaster.store.tables import AiringRow, AirtimeDayRow

INCIDENT_STATUSES = tuple(s for s in STATUSES if s != "completed")


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """A period's figures and what the reading found wrong with them (nothing, normally)."""

    facts: Facts
    problems: tuple[str, ...]
    airings: int  # airings of the period in the log itself, to compare with the figures


def read_period(session: Session, period: Period, tz: tzinfo) -> PeriodFigures:
    """The airings of `period` (station-local dates, inclusive) summed, as `rollup` would, each day checked."""
    ensure(session, tz)
    d, a = AirtimeDayRow, AiringRow
    as_day = _day_reader(session)
    rows = session.execute(
        select(_raw(session, d.day), d.figures, d.last_seq, d.last_hash, d.seal, a.hash)
        .outerjoin(a, a.seq == d.last_seq)
        .where(d.day.between(period.start, period.end))
    )
    problems: list[str] = []
    days: list[tuple[date, Day]] = []
    for raw_day, figures, last_seq, last_hash, seal, hash_there in rows:
        row = DayRow(as_day(raw_day), figures, last_seq, last_hash, seal)
        problem = check_row(row, hash_there)
        if problem is not None:
            problems.append(problem)
            continue  # a forged day is not summed: its figures mean nothing
        days.append((row.day, Day.parse(figures)))
    low, high = utc_bounds(period, tz)
    in_log = session.scalar(select(func.count()).select_from(a).where(a.scheduled_at >= low, a.scheduled_at < high))
    facts = period_facts(days, period, incidents(session, period, tz))
    return PeriodFigures(facts, tuple(problems), int(in_log or 0))


def facts(session: Session, period: Period, tz: tzinfo) -> Facts:
    """`read_period(...).facts`: the figures alone."""
    return read_period(session, period, tz).facts


# SQLite hands dates and times back as text that SQLAlchemy parses one value at a time; a
# 10-year report reads ~3,650 days and thousands of incidents, so there they are read as
# text and parsed with the C `fromisoformat`. PostgreSQL's driver already returns objects.


def _raw(session: Session, column: Any) -> Any:
    return type_coerce(column, String) if dialect(session) == "sqlite" else column


def _day_reader(session: Session) -> Callable[[Any], date]:
    if dialect(session) != "sqlite":
        return lambda value: value
    return date.fromisoformat


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
