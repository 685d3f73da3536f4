"""Pure decisions of the on-air daemon: which emergencies are due, what to do about slots that
passed while the station was off (or while its clock was wrong). No I/O, no clock: they take `now`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from broadcaster.model import NewsItem


def emergencies_due(
    requested: Sequence[int],
    emergency_items: Iterable[NewsItem],
    *,
    handled: set[int],
    busy: set[int],
    today: date,
    require_approval: bool,
) -> list[int]:
    """Item ids to put on air now, in order, each once.

    `requested`: air-now requests (the official chose to air these, aired before or not);
    `emergency_items`: live items of priority khẩn cấp, which air once by themselves;
    `handled`: items this daemon already sent to air by themselves; `busy`: items on air or
    waiting for the line now: asking again must not cut them and start them over."""
    due: list[int] = []
    for item_id in requested:
        if item_id not in busy and item_id not in due:
            due.append(item_id)
    for item in emergency_items:
        if (
            item.airings_done == 0
            and item.id not in due
            and item.id not in handled
            and item.id not in busy
            and item.valid_on(today)
            and (item.approved_at is not None or not require_approval)
        ):
            due.append(item.id)
    return due
