"""How the command line writes the core's codes, dates and lengths for the person reading it.

In Vietnamese it says what the console says (web/labels.py, the words of
shared/docs/console-vocabulary.md): "Chờ phát", not "queued"; dates dd/mm/yyyy, 24-hour
times, decimal commas. In English it keeps the codes and ISO dates it has always printed:
they are also what the options take (`--status queued`, `--from 2021-03-01`), and scripts
and tests read them. `--json` never comes here: its fields are an API (docs/json.md).
"""

from __future__ import annotations

from datetime import date, datetime

from broadcaster.i18n import N_, _, format_day, language
from broadcaster.web import labels  # its package loads nothing: no FastAPI for the command line

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def vietnamese() -> bool:
    return language() == "vi"


def code(table: dict[str, str], value: str | None) -> str:
    """The console's word for a code in Vietnamese; the code itself in English."""
    if value is None:
        return ""
    return labels.label(table, value) if vietnamese() else value


def status(value: str) -> str:
    return code(labels.ITEM_STATUSES, value)


def priority(value: str) -> str:
    return code(labels.PRIORITIES, value)


def airing_status(value: str) -> str:
    return code(labels.AIRING_STATUSES, value)


def day(value: date) -> str:
    return format_day(value)


def minute(moment: datetime) -> str:
    """A moment to the minute, already in the station's time zone."""
    return f"{moment:%d/%m/%Y %H:%M}" if vietnamese() else f"{moment:%Y-%m-%d %H:%M}"


def second(moment: datetime, weekday: bool = False) -> str:
    """A moment to the second, already in the station's time zone; with its weekday first if asked."""
    text = f"{moment:%d/%m/%Y %H:%M:%S}" if vietnamese() else f"{moment:%Y-%m-%d %H:%M:%S}"
    return f"{_(WEEKDAYS[moment.weekday()])} {text}" if weekday else text


def decimal(value: float, places: int = 1) -> str:
    """24.7 -> "24,7" in Vietnamese."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if vietnamese() else text


def length(seconds: float) -> str:
    """2:05 for 125 seconds."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
