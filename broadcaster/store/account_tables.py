"""The columns of users, login throttling and the audit trail, shared by two databases.

The station's console (store/tables_web.py) and the district hub (hub/tables.py) each keep
their own users and audit trail in their own schema; both tables come from these mixins, so
the account code (web/accounts.py, store/users.py, store/audit.py) works on either.
Times are UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from broadcaster.store.tables import UTCDateTime

BIG = BigInteger().with_variant(Integer, "sqlite")


class Columns:
    """A mixin of columns; the declarative base it is mixed with makes the keyword constructor."""

    if TYPE_CHECKING:

        def __init__(self, **values: Any) -> None: ...


class UserColumns(Columns):
    """A person who logs in (or calls the API with a token)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))  # as typed when created (NFC)
    login_key: Mapped[str] = mapped_column(String(64), unique=True)  # case-folded: what a login matches
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))  # one of the realm's roles
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


class LoginFailureColumns(Columns):
    """A wrong password, kept in the database so throttling survives a restart."""

    id: Mapped[int] = mapped_column(BIG, primary_key=True)
    login_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(100))


class LoginLockColumns(Columns):
    """A login name locked after too many wrong passwords."""

    login_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditColumns(Columns):
    """One entry of the append-only, hash-chained audit trail (auditlog.py). Never updated."""

    seq: Mapped[int] = mapped_column(BIG, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(500))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    address: Mapped[str | None] = mapped_column(String(500))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHeadColumns(Columns):
    """The trail's newest entry (one row). Appending updates it first, which makes appenders take
    turns (a row lock on PostgreSQL, the write lock on SQLite), and verifying compares with it,
    which catches the newest entries being deleted."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BIG)
    hash: Mapped[str] = mapped_column(String(64))
