"""Airtime figures for a period, measured against the plan's targets. Pure: no I/O, no clock.

Definitions (what the district reads in the report):

- An airing belongs to the station-local date of its *scheduled* time (a 06:00 slot that
  started at 06:00:05 or ran past midnight still counts for the day it was planned).
- Airtime is news that actually went out on the loudspeakers: for airings whose status is
  `completed` or `interrupted`, the sum over their items of the seconds each item was on air.
  An item marked completed counts its whole duration; an item cut off counts only the part
  played before the bulletin stopped (airing duration minus the item's offset, clamped to
  0..item duration). Jingles, silences and failed/missed/empty airings count nothing.
  Sums are kept in integer milliseconds so they equal the log to the millisecond.
- An *airing* (also a *segment* for targets) is an airing with at least one item on air.
  Per topic, `airings` counts airings with at least one item of that topic on air and
  `items` the distinct news items of that topic on air.
- Targets are evaluated per calendar unit (ISO week, month, quarter, year) touching the
  period. A unit only partly inside the period is judged against a target scaled by the
  share of its days inside the period (e.g. 120 min/month over 10 days of a 30-day month
  expects 40 min). A target is met when every unit meets it; `reached` is the worst unit's
  value scaled up to a whole unit, so it can be read against the nominal target. The
  documents never print that scaled figure for a partial unit ("60,6 phút" after 2 minutes
  on air): they print the part of the unit inside the period, what was expected of it and
  what was reached (vietnamese.partial_basis; `basis` in the JSON).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo

from broadcaster.airlog import STATUSES, AiringRecord, ChainHead
from broadcaster.model import VIETNAMESE
from broadcaster.reports.figures import (
    PRIORITIES,
    Facts,
    GroupFigures,
    LanguageFigures,
    Report,
    SeriesPoint,
    Target,
    TargetResult,
    TopicFigures,
    UnitResult,
)
from broadcaster.reports.periods import Period, parse_period, period_between, units
from broadcaster.reports.relays import RelayFigures, relay_rows
from broadcaster.reports.report_json import report_to_json
from broadcaster.reports.rollup import item_airtime_ms, rollup, rollup_kept

__all__ = [
    "Facts",
    "Period",
    "Report",
    "Target",
    "build_report",
    "item_airtime_ms",
    "parse_period",
    "period_between",
    "report_from_facts",
    "report_to_json",
    "rollup",
]

_EPS = 1e-9


# --- from facts to a report ------------------------------------------------------


@dataclass(slots=True)
class _Daily:
    day_ms: dict[date, int] = field(default_factory=dict)
    day_airings: dict[date, int] = field(default_factory=dict)
    day_topic_ms: dict[tuple[date, str], int] = field(default_factory=dict)
    day_topic_airings: dict[tuple[date, str], int] = field(default_factory=dict)
    _ranges: dict[tuple[str, str | None], tuple[list[date], list[int]]] = field(default_factory=dict)

    def total(self, figure: str, topic: str | None, start: date, end: date) -> int:
        """The sum of a daily figure (of one topic, or of all) over [start, end].

        The figures are sparse (often one entry per run of days), so sum the entries in range
        with running totals instead of looking up every calendar day of every unit."""
        found = self._ranges.get((figure, topic))
        if found is None:
            self._index(figure)
            found = self._ranges.get((figure, topic), ([], [0]))
        days, running = found
        return running[bisect_right(days, end)] - running[bisect_left(days, start)]

    def _index(self, figure: str) -> None:
        whole = self.day_ms if figure == "ms" else self.day_airings
        by_topic: dict[str | None, list[tuple[date, int]]] = {None: sorted(whole.items())}
        for (day, topic), value in (self.day_topic_ms if figure == "ms" else self.day_topic_airings).items():
            by_topic.setdefault(topic, []).append((day, value))
        for code, values in by_topic.items():
            values.sort()
            running = [0]
            for _, value in values:
                running.append(running[-1] + value)
            self._ranges[(figure, code)] = ([d for d, _ in values], running)


def _ordered(known: Sequence[str], seen: Sequence[str]) -> list[str]:
    extra = sorted(set(seen) - set(known))
    return [*known, *extra]


def _ratio(u: UnitResult) -> float:
    return u.value / u.expected if u.expected > 0 else float("inf")


def _evaluate(target: Target, acc: _Daily, period: Period, plan_topics: Sequence[str]) -> TargetResult:
    results: list[UnitResult] = []
    for label, u_start, u_end, c_start, c_end in units(target.per, period):
        unit_days, covered = (u_end - u_start).days + 1, (c_end - c_start).days + 1
        expected = target.value * covered / unit_days
        short: tuple[str, ...] = ()
        if target.kind == "minutes":
            value = acc.total("ms", target.topic, c_start, c_end) / 60000
        elif target.kind == "segments":
            value = float(acc.total("airings", target.topic, c_start, c_end))
        else:
            codes = [target.topic] if target.topic is not None else list(plan_topics)
            counts = {c: acc.total("airings", c, c_start, c_end) for c in codes}
            value = float(min(counts.values(), default=0))
            short = tuple(c for c in codes if counts[c] + _EPS < expected)
        met = value + _EPS >= expected and not short
        results.append(
            UnitResult(label, u_start, u_end, covered < unit_days, expected, value, met, short, covered, unit_days)
        )
    worst = min(results, key=_ratio)
    # Scaled up to a whole unit, to read against the nominal target (JSON `reached`); the
    # documents print the worst unit's own expected and reached figures instead.
    reached = worst.value * worst.unit_days / worst.covered_days
    return TargetResult(target, reached, all(u.met for u in results), tuple(results), worst)


def _series(per: str, acc: _Daily, period: Period) -> tuple[SeriesPoint, ...]:
    return tuple(
        SeriesPoint(label, c_start, c_end, acc.total("ms", None, c_start, c_end) / 1000)
        for label, _, _, c_start, c_end in units(per, period)
    )


def _add(totals: dict[str, int], key: str, value: int) -> None:
    totals[key] = totals.get(key, 0) + value


def _language_rows(facts: Facts, languages: Sequence[tuple[str, str]]) -> tuple[LanguageFigures, ...]:
    """Vietnamese always, then each language that aired, in config.toml's order (unknown codes last)."""
    names = dict(languages)
    aired = set(facts.language_ms) | set(facts.language_airings)
    known = [code for code, _ in languages if code in aired and code != VIETNAMESE]
    codes = [VIETNAMESE, *known, *sorted(aired - set(known) - {VIETNAMESE})]
    return tuple(
        LanguageFigures(
            code,
            names.get(code, code),
            facts.language_ms.get(code, 0) / 1000,
            facts.language_airings.get(code, 0),
            facts.language_items.get(code, 0),
        )
        for code in codes
    )


