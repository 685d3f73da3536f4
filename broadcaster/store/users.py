"""Queries on users, login throttling and who queued an item. Rules live in web/accounts.py.

`UserQueries` runs on the tables it is given: the station's (`STATION`) or the district hub's
(hub/users.py), which have the same columns (store/account_tables.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from broadcaster.store.account_tables import LoginFailureColumns, LoginLockColumns, UserColumns
from broadcaster.store.tables_web import AuditRow, ItemAuthorRow, LoginFailureRow, LoginLockRow, UserRow

U = TypeVar("U", bound=UserColumns)


def login_key(username: str) -> str:
    """What a login name matches: NFC, trimmed, case-folded ("Văn Hóa" and "văn hóa" are one user)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", username.strip()).casefold())


@dataclass(frozen=True)
class UserQueries(Generic[U]):
    """The queries on one schema's users, wrong passwords and login locks."""

    user: type[U]
    failure: type[LoginFailureColumns]
    lock_row: type[LoginLockColumns]

    def new_user(self, **values: Any) -> U:
        return self.user(**values)

    def by_name(self, session: Session, username: str) -> U | None:
        return session.scalar(select(self.user).where(self.user.login_key == login_key(username)))

    def by_id(self, session: Session, user_id: int) -> U | None:
        return session.get(self.user, user_id)

    def by_token_hash(self, session: Session, token_hash: str) -> U | None:
        return session.scalar(select(self.user).where(self.user.token_hash == token_hash))

    def all_users(self, session: Session) -> list[U]:
        return list(session.scalars(select(self.user).order_by(self.user.login_key)))

    def count_active(self, session: Session, role: str | None = None) -> int:
        query = select(func.count()).select_from(self.user).where(self.user.active.is_(True))
        if role is not None:
            query = query.where(self.user.role == role)
        return int(session.scalar(query) or 0)

    # ------------------------------------------------------------ throttling

    def add_failure(self, session: Session, key: str, at: datetime, address: str | None) -> None:
        session.add(self.failure(login_key=key, at=at, address=(address or "")[:100] or None))
        session.flush()

    def failures_since(self, session: Session, key: str, since: datetime) -> int:
        row = self.failure
        query = select(func.count()).select_from(row).where(row.login_key == key, row.at > since)
        return int(session.scalar(query) or 0)

    def clear_failures(self, session: Session, key: str) -> None:
        session.execute(delete(self.failure).where(self.failure.login_key == key))

    def forget_failures_before(self, session: Session, before: datetime) -> None:
        """Old failures no longer count for anything; keep the table small."""
        session.execute(delete(self.failure).where(self.failure.at < before))

    def lock(self, session: Session, key: str) -> LoginLockColumns | None:
        return session.get(self.lock_row, key)

    def set_lock(self, session: Session, key: str, at: datetime, until: datetime) -> None:
        row = session.get(self.lock_row, key)
        if row is None:
            session.add(self.lock_row(login_key=key, locked_at=at, locked_until=until))
        else:
            row.locked_at, row.locked_until = at, until
        session.flush()

    def locks_in_force(self, session: Session, now: datetime) -> dict[str, datetime]:
        """login_key -> until when, for the names locked now."""
        rows = session.scalars(select(self.lock_row).where(self.lock_row.locked_until > now))
        return {row.login_key: row.locked_until for row in rows}

    def clear_lock(self, session: Session, key: str) -> None:
        session.execute(delete(self.lock_row).where(self.lock_row.login_key == key))


STATION: UserQueries[UserRow] = UserQueries(UserRow, LoginFailureRow, LoginLockRow)


# ------------------------------------------------------------ authors (the station's news items)


def record_author(session: Session, item_id: int, username: str, at: datetime) -> None:
    """Remember who queued item `item_id` (call it in the transaction that adds the item)."""
    session.add(ItemAuthorRow(item_id=item_id, username=username, created_at=at))
    session.flush()


def author_of(session: Session, item_id: int) -> str | None:
    """Who queued the item from the console or the API; None when it came from the command line."""
    row = session.get(ItemAuthorRow, item_id)
    return row.username if row else None


def is_author(session: Session, item_id: int, username: str) -> bool:
    author = author_of(session, item_id)
    return author is not None and login_key(author) == login_key(username)


def has_edited(session: Session, item_id: int, username: str) -> bool:
    """Whether `username` changed the item after it was queued. The append-only audit trail is
    the record: an edit is written there in its own transaction, whichever front end made it."""
    actors = session.scalars(
        select(AuditRow.actor).where(AuditRow.target == f"item:{item_id}", AuditRow.action == "item.edit").distinct()
    )
    return any(login_key(actor) == login_key(username) for actor in actors)
