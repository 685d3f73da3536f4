"""Many rows in one statement: what a group of stations' pushes writes (intake.py).

On PostgreSQL the rows travel as one array per column, `INSERT … SELECT * FROM unnest(…)`, sent in
binary: one statement, one round trip and a fixed SQL text (prepared once per connection) whatever the
number of rows, where an executemany sends and binds every row on its own. SQLite (a small
district's trial) gets the same statement as an executemany.

`insert_columns` adds rows; with `add`, rows whose key is already there add their figures to it (the
per-day sums); with `ignore`, they are skipped; `returning` names the columns of the rows
actually inserted. `write` sends several tables' rows (`Rows`) as one statement on PostgreSQL: a
group's records, sums and station rows cost one round trip, each of which costs the hub's writer
more CPU than the rows it carries on a busy machine.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy import update as sa_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_BUILT: dict[tuple[Any, ...], Any] = {}


class Utf8(bytes):
    """Text already in UTF-8 (a record's canonical bytes, as hashed): PostgreSQL gets the bytes as
    text (and checks them), without Python decoding then encoding 1.5 kB a record; SQLite gets str."""


def insert_columns(
    session: Session,
    target: Table,
    columns: Mapping[str, Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
    keys: Sequence[str] = (),
    add: bool = False,
    ignore: bool = False,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """`insert` of rows given column by column (lists of one length), and `constants`, values the
    same in every row (sent once, not as an array)."""
    fixed = dict(constants or {})
    if not columns or not next(iter(columns.values())):
        return []
    dialect = session.get_bind().dialect.name
    names, fixed_names = tuple(columns), tuple(fixed)
    cache_key = (dialect, target.name, names, add, ignore, tuple(returning), fixed_names)
    stmt = _BUILT.get(cache_key)
    if stmt is None:  # built once: building a statement costs more than running it
        build = _unnest if dialect == "postgresql" else _values
        stmt = _BUILT[cache_key] = build(target, names, tuple(keys), add, ignore, tuple(returning), fixed_names)
    if dialect != "postgresql":
        rows = [dict(zip(names, values, strict=True)) | fixed for values in zip(*columns.values(), strict=True)]
        for row in rows:
            row.update({c: v.decode("utf-8") for c, v in row.items() if isinstance(v, Utf8)})
        result = session.execute(stmt, rows)
        return [tuple(row) for row in result] if returning else []
    # The driver's own cursor, in the session's transaction: arrays go in binary (psycopg's text form
    # escapes every element through a regular expression, 50 times slower for the records' text).
    params = {f"c{i}": values for i, values in enumerate(columns.values())}
    params |= {f"k{i}": value for i, value in enumerate(fixed.values())}
    cursor = _cursor(session)
    try:
        cursor.execute(stmt, params)
        return [tuple(row) for row in cursor.fetchall()] if returning else []
    finally:
        cursor.close()


def _cursor(session: Session) -> Any:
    """A cursor of the session's own driver connection (PostgreSQL), which sends `Utf8` as text."""
    connection = session.connection().connection.driver_connection
    dumper, binary = _utf8_dumper()
    # Registered on each connection (psycopg copies its global adapters into a connection when it opens).
    if connection.adapters.get_dumper(Utf8, binary) is not dumper:  # type: ignore[union-attr]
        connection.adapters.register_dumper(Utf8, dumper)  # type: ignore[union-attr]
    return connection.cursor()  # type: ignore[union-attr]


@functools.cache
def _utf8_dumper() -> tuple[Any, Any]:
    """psycopg's dumper for `Utf8`, made on first use (a SQLite hub never imports psycopg)."""
    from psycopg import postgres
    from psycopg.adapt import Dumper, PyFormat
    from psycopg.pq import Format

    class Utf8Dumper(Dumper):
        format = Format.BINARY  # text's binary form is its UTF-8 bytes
        oid = postgres.types["text"].oid

        def dump(self, obj: Any) -> Any:
            return obj

    return Utf8Dumper, PyFormat.BINARY


def fetch(session: Session, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a fixed query run on the driver's own cursor, in the session's transaction
    (PostgreSQL only; `sql` in psycopg's placeholders)."""
    cursor = _cursor(session)
    try:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _unnest(
    target: Table,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    add: bool,
    ignore: bool,
    returning: tuple[str, ...],
    fixed: tuple[str, ...] = (),
    prefix: str = "",
) -> Any:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    arrays = ", ".join(
        f"CAST(%({prefix}c{i})b AS {target.c[c].type.compile(dialect=dialect)}[])" for i, c in enumerate(columns)
    )
    values = "".join(
        f", CAST(%({prefix}k{i})s AS {target.c[c].type.compile(dialect=dialect)})" for i, c in enumerate(fixed)
    )
    names = ", ".join((*columns, *fixed))
    sql = f"INSERT INTO {target.name} ({names}) SELECT *{values} FROM unnest({arrays})"  # noqa: S608
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
    target: Table,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    add: bool,
    ignore: bool,
    returning: tuple[str, ...],
    fixed: tuple[str, ...] = (),
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


def _update_each(session: Session, target: Table, key: str, columns: Mapping[str, Sequence[Any]]) -> None:
    """Set `columns` (`key` among them) on the rows whose `key` they name: SQLite, an executemany."""
    names = tuple(columns)
    cache_key = ("sqlite", target.name, names, ("update", key))
    stmt: Any = _BUILT.get(cache_key)
    if stmt is None:
        stmt = _BUILT[cache_key] = _each_update(target, key, names)
    session.execute(
        stmt, [{f"v_{c}": v for c, v in zip(names, row, strict=True)} for row in zip(*columns.values(), strict=True)]
    )


def _unnest_update(target: Table, key: str, columns: tuple[str, ...], prefix: str) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    arrays = ", ".join(
        f"CAST(%({prefix}c{i})b AS {target.c[c].type.compile(dialect=dialect)}[])" for i, c in enumerate(columns)
    )
    sets = ", ".join(f"{c} = u.{c}" for c in columns if c != key)
    return (
        f"UPDATE {target.name} AS t SET {sets} FROM unnest({arrays}) AS u({', '.join(columns)}) "  # noqa: S608
        f"WHERE t.{key} = u.{key}"
    )


def _each_update(target: Table, key: str, columns: tuple[str, ...]) -> Any:
    values = {c: bindparam(f"v_{c}", type_=target.c[c].type) for c in columns if c != key}
    return sa_update(target).where(target.c[key] == bindparam(f"v_{key}", type_=target.c[key].type)).values(values)


@dataclass(frozen=True)
class Rows:
    """One table's share of a `write`: rows column by column (lists of one length), values the same
    in every row, and how they go in: inserted (`add`: adding their figures to rows with the same
    `keys`) or, with `key`, set on the rows whose `key` they name."""

    target: Table
    columns: Mapping[str, Sequence[Any]]
    constants: Mapping[str, Any] = field(default_factory=dict)
    keys: tuple[str, ...] = ()
    add: bool = False
    key: str | None = None


def write(session: Session, parts: Sequence[Rows]) -> None:
    """Several tables' rows written together: on PostgreSQL one statement (the parts as data-modifying
    WITH clauses), one round trip where each table took its own; elsewhere a statement each."""
    parts = [p for p in parts if p.columns and len(next(iter(p.columns.values())))]
    if not parts:
        return
    if session.get_bind().dialect.name != "postgresql":
        for p in parts:
            if p.key is None:
                insert_columns(session, p.target, p.columns, constants=p.constants, keys=p.keys, add=p.add)
            else:
                _update_each(session, p.target, p.key, p.columns)
        return
    cache_key = ("write", *((p.target.name, tuple(p.columns), tuple(p.constants), p.keys, p.add, p.key) for p in parts))
    sql = _BUILT.get(cache_key)
    if sql is None:
        sql = _BUILT[cache_key] = _together(parts)
    params: dict[str, Any] = {}
    for j, p in enumerate(parts):
        params |= {f"p{j}c{i}": values for i, values in enumerate(p.columns.values())}
        params |= {f"p{j}k{i}": value for i, value in enumerate(p.constants.values())}
    cursor = _cursor(session)
    try:
        cursor.execute(sql, params)
    finally:
        cursor.close()


def _together(parts: Sequence[Rows]) -> str:
    statements = [
        _unnest(p.target, tuple(p.columns), p.keys, p.add, False, (), tuple(p.constants), f"p{j}")
        if p.key is None
        else _unnest_update(p.target, p.key, tuple(p.columns), f"p{j}")
        for j, p in enumerate(parts)
    ]
    clauses = ", ".join(f"w{j} AS ({sql})" for j, sql in enumerate(statements[:-1]))
    return f"WITH {clauses} {statements[-1]}" if clauses else statements[-1]
