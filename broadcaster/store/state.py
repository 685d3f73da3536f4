"""Small facts the daemon keeps across restarts (e.g. when it was last alive)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from broadcaster.store.tables import StationStateRow

HEARTBEAT = "daemon_heartbeat"
# When the station was set up (`init`): a heartbeat before it is a clock fault, not an outage.
CREATED = "station_created"


def get_time(session: Session, key: str) -> datetime | None:
    row = session.get(StationStateRow, key)
    return datetime.fromisoformat(row.value) if row else None


def set_time(session: Session, key: str, value: datetime) -> None:
    row = session.get(StationStateRow, key)
    if row is None:
        session.add(StationStateRow(key=key, value=value.isoformat(), updated_at=value))
    else:
        row.value, row.updated_at = value.isoformat(), value


def get_text(session: Session, key: str) -> str | None:
    row = session.get(StationStateRow, key)
    return row.value if row else None


def set_text(session: Session, key: str, value: str, now: datetime) -> None:
    row = session.get(StationStateRow, key)
    if row is None:
        session.add(StationStateRow(key=key, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now


def station_created(session: Session) -> datetime | None:
    """When the station was set up: recorded by `init`, or (for a station set up before that was
    recorded) its first airing or first news item."""
    from sqlalchemy import func, select

    from broadcaster.store.tables import AiringRow, NewsItemRow

    recorded = get_time(session, CREATED)
    if recorded is not None:
        return recorded
    firsts = [
        session.scalar(select(func.min(AiringRow.scheduled_at))),
        session.scalar(select(func.min(NewsItemRow.created_at))),
    ]
    known = [f for f in firsts if f is not None]
    return min(known) if known else None
