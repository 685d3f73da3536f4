"""Tables of the web console: users, login throttling, the audit trail, who queued an item.

They share `Base` with store/tables.py; revision 0006 creates them. Times are UTC.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from broadcaster.store.tables import Base, UTCDateTime

_BIG = BigInteger().with_variant(Integer, "sqlite")


class UserRow(Base):
    """A person who logs in to the console (or calls the API with a token)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))  # as typed when created (NFC)
    login_key: Mapped[str] = mapped_column(String(64), unique=True)  # case-folded: what a login matches
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))  # official | approver | technician | district
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)  # after a one-time password
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised on a password change or when disabled: sessions signed with an older epoch end.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # sha256 of the API token
    token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailureRow(Base):
    """A wrong password, kept in the database so throttling survives a restart."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(_BIG, primary_key=True)
    login_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_login_failures_key_at", "login_key", "at"),)


class LoginLockRow(Base):
    """A login name locked after too many wrong passwords."""

    __tablename__ = "login_locks"

    login_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditRow(Base):
    """One entry of the append-only, hash-chained audit trail (auditlog.py). Never updated."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(500))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    address: Mapped[str | None] = mapped_column(String(500))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_actor", "actor"))


class AuditHeadRow(Base):
    """The trail's newest entry (one row). Appending updates it first, which makes appenders take
    turns (a row lock on PostgreSQL, the write lock on SQLite), and verifying compares with it,
    which catches the newest entries being deleted."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(_BIG)
    hash: Mapped[str] = mapped_column(String(64))


class ItemAuthorRow(Base):
    """Who queued a news item from the console or the API: when approval is required, nobody
    approves an item they queued themselves."""

    __tablename__ = "item_authors"

    item_id: Mapped[int] = mapped_column(ForeignKey("news_items.id", ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
