"""`news list` reads the queue with SQLAlchemy Core (store/news_read.py): the items it sees are the ones
the ORM sees, field for field, times aware and in UTC, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.model import NewsItem, Recording
from broadcaster.store import news as news_store
from broadcaster.store import news_read
from broadcaster.store.db import Database
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
