"""Which engine and voice made each part of an item's audio (for `news show` and the console)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from broadcaster.store.tables import RenderingRow


def save(
    session: Session,
    item_id: int,
    part: str,
    *,
    cache_key: str,
    engine: str,
    voice: str,
    seconds: float,
    sha256: str,
    notes: str | None,
    created_at: datetime,
) -> None:
    values = {
        "cache_key": cache_key,
        "engine": engine,
        "voice": voice,
        "duration_seconds": seconds,
        "audio_sha256": sha256,
        "notes": notes,
        "created_at": created_at,
    }
    query = select(RenderingRow).where(RenderingRow.item_id == item_id, RenderingRow.part == part)
    row = session.scalar(query)
    if row is None:
        try:
            with session.begin_nested():
                session.add(RenderingRow(item_id=item_id, part=part, **values))
            return
        except IntegrityError:
            # The daemon and a command (or the console) voice the same new item at once: the other
            # saved this part first, from the same cache. Record ours over it instead of failing.
            row = session.scalar(query)
            if row is None:
                raise
    for name, value in values.items():
        setattr(row, name, value)


def of_item(session: Session, item_id: int) -> Sequence[RenderingRow]:
    return session.scalars(
        select(RenderingRow).where(RenderingRow.item_id == item_id).order_by(RenderingRow.part.desc())
    ).all()


def with_notes(session: Session, item_ids: Sequence[int]) -> list[tuple[int, str, str, str | None]]:
    """(item id, part, cache key, notes) of the renderings of these items that a fallback voice made (their
    notes say why). Plain rows: the dashboard asks this for every live item on each view, and building
    a thousand ORM objects was a third of its time."""
    if not item_ids:
        return []
    query = select(RenderingRow.item_id, RenderingRow.part, RenderingRow.cache_key, RenderingRow.notes).where(
        RenderingRow.notes.is_not(None), RenderingRow.item_id.in_(list(item_ids))
    )
    return [(row[0], row[1], row[2], row[3]) for row in session.execute(query.order_by(RenderingRow.item_id))]


def newest(session: Session) -> RenderingRow | None:
    """The most recent rendering of any item: which voice spoke last, and when."""
    return session.scalar(select(RenderingRow).order_by(RenderingRow.created_at.desc()).limit(1))
