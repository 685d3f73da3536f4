"""What airs when: slot occurrences, bulletin planning, late and missed decisions.

Pure functions of their arguments (items, slot, now, what already aired): no
clock, no database, no audio. Times are aware; slot times are station-local.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from operator import itemgetter
from zoneinfo import ZoneInfo

from broadcaster.model import NewsItem, Priority

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class SlotSpec:
    name: str
    start: time
    days: tuple[str, ...] = WEEKDAYS
    max_seconds: float = 1800.0
    topics: frozenset[str] = frozenset()
    priorities: frozenset[Priority] = frozenset()
    languages: frozenset[str] = frozenset()  # ISO 639-3 codes; empty: any


@dataclass(frozen=True)
class Occurrence:
    slot: SlotSpec
    at: datetime  # aware UTC

    @property
    def key(self) -> str:
        return f"{self.slot.name}@{self.at.isoformat()}"


@dataclass(frozen=True)
class Hours:
    """Broadcast-hours policy: allowed (start, end) windows in station time; empty = always."""

    windows: tuple[tuple[time, time], ...] = ()

    def allows(self, local: time) -> bool:
        if not self.windows:
            return True
        for start, end in self.windows:
            inside = start <= local < end if start <= end else (local >= start or local < end)
            if inside:
                return True
        return False

    def describe(self) -> str:
        return ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.windows) or "any time"


def outside_hours_exemption(hours: Hours, local: datetime) -> str:
    """The log's note on an emergency aired outside broadcast hours (reports/reasons_vi.py reads it)."""
    return f"emergency aired outside broadcast hours ({hours.describe()}) at {local:%H:%M}"


@dataclass(frozen=True)
class Timing:
    """Durations (seconds) of the fixed parts of a bulletin, to decide what fits."""

    opening_s: float = 0.0  # jingle + ident + pause
    closing_s: float = 0.0  # closing line + jingle + pause
    pause_s: float = 0.8  # between parts


class WaitReason(StrEnum):
    NOT_APPROVED = "not approved"
    NOT_YET_VALID = "not yet valid"
    EXPIRED = "validity window passed"
    OTHER_TOPIC = "topic not in this slot"
    OTHER_PRIORITY = "priority not in this slot"
    OTHER_LANGUAGE = "language not in this slot"
    NO_SPEECH = "no speech rendered"
    DOES_NOT_FIT = "does not fit in the slot's length"
    OUTSIDE_HOURS = "outside broadcast hours"


@dataclass(frozen=True)
class PlannedItem:
    item: NewsItem
    seconds: float  # title + text + the pause between them


@dataclass(frozen=True)
class Plan:
    occurrence: Occurrence
    items: tuple[PlannedItem, ...]
    waiting: tuple[tuple[int, WaitReason], ...] = ()
    exemption: str | None = None
    timing: Timing = field(default_factory=Timing)

    @property
    def empty(self) -> bool:
        return not self.items

    @property
    def seconds(self) -> float:
        if not self.items:
            return 0.0
        t = self.timing
        return t.opening_s + t.closing_s + sum(p.seconds for p in self.items) + t.pause_s * (len(self.items) - 1)


def occurrences(slots: Iterable[SlotSpec], after: datetime, until: datetime, tz: ZoneInfo) -> list[Occurrence]:
    """Slot occurrences with after < at <= until, in time order."""
    found: list[Occurrence] = []
    slots = list(slots)
    day: date = after.astimezone(tz).date() - timedelta(days=1)
    last_day = until.astimezone(tz).date() + timedelta(days=1)
    while day <= last_day:
        weekday = WEEKDAYS[day.weekday()]
        for slot in slots:
            if weekday not in slot.days:
                continue
            # zoneinfo resolves local times; Vietnam has no DST but other stations may.
            at = datetime.combine(day, slot.start, tzinfo=tz).astimezone(UTC)
            if after < at <= until:
                found.append(Occurrence(slot, at))
        day += timedelta(days=1)
    return sorted(found, key=lambda o: (o.at, o.slot.name))


def airing_order(item: NewsItem) -> tuple[int, int, datetime, int]:
    """Priority first, then those furthest from their wanted airings, then oldest."""
    return (item.priority.rank, -item.airings_left, item.created_at, item.id)


def why_not(item: NewsItem, slot: SlotSpec, day: date, require_approval: bool) -> WaitReason | None:
    if require_approval and item.approved_at is None:
        return WaitReason.NOT_APPROVED
    if item.valid_from is not None and day < item.valid_from:
        return WaitReason.NOT_YET_VALID
    if item.valid_until is not None and day > item.valid_until:
        return WaitReason.EXPIRED
    if slot.topics and item.topic not in slot.topics:
        return WaitReason.OTHER_TOPIC
    if slot.priorities and item.priority not in slot.priorities:
        return WaitReason.OTHER_PRIORITY
    if slot.languages and item.language not in slot.languages:
        return WaitReason.OTHER_LANGUAGE
    return None


