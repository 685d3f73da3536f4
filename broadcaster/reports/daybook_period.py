"""A report's period from the daybook: which sealed rows to read, and their sum as `Facts`. Pure.

A period is read as the runs wholly inside it plus the days at its two edges (see daybook.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from broadcaster.reports.daybook import Day, run_bounds
from broadcaster.reports.figures import Facts, Incident
from broadcaster.reports.periods import Period


def period_parts(period: Period) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """What a report reads for `period`: the range of run starts whose runs lie wholly inside it
    (None if none), and the ranges of days at its edges, read day by day."""
    first, last = period.start, period.end
    inner_from = first if run_bounds(first)[0] == first else run_bounds(first)[1] + timedelta(days=1)
    inner_to = last if run_bounds(last)[1] == last else run_bounds(last)[0] - timedelta(days=1)
    if inner_from > inner_to:
        return None, [(first, last)]
    edges = [
        (a, b) for a, b in ((first, inner_from - timedelta(days=1)), (inner_to + timedelta(days=1), last)) if a <= b
    ]
    return (inner_from, inner_to), edges


def segment_start(day: date, period_start: date) -> date:
    """The first day of the run of days sharing one ISO week, one month and the period.

    Every unit a report sums by (ISO week, month, quarter, year, the period) is a union of such
    runs, so figures summed per run and filed under its first day give the same report as daily
    ones, from about six times fewer entries.
    """
    return max(day - timedelta(days=day.weekday()), day.replace(day=1), period_start)


def period_facts(days: Iterable[tuple[date, Day]], period: Period, incidents: tuple[Incident, ...] = ()) -> Facts:
    """The Facts `aggregate.rollup` gives for `period`, summed per run of days (see `segment_start`).

    `days` are the rows `period_parts` names: whole runs (filed under their first day) and single days."""
    day_airings: dict[date, int] = {}
    day_topic_ms: dict[tuple[date, str], int] = {}
    day_topic_airings: dict[tuple[date, str], int] = {}
    groups: dict[str, tuple[dict[str, int], dict[str, int], dict[str, int]]] = {
        "slot": ({}, {}, {}),
        "priority": ({}, {}, {}),
        "language": ({}, {}, {}),
    }
    statuses: dict[str, int] = {}
    topic_items: dict[str, int] = {}
    end = period.end.isoformat()
    for day, figures in days:
        segment = segment_start(day, period.start)
        if figures.all[2]:
            day_airings[segment] = day_airings.get(segment, 0) + figures.all[2]
        for topic, (ms, _, airings) in figures.topic.items():
            at = (segment, topic)
            day_topic_ms[at] = day_topic_ms.get(at, 0) + ms
            day_topic_airings[at] = day_topic_airings.get(at, 0) + airings
        for name, table in (("slot", figures.slot), ("priority", figures.priority), ("language", figures.language)):
            by_ms, by_items, by_airings = groups[name]
            for key, (ms, items, airings) in table.items():
                by_ms[key] = by_ms.get(key, 0) + ms
                by_items[key] = by_items.get(key, 0) + items
                by_airings[key] = by_airings.get(key, 0) + airings
        for status, n in figures.status.items():
            statuses[status] = statuses.get(status, 0) + n
        for (topic, next_day), n in figures.lasts.items():
            if not next_day or next_day > end:  # ISO dates compare as text
                topic_items[topic] = topic_items.get(topic, 0) + n
    return Facts(
        day_topic_ms=day_topic_ms,
        day_topic_airings=day_topic_airings,
        day_airings=day_airings,
        slot_ms=groups["slot"][0],
        slot_items=groups["slot"][1],
        slot_airings=groups["slot"][2],
        priority_ms=groups["priority"][0],
        priority_items=groups["priority"][1],
        priority_airings=groups["priority"][2],
        topic_items=topic_items,
        distinct_items=sum(topic_items.values()),
        statuses=statuses,
        incidents=incidents,
        language_ms=groups["language"][0],
        language_items=groups["language"][1],
        language_airings=groups["language"][2],
    )