def _daily(facts: Facts) -> _Daily:
    """The per-day figures, with each day's airtime over all topics."""
    daily = _Daily(
        day_airings=dict(facts.day_airings),
        day_topic_ms=dict(facts.day_topic_ms),
        day_topic_airings=dict(facts.day_topic_airings),
    )
    for (day, _), ms in facts.day_topic_ms.items():
        daily.day_ms[day] = daily.day_ms.get(day, 0) + ms
    return daily


def _topic_rows(facts: Facts, topics: Sequence[tuple[str, str]]) -> tuple[TopicFigures, ...]:
    """Every topic of the plan in its order, even with no airtime, then any other code found."""
    topic_ms: dict[str, int] = {}
    for (_, topic), ms in facts.day_topic_ms.items():
        _add(topic_ms, topic, ms)
    topic_airings: dict[str, int] = {}
    for (_, topic), n in facts.day_topic_airings.items():
        _add(topic_airings, topic, n)
    names = dict(topics)
    return tuple(
        TopicFigures(
            code,
            names.get(code, code),
            topic_ms.get(code, 0) / 1000,
            topic_airings.get(code, 0),
            facts.topic_items.get(code, 0),
        )
        for code in _ordered([c for c, _ in topics], [*topic_ms, *facts.topic_items])
    )


def _slot_rows(facts: Facts, slots: Sequence[str]) -> tuple[GroupFigures, ...]:
    return tuple(
        GroupFigures(s, facts.slot_ms.get(s, 0) / 1000, facts.slot_airings.get(s, 0), facts.slot_items.get(s, 0))
        for s in _ordered(list(slots), list(facts.slot_ms))
    )


def _priority_rows(facts: Facts) -> tuple[GroupFigures, ...]:
    return tuple(
        GroupFigures(
            p,
            facts.priority_ms.get(p, 0) / 1000,
            facts.priority_airings.get(p, 0),
            facts.priority_items.get(p, 0),
        )
        for p in _ordered(PRIORITIES, list(facts.priority_ms))
    )


def report_from_facts(
    facts: Facts,
    period: Period,
    topics: Sequence[tuple[str, str]],
    slots: Sequence[str],
    targets: Sequence[Target],
    head: ChainHead,
    tz: tzinfo,
    records: Sequence[AiringRecord] = (),
    languages: Sequence[tuple[str, str]] = (),
    relays: Sequence[RelayFigures] = (),
) -> Report:
    """Build the report from per-day facts (from `rollup` or from the database).

    `topics` are the plan's (code, name) pairs in the plan's order; every one of them is
    reported, even with no airtime, followed by any other topic code found. `head` is the
    log's chain head when the report is made, printed so the log can be checked later.
    `records` (optional) are the period's airings, kept for the per-item CSV. `languages` are
    config.toml's (code, name) pairs: they name and order the airtime per language. `relays` are
    the period's relays per source (`relays.relay_rows` of its relay records), reported apart.
    """
    daily = _daily(facts)
    plan_codes = [c for c, _ in topics]
    return Report(
        period=period,
        tz=tz,
        total_seconds=sum(facts.day_topic_ms.values()) / 1000,
        airings=sum(facts.day_airings.values()),
        item_airings=sum(facts.slot_items.values()),
        distinct_items=facts.distinct_items,
        topics=_topic_rows(facts, topics),
        slots=_slot_rows(facts, slots),
        priorities=_priority_rows(facts),
        statuses=tuple((s, facts.statuses.get(s, 0)) for s in _ordered(STATUSES, list(facts.statuses))),
        incidents=facts.incidents,
        targets=tuple(_evaluate(t, daily, period, plan_codes) for t in targets),
        weekly=_series("week", daily, period),
        monthly=_series("month", daily, period),
        chain_head=head,
        records=tuple(records),
        languages=_language_rows(facts, languages),
        relays=tuple(relays),
    )


def build_report(
    records: Sequence[AiringRecord],
    period: Period,
    topics: Sequence[tuple[str, str]],
    slots: Sequence[str],
    targets: Sequence[Target],
    head: ChainHead,
    tz: tzinfo,
    languages: Sequence[tuple[str, str]] = (),
) -> Report:
    """Aggregate the airings of `period` in one pass; records outside it are skipped.

    Records should come in log (time) order; any order gives the same figures, only slower.
    """
    facts, kept = rollup_kept(records, period, tz)
    return report_from_facts(facts, period, topics, slots, targets, head, tz, kept, languages, relay_rows(kept))
