"""Queries on users, login throttling and who queued an item. Rules live in web/accounts.py."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from broadcaster.store.tables_web import ItemAuthorRow, LoginFailureRow, LoginLockRow, UserRow


def login_key(username: str) -> str:
    """What a login name matches: NFC, trimmed, case-folded ("Văn Hóa" and "văn hóa" are one user)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", username.strip()).casefold())


def by_name(session: Session, username: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.login_key == login_key(username)))


def by_id(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def by_token_hash(session: Session, token_hash: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.token_hash == token_hash))


def all_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.login_key)))


def count_active(session: Session, role: str | None = None) -> int:
    query = select(func.count()).select_from(UserRow).where(UserRow.active.is_(True))
    if role is not None:
        query = query.where(UserRow.role == role)
    return int(session.scalar(query) or 0)


# ------------------------------------------------------------ throttling


def add_failure(session: Session, key: str, at: datetime, address: str | None) -> None:
    session.add(LoginFailureRow(login_key=key, at=at, address=(address or "")[:100] or None))
    session.flush()


def failures_since(session: Session, key: str, since: datetime) -> int:
    query = (
        select(func.count())
        .select_from(LoginFailureRow)
        .where(LoginFailureRow.login_key == key, LoginFailureRow.at > since)
    )
    return int(session.scalar(query) or 0)


def clear_failures(session: Session, key: str) -> None:
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.login_key == key))


def forget_failures_before(session: Session, before: datetime) -> None:
    """Old failures no longer count for anything; keep the table small."""
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < before))


def lock(session: Session, key: str) -> LoginLockRow | None:
    return session.get(LoginLockRow, key)


def set_lock(session: Session, key: str, at: datetime, until: datetime) -> None:
    row = session.get(LoginLockRow, key)
    if row is None:
        session.add(LoginLockRow(login_key=key, locked_at=at, locked_until=until))
    else:
        row.locked_at, row.locked_until = at, until
    session.flush()


def locks_in_force(session: Session, now: datetime) -> dict[str, datetime]:
    """login_key -> until when, for the names locked now."""
    rows = session.scalars(select(LoginLockRow).where(LoginLockRow.locked_until > now))
    return {row.login_key: row.locked_until for row in rows}


def clear_lock(session: Session, key: str) -> None:
    session.execute(delete(LoginLockRow).where(LoginLockRow.login_key == key))


# ------------------------------------------------------------ authors


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
