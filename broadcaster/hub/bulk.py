"""Many rows in one statement: what a group of stations' pushes writes (intake.py).

On PostgreSQL the rows travel as one array per column, `INSERT … SELECT * FROM unnest(…)`, sent in
binary: one statement, one round trip and a fixed SQL text (prepared once per connection) whatever the
number of rows, where an executemany sends and binds every row on its own. SQLite (a small
district's trial) gets the same statement as an executemany.

`insert` adds rows; with `add`, rows whose key is already there add their figures to it (the
per-day sums); with `ignore`, they are skipped; `returning` names the columns of the rows
actually inserted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy import update as sa_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_BUILT: dict[tuple[str, str, tuple[str, ...], bool, bool, tuple[str, ...]], Any] = {}


def insert(
    session: Session,
    target: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str] = (),
    add: bool = False,
    ignore: bool = False,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert `rows` (dicts with the same columns) into `target` in one statement; the `returning`
    columns of the rows inserted (none when not asked)."""
    if not rows:
        return []
    columns = tuple(rows[0])
    dialect = session.get_bind().dialect.name
    cache_key = (dialect, target.name, columns, add, ignore, tuple(returning))
    stmt = _BUILT.get(cache_key)
    if stmt is None:  # built once: building a statement costs more than running it
        build = _unnest if dialect == "postgresql" else _values
        stmt = _BUILT[cache_key] = build(target, columns, tuple(keys), add, ignore, tuple(returning))
    if dialect != "postgresql":
        result = session.execute(stmt, list(rows))
        return [tuple(row) for row in result] if returning else []
    # The driver's own cursor, in the session's transaction: arrays go in binary (psycopg's text form
    # escapes every element through a regular expression, 50 times slower for the records' text).
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(stmt, {f"c{i}": [row[c] for row in rows] for i, c in enumerate(columns)})
        return [tuple(row) for row in cursor.fetchall()] if returning else []
    finally:
        cursor.close()


def fetch(session: Session, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a fixed query run on the driver's own cursor, in the session's transaction
    (PostgreSQL only; `sql` in psycopg's placeholders)."""
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _unnest(
    target: Table, columns: tuple[str, ...], keys: tuple[str, ...], add: bool, ignore: bool, returning: tuple[str, ...]
) -> Any:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    arrays = ", ".join(
        f"CAST(%(c{i})b AS {target.c[c].type.compile(dialect=dialect)}[])" for i, c in enumerate(columns)
    )
    sql = f"INSERT INTO {target.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"  # noqa: S608
    if add:
        figures = [c for c in columns if c not in keys]
        sets = ", ".join(f"{c} = {target.name}.{c} + excluded.{c}" for c in figures)
        sql += f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"
    elif ignore:
        sql += f" ON CONFLICT ({', '.join(keys)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    return sql


def _values(
    target: Table, columns: tuple[str, ...], keys: tuple[str, ...], add: bool, ignore: bool, returning: tuple[str, ...]
) -> Any:
    base = sqlite.insert(target)
    stmt: Any = base
    if add:
        stmt = base.on_conflict_do_update(
            index_elements=list(keys), set_={c: target.c[c] + base.excluded[c] for c in columns if c not in keys}
        )
    elif ignore:
        stmt = base.on_conflict_do_nothing(index_elements=list(keys))
    if returning:
        stmt = stmt.returning(*(target.c[c] for c in returning))
    return stmt


def update(session: Session, target: Table, key: str, rows: Sequence[dict[str, Any]]) -> None:
    """Set the columns of `rows` (dicts with the same columns, `key` among them) on the rows whose
    `key` they name, in one statement."""
    if not rows:
        return
    columns = tuple(rows[0])
    dialect = session.get_bind().dialect.name
    cache_key = (dialect, target.name, columns, False, False, ("update", key))
    stmt: Any = _BUILT.get(cache_key)
    if stmt is None:
        build = _unnest_update if dialect == "postgresql" else _each_update
        stmt = _BUILT[cache_key] = build(target, key, columns)
    if dialect == "postgresql":
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(stmt, {f"c{i}": [row[c] for row in rows] for i, c in enumerate(columns)})
        finally:
            cursor.close()
    else:
        session.execute(stmt, [{f"v_{c}": value for c, value in row.items()} for row in rows])


def _unnest_update(target: Table, key: str, columns: tuple[str, ...]) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    arrays = ", ".join(
        f"CAST(%(c{i})b AS {target.c[c].type.compile(dialect=dialect)}[])" for i, c in enumerate(columns)
    )
    sets = ", ".join(f"{c} = u.{c}" for c in columns if c != key)
    return (
        f"UPDATE {target.name} AS t SET {sets} FROM unnest({arrays}) AS u({', '.join(columns)}) "  # noqa: S608
        f"WHERE t.{key} = u.{key}"
    )


def _each_update(target: Table, key: str, columns: tuple[str, ...]) -> Any:
    values = {c: bindparam(f"v_{c}", type_=target.c[c].type) for c in columns if c != key}
    return sa_update(target).where(target.c[key] == bindparam(f"v_{key}", type_=target.c[key].type)).values(values)
