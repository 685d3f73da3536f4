"""Planning several slots ahead sorts the items once (`plan_ahead`); on any items, slots and hours it
gives exactly the plans of the straightforward way: `plan_slot` for each slot, `after_airing` between."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st

from broadcaster.model import NewsItem, Priority
from broadcaster.planning import (
    Hours,
    Occurrence,
    Plan,
    SlotSpec,
    Timing,
    after_airing,
    occurrences,
    plan_ahead,
    plan_slot,
)
from tests.conftest import examples

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2021, 3, 1, tzinfo=UTC)
DAY0 = date(2021, 3, 1)
TOPICS = ["mot-cua", "y-nghia", "nguoi-tot"]


@st.composite
def news_items(draw: st.DrawFn) -> list[NewsItem]:
    ids = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=40))
    found = []
    for id_ in ids:
        wanted = draw(st.integers(0, 4))
        start = draw(st.none() | st.integers(-2, 6))
        length = draw(st.none() | st.integers(0, 5))
        found.append(
            NewsItem(
                id=id_,
                title=f"Tin {id_}",
                topic=draw(st.sampled_from(TOPICS)),
                priority=draw(st.sampled_from(list(Priority))),
                text="...",
                valid_from=None if start is None else DAY0 + timedelta(days=start),
                valid_until=None if start is None or length is None else DAY0 + timedelta(days=start + length),
                airings_wanted=wanted,
                airings_done=draw(st.integers(0, wanted) | st.just(wanted + 1)),
                approved_by=None,
                approved_at=draw(st.none() | st.just(T0)),
                # few distinct times: ties left to the id
                created_at=T0 + timedelta(minutes=draw(st.integers(0, 3))),
                cancelled_at=draw(st.none() | st.just(T0)) if draw(st.booleans()) else None,
            )
        )
    return found


slots = st.lists(
    st.builds(
        SlotSpec,
        name=st.sampled_from(["Sáng", "Trưa", "Chiều", "Tối"]),
        start=st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
        max_seconds=st.sampled_from([30.0, 120.0, 600.0, 1800.0]),
        topics=st.just(frozenset()) | st.frozensets(st.sampled_from(TOPICS), max_size=2),
        priorities=st.just(frozenset()) | st.frozensets(st.sampled_from(list(Priority)), max_size=2),
    ),
    min_size=1,
    max_size=4,
)
hours = st.sampled_from([Hours(), Hours(((time(5, 0), time(21, 0)),)), Hours(((time(22, 0), time(4, 0)),))])


def one_by_one(
    items: list[NewsItem],
    durations: dict[int, float | None],
    coming: list[Occurrence],
    require_approval: bool,
    hours: Hours,
    timing: Timing,
) -> list[Plan]:
    plans = []
    for occurrence in coming:
        plan = plan_slot(
            items, durations, occurrence, TZ, require_approval=require_approval, hours=hours, timing=timing
        )
        plans.append(plan)
        items = after_airing(items, plan)
    return plans


@settings(max_examples=examples(300), deadline=None)
@given(
    items=news_items(),
    specs=slots,
    days=st.integers(1, 5),
    seconds=st.lists(st.floats(1.0, 120.0), min_size=1, max_size=7),
    silent=st.sets(st.integers(0, 6), max_size=2),
    require_approval=st.booleans(),
    hours=hours,
    timing=st.builds(Timing, st.sampled_from([0.0, 8.0]), st.sampled_from([0.0, 5.0]), st.just(0.8)),
)
def test_planning_ahead_gives_the_plans_of_planning_each_slot_in_turn(
    items: list[NewsItem],
    specs: list[SlotSpec],
    days: int,
    seconds: list[float],
    silent: set[int],
    require_approval: bool,
    hours: Hours,
    timing: Timing,
) -> None:
    durations: dict[int, float | None] = {
        item.id: None if n % 7 in silent else seconds[n % len(seconds)] for n, item in enumerate(items)
    }
    coming = occurrences(specs, T0, T0 + timedelta(days=days), TZ)
    fast = plan_ahead(items, durations, coming, TZ, require_approval=require_approval, hours=hours, timing=timing)
    event("an item airs in two of the slots" if _aired_twice(fast) else "no item airs twice")
    assert fast == one_by_one(items, durations, coming, require_approval, hours, timing)


def _aired_twice(plans: list[Plan]) -> bool:
    aired = [p.item.id for plan in plans for p in plan.items]
    return len(aired) > len(set(aired))
