"""Tables as SQLAlchemy Core objects, on the one MetaData every table of the station joins.

The ORM classes in tables.py map these (`__table__`), so each table is declared once, and a
read-only command (`news list`) can query it without importing SQLAlchemy's ORM (issue 9: the ORM
alone is about 300 ms of a cold start). Times are stored as UTC. Schema changes go through Alembic
(store/migrations); never edit a released revision.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Date, DateTime, Float, Integer, MetaData, String, Table, Text, TypeDecorator
from sqlalchemy.engine import Dialect

from broadcaster.store.values import as_utc

metadata = MetaData()


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: store naive UTC so text sorts and compares correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


news_items = Table(
    "news_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(500), nullable=False),
    Column("topic", String(64), nullable=False, index=True),
    Column("priority", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("airings_wanted", Integer, nullable=False, default=1),
    Column("airings_done", Integer, nullable=False, default=0),
    Column("approved_by", String(200)),
    Column("approved_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("cancelled_at", UTCDateTime),
    Column("source_note", String(500)),
    Column("source_id", String(64), index=True, unique=True),  # district bulletin id (0008)
    # what the item sounds like (0009): spoken text, or a recording kept in [recordings] folder
    Column("kind", String(16), nullable=False, default="speech", server_default="speech"),
    Column("language", String(8), nullable=False, default="vie", server_default="vie"),
    Column("recording_sha256", String(64)),  # the original file, byte for byte
    Column("recording_name", String(255)),  # as received, for the evidence
    Column("recording_seconds", Float),  # mastered, silence trimmed
)
