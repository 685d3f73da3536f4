"""How stored dates and times read back, without SQLAlchemy: schema.py's UTCDateTime uses as_utc, and
`news list` on SQLite (news_read_sqlite.py) parses SQLite's text as SQLAlchemy's SQLite dialect does."""

from __future__ import annotations

from datetime import UTC, date, datetime


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is UTC already (SQLite has no time zone type: UTC is stored naive)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sqlite_date(stored: str | None) -> date | None:
    """A Date column's text on SQLite, read as SQLAlchemy's SQLite DATE reads it (date.fromisoformat)."""
    return None if stored is None else date.fromisoformat(stored)


def sqlite_utc_time(stored: str | None) -> datetime | None:
    """A UTCDateTime column's text on SQLite, read as SQLAlchemy's SQLite DATETIME (datetime.fromisoformat)
    and then UTCDateTime read it."""
    return None if stored is None else as_utc(datetime.fromisoformat(stored))
