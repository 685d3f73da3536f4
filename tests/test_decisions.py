"""The daemon's pure decisions, one line each, no clock and no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from broadcaster.decisions import CatchUp, catch_up, emergencies_due
from broadcaster.model import NewsItem, Priority
from broadcaster.planning import WEEKDAYS, SlotSpec

TODAY = date(2021, 3, 1)


def item(item_id: int, done: int = 0, approved: bool = True, until: date | None = None) -> NewsItem:
    moment = datetime(2021, 3, 1, tzinfo=UTC)
    return NewsItem(
        id=item_id,
        title="t",
        topic="mot-cua",
        priority=Priority.EMERGENCY,
        text="x",
        valid_from=None,
        valid_until=until,
        airings_wanted=1,
        airings_done=done,
        approved_by="A" if approved else None,
        approved_at=moment if approved else None,
        created_at=moment,
    )


def due(requested: list[int], items: list[NewsItem], handled: set[int] = frozenset(), busy: set[int] = frozenset(),
        require_approval: bool = False) -> list[int]:  # fmt: skip
    return emergencies_due(requested, items, handled=set(handled), busy=set(busy), today=TODAY,
                           require_approval=require_approval)  # fmt: skip


def test_a_new_emergency_item_airs_once_by_itself() -> None:
    assert due([], [item(1)]) == [1]
    assert due([], [item(1)], handled={1}) == []
    assert due([], [item(1, done=1)]) == []


def test_air_now_airs_what_was_asked_even_if_it_aired_before() -> None:
    assert due([5], []) == [5]
    assert due([5], [item(5, done=1)]) == [5]


def test_an_item_on_air_or_waiting_for_the_line_is_not_started_again() -> None:
    assert due([1], [item(1)], busy={1}) == []
    assert due([1, 1], [item(1)]) == [1]


def test_expired_or_unapproved_emergencies_do_not_air_by_themselves() -> None:
    assert due([], [item(1, until=date(2021, 2, 28))]) == []
    assert due([], [item(1, approved=False)], require_approval=True) == []
    assert due([], [item(1, approved=False)], require_approval=False) == [1]


# --- catching up after a stop --------------------------------------------------

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = SlotSpec(name="Sáng", start=time(6, 0), days=WEEKDAYS, max_seconds=1800)
EVENING = SlotSpec(name="Chiều", start=time(17, 30), days=WEEKDAYS, max_seconds=1800)
NOW = datetime(2021, 3, 10, 17, 31, tzinfo=TZ).astimezone(UTC)  # a minute after the evening slot
CREATED = datetime(2021, 1, 1, tzinfo=UTC)
GRACE = timedelta(minutes=15)


def plan(last_seen: datetime | None, logged: frozenset[datetime] = frozenset()) -> CatchUp:
    return catch_up(
        [MORNING, EVENING], last_seen, NOW, created=CREATED, grace=GRACE, tz=TZ, logged=lambda o: o.at in logged
    )


def test_a_slot_within_the_grace_window_airs_late_and_nothing_is_missed() -> None:
    decided = plan(NOW - timedelta(minutes=5))
    assert decided.air_late_from == NOW - timedelta(minutes=5)
    assert (decided.outage, decided.missed_slot, decided.clock_fault) == (None, None, None)


def test_one_slot_missed_beyond_the_grace_window_keeps_its_own_record() -> None:
    decided = plan(NOW - timedelta(hours=12))
    assert decided.missed_slot is not None and decided.missed_slot.slot.name == "Sáng"
    assert decided.air_late_from == NOW - GRACE  # the evening slot a minute ago still airs late


def test_a_long_gap_is_one_record_with_the_number_of_slots_it_spans() -> None:
    decided = plan(NOW - timedelta(days=30))
    assert decided.missed_slot is None and decided.outage is not None
    assert len(decided.outage.missed) == 59  # 30 days of two slots, less the evening slot still in the grace window
    assert decided.air_late_from == NOW - GRACE


def test_slots_logged_before_the_stop_are_not_missed() -> None:
    morning = datetime(2021, 3, 10, 6, 0, tzinfo=TZ).astimezone(UTC)
    assert plan(NOW - timedelta(hours=12), logged=frozenset({morning})).missed_slot is None


def test_a_last_sign_of_life_before_the_station_existed_or_in_the_future_is_a_clock_fault() -> None:
    years_ago = plan(datetime(2019, 1, 1, tzinfo=UTC))
    assert years_ago.clock_fault is not None and "before this station was set up" in years_ago.clock_fault
    assert years_ago.outage is None and years_ago.missed_slot is None
    ahead = plan(NOW + timedelta(days=2))
    assert ahead.clock_fault is not None and "after the current time" in ahead.clock_fault
    assert ahead.air_late_from == NOW - GRACE
    assert plan(NOW + timedelta(seconds=30)).clock_fault is None  # a small clock step is not a fault


def test_a_new_station_has_nothing_to_catch_up() -> None:
    assert plan(None) == CatchUp(air_late_from=NOW)
