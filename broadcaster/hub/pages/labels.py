"""How the hub's pages name priorities, airing outcomes, target states and a station's health.

N_ texts: templates translate them where they are shown (`_(PRIORITIES[b.priority])`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from broadcaster.i18n import N_

PRIORITIES = {
    "normal": N_("Normal"),  # Thông thường
    "priority": N_("Priority"),  # Ưu tiên
    "emergency": N_("Emergency"),  # Khẩn cấp
}

# What each priority does at the commune (Thông tư 39/2020), shown next to the choice.
PRIORITY_HELP = {
    "normal": N_("Queued with the commune's own news; the commune's slots air it."),
    "priority": N_("First in the commune's next slot."),
    "emergency": N_("Airs at once at every commune it is sent to, cutting what is on air."),
}

STATES = {
    "pending": N_("Waiting for approval"),  # Chưa duyệt
    "published": N_("Approved and sent"),  # Đã duyệt
}

AIRING_STATUSES = {
    "completed": N_("Aired in full"),
    "interrupted": N_("Cut short"),
    "failed": N_("Failed"),
    "missed": N_("Missed"),
    "empty": N_("Nothing to air"),
}

TARGETS = {
    "met": N_("Met"),  # Đạt
    "under_way": N_("Under way"),
    "missed": N_("Not met"),  # Chưa đạt
    "not_fetched": N_("Not received yet"),
}

DAEMONS = {
    "running": N_("Running"),
    "stalled": N_("Not responding"),
    "stopped": N_("Stopped"),
}

AUDIT_ACTIONS = {
    "station.add": N_("Registered"),
    "station.unfork": N_("Fork flag cleared"),
    "station.rekey": N_("Key replaced"),
}

# The details an audit entry keeps (hub/stations.py), in the order a page lists them.
AUDIT_DETAILS = {
    "name": N_("Name"),  # Tên
    "fingerprint": N_("Station key"),  # Khóa của đài, as the page above names it
    "old": N_("Old key"),
    "new": N_("New key"),
    "problem": N_("What differed"),
    "seq": N_("From airing #"),
    "flagged_at": N_("Flagged at"),
    "note": N_("Note"),
}


def audit_details(details: Mapping[str, Any], time_text: Callable[[datetime], str]) -> list[tuple[str, Any]]:
    """An audit entry's details as (label, value) in AUDIT_DETAILS's order (a key it does not name: after
    them, by itself), without the empty ones; a time (a key ending in _at) written by `time_text`."""
    known = [key for key in AUDIT_DETAILS if key in details]
    shown = []
    for key in known + sorted(set(details) - set(known)):
        value = details[key]
        if value is None or value == "":
            continue
        if key.endswith("_at") and isinstance(value, str):
            value = time_text(datetime.fromisoformat(value))
        shown.append((AUDIT_DETAILS.get(key, key), value))
    return shown
