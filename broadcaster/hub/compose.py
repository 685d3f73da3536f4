"""What the compose page offers: the communes to send to and the topic codes already in use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from broadcaster.hub.service import Hub
from broadcaster.hub.tables import BulletinRow, StationRow

TOPICS = 30


@dataclass(frozen=True)
class Choices:
    communes: tuple[tuple[str, str], ...]  # (code, name), by code
    topics: tuple[str, ...]  # the most used first


def choices(hub: Hub) -> Choices:
    hub.ready()
    with hub.db.session() as session:
        communes = session.execute(select(StationRow.code, StationRow.name).order_by(StationRow.code)).all()
        topics = session.scalars(
            select(BulletinRow.topic).group_by(BulletinRow.topic).order_by(func.count().desc()).limit(TOPICS)
        ).all()
    return Choices(tuple((str(c), str(n)) for c, n in communes), tuple(topics))
