"""Planning is pure: items, slot, now and what already aired in; a plan out. No clock, no sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from broadcaster.model import NewsItem, Priority
from broadcaster.planning import (
    Hours,
    Occurrence,
    Overdue,
    SlotSpec,
    Timing,
    WaitReason,
    after_airing,
    occurrences,
    overdue_decision,
    plan_slot,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = SlotSpec("Bản tin sáng", time(6, 0), max_seconds=300)
T0 = datetime(2021, 3, 1, tzinfo=UTC)


def item(
    id_: int,
    *,
    priority: Priority = Priority.NORMAL,
    wanted: int = 1,
    done: int = 0,
    topic: str = "mot-cua",
    created: int = 0,
    approved: bool = False,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> NewsItem:
    return NewsItem(
        id=id_,
        title=f"Tin {id_}",
        topic=topic,
        priority=priority,
        text="...",
        valid_from=valid_from,
        valid_until=valid_until,
        airings_wanted=wanted,
        airings_done=done,
        approved_by="Chủ tịch" if approved else None,
        approved_at=T0 if approved else None,
        created_at=T0 + timedelta(minutes=created),
    )


def at_local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(UTC)


def test_occurrences_follow_station_time_and_weekdays() -> None:
    cchc = SlotSpec("CCHC", time(18, 0), days=("tue", "fri"))
    found = occurrences([MORNING, cchc], at_local(2021, 3, 1, 0), at_local(2021, 3, 7, 23, 59), TZ)
    assert [o.at.astimezone(TZ).strftime("%a %H:%M") for o in found if o.slot is cchc] == ["Tue 18:00", "Fri 18:00"]
    assert sum(o.slot is MORNING for o in found) == 7
    first = found[0]
    assert first.at == datetime(2021, 2, 28, 23, 0, tzinfo=UTC)  # 06:00 in Hanoi is 23:00 UTC the day before


def test_occurrences_exclude_the_start_and_include_the_end() -> None:
    six = at_local(2021, 3, 1, 6)
    assert occurrences([MORNING], six, six, TZ) == []
    assert [o.at for o in occurrences([MORNING], six - timedelta(seconds=1), six, TZ)] == [six]


def test_priority_first_then_furthest_from_wanted_then_oldest() -> None:
    items = [
        item(1, created=0),
        item(2, created=1, wanted=5, done=1),
        item(3, priority=Priority.PRIORITY, created=2),
        item(4, created=3, wanted=5, done=1),
    ]
    plan = plan_slot(items, dict.fromkeys(range(1, 5), 30.0), Occurrence(MORNING, at_local(2021, 3, 1, 6)), TZ)
    assert [p.item.id for p in plan.items] == [3, 2, 4, 1]


def test_items_that_do_not_fit_wait_and_smaller_ones_still_air() -> None:
    timing = Timing(opening_s=10, closing_s=10, pause_s=1)
    durations = {1: 200.0, 2: 150.0, 3: 60.0}
    plan = plan_slot(
        [item(1), item(2, created=1), item(3, created=2)],
        durations,
        Occurrence(MORNING, at_local(2021, 3, 1, 6)),
        TZ,
        timing=timing,
    )
    assert [p.item.id for p in plan.items] == [1, 3]
    assert (2, WaitReason.DOES_NOT_FIT) in plan.waiting
    assert plan.seconds == 10 + 10 + 200 + 60 + 1


def test_approval_validity_topic_and_speech_rules() -> None:
    slot = SlotSpec("CCHC", time(18, 0), topics=frozenset({"mot-cua"}))
    items = [
        item(1, approved=True),
        item(2),
        item(3, approved=True, valid_from=date(2021, 3, 2)),
        item(4, approved=True, valid_until=date(2021, 2, 28)),
        item(5, approved=True, topic="thu-tuc"),
        item(6, approved=True),
    ]
    durations: dict[int, float | None] = dict.fromkeys(range(1, 6), 20.0)
    durations[6] = None
    plan = plan_slot(items, durations, Occurrence(slot, at_local(2021, 3, 1, 18)), TZ, require_approval=True)
    assert [p.item.id for p in plan.items] == [1]
    assert dict(plan.waiting) == {
        2: WaitReason.NOT_APPROVED,
        3: WaitReason.NOT_YET_VALID,
        4: WaitReason.EXPIRED,
        5: WaitReason.OTHER_TOPIC,
        6: WaitReason.NO_SPEECH,
    }


def test_outside_broadcast_hours_only_emergencies_air_and_are_exempted() -> None:
    late = SlotSpec("Đêm", time(22, 0))
    hours = Hours(((time(5), time(21)),))
    plan = plan_slot(
        [item(1), item(2, priority=Priority.EMERGENCY)],
        {1: 10.0, 2: 10.0},
        Occurrence(late, at_local(2021, 3, 1, 22)),
        TZ,
        hours=hours,
    )
    assert [p.item.id for p in plan.items] == [2]
    assert dict(plan.waiting) == {1: WaitReason.OUTSIDE_HOURS}
    assert plan.exemption and "05:00-21:00" in plan.exemption


def test_an_empty_slot_is_a_plan_with_no_items() -> None:
    plan = plan_slot([item(1, done=1)], {1: 10.0}, Occurrence(MORNING, at_local(2021, 3, 1, 6)), TZ)
    assert plan.empty and plan.seconds == 0


def test_after_airing_counts_the_airing() -> None:
    items = [item(1, wanted=2), item(2)]
    plan = plan_slot(items, {1: 10.0, 2: 10.0}, Occurrence(MORNING, at_local(2021, 3, 1, 6)), TZ)
    later = after_airing(items, plan)
    assert [(i.id, i.airings_done) for i in later] == [(1, 1), (2, 1)]
    next_plan = plan_slot(later, {1: 10.0, 2: 10.0}, Occurrence(MORNING, at_local(2021, 3, 2, 6)), TZ)
    assert [p.item.id for p in next_plan.items] == [1]


def test_overdue_slot_airs_late_within_grace_else_missed() -> None:
    six = at_local(2021, 3, 1, 6)
    grace = timedelta(minutes=15)
    assert overdue_decision(six, six + timedelta(minutes=14, seconds=59), grace) is Overdue.AIR_LATE
    assert overdue_decision(six, six + timedelta(minutes=15), grace) is Overdue.AIR_LATE
    assert overdue_decision(six, six + timedelta(minutes=15, seconds=1), grace) is Overdue.MISSED


def test_hours_window_across_midnight() -> None:
    hours = Hours(((time(22), time(2)),))
    assert hours.allows(time(23)) and hours.allows(time(1, 59)) and not hours.allows(time(12))
