"""Reading long scans as plain tuples: the driver's own rows, no SQLAlchemy row objects.

Verifying or summing a 10-year log reads ~300,000 rows. SQLAlchemy's result rows and type
processing cost about a microsecond per row and SQLite's datetimes are parsed one value at a
time, which doubles the time of such a scan. The statements are still built with Core (so
they are portable and checked); only execution goes through the DBAPI cursor. Use this for
statements whose only parameters are integers (rendered inline), and read times with
`plain_time`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, String, func, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select


def _dialect(db: Session | Connection) -> str:
    return db.dialect.name if isinstance(db, Connection) else db.get_bind().dialect.name


def plain_time(db: Session | Connection, column: Any) -> Any:
    """A UTC time column as text 'YYYY-MM-DD HH:MM:SS.ffffff' (how SQLAlchemy stores it on SQLite)."""
    if _dialect(db) == "sqlite":
        return type_coerce(column, String).label(column.key)
    # PostgreSQL: the same text, so callers read both databases alike (and skip parsing datetimes).
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24:MI:SS.US").label(column.key)


def fetch(db: Session | Connection, statement: Select[Any] | Any) -> list[tuple[Any, ...]]:
    """All rows of `statement` as the driver's tuples (integer parameters only, rendered inline)."""
    connection = db if isinstance(db, Connection) else db.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled))
        return list(cursor.fetchall())
    finally:
        cursor.close()
