"""`news list` reads the queue with SQLAlchemy Core (store/news_read.py): the items it sees are the ones
the ORM sees, field for field, times aware and in UTC, on SQLite and PostgreSQL; on SQLite it runs Core's
SQL through the standard library's driver (store/news_read_sqlite.py) and sees the same items again."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from broadcaster.model import NewsItem, Recording
from broadcaster.store import news as news_store
from broadcaster.store import news_read, news_read_sqlite, sqlite_direct
from broadcaster.store.db import Database, sqlite_file
from broadcaster.store.tables import NewsItemRow


def _by_orm(session: Session, topic: str | None = None) -> list[NewsItem]:
    query = select(NewsItemRow).order_by(NewsItemRow.id)
    if topic:
        query = query.where(NewsItemRow.topic == topic)
    return [news_store.to_item(row) for row in session.scalars(query)]


def test_the_core_read_gives_the_items_the_orm_gives(db_url: str, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/station.db" if db_url.startswith("sqlite") else db_url)
    db.upgrade()
    now = datetime(2026, 3, 5, 1, 2, 3, tzinfo=UTC)
    with db.session() as session:
        news_store.add_row(session, now, title="Tin một", topic="mot-cua", priority="normal", text="Thứ bảy.")
        row = news_store.add_row(
            session, now, title="Tin hai", topic="an-ninh", priority="emergency", text="Gọi 113.",
            valid_from=date(2026, 3, 5), valid_until=date(2026, 3, 9), airings_wanted=3, approved_by="Chủ tịch",
            approved_at=now, source_id="bulletin-7", source_note="huyện",
            **news_store.audio_columns("tay", Recording("ab" * 32, "ghiam.m4a", 12.5)),
        )  # fmt: skip
        row.cancelled_at = now
    with db.session() as session:
        by_orm = _by_orm(session)
        topic_orm = _by_orm(session, "an-ninh")
    with db.reading() as connection:
        assert news_read.all_items(connection) == by_orm
        assert news_read.all_items(connection, "an-ninh") == topic_orm
    assert [i.title for i in by_orm] == ["Tin một", "Tin hai"]
    assert by_orm[1].recording == Recording("ab" * 32, "ghiam.m4a", 12.5)
    assert by_orm[1].cancelled_at == now and by_orm[1].cancelled_at.tzinfo is not None
    db.dispose()


# ------------------------------------------------------------ on SQLite, through the standard library's driver
#
# `news list` on a SQLite station runs the SQL text Core compiles for news_read.items_query through sqlite3,
# without importing SQLAlchemy (store/news_read_sqlite.py): it must give exactly what the Core read gives.


def test_the_sqlite_statements_are_what_core_compiles_today() -> None:
    compiled = news_read.sqlite_statements()
    kept = {name: getattr(news_read_sqlite, name) for name in compiled}
    assert kept == compiled, (
        "store/news_read_sqlite.py's SQL is no longer what Core compiles for news_read.items_query (a changed "
        "table or query): run `python -m broadcaster.store.news_read` and paste its output over the constants there"
    )
    # its one parameter is the topic, given to sqlite3 by position
    assert news_read.items_query("an-ninh").compile(dialect=sqlite.dialect()).params == {"topic_1": "an-ninh"}


def _outcome(read: Any, stored: object) -> tuple[object, ...]:
    try:
        value = read(stored)
    except (ValueError, TypeError) as exc:
        return ("refused", type(exc))
    return (type(value), value, getattr(value, "tzinfo", None))


STORED = [
    None, "2026-03-05", "2026-03-05 01:02:03.000004", "2026-03-05 01:02:03", "2026-03-05T08:02:03+07:00",
    "2026-03-05 01:02", "05/03/2026", "", 7, 12.5, "Tin một",
]  # fmt: skip


def test_each_column_reads_back_as_sqlalchemys_sqlite_types_read_it() -> None:
    """READ_AS parses a column exactly when its SQLAlchemy type would on SQLite, and to the same value: a new
    date or time column among news_rows.ITEM_COLUMNS fails here until news_read_sqlite.py parses it too."""
    dialect = sqlite.dialect()
    for column in news_read.ITEM_SELECT.selected_columns:
        processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
        read = news_read_sqlite.READ_AS.get(column.name)
        assert (processor is None) == (read is None), column.name
        if processor is not None:
            assert [_outcome(read, s) for s in STORED] == [_outcome(processor, s) for s in STORED], column.name


def _populate(db: Database) -> None:
    """Items of every kind and status, some of their times written as text SQLAlchemy never writes itself."""
    now = datetime(2026, 3, 5, 1, 2, 3, 456789, tzinfo=UTC)
    recording = Recording("cd" * 32, "loa.m4a", 61.0)
    with db.session() as session:
        news_store.add_row(session, now, title="Tin một", topic="mot-cua", priority="normal", text="Thứ bảy.")
        news_store.add_row(
            session, now, title="Khẩn", topic="an-ninh", priority="emergency", text="Gọi 113.",
            valid_from=date(2026, 3, 5), valid_until=date(2026, 3, 9), airings_wanted=3, approved_by="Chủ tịch",
            approved_at=now, source_id="bulletin-7", source_note="huyện",
            **news_store.audio_columns("tay", Recording("ab" * 32, "ghiam.m4a", 12.5)),
        )  # fmt: skip
        news_store.add_row(
            session, now, title="Đã phát", topic="mot-cua", priority="priority", text="Xong.",
            valid_until=date(2026, 3, 1), approved_by="Phó chủ tịch", approved_at=now,
        )  # fmt: skip
        news_store.add_row(session, now, title="Ghi âm", topic="nguoi-tot", priority="normal", text="",
                           **news_store.audio_columns("vie", recording))  # fmt: skip
        news_store.add_row(session, now, title="Huỷ", topic="an-ninh", priority="normal", text="Không phát.")
        news_store.add_row(session, now, title="Hết hạn", topic="mot-cua", priority="normal", text="Cũ.",
                           valid_until=date(2026, 3, 1), airings_wanted=2)  # fmt: skip
    path = sqlite_file(db.url)
    assert path is not None
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE news_items SET cancelled_at = '2026-03-06 10:00:00' WHERE title = 'Huỷ'")
        raw.execute("UPDATE news_items SET airings_done = 1, created_at = '2026-03-04T23:00:00+07:00' WHERE id = 3")
        raw.execute("UPDATE news_items SET kind = 'recording' WHERE title = 'Tin một'")  # a recording with no file
        raw.execute("UPDATE news_items SET recording_seconds = 61 WHERE title = 'Ghi âm'")  # an integer REAL
    raw.close()


def test_the_sqlite_driver_reads_the_items_core_reads(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/station.db")
    db.upgrade()
    _populate(db)
    path = sqlite_file(db.url)
    assert path is not None
    for topic in (None, "an-ninh", "nguoi-tot", "khong-co"):
        with db.reading() as connection:
            by_core = news_read.all_items(connection, topic)
        with sqlite_direct.reading(path) as direct:
            assert news_read_sqlite.all_items(direct, topic) == by_core, topic
    with sqlite_direct.reading(path) as direct:
        items = news_read_sqlite.all_items(direct)
    db.dispose()
    assert [i.title for i in items] == ["Tin một", "Khẩn", "Đã phát", "Ghi âm", "Huỷ", "Hết hạn"]
    today = date(2026, 3, 7)
    assert [i.status(today).value for i in items] == ["queued", "approved", "aired", "queued", "cancelled", "expired"]
    first, urgent, aired, recorded, cancelled, _expired = items
    assert first.recording is None and first.approved_at is None and first.valid_from is None
    assert urgent.recording == Recording("ab" * 32, "ghiam.m4a", 12.5) and urgent.valid_until == date(2026, 3, 9)
    assert urgent.approved_at == datetime(2026, 3, 5, 1, 2, 3, 456789, tzinfo=UTC)
    assert aired.created_at == datetime(2026, 3, 4, 16, tzinfo=UTC) and aired.created_at.tzinfo is UTC
    assert recorded.recording is not None and type(recorded.recording.seconds) is float
    assert cancelled.cancelled_at == datetime(2026, 3, 6, 10, tzinfo=UTC)
