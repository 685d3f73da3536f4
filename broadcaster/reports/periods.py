"""Report periods and calendar units (ISO weeks, months, quarters, years). Pure."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from broadcaster.errors import InputError
from broadcaster.i18n import N_, _

UNITS = ("week", "month", "quarter", "year")
# The days a report or a log listing can name: a station's log lies well inside these, and
# beyond them the calendar arithmetic overflows (year 0, year 10000) or a report would walk
# through centuries of days.
EARLIEST = date(1970, 1, 1)
LATEST = date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class Period:
    """Inclusive range of station-local dates."""

    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


_PERIOD_HINT = N_(
    "Write a year (2021), a month (2021-03), a quarter (2021-Q1) or a date range (2021-03-05..2021-04-10)."
)


def period_between(start: date, end: date, label: str | None = None) -> Period:
    if end < start:
        raise InputError(
            _("The report period ends ({end}) before it starts ({start}).").format(
                end=end.isoformat(), start=start.isoformat()
            ),
            _("Put the earlier date first."),
        )
    return Period(start, end, label or f"{start.isoformat()}..{end.isoformat()}")


def check_reach(day: date, what: str) -> None:
    """Refuse a day outside EARLIEST..LATEST, naming it as the official typed it (`what`: "--to 9999-12-31")."""
    if day < EARLIEST:
        raise InputError(
            _("{what} is too far in the past: reports and the log cover days from {first}.").format(
                what=what, first=EARLIEST.isoformat()
            ),
            _("Check the year."),
        )
    if day > LATEST:
        raise InputError(
            _("{what} is too far in the future: reports and the log cover days up to {last}.").format(
                what=what, last=LATEST.isoformat()
            ),
            _("Check the year."),
        )


def month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def parse_period(text: str) -> Period:
    """Parse "2021", "2021-03", "2021-Q1" or "2021-03-05..2021-04-10" into a Period."""
    raw = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})", raw):
            year = int(m[1])
            return Period(date(year, 1, 1), date(year, 12, 31), raw)
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", raw):
            year, quarter = int(m[1]), int(m[2])
            first = 3 * quarter - 2
            return Period(date(year, first, 1), month_end(year, first + 2), f"{year}-Q{quarter}")
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", raw):
            year, month = int(m[1]), int(m[2])
            return Period(date(year, month, 1), month_end(year, month), f"{year}-{month:02d}")
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", raw):
            return period_between(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    except ValueError as exc:
        raise InputError(
            _("'{code}' is not a real date or period ({error}).").format(code=raw, error=_impossible(raw)),
            _(_PERIOD_HINT),
        ) from exc
    raise InputError(_("'{code}' is not a report period.").format(code=raw), _(_PERIOD_HINT))


def _impossible(raw: str) -> str:
    """Why a period that parsed is not on the calendar, in the user's language (Python's words are English)."""
    for m in re.finditer(r"(\d{4})(?:-(\d{1,2})(?:-(\d{2}))?)?", raw):
        year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        if year == 0:
            return _("there is no year 0")
        if not 1 <= month <= 12:
            return _("there is no month {month}").format(month=month)
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return _("month {month} of {year} has no day {day}").format(month=month, year=year, day=day)
    # the month or quarter runs past 9999-12-31, the last day Python's calendar knows
    return _("reports cover years up to {last}").format(last=LATEST.year)


# --- calendar units --------------------------------------------------------


def unit_bounds(per: str, day: date) -> tuple[str, date, date]:
    if per == "week":
        iso = day.isocalendar()
        start = day - timedelta(days=iso.weekday - 1)
        return f"{iso.year}-W{iso.week:02d}", start, start + timedelta(days=6)
    if per == "month":
        return f"{day.year}-{day.month:02d}", day.replace(day=1), month_end(day.year, day.month)
    if per == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = 3 * quarter - 2
        return f"{day.year}-Q{quarter}", date(day.year, first, 1), month_end(day.year, first + 2)
    return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)


def units(per: str, period: Period) -> Iterator[tuple[str, date, date, date, date]]:
    """(label, unit start, unit end, covered start, covered end) for units touching the period."""
    day = period.start
    while day <= period.end:
        label, start, end = unit_bounds(per, day)
        yield label, start, end, max(start, period.start), min(end, period.end)
        day = end + timedelta(days=1)


def days_between(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
