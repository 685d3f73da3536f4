"""Reading the news queue with SQLAlchemy Core, on the table of schema.py: what `news list` needs,
without importing the ORM (a read-only command starts in a fraction of the time)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from sqlalchemy import Connection, select

from broadcaster.model import ItemKind, NewsItem, Priority, Recording
from broadcaster.store.schema import news_items


class ItemColumns(Protocol):
    """A row of news_items: an ORM NewsItemRow or a Core result row (same names)."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def valid_from(self) -> date | None: ...
    @property
    def valid_until(self) -> date | None: ...
    @property
    def airings_wanted(self) -> int: ...
    @property
    def airings_done(self) -> int: ...
    @property
    def approved_by(self) -> str | None: ...
    @property
    def approved_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def cancelled_at(self) -> datetime | None: ...
    @property
    def source_id(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def recording_sha256(self) -> str | None: ...
    @property
    def recording_name(self) -> str | None: ...
    @property
    def recording_seconds(self) -> float | None: ...


def to_item(row: ItemColumns) -> NewsItem:
    recording = None
    if row.kind == ItemKind.RECORDING and row.recording_sha256:
        recording = Recording(row.recording_sha256, row.recording_name or "", float(row.recording_seconds or 0.0))
    return NewsItem(
        id=row.id,
        title=row.title,
        topic=row.topic,
        priority=Priority(row.priority),
        text=row.text,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        airings_wanted=row.airings_wanted,
        airings_done=row.airings_done,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        created_at=row.created_at,
        cancelled_at=row.cancelled_at,
        kind=ItemKind(row.kind) if recording is not None else ItemKind.SPEECH,
        language=row.language,
        recording=recording,
        source_id=row.source_id,
    )


def all_items(connection: Connection, topic: str | None = None) -> list[NewsItem]:
    """Every item (of one topic if given), oldest first."""
    query = select(news_items).order_by(news_items.c.id)
    if topic:
        query = query.where(news_items.c.topic == topic)
    return [to_item(row) for row in connection.execute(query)]
