"""From airing records to per-day Facts: the single pass over the log a report makes
(the definitions of airtime and airings are in reports/aggregate.py's docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from broadcaster.airlog import AiredItem, AiringRecord
from broadcaster.reports.figures import AIRED_STATUSES, Facts, Incident
from broadcaster.reports.periods import Period


def item_airtime_ms(record: AiringRecord, item: AiredItem) -> int:
    """Milliseconds of `item` that went out on air in `record` (see reports/aggregate.py's docstring)."""
    if record.status not in AIRED_STATUSES:
        return 0
    full = round(item.duration_seconds * 1000)
    if item.completed:
        return max(full, 0)
    played = round(record.duration_seconds * 1000) - round(item.offset_seconds * 1000)
    return min(max(played, 0), full)


@dataclass(slots=True)
class _Tally:
    """The running sums of one pass over the records: by day and topic, slot, priority and language."""

    day_topic_ms: dict[tuple[date, str], int] = field(default_factory=dict)
    day_topic_airings: dict[tuple[date, str], int] = field(default_factory=dict)
    day_airings: dict[date, int] = field(default_factory=dict)
    slot_ms: dict[str, int] = field(default_factory=dict)
    slot_items: dict[str, int] = field(default_factory=dict)
    slot_airings: dict[str, int] = field(default_factory=dict)
    prio_ms: dict[str, int] = field(default_factory=dict)
    prio_items: dict[str, int] = field(default_factory=dict)
    prio_airings: dict[str, int] = field(default_factory=dict)
    lang_ms: dict[str, int] = field(default_factory=dict)
    lang_items: dict[str, int] = field(default_factory=dict)
    lang_airings: dict[str, int] = field(default_factory=dict)
    item_topic: dict[int, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    incidents: list[Incident] = field(default_factory=list)

    def airing(self, rec: AiringRecord, day: date, tz: tzinfo) -> None:
        """Count one airing of the period, scheduled on the station-local `day`."""
        status = rec.status
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status != "completed":
            at = rec.scheduled_at.astimezone(tz)
            self.incidents.append(Incident(at, rec.seq, rec.slot, rec.kind, status, rec.reason))
        if status in AIRED_STATUSES:
            self._aired(rec, day)

    def _aired(self, rec: AiringRecord, day: date) -> None:
        # The hot loop of a long report: locals, string keys and inlined airtime on purpose (bench/).
        day_topic_ms, prio_ms, prio_items = self.day_topic_ms, self.prio_ms, self.prio_items
        lang_ms, lang_items, item_topic = self.lang_ms, self.lang_items, self.item_topic
        played_ms = round(rec.duration_seconds * 1000)
        airing_ms = n_items = 0
        topics_here: set[str] = set()
        prios_here: set[str] = set()
        langs_here: set[str] = set()
        for item in rec.items:
            full = round(item.duration_seconds * 1000)
            ms = full if item.completed else min(max(played_ms - round(item.offset_seconds * 1000), 0), full)
            if ms <= 0:
                continue
            topic, prio, lang = item.topic, item.priority, item.language
            key = (day, topic)
            day_topic_ms[key] = day_topic_ms.get(key, 0) + ms
            prio_ms[prio] = prio_ms.get(prio, 0) + ms
            prio_items[prio] = prio_items.get(prio, 0) + 1
            lang_ms[lang] = lang_ms.get(lang, 0) + ms
            lang_items[lang] = lang_items.get(lang, 0) + 1
            item_topic[item.item_id] = topic
            topics_here.add(topic)
            prios_here.add(prio)
            langs_here.add(lang)
            airing_ms += ms
            n_items += 1
        if n_items:
            self._groups(rec.slot, day, airing_ms, n_items, topics_here, prios_here, langs_here)

    def _groups(
        self, slot: str, day: date, ms: int, n_items: int, topics: set[str], prios: set[str], langs: set[str]
    ) -> None:
        """An airing with airtime counts once for its slot, its day, and each topic, priority and language in it."""
        self.slot_ms[slot] = self.slot_ms.get(slot, 0) + ms
        self.slot_items[slot] = self.slot_items.get(slot, 0) + n_items
        self.slot_airings[slot] = self.slot_airings.get(slot, 0) + 1
        self.day_airings[day] = self.day_airings.get(day, 0) + 1
        for topic in topics:
            key = (day, topic)
            self.day_topic_airings[key] = self.day_topic_airings.get(key, 0) + 1
        for prio in prios:
            self.prio_airings[prio] = self.prio_airings.get(prio, 0) + 1
        for lang in langs:
            self.lang_airings[lang] = self.lang_airings.get(lang, 0) + 1

    def facts(self) -> Facts:
        topic_items: dict[str, int] = {}
        for topic in self.item_topic.values():
            topic_items[topic] = topic_items.get(topic, 0) + 1
        return Facts(
            day_topic_ms=self.day_topic_ms,
            day_topic_airings=self.day_topic_airings,
            day_airings=self.day_airings,
            slot_ms=self.slot_ms,
            slot_items=self.slot_items,
            slot_airings=self.slot_airings,
            priority_ms=self.prio_ms,
            priority_items=self.prio_items,
            priority_airings=self.prio_airings,
            topic_items=topic_items,
            distinct_items=len(self.item_topic),
            statuses=self.statuses,
            incidents=tuple(sorted(self.incidents, key=lambda i: (i.when, i.seq))),
            language_ms=self.lang_ms,
            language_items=self.lang_items,
            language_airings=self.lang_airings,
        )


def rollup_kept(records: Sequence[AiringRecord], period: Period, tz: tzinfo) -> tuple[Facts, list[AiringRecord]]:
    """Sum the airings of `period` into per-day Facts, and the records of the period (for the CSV)."""
    tally = _Tally()
    kept: list[AiringRecord] = []
    first, last = period.start, period.end
    # Records come in time order: reuse the local date while inside the same local day.
    day_from = day_to = datetime.min.replace(tzinfo=UTC)
    day = first
    for rec in records:
        at = rec.scheduled_at
        if not day_from <= at < day_to:
            day = at.astimezone(tz).date()
            day_from = datetime.combine(day, time(0), tz).astimezone(UTC)
            day_to = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)
        if first <= day <= last:
            kept.append(rec)
            tally.airing(rec, day, tz)
    return tally.facts(), kept


def rollup(records: Sequence[AiringRecord], period: Period, tz: tzinfo) -> Facts:
    """Sum the airings of `period` (by station-local scheduled date) into per-day Facts."""
    return rollup_kept(records, period, tz)[0]
