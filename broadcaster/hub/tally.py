"""Per-day sums of verified airing records, for the hub's reports. Pure.

Reads only the fields it needs, defensively: records of any canonical version count as far
as they can be read (a field of the wrong type counts as absent, never as an error: the
record's hash was already verified, so it is evidence whatever it holds).

The figures follow the station's own report: the day is the local date of the scheduled
time; an item's airtime is its whole duration when it completed, else the part played, and
only in completed or interrupted airings. A district bulletin's airing is counted when an
item that came from it aired in full; cut items add their airtime and count as partial.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from broadcaster.hublink.protocol import parse_timestamp

AIRED = frozenset({"completed", "interrupted"})
STATUSES = ("completed", "interrupted", "failed", "missed", "empty")
DAY_FIELDS = (*STATUSES, "airings", "on_air", "item_airings", "ms", "district_items", "district_ms")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class RecordFields:
    scheduled_at: datetime | None
    status: str | None
    slot: str | None
    duration_ms: int | None


def record_fields(doc: Mapping[str, Any]) -> RecordFields:
    return RecordFields(
        scheduled_at=parse_timestamp(doc.get("scheduled_at")),
        status=_str(doc.get("status")),
        slot=_str(doc.get("slot")),
        duration_ms=_int(doc.get("duration_ms")),
    )


def item_ms(status: str | None, played_ms: int, item: Mapping[str, Any]) -> int:
    if status not in AIRED:
        return 0
    full = max(_int(item.get("duration_ms")) or 0, 0)
    if item.get("completed") is True:
        return full
    return min(max(played_ms - (_int(item.get("offset_ms")) or 0), 0), full)


def source_of(item: Mapping[str, Any], sources: Mapping[int, str]) -> str | None:
    """The district bulletin an aired item came from: the record's own `source_id` (canonical
    version 2), else what the station said of its news item (version 1 records have none)."""
    own = _str(item.get("source_id"))
    if own:
        return own
    item_id = _int(item.get("item_id"))
    return sources.get(item_id) if item_id is not None else None


@dataclass(slots=True)
class Tally:
    days: dict[date, dict[str, int]] = field(default_factory=dict)
    bulletins: dict[tuple[str, date], list[int]] = field(default_factory=dict)  # -> [airings, partial, ms]

    def day(self, day: date) -> dict[str, int]:
        sums = self.days.get(day)
        if sums is None:
            sums = self.days[day] = dict.fromkeys(DAY_FIELDS, 0)
        return sums


def candidate_sources(docs: Iterable[Mapping[str, Any]], sources: Mapping[int, str]) -> set[str]:
    found = set()
    for doc in docs:
        for item in _items(doc):
            source = source_of(item, sources)
            if source:
                found.add(source)
    return found


def _items(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = doc.get("items")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def tally(
    docs: Iterable[Mapping[str, Any]],
    tz: tzinfo,
    sources: Mapping[int, str],
    bulletins: frozenset[str] | set[str],
    fields_of: Iterable[RecordFields] | None = None,
) -> Tally:
    """Sums per local day; `bulletins`: the district bulletins delivered to this station (others are not
    credited). `fields_of`: each doc's `record_fields`, when the caller read them already."""
    result = Tally()
    docs = list(docs)
    read = list(fields_of) if fields_of is not None else [record_fields(doc) for doc in docs]
    for doc, fields in zip(docs, read, strict=True):
        if fields.scheduled_at is None:
            continue  # a record without a time cannot be put on a day; it stays in the log as received
        day = fields.scheduled_at.astimezone(tz).date()
        sums = result.day(day)
        sums["airings"] += 1
        if fields.status in STATUSES:
            sums[fields.status] += 1
        if fields.status not in AIRED:
            continue  # no item of it counts as on air (item_ms)
        played = fields.duration_ms or 0
        on_air = 0
        for item in _items(doc):
            ms = item_ms(fields.status, played, item)
            if ms <= 0:
                continue
            on_air += 1
            sums["ms"] += ms
            source = source_of(item, sources)
            if source and source in bulletins:
                sums["district_items"] += 1
                sums["district_ms"] += ms
                figures = result.bulletins.setdefault((source, day), [0, 0, 0])
                figures[0 if item.get("completed") is True else 1] += 1
                figures[2] += ms
        if on_air:
            sums["on_air"] += 1
            sums["item_airings"] += on_air
    return result
