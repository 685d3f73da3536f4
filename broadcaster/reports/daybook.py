"""The daybook: the airing log summed per station-local day, each day sealed against the log. Pure.

Why a summary: a report over ten years must not read 75,000 airings (see store/summary.py).
Why sealed: reports read these figures instead of the log, so an edited figure would bend a
report while the hash chain stays intact. Each day is one row holding all its figures as
canonical JSON (`Day.text()`), the number and hash of the last airing that changed it, and
a seal: sha256 over all of these (`seal`). What that gives:

- editing a figure without re-computing the seal breaks the seal (`check_row`), which every
  report checks for every day it reads;
- a day names an airing of the chain by number and hash, so a re-written log no longer
  matches the days sealed against it (the report looks the hashes up);
- the seal is not a secret: someone who knows this code can re-seal a forged day. That is
  caught by `broadcaster log verify`, which sums the whole log again with this same code
  (`Daybook`) and compares every day exactly, seals included.

The figures are those of reports/aggregate.py to the millisecond: the same day (the station-
local date of the *scheduled* time) and the same airtime per item (`airtime_ms`, kept equal
to `aggregate.item_airtime_ms` by tests), on the integer milliseconds the log stores.

Days are also summed per *run*: the days that share one ISO week and one calendar month
(`run_bounds`; a week that straddles two months is two runs). Every unit a report sums by
(week, month, quarter, year) is a union of runs, so a report reads the runs wholly inside its
period and the days at its two edges: about 620 rows for ten years instead of 3,650. A run
row is sealed like a day row and names the newest airing among its days; `log verify`
compares runs and days alike.

Distinct items of a period [a, b] are counted without reading them: for each day an item
was on air, the day holds (topic, next day the item was on air) -> items ("lasts"); each item
has exactly one on-air day in [a, b] whose next on-air day is after b, with the topic of its
last airing that day.

`Daybook.add` takes the airings in log order. The store runs it on the days an append
touches (store/summary.py); a rebuild and `log verify` run it on the whole log. Both give the
same rows, byte for byte, because a day's row changes exactly when an airing changes its
figures, and then names that airing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from broadcaster.canonical_json import dump_canonical
from broadcaster.reports.figures import AIRED_STATUSES

# 2: the figures gained a language dimension (migration 0010 sums every day again)
SEAL_VERSION = "airtime-day/2"
Sums = list[int]  # [ms of items on air, item airings, airings with an item on air]


class ItemMs(NamedTuple):
    """An item of an airing as the log stores it (integer milliseconds).

    A tuple, so the rows the store reads can be passed as they come (in this field order)."""

    position: int
    item_id: int
    topic: str
    priority: str
    offset_ms: int
    duration_ms: int
    completed: bool
    language: str  # ISO 639-3


def airtime_ms(status: str, played_ms: int, item: ItemMs) -> int:
    """`aggregate.item_airtime_ms` on the stored milliseconds (the same definition, kept in step by tests)."""
    if status not in AIRED_STATUSES:
        return 0
    if item.completed:
        return max(item.duration_ms, 0)
    return min(max(played_ms - item.offset_ms, 0), item.duration_ms)


def _bump(table: dict[str, Sums], key: str, ms: int, items: int) -> None:
    sums = table.get(key)
    if sums is None:
        table[key] = [ms, items, 1]
    else:
        sums[0] += ms
        sums[1] += items
        sums[2] += 1


@dataclass(slots=True)
class Day:
    """The figures of one station-local day."""

    all: Sums = field(default_factory=lambda: [0, 0, 0])
    slot: dict[str, Sums] = field(default_factory=dict)
    topic: dict[str, Sums] = field(default_factory=dict)
    priority: dict[str, Sums] = field(default_factory=dict)
    language: dict[str, Sums] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)  # every airing, by status
    lasts: dict[tuple[str, str], int] = field(default_factory=dict)  # (topic, next on-air day or "") -> items

    def text(self) -> str:
        """The canonical JSON the seal covers (sorted keys, no spaces, UTF-8 text)."""
        doc = {
            "all": self.all,
            "language": self.language,
            "lasts": sorted([t, n, c] for (t, n), c in self.lasts.items()),
            "priority": self.priority,
            "slot": self.slot,
            "status": self.status,
            "topic": self.topic,
        }
        # The records' canonical JSON writer: json.dumps(sort_keys, no spaces, UTF-8 text)'s bytes, by orjson.
        return dump_canonical(doc).decode("utf-8")

    @classmethod
    def parse(cls, text: str) -> Day:
        doc = json.loads(text)
        return cls(
            all=doc["all"],
            slot=doc["slot"],
            topic=doc["topic"],
            priority=doc["priority"],
            language=doc["language"],
            status=doc["status"],
            lasts={(t, n): c for t, n, c in doc["lasts"]},
        )

    def add(self, other: Day) -> None:
        """Add another day's figures to these (a run is the sum of its days)."""
        for i, value in enumerate(other.all):
            self.all[i] += value
        for mine, theirs in (
            (self.slot, other.slot),
            (self.topic, other.topic),
            (self.priority, other.priority),
            (self.language, other.language),
        ):
            for key, (ms, items, airings) in theirs.items():
                sums = mine.setdefault(key, [0, 0, 0])
                sums[0] += ms
                sums[1] += items
                sums[2] += airings
        for status, n in other.status.items():
            self.status[status] = self.status.get(status, 0) + n
        for last, n in other.lasts.items():
            self.lasts[last] = self.lasts.get(last, 0) + n

    def move_last(self, topic: str, next_day: str, change: int) -> None:
        key = (topic, next_day)
        count = self.lasts.get(key, 0) + change
        if count:
            self.lasts[key] = count
        else:
            self.lasts.pop(key, None)


