"""A row of the news_items table as a NewsItem: one mapping for the ORM's rows, Core's and the standard
library driver's (news_read.py, news_read_sqlite.py), kept free of SQLAlchemy so `news list` need not load it."""

from __future__ import annotations

from datetime import date, datetime

from broadcaster.model import ItemKind, NewsItem, Priority, Recording

# the columns a NewsItem is made of, in the order of `item_of`'s arguments
ITEM_COLUMNS = (
    "id", "title", "topic", "priority", "text", "valid_from", "valid_until", "airings_wanted", "airings_done",
    "approved_by", "approved_at", "created_at", "cancelled_at", "kind", "language", "recording_sha256",
    "recording_name", "recording_seconds", "source_id",
)  # fmt: skip


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
