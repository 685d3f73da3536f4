"""Pure decisions of the on-air daemon: which emergencies are due, what to do about slots that
passed while the station was off (or while its clock was wrong). No I/O, no clock: they take `now`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from broadcaster.model import NewsItem
from broadcaster.planning import Occurrence, SlotSpec, occurrences


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


# --- after a stop -------------------------------------------------------------

# A heartbeat this far after `now` is not a small clock step (NTP corrects by fractions of a second).
CLOCK_SLACK = timedelta(minutes=2)


@dataclass(frozen=True)
class Outage:
    """The station was off from `start` to `end`: `missed` slot occurrences passed unaired."""

    start: datetime
    end: datetime
    missed: tuple[Occurrence, ...]


@dataclass(frozen=True)
class CatchUp:
    """What to do at start about the time the station was off.

    `air_late_from`: slots after this instant are still within the grace period: they get a job
    at once and air late. Before it, one `outage` (a single missed slot keeps its own record in
    `missed_slot`), or a `clock_fault` when the last sign of life cannot be true."""

    air_late_from: datetime
    outage: Outage | None = None
    missed_slot: Occurrence | None = None
    clock_fault: str | None = None


def catch_up(
    slots: Sequence[SlotSpec],
    last_seen: datetime | None,
    now: datetime,
    *,
    created: datetime | None,
    grace: timedelta,
    tz: ZoneInfo,
    logged: Callable[[Occurrence], bool],
) -> CatchUp:
    """Slots that passed between the daemon's last sign of life and `now`.

    Only slots within the grace window are aired late; everything older is one record, never
    one per slot (a PC whose clock was years off would otherwise flood the log). A last sign of
    life in the future, or before the station was set up, is a clock fault: nothing is judged."""
    window_start = now - grace
    if last_seen is None:
        return CatchUp(air_late_from=now)
    if last_seen > now + CLOCK_SLACK:
        return CatchUp(
            air_late_from=window_start,
            clock_fault=f"the daemon was last alive at {_local(last_seen, tz)}, which is after the current time "
            f"{_local(now, tz)}: the computer's clock was wrong then or is wrong now",
        )
    if created is not None and last_seen < created - CLOCK_SLACK:
        return CatchUp(
            air_late_from=max(window_start, created),
            clock_fault=f"the daemon was last alive at {_local(last_seen, tz)}, before this station was set up "
            f"({_local(created, tz)}): the computer's clock was wrong",
        )
    late_from = max(last_seen, window_start)
    missed = tuple(o for o in occurrences(slots, last_seen, min(late_from, now), tz) if not logged(o))
    if not missed:
        return CatchUp(air_late_from=late_from)
    if len(missed) == 1:
        return CatchUp(air_late_from=late_from, missed_slot=missed[0], outage=Outage(last_seen, now, missed))
    return CatchUp(air_late_from=late_from, outage=Outage(last_seen, now, missed))


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
