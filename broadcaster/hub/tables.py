"""The hub's tables: its own SQLAlchemy metadata, migrated by its own Alembic environment.

Sized for a province (600 stations, 10 years): the airing records are keyed by (station,
seq), so checking that a batch continues a station's chain reads a handful of rows; reports
read the per-day sums kept at ingest (`station_days`, `bulletin_days`), never the records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from broadcaster.store.account_tables import (
    AuditColumns,
    AuditHeadColumns,
    LoginFailureColumns,
    LoginLockColumns,
    UserColumns,
)
from broadcaster.store.tables import UTCDateTime

BIG = BigInteger().with_variant(Integer, "sqlite")  # SQLite: INTEGER PRIMARY KEY is the rowid, 64-bit anyway


class HubBase(DeclarativeBase):
    pass


def table(model: type[HubBase]) -> Table:
    """The Core table of a model, for the hot paths that skip the ORM."""
    return cast(Table, model.__table__)


class StationRow(HubBase):
    """A commune's station, its chain as far as the hub holds it, and its last contact."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    head_count: Mapped[int] = mapped_column(BIG, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    head_prev_hash: Mapped[str] = mapped_column(String(64))  # of the record before the head
    head_signature: Mapped[str | None] = mapped_column(String(200))
    head_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_signature: Mapped[str | None] = mapped_column(String(200))  # the last receipt the hub signed
    receipt_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_received: Mapped[int | None] = mapped_column(Integer)
    cursor: Mapped[int] = mapped_column(BIG, default=0)  # deliveries the station says it has stored
    station_count: Mapped[int | None] = mapped_column(BIG)  # records the station says its log holds
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_offset_ms: Mapped[int | None] = mapped_column(BIG)
    status_json: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)  # forked or altered chain: shown until resolved
    problem_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    problem_seq: Mapped[int | None] = mapped_column(BIG)


class AudioRow(HubBase):
    __tablename__ = "audio"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    bytes: Mapped[int] = mapped_column(BIG)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BulletinRow(HubBase):
    """A district bulletin; `envelope` is the signed form, set when it is approved (published)."""

    __tablename__ = "bulletins"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    topic: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    audio_sha256: Mapped[str | None] = mapped_column(ForeignKey("audio.sha256"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    airings: Mapped[int] = mapped_column(Integer)
    to_all: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    envelope: Mapped[str | None] = mapped_column(Text)


class TargetRow(HubBase):
    """A station a bulletin is addressed to by code (bulletins to all have none)."""

    __tablename__ = "bulletin_targets"

    bulletin_id: Mapped[str] = mapped_column(ForeignKey("bulletins.id"), primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)


class DeliveryRow(HubBase):
    """A published bulletin waiting for (or fetched by) a station; `id` is the station's cursor."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BIG, primary_key=True, autoincrement=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    bulletin_id: Mapped[str] = mapped_column(ForeignKey("bulletins.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("station_id", "bulletin_id", name="uq_delivery_station_bulletin"),
        Index("ix_deliveries_station_id", "station_id", "id"),  # a station's page after its cursor
        Index("ix_deliveries_bulletin", "bulletin_id"),
    )


class AiringRow(HubBase):
    """One airing record of a station's chain, as received (`doc`: its canonical document)."""

    __tablename__ = "airings"

    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str | None] = mapped_column(String(16))
    slot: Mapped[str | None] = mapped_column(String(200))
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    doc: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_airings_station_scheduled", "station_id", "scheduled_at"),)


class StationDayRow(HubBase):
    """A station's airings summed per local day, kept at ingest: what the reports read."""

    __tablename__ = "station_days"

    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    airings: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    interrupted: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    missed: Mapped[int] = mapped_column(Integer)
    empty: Mapped[int] = mapped_column(Integer)
    on_air: Mapped[int] = mapped_column(Integer)  # airings with an item on air
    item_airings: Mapped[int] = mapped_column(Integer)
    ms: Mapped[int] = mapped_column(BigInteger)
    district_items: Mapped[int] = mapped_column(Integer)  # item airings of district bulletins
    district_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_station_days_day", "day"),)


class BulletinDayRow(HubBase):
    """Airings of a district bulletin at one station on one local day, kept at ingest."""

    __tablename__ = "bulletin_days"

    bulletin_id: Mapped[str] = mapped_column(ForeignKey("bulletins.id"), primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    airings: Mapped[int] = mapped_column(Integer)  # aired in full
    partial: Mapped[int] = mapped_column(Integer)  # cut short
    ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_bulletin_days_day", "day"),)


class NonceRow(HubBase):
    """Request nonces seen within the freshness window: a request is accepted once."""

    __tablename__ = "request_nonces"

    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ------------------------------------------------------------ the district's users and their audit trail
# The same columns as the station console's (store/account_tables.py): web/accounts.py serves both.


class HubUserRow(UserColumns, HubBase):
    """A district officer who logs in to the hub's pages (editor, approver or viewer)."""

    __tablename__ = "users"


class HubLoginFailureRow(LoginFailureColumns, HubBase):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "login_key", "at"),)


class HubLoginLockRow(LoginLockColumns, HubBase):
    __tablename__ = "login_locks"


class HubAuditRow(AuditColumns, HubBase):
    """What the district's users did (log in, compose, approve, clear a fork, re-key a station), chained."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor", "actor"),
        Index("ix_audit_log_target", "target"),  # a commune's page lists what was done to its station
    )


class HubAuditHeadRow(AuditHeadColumns, HubBase):
    __tablename__ = "audit_head"
