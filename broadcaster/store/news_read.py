"""Reading the news queue with SQLAlchemy Core, on the table of schema.py: what `news list` needs,
without importing the ORM (a read-only command starts in a fraction of the time)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, select

from broadcaster.model import ItemKind, NewsItem, Priority, Recording
from broadcaster.store.schema import news_items

# the columns a NewsItem is made of, in the order of `item_of`'s arguments
ITEM_COLUMNS = (
    "id", "title", "topic", "priority", "text", "valid_from", "valid_until", "airings_wanted", "airings_done",
    "approved_by", "approved_at", "created_at", "cancelled_at", "kind", "language", "recording_sha256",
    "recording_name", "recording_seconds", "source_id",
)  # fmt: skip
ITEM_SELECT = select(*(news_items.c[name] for name in ITEM_COLUMNS))


def to_item(row: object) -> NewsItem:
    """An ORM NewsItemRow (or any object with the columns' names) as a NewsItem."""
    return item_of(*(getattr(row, name) for name in ITEM_COLUMNS))


def item_of(
    id: int, title: str, topic: str, priority: str, text: str, valid_from: date | None, valid_until: date | None,
    airings_wanted: int, airings_done: int, approved_by: str | None, approved_at: datetime | None,
    created_at: datetime, cancelled_at: datetime | None, kind: str, language: str, recording_sha256: str | None,
    recording_name: str | None, recording_seconds: float | None, source_id: str | None,
) -> NewsItem:  # fmt: skip
    """The values of ITEM_COLUMNS as a NewsItem: rows of ITEM_SELECT are unpacked straight into it, as the
    programme reads a thousand of them for each page and reading a row's columns by name took twice as long."""
    recording = None
    if kind == ItemKind.RECORDING and recording_sha256:
        recording = Recording(recording_sha256, recording_name or "", float(recording_seconds or 0.0))
    return NewsItem(
        id=id,
        title=title,
        topic=topic,
        priority=Priority(priority),
        text=text,
        valid_from=valid_from,
        valid_until=valid_until,
        airings_wanted=airings_wanted,
        airings_done=airings_done,
        approved_by=approved_by,
        approved_at=approved_at,
        created_at=created_at,
        cancelled_at=cancelled_at,
        kind=ItemKind(kind) if recording is not None else ItemKind.SPEECH,
        language=language,
        recording=recording,
        source_id=source_id,
    )


def all_items(connection: Connection, topic: str | None = None) -> list[NewsItem]:
    """Every item (of one topic if given), oldest first."""
    query = ITEM_SELECT.order_by(news_items.c.id)
    if topic:
        query = query.where(news_items.c.topic == topic)
    return [item_of(*row) for row in connection.execute(query)]
