"""Station-local days of the airing log's times, and the rows a scan of the log hands to a `Daybook`.

Pure (no database): `log verify`'s child process sums its part of the log with it before the
database layer is loaded (verify_process.py), and store/summary.py sums the log with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from broadcaster.airlog_verify import RawItem
from broadcaster.reports.daybook import Daybook


def tz_name(tz: tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz)


class DayOf:
    """Station-local dates of UTC times, reusing the last day's bounds (times mostly come in order)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._from = self._to = datetime.min.replace(tzinfo=UTC)
        self._text_from = self._text_to = ""
        self._day = date.min

    def __call__(self, at: datetime) -> date:
        if not self._from <= at < self._to:
            day = self._day = at.astimezone(self.tz).date()
            self._from = datetime.combine(day, time(0), self.tz).astimezone(UTC)
            self._to = datetime.combine(day + timedelta(days=1), time(0), self.tz).astimezone(UTC)
            self._text_from, self._text_to = plain_utc(self._from), plain_utc(self._to)
        return self._day

    def of_text(self, value: Any) -> date:
        """The same for a time read with `plain_time` (compared as text while inside the same day)."""
        if isinstance(value, str) and len(value) == 26 and self._text_from <= value < self._text_to:
            return self._day
        return self(utc_of(value))


def plain_utc(at: datetime) -> str:
    """A time as `plain_time` reads it, and as store.schema.UTCDateTime stores it on SQLite: naive UTC
    'YYYY-MM-DD HH:MM:SS.ffffff' (sorts like the time)."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", timespec="microseconds")


def utc_of(value: Any) -> datetime:
    """A time read with `plain_time`: SQLite's stored text (naive UTC) or a datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC)  # type: ignore[no-any-return]


# An airing that verified, as `airings.scan` hands it on: seq, hash, scheduled_at (`plain_time` text),
# slot, status, played ms, and its items (rows starting with the fields of an ItemMs).
OnRecord = Callable[[int, str, Any, str, str, int, Sequence[RawItem]], None]


def adder(book: Daybook, tz: tzinfo) -> OnRecord:
    """Feed the airings `airings.scan` reads (and verified) to `book`: `log verify` sums the rows it hashes."""
    day_of = DayOf(tz).of_text
    book_add = book.add

    def add(seq: int, record_hash: str, at: Any, slot: str, status: str, played: int, items: Sequence[RawItem]) -> None:
        book_add(seq, record_hash, day_of(at), slot, status, played, items)

    return add