SPANS = ("day", "run")


def run_bounds(day: date) -> tuple[date, date]:
    """The first and last day of the run `day` is in: the days sharing its ISO week and its month."""
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return max(monday, first), min(sunday, last)


@dataclass(frozen=True, slots=True)
class SumRow:
    """A day or a run as stored: its figures' text, the last airing that changed them, and the seal over all of it."""

    span: str  # "day" | "run"
    start: date
    text: str
    last_seq: int
    last_hash: str
    seal: str

    def label(self) -> str:
        if self.span == "day":
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{run_bounds(self.start)[1].isoformat()}"


def seal(span: str, start: date, text: str, last_seq: int, last_hash: str) -> str:
    body = f"{SEAL_VERSION}\n{span}\n{start.isoformat()}\n{last_seq}\n{last_hash}\n{text}"
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def sealed(span: str, start: date, figures: Day, last_seq: int, last_hash: str) -> SumRow:
    text = figures.text()
    return SumRow(span, start, text, last_seq, last_hash, seal(span, start, text, last_seq, last_hash))


def check_row(row: SumRow, hash_at_last_seq: str | None) -> str | None:
    """What is wrong with a stored row, given the hash the log holds for airing #row.last_seq (None: no such airing)."""
    if seal(row.span, row.start, row.text, row.last_seq, row.last_hash) != row.seal:
        return (
            f"The airtime figures of {row.label()} were changed after they were written (they no longer match "
            "their seal)."
        )
    if hash_at_last_seq is None:
        return (
            f"The airtime figures of {row.label()} count airing #{row.last_seq}, which is no longer in the log: "
            "airings were deleted (or the figures forged)."
        )
    if hash_at_last_seq != row.last_hash:
        return (
            f"The airtime figures of {row.label()} were sealed against airing #{row.last_seq} as it was then, "
            f"but the log now holds another airing #{row.last_seq}: the log was rewritten (or the figures forged)."
        )
    return None


def runs_of(days: Mapping[date, tuple[Day, int, str]]) -> dict[date, SumRow]:
    """Sealed run rows of the runs these days fill (each day with its last airing's seq and hash)."""
    grouped: dict[date, list[tuple[date, Day, int, str]]] = {}
    for day, (figures, last_seq, last_hash) in days.items():
        grouped.setdefault(run_bounds(day)[0], []).append((day, figures, last_seq, last_hash))
    rows = {}
    for start, members in grouped.items():
        total = Day()
        for _, figures, _, _ in sorted(members, key=lambda m: m[0]):
            total.add(figures)
        # An item back on air within the run is never counted by a report that reads the whole run
        # (its next on-air day is not after the period): keep only items whose next day is later.
        end = run_bounds(start)[1].isoformat()
        total.lasts = {(t, n): c for (t, n), c in total.lasts.items() if not n or n > end}
        _, _, last_seq, last_hash = max(members, key=lambda m: m[2])
        rows[start] = sealed("run", start, total, last_seq, last_hash)
    return rows


# Where each on-air day of an item stands: day -> (topic, seq, position) of its last on-air occurrence that day.
ItemDays = dict[date, tuple[str, int, int]]


