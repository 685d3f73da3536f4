"""SQLAlchemy 2 typed models. Times are stored as UTC.

Schema changes go through Alembic (store/migrations); never edit a released
revision. A table a read-only command queries without the ORM is declared in
Core in schema.py, and mapped here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from broadcaster.store import schema
from broadcaster.store.schema import UTCDateTime as UTCDateTime  # the migrations and other tables import it from here


class Base(DeclarativeBase):
    metadata = schema.metadata


class NewsItemRow(Base):
    __table__ = schema.news_items  # declared once, in Core: `news list` reads it without the ORM

    id: Mapped[int]
    title: Mapped[str]
    topic: Mapped[str]
    priority: Mapped[str]
    text: Mapped[str]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    airings_wanted: Mapped[int]
    airings_done: Mapped[int]
    approved_by: Mapped[str | None]
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    source_note: Mapped[str | None]
    source_id: Mapped[str | None]
    kind: Mapped[str]
    language: Mapped[str]
    recording_sha256: Mapped[str | None]
    recording_name: Mapped[str | None]
    recording_seconds: Mapped[float | None]

    renderings: Mapped[list[RenderingRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="RenderingRow.id"
    )


class StationStateRow(Base):
    """Small key/value facts the daemon keeps across restarts (e.g. its last heartbeat)."""

    __tablename__ = "station_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RenderingRow(Base):
    """Which engine and voice spoke an item's current text, and where the audio is cached."""

    __tablename__ = "renderings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("news_items.id", ondelete="CASCADE"), index=True)
    part: Mapped[str] = mapped_column(String(16))  # title | text
    cache_key: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(32))
    voice: Mapped[str] = mapped_column(String(64))
    duration_seconds: Mapped[float] = mapped_column(Float)
    audio_sha256: Mapped[str] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    item: Mapped[NewsItemRow] = relationship(back_populates="renderings")

    __table_args__ = (UniqueConstraint("item_id", "part", name="uq_rendering_item_part"),)


class AiringRow(Base):
    """One record of the append-only, hash-chained airing log. Never updated."""

    __tablename__ = "airings"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    kind: Mapped[str] = mapped_column(String(16))
    slot: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    output: Mapped[str] = mapped_column(String(300))
    device: Mapped[str] = mapped_column(String(300))
    amplifier: Mapped[str] = mapped_column(String(64))
    audio_sha256: Mapped[str | None] = mapped_column(String(64))
    exemption: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the canonical form the record was sealed in (1: before recordings, relays and district bulletins)
    canonical_version: Mapped[int] = mapped_column(Integer, default=2, server_default="1")
    relay_json: Mapped[str | None] = mapped_column(Text)  # canonical JSON of the relay block (version 2)

    items: Mapped[list[AiredItemRow]] = relationship(
        back_populates="airing", order_by="AiredItemRow.position", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_airings_scheduled_at", "scheduled_at"),
        Index("ix_airings_slot_scheduled", "slot", "scheduled_at"),
        Index("ix_airings_status_scheduled", "status", "scheduled_at"),  # a report's incidents (0003)
    )


class AiredItemRow(Base):
    __tablename__ = "aired_items"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    airing_seq: Mapped[int] = mapped_column(ForeignKey("airings.seq"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(500))
    topic: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(16))
    offset_ms: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    duration_ms: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    engine: Mapped[str] = mapped_column(String(32))
    voice: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed: Mapped[bool] = mapped_column(Boolean)
    # canonical version 2
    kind: Mapped[str] = mapped_column(String(16), default="speech", server_default="speech")
    language: Mapped[str] = mapped_column(String(8), default="vie", server_default="vie")
    source_id: Mapped[str | None] = mapped_column(String(64))
    original_sha256: Mapped[str | None] = mapped_column(String(64))
    audio_sha256: Mapped[str | None] = mapped_column(String(64))

    airing: Mapped[AiringRow] = relationship(back_populates="items")


class OnAirRow(Base):
    """What is on air right now. Written (and committed) before the first sound;
    removed in the same transaction that appends the airing's log record, so a
    crash or power cut leaves it behind for the next start to close as interrupted."""

    __tablename__ = "on_air"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    slot: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    output: Mapped[str] = mapped_column(String(300))
    device: Mapped[str] = mapped_column(String(300))
    amplifier: Mapped[str] = mapped_column(String(64))
    audio_sha256: Mapped[str | None] = mapped_column(String(64))
    cue_json: Mapped[str] = mapped_column(Text)
    exemption: Mapped[str | None] = mapped_column(Text)


class EmergencyRequestRow(Base):
    """An emergency item the CLI asked the daemon to air at once."""

    __tablename__ = "emergency_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("news_items.id", ondelete="CASCADE"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- the airtime summary (store/summary.py keeps it in the transaction of each append) ---


class AirtimeSumRow(Base):
    """The figures of one station-local day, or of a run of days (one ISO week within one month),
    sealed against the airing log (reports/daybook.py)."""

    __tablename__ = "airtime_sums"

    span: Mapped[str] = mapped_column(String(3), primary_key=True)  # day | run
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    figures: Mapped[str] = mapped_column(Text)  # canonical JSON
    last_seq: Mapped[int] = mapped_column(BigInteger)  # the last airing that changed the figures
    last_hash: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str] = mapped_column(String(64))