def plan_slot(
    items: Sequence[NewsItem],
    durations: Mapping[int, float | None],
    occurrence: Occurrence,
    tz: ZoneInfo,
    *,
    require_approval: bool = False,
    hours: Hours = Hours(),
    timing: Timing = Timing(),
) -> Plan:
    """Which items air in this slot occurrence, in order, and why the others wait.

    `items` are live items (not cancelled, airings still wanted); `durations`
    gives each item's length on air (title + text, or its recording) or None when it is not ready.
    """
    queue = sorted((i for i in items if _wanted(i)), key=airing_order)
    return _plan_queue(queue, durations, occurrence, tz, require_approval, hours, timing)


def plan_ahead(
    items: Sequence[NewsItem],
    durations: Mapping[int, float | None],
    coming: Iterable[Occurrence],
    tz: ZoneInfo,
    *,
    require_approval: bool = False,
    hours: Hours = Hours(),
    timing: Timing = Timing(),
) -> list[Plan]:
    """The plans of the `coming` occurrences in order, each assuming those before it aired as planned.

    The same plans as `plan_slot` for each in turn with `after_airing` between them (item ids are
    unique), but the items are sorted once: after each slot only the items it aired move in the order.
    """
    ranked = sorted(((airing_order(i), i) for i in items if _wanted(i)), key=itemgetter(0))
    order, queue = [key for key, _ in ranked], [item for _, item in ranked]
    plans = []
    for occurrence in coming:
        plan = _plan_queue(queue, durations, occurrence, tz, require_approval, hours, timing)
        plans.append(plan)
        if plan.items:
            order, queue = _requeue(order, queue, plan)
    return plans


def _wanted(item: NewsItem) -> bool:
    return item.cancelled_at is None and item.airings_left > 0


def _requeue(
    order: list[tuple[int, int, datetime, int]], queue: list[NewsItem], plan: Plan
) -> tuple[list[tuple[int, int, datetime, int]], list[NewsItem]]:
    """`queue` and its `order` (each item's airing_order) once `plan` has aired: each aired item
    counted and put back in its new place, or left out when it has aired as often as wanted."""
    aired = {p.item.id for p in plan.items}
    kept = [n for n, item in enumerate(queue) if item.id not in aired]
    order, queue = [order[n] for n in kept], [queue[n] for n in kept]
    for planned in plan.items:
        done = _aired_once(planned.item)
        if done.airings_left > 0:
            key = airing_order(done)
            at = bisect_right(order, key)
            order.insert(at, key)
            queue.insert(at, done)
    return order, queue


def _aired_once(item: NewsItem) -> NewsItem:
    """`replace(item, airings_done=item.airings_done + 1)` at a seventh of its cost (a week's plan
    counts some 1,600 airings): NewsItem is a plain frozen dataclass, its fields are all in __dict__."""
    done = object.__new__(NewsItem)
    done.__dict__.update(item.__dict__, airings_done=item.airings_done + 1)
    return done


def _plan_queue(
    queue: Sequence[NewsItem],
    durations: Mapping[int, float | None],
    occurrence: Occurrence,
    tz: ZoneInfo,
    require_approval: bool,
    hours: Hours,
    timing: Timing,
) -> Plan:
    """`plan_slot` over wanted items already in airing order."""
    local = occurrence.at.astimezone(tz)
    day = local.date()
    outside = not hours.allows(local.time())
    budget = occurrence.slot.max_seconds - timing.opening_s - timing.closing_s
    chosen: list[PlannedItem] = []
    waiting: list[tuple[int, WaitReason]] = []
    slot, seconds_of, pause = occurrence.slot, durations.get, timing.pause_s
    for item in queue:  # a thousand items for each slot of a week's schedule: kept lean
        reason = why_not(item, slot, day, require_approval)
        if reason is None:
            seconds = seconds_of(item.id)
            if outside and item.priority is not Priority.EMERGENCY:
                reason = WaitReason.OUTSIDE_HOURS
            elif seconds is None:
                reason = WaitReason.NO_SPEECH
            elif (cost := seconds + (pause if chosen else 0.0)) > budget:
                reason = WaitReason.DOES_NOT_FIT
            else:
                budget -= cost
                chosen.append(PlannedItem(item, seconds))
                continue
        waiting.append((item.id, reason))
    exemption = None
    if outside and chosen:
        exemption = outside_hours_exemption(hours, local)
    return Plan(occurrence, tuple(chosen), tuple(waiting), exemption, timing)


def after_airing(items: Sequence[NewsItem], plan: Plan) -> list[NewsItem]:
    """The items as they will be once `plan` has aired (for projecting several slots)."""
    aired = {p.item.id for p in plan.items}
    return [replace(i, airings_done=i.airings_done + 1) if i.id in aired else i for i in items]


class Overdue(StrEnum):
    AIR_LATE = "air_late"
    MISSED = "missed"


def overdue_decision(scheduled: datetime, now: datetime, grace: timedelta) -> Overdue:
    """A slot whose time has passed unaired: late within the grace period, otherwise missed."""
    return Overdue.AIR_LATE if now - scheduled <= grace else Overdue.MISSED


def lead_time(warmup_s: float, prepare_s: float = 3.0) -> timedelta:
    """How long before a slot the daemon wakes: amplifier warm-up plus time to open the output."""
    return timedelta(seconds=max(0.0, warmup_s) + prepare_s)
