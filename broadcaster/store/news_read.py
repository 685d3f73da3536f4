"""Reading the news queue with SQLAlchemy Core, on the table of schema.py: what `news list` needs,
without importing the ORM (a read-only command starts in a fraction of the time).

These statements are the definition: on SQLite, `news list` runs the SQL text Core compiles for them
through the standard library's driver, without importing SQLAlchemy (news_read_sqlite.py, whose
constants `python -m broadcaster.store.news_read` prints and the tests compare with Core)."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from sqlalchemy import Connection, Select, select

from broadcaster.model import NewsItem
from broadcaster.store.news_rows import ITEM_COLUMNS, item_of
from broadcaster.store.schema import news_items

ITEM_SELECT = select(*(news_items.c[name] for name in ITEM_COLUMNS))


def items_query(topic: str | None = None) -> Select[Any]:
    """Every item (of one topic if given), oldest first."""
    query = ITEM_SELECT.order_by(news_items.c.id)
    if topic:
        query = query.where(news_items.c.topic == topic)
    return query


def all_items(connection: Connection, topic: str | None = None) -> list[NewsItem]:
    """Every item (of one topic if given), oldest first."""
    return [item_of(*row) for row in connection.execute(items_query(topic))]


def sqlite_statements() -> dict[str, str]:
    """The SQL text SQLite's dialect compiles for items_query: the constants of news_read_sqlite.py."""
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()  # the pysqlite driver's: positional `?` parameters
    return {
        "ALL_ITEMS_SQL": str(items_query().compile(dialect=dialect)),
        "ITEMS_OF_TOPIC_SQL": str(items_query("topic").compile(dialect=dialect)),
    }


def _as_python(name: str, sql: str) -> str:
    """`NAME = (...)`: the text in pieces short enough for a line, which join to it exactly."""
    pieces = textwrap.wrap(sql, 96, drop_whitespace=False, replace_whitespace=False, break_long_words=False)
    assert "".join(pieces) == sql
    return f"{name} = (\n" + "".join(f"    {json.dumps(piece)}\n" for piece in pieces) + ")"  # as ruff formats it


if __name__ == "__main__":
    print("\n".join(_as_python(name, sql) for name, sql in sqlite_statements().items()))
