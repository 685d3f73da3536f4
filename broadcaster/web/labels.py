"""The words the console shows for the core's codes (priorities, statuses, wait reasons...), in the
words commune staff already know (shared/docs/console-vocabulary.md). Translated where shown."""

from __future__ import annotations

from broadcaster.i18n import N_, _, language

PRIORITIES = {
    "normal": N_("Normal"),  # Thông thường
    "priority": N_("Priority"),  # Ưu tiên
    "emergency": N_("Emergency"),  # Khẩn cấp
}
ITEM_STATUSES = {
    "queued": N_("Waiting to air"),
    "approved": N_("Approved"),
    "aired": N_("Aired"),
    "cancelled": N_("Cancelled"),
    "expired": N_("Expired"),
}
AIRING_STATUSES = {
    "completed": N_("Completed"),
    "interrupted": N_("Interrupted"),
    "failed": N_("Failed"),
    "missed": N_("Missed"),
    "empty": N_("Nothing to air"),
}
AIRING_KINDS = {
    "slot": N_("Slot"),
    "emergency": N_("Air now"),
    "outage": N_("Station off"),
    "clock": N_("Clock wrong"),
}
# What the airing log says of the amplifier (sound/amplifier.py).
AMPLIFIER_STATES = {
    "on": N_("switched on"),
    "off": N_("switched off"),
    "unknown": N_("state unknown"),
    "failed": N_("switching failed"),
    "not controlled": N_("not controlled"),
}
WAIT_REASONS = {
    "not approved": N_("not approved yet"),
    "not yet valid": N_("its first day has not come"),
    "validity window passed": N_("its last day has passed"),
    "topic not in this slot": N_("its topic is not aired in this slot"),
    "priority not in this slot": N_("its priority is not aired in this slot"),
    "no speech rendered": N_("its speech is not made yet"),
    "does not fit in the slot's length": N_("it does not fit in the slot's length"),
    "outside broadcast hours": N_("outside the broadcast hours"),
}
TARGET_KINDS = {
    "minutes": N_("minutes"),
    "segments": N_("bulletins"),
    "topic_coverage": N_("times per topic"),
}
PERIODS = {"week": N_("week"), "month": N_("month"), "quarter": N_("quarter"), "year": N_("year")}
# The form's name of each field of a news item, for the core's messages about them.
ITEM_FIELDS = {
    "title": N_("Title"),
    "topic": N_("Topic"),
    "text": N_("News text"),
    "priority": N_("Priority"),
    "from": N_("First day"),
    "until": N_("Last day"),
    "airings": N_("Number of airings"),
}


def label(table: dict[str, str], code: str | None) -> str:
    """The translated word for `code` in `table`, or the code itself when it has none."""
    if code is None:
        return ""
    return _(table[code]) if code in table else code


def field_labels() -> dict[str, str]:
    return {name: _(text) for name, text in ITEM_FIELDS.items()}


def duration(seconds: float | None) -> str:
    """2:05 for 125 seconds; 1:02:05 past an hour."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def reason_text(reason: str | None) -> str:
    """Why an airing did not complete, as logged (English, hashed as written) or in Vietnamese."""
    if not reason:
        return ""
    if language() == "vi":
        from broadcaster.reports.reasons_vi import reason_vi

        return reason_vi(reason)
    return reason
