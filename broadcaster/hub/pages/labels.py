"""How the hub's pages name priorities, airing outcomes, target states and a station's health.

N_ texts: templates translate them where they are shown (`_(PRIORITIES[b.priority])`).
"""

from __future__ import annotations

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
