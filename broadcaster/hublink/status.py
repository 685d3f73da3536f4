"""The station's status sent with each sync, outside the chain: small (an idle sync stays under 2 KB).

The hub works out the clock offset itself, from the signed request time.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from typing import Any

from broadcaster import __version__
from broadcaster.config import Config
from broadcaster.hublink.protocol import timestamp
from broadcaster.model import Priority
from broadcaster.planning import SlotSpec, occurrences
from broadcaster.service.context import Station

HEARTBEAT_FRESH = timedelta(minutes=2)  # the daemon beats every 15 s


def next_slot(config: Config, now: datetime) -> datetime | None:
    slots = [
        SlotSpec(
            name=s.name,
            start=s.start,
            days=tuple(s.days),
            max_seconds=s.max_minutes * 60,
            topics=frozenset(s.topics),
            priorities=frozenset(Priority(p) for p in s.priorities),
        )
        for s in config.slots
    ]
    found = occurrences(slots, now, now + timedelta(days=8), config.tz)
    return found[0].at if found else None


def _daemon(locked: bool, beat: datetime | None, now: datetime) -> str:
    """running; stalled (holds the station but its heartbeat stopped); stopped."""
    if not locked:
        return "stopped"
    return "running" if beat is not None and now - beat <= HEARTBEAT_FRESH else "stalled"


def collect(station: Station) -> dict[str, Any]:
    from broadcaster.onair.lock import daemon_holder
    from broadcaster.store import state

    now = station.now()
    with station.db.session() as session:
        beat = state.get_time(session, state.HEARTBEAT)
    try:
        free_mb: int | None = shutil.disk_usage(station.config.data_dir).free // (1024 * 1024)
    except OSError:
        free_mb = None
    upcoming = next_slot(station.config, now)
    return {
        "version": __version__,
        "disk_free_mb": free_mb,
        "daemon": _daemon(daemon_holder(station.db) is not None, beat, now),
        "heartbeat": timestamp(beat) if beat else None,
        "next_slot": timestamp(upcoming) if upcoming else None,
    }
