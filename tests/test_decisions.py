"""The daemon's pure decisions, one line each, no clock and no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from broadcaster.decisions import emergencies_due
from broadcaster.model import NewsItem, Priority

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
