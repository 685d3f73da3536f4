"""Queries on the news queue through the ORM; news_read.py lists it with Core. Only these touch news_items."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from broadcaster import limits
from broadcaster.errors import NotFoundError
from broadcaster.i18n import _
from broadcaster.model import ItemKind, NewsItem, Recording
from broadcaster.store.news_read import ITEM_SELECT
from broadcaster.store.news_rows import item_of
from broadcaster.store.news_rows import to_item as to_item  # the ORM's rows too: one mapping of a row
from broadcaster.store.tables import NewsItemRow


def audio_columns(language: str, recording: Recording | None) -> dict[str, object]:
    """The columns that say what an item sounds like: spoken text, or a recording in the archive."""
    return {
        "kind": (ItemKind.RECORDING if recording is not None else ItemKind.SPEECH).value,
        "language": language,
        "recording_sha256": recording.sha256 if recording is not None else None,
        "recording_name": recording.name if recording is not None else None,
        "recording_seconds": recording.seconds if recording is not None else None,
    }


def get_row(session: Session, item_id: int) -> NewsItemRow:
    # an id beyond the database's integers names no item (and would overflow the driver)
    row = session.get(NewsItemRow, item_id) if 0 < item_id <= limits.ITEM_ID_MAX else None
    if row is None:
        raise NotFoundError(
            _("There is no news item {id}.").format(id=item_id),
            _("Run `broadcaster news list --status all` to see the ids."),
            console_hint=_("Find it on the News items page."),
        )
    return row


def live_items(session: Session, priority: str | None = None) -> list[NewsItem]:
    """Items that may still air: not cancelled, airings still wanted (of one priority if given). Read as
    plain tuples: the programme reads a thousand of them for each page, and ORM objects took twice as long."""
    return [item_of(*row) for row in session.execute(_live(ITEM_SELECT, priority))]


def _live(query: Select[Any], priority: str | None) -> Select[Any]:
    query = query.where(
        NewsItemRow.cancelled_at.is_(None), NewsItemRow.airings_done < NewsItemRow.airings_wanted
    ).order_by(NewsItemRow.id)
    return query if priority is None else query.where(NewsItemRow.priority == priority)


def add_row(session: Session, now: datetime, **values: object) -> NewsItemRow:
    row = NewsItemRow(created_at=now, updated_at=now, airings_done=0, **values)
    session.add(row)
    session.flush()
    return row


def cancelled_among(session: Session, item_ids: Sequence[int]) -> list[int]:
    """Which of `item_ids` are cancelled."""
    if not item_ids:
        return []
    query = select(NewsItemRow.id).where(NewsItemRow.id.in_(list(item_ids)), NewsItemRow.cancelled_at.is_not(None))
    return list(session.scalars(query))


def transcripts_of(session: Session, item_ids: Iterable[int]) -> dict[int, str]:
    """The transcripts of the recorded items among `item_ids` that have one (the report's CSV lists them)."""
    ids = sorted(set(item_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):  # SQLite's older builds take at most 999 values in one query
        query = select(NewsItemRow.id, NewsItemRow.text).where(
            NewsItemRow.id.in_(ids[start : start + 500]), NewsItemRow.kind == ItemKind.RECORDING.value
        )
        found.update({item_id: text for item_id, text in session.execute(query) if text})
    return found


def live_with_titles(session: Session, titles: Iterable[str]) -> list[tuple[int, str, str]]:
    """(id, title, text) of the items that may still air and carry one of `titles`."""
    columns: tuple[Any, ...] = (NewsItemRow.id, NewsItemRow.title, NewsItemRow.text)
    query = select(*columns).where(NewsItemRow.title.in_(set(titles)))
    return [(row.id, row.title, row.text) for row in session.execute(_live(query, None))]
