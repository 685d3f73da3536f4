"""Tables of the web console: users, login throttling, the audit trail, who queued an item.

They share `Base` with store/tables.py; revision 0006 creates them. Their columns are those of
store/account_tables.py, which the district hub's tables use too. Times are UTC.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from broadcaster.store.account_tables import (
    AuditColumns,
    AuditHeadColumns,
    LoginFailureColumns,
    LoginLockColumns,
    UserColumns,
)
from broadcaster.store.tables import Base, UTCDateTime


class UserRow(UserColumns, Base):
    """A person who logs in to the console (or calls the API with a token)."""

    __tablename__ = "users"


class LoginFailureRow(LoginFailureColumns, Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "login_key", "at"),)


class LoginLockRow(LoginLockColumns, Base):
    __tablename__ = "login_locks"


class AuditRow(AuditColumns, Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_actor", "actor"))


class AuditHeadRow(AuditHeadColumns, Base):
    __tablename__ = "audit_head"


class ItemAuthorRow(Base):
    """Who queued a news item from the console or the API: when approval is required, nobody
    approves an item they queued themselves."""

    __tablename__ = "item_authors"

    item_id: Mapped[int] = mapped_column(ForeignKey("news_items.id", ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