class Daybook:
    """Sums airings into days, in log order. `days` may be pre-filled (with the stored days an append touches)."""

    def __init__(self, get_day: Callable[[date], Day] | None = None, *, later: bool = False) -> None:
        self.days: dict[date, Day] = {}
        self.items: dict[int, ItemDays] = {}
        self.last: dict[date, tuple[int, str]] = {}
        self.count = 0  # the number of the last airing added
        self.latest: dict[int, date] = {}  # each item's latest on-air day (found again when items are pre-filled)
        # `later`: this book sums a later part of the log on its own (reports/daybook_join.py): each item's
        # new on-air days in order, with the airing that brought each; the day before is marked on joining.
        self.new_days: dict[int, list[tuple[date, tuple[int, str]]]] | None = {} if later else None
        self._get_day = get_day or (lambda _day: Day())

    def day(self, day: date) -> Day:
        found = self.days.get(day)
        if found is None:
            found = self.days[day] = self._get_day(day)
        return found

    def add(
        self,
        seq: int,
        record_hash: str,
        day: date,
        slot: str,
        status: str,
        played_ms: int,
        items: Iterable[Sequence[Any]],
    ) -> list[date]:
        """Count one airing; returns the days whose figures changed (each now names this airing).

        `items` are `ItemMs` or tuples in its field order. This runs once per airing when the whole
        log is summed (75,000 times for ten years), hence the inlined arithmetic of `airtime_ms`."""
        figures = self.days.get(day) or self.day(day)
        counts = figures.status
        counts[status] = counts.get(status, 0) + 1
        touched = [day]
        if status in AIRED_STATUSES:
            total = n = 0
            # (table, the item's field, the keys already counted as aired in this airing): topic, priority, language
            tables: tuple[tuple[dict[str, list[int]], int, list[str]], ...] = (
                (figures.topic, 2, []),
                (figures.priority, 3, []),
                (figures.language, 7, []),
            )
            on_air = []
            for item in items:
                full = item[5]
                ms = max(full, 0) if item[6] else min(max(played_ms - item[4], 0), full)
                if ms <= 0:
                    continue
                total += ms
                n += 1
                for table, field, seen in tables:
                    key = item[field]
                    sums = table.get(key)
                    if sums is None:
                        table[key] = [ms, 1, 1]
                        seen.append(key)
                    else:
                        sums[0] += ms
                        sums[1] += 1
                        if key not in seen:
                            sums[2] += 1
                            seen.append(key)
                on_air.append(item)
            if n:
                whole = figures.all
                whole[0] += total
                whole[1] += n
                whole[2] += 1
                _bump(figures.slot, slot, total, n)
                for item in on_air:
                    self._place(item, day, (seq, record_hash), touched)
        mark = (seq, record_hash)
        for changed in touched:
            self.last[changed] = mark
        self.count = seq
        return touched

    def _place(self, item: Sequence[Any], day: date, mark: tuple[int, str], touched: list[date]) -> None:
        """Put this on-air occurrence into the item's days, moving the counts of `lasts`."""
        position, item_id, topic = item[0], item[1], item[2]
        seq = mark[0]
        days = self.items.get(item_id)
        if not days:  # the item's first day on air
            self.items[item_id] = {day: (topic, seq, position)}
            self.latest[item_id] = day
            self.day(day).move_last(topic, "", +1)
            if self.new_days is not None:
                self.new_days[item_id] = [(day, mark)]
            return
        here = days.get(day)
        if here is not None:
            old_topic, old_seq, old_pos = here
            if (seq, position) <= (old_seq, old_pos):
                return
            days[day] = (topic, seq, position)
            if old_topic != topic:
                after = _next_after(days, day)
                figures = self.day(day)
                figures.move_last(old_topic, after, -1)
                figures.move_last(topic, after, +1)
            return
        latest = self.latest.get(item_id) or max(days)
        before: date | None
        if day > latest:  # the usual case: airings are logged in time order
            before, after = latest, ""
            self.latest[item_id] = day
        else:  # an airing logged after a later one of the same item (closed after a crash)
            before = max((d for d in days if d < day), default=None)
            after = _next_after(days, day)
        days[day] = (topic, seq, position)
        self.day(day).move_last(topic, after, +1)
        if self.new_days is not None:
            self.new_days[item_id].append((day, mark))
        if before is None:
            return
        # The day before had `after` as its next on-air day; now it is `day`.
        before_topic = days[before][0]
        figures = self.day(before)
        figures.move_last(before_topic, after, -1)
        figures.move_last(before_topic, day.isoformat(), +1)
        if before not in touched and self.new_days is None:
            touched.append(before)

    def rows(self, only: Iterable[date] | None = None) -> dict[date, SumRow]:
        """The sealed day rows of `only` these days (default: every day summed)."""
        wanted = self.days if only is None else only
        return {d: sealed("day", d, self.days[d], *self.last[d]) for d in wanted}

    def run_rows(self) -> dict[date, SumRow]:
        """The sealed run rows of every day summed (a whole log: every run is complete)."""
        return runs_of({d: (figures, *self.last[d]) for d, figures in self.days.items()})

    def all_rows(self) -> dict[tuple[str, date], SumRow]:
        """Every day and run row, keyed (span, start): what the store should hold for the whole log."""
        rows = {("day", d): row for d, row in self.rows().items()}
        rows.update({("run", d): row for d, row in self.run_rows().items()})
        return rows


def _next_after(days: ItemDays, day: date) -> str:
    after = min((d for d in days if d > day), default=None)
    return "" if after is None else after.isoformat()


def item_days(occurrences: Sequence[tuple[int, date, ItemMs]]) -> ItemDays:
    """An item's days from its earlier on-air occurrences (seq, day, item), as `Daybook` keeps them."""
    days: ItemDays = {}
    for seq, day, item in occurrences:
        old = days.get(day)
        if old is None or (seq, item.position) > (old[1], old[2]):
            days[day] = (item.topic, seq, item.position)
    return days
