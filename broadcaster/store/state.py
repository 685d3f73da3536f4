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
