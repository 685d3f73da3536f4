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

from sqlalchemy import String, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from broadcaster.airlog import STATUSES, AiringRecord
from broadcaster.reports.daybook import Day, SumRow, check_row
from broadcaster.reports.daybook_period import period_facts, period_parts
from broadcaster.reports.figures import Facts, Incident
from broadcaster.reports.periods import Period
from broadcaster.store.airing_rows import to_record
from broadcaster.store.summary import dialect, ensure
from broadcaster.store.tables import AiringRow, AirtimeSumRow

INCIDENT_STATUSES = tuple(s for s in STATUSES if s != "completed")


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """A period's figures and what the reading found wrong with them (nothing, normally)."""

    facts: Facts
    problems: tuple[str, ...]
    airings: int  # airings of the period in the log itself, to compare with the figures


def read_period(session: Session, period: Period, tz: tzinfo) -> PeriodFigures:
    """The airings of `period` (station-local dates, inclusive) summed, as `rollup` would, each row checked.

    Reads the runs wholly inside the period and the days at its edges (`daybook.period_parts`)."""
    ensure(session, tz)
    t, a = AirtimeSumRow, AiringRow
    runs, edges = period_parts(period)
    wanted = [and_(t.span == "day", t.start.between(first, last)) for first, last in edges]
    if runs is not None:
        wanted.append(and_(t.span == "run", t.start.between(*runs)))
    as_day = _day_reader(session)
    rows = (
        session.connection()
        .execute(
            select(t.span, _raw(session, t.start), t.figures, t.last_seq, t.last_hash, t.seal, a.hash)
            .outerjoin(a, a.seq == t.last_seq)
            .where(or_(*wanted))
        )
        .all()
    )
    problems: list[str] = []
    days: list[tuple[date, Day]] = []
    for span, start, figures, last_seq, last_hash, seal, hash_there in rows:
        row = SumRow(span, as_day(start), figures, last_seq, last_hash, seal)
        problem = check_row(row, hash_there)
        if problem is not None:
            problems.append(problem)
            continue  # a forged row is not summed: its figures mean nothing
        days.append((row.start, Day.parse(figures)))
    low, high = utc_bounds(period, tz)
    in_log = session.scalar(select(func.count()).select_from(a).where(a.scheduled_at >= low, a.scheduled_at < high))
    facts = period_facts(days, period, incidents(session, period, tz))
    return PeriodFigures(facts, tuple(sorted(problems)), int(in_log or 0))


def facts(session: Session, period: Period, tz: tzinfo) -> Facts:
    """`read_period(...).facts`: the figures alone."""
    return read_period(session, period, tz).facts


# SQLite hands dates and times back as text that SQLAlchemy parses one value at a time; a
# 10-year report reads ~620 runs and thousands of incidents, so there they are read as
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
    return lambda text_: datetime.fromisoformat(text_ + "+00:00")


def utc_bounds(period: Period, tz: tzinfo) -> tuple[datetime, datetime]:
    low = datetime.combine(period.start, time(0), tzinfo=tz).astimezone(UTC)
    high = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return low, high


def incidents(session: Session, period: Period, tz: tzinfo) -> tuple[Incident, ...]:
    """Airings of the period that did not complete (index ix_airings_status_scheduled), in time order."""
    a = AiringRow
    low, high = utc_bounds(period, tz)
    as_utc = _utc_reader(session)
    rows = (
        session.connection()
        .execute(  # Core, not the ORM: thousands of rows over ten years
            select(_raw(session, a.scheduled_at), a.seq, a.slot, a.kind, a.status, a.reason)
            .where(a.status.in_(INCIDENT_STATUSES), a.scheduled_at >= low, a.scheduled_at < high)
            .order_by(a.scheduled_at, a.seq)
        )
        .all()
    )
    return tuple(Incident(as_utc(at).astimezone(tz), *rest) for at, *rest in rows)


def relay_records(session: Session, period: Period, tz: tzinfo) -> list[AiringRecord]:
    """The relay records (kind "relay") of the period, in log order: a few per period, read whole.

    Their relay figures are not in the sealed summary; the report re-hashes these records
    (evidence.py) so the relay section rests on the hash chain like the rest of the report."""
    a = AiringRow
    low, high = utc_bounds(period, tz)
    query = select(a).where(a.kind == "relay", a.scheduled_at >= low, a.scheduled_at < high).order_by(a.seq)
    return [to_record(row) for row in session.scalars(query)]
