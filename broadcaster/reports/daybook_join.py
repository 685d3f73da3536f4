"""Joining two parts of the log summed apart into the daybook one pass would give. Pure.

`log verify` sums the log in two processes: airings 1..M as usual (`Daybook()`), M+1..N on
their own (`Daybook(later=True)`), each from the rows it reads to check its part of the chain.
Most figures simply add up. What does not is what hangs on an item's other on-air days, for
the items on air in both parts:

- `lasts`: each on-air day of an item counts it once, under (its topic that day, its next
  on-air day or ""). That is a function of the item's days alone (the invariant `_place`
  keeps), so for such an item both parts' counts are taken out and those of its joined days
  put in;
- the airing a day names: a new on-air day of an item changes the day before it (its next
  on-air day moves), so that day names the airing. The later part cannot know the days
  before it; it keeps each item's new days in order (`new_days`) and they are played here
  over the item's days from the first part.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from broadcaster.reports.daybook import Daybook, ItemDays


def join(first: Daybook, later: Daybook) -> Daybook:
    """`first` (airings 1..M) continued with `later` (M+1..N, summed with `Daybook(later=True)`):
    the book one pass over 1..N gives, rows and seals alike. Changes and returns `first`."""
    if later.new_days is None:
        raise ValueError("the later part must be summed with Daybook(later=True)")
    for day, figures in later.days.items():
        first.day(day).add(figures)
    first.last.update(later.last)  # every airing of the later part comes after those of the first
    for item_id, days in later.items.items():
        earlier = first.items.get(item_id)
        if earlier:
            _count(first, earlier, -1)
            _count(first, days, -1)
            days = {**earlier, **days}  # on a day in both parts the later airing is the item's last that day
            _count(first, days, +1)
        _mark_days_before(first, sorted(earlier or ()), later.new_days[item_id])
        first.items[item_id] = days
        first.latest[item_id] = max(days)
    first.count = max(first.count, later.count)
    return first


def _count(book: Daybook, days: ItemDays, change: int) -> None:
    """Add (or take out) one item's counts in `lasts`: one per on-air day, under its topic and next day."""
    ordered = sorted(days)
    for n, day in enumerate(ordered):
        after = ordered[n + 1].isoformat() if n + 1 < len(ordered) else ""
        book.day(day).move_last(days[day][0], after, change)


def _mark_days_before(book: Daybook, running: list[date], new_days: list[tuple[date, tuple[int, str]]]) -> None:
    """Name, in the day before each of an item's new on-air days, the airing that brought it (as `_place` does)."""
    present = set(running)
    for day, mark in new_days:
        if day in present:
            continue  # on air that day in the first part already: not a new day
        at = bisect_left(running, day)
        if at:
            before = running[at - 1]
            if book.last[before][0] < mark[0]:
                book.last[before] = mark
        running.insert(at, day)
        present.add(day)
