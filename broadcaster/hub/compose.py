"""What the compose page offers: the communes to send to and the plan's topics."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from broadcaster.hub.bulletins import plan_topics
from broadcaster.hub.service import Hub
from broadcaster.hub.tables import BulletinRow, StationRow

TOPICS = 30


@dataclass(frozen=True)
class Choices:
    communes: tuple[tuple[str, str], ...]  # (code, name), by code
    topics: tuple[tuple[str, str], ...]  # (code, name): the plan's, in its order


def choices(hub: Hub) -> Choices:
    hub.ready()
    plan = plan_topics()
    with hub.db.session() as session:
        communes = session.execute(select(StationRow.code, StationRow.name).order_by(StationRow.code)).all()
        topics = tuple(plan.items()) or _topics_sent(session)
    return Choices(tuple((str(c), str(n)) for c, n in communes), topics)


def _topics_sent(session: Session) -> tuple[tuple[str, str], ...]:
    """Without the plan (not installed with its files): the codes already sent, the most used first."""
    used = session.scalars(
        select(BulletinRow.topic).group_by(BulletinRow.topic).order_by(func.count().desc()).limit(TOPICS)
    )
    return tuple((str(code), str(code)) for code in used)
