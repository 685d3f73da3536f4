"""The station at a glance (the console's Tổng quan): on air, next slot, health, what needs
attention, and how this month and quarter stand against the plan's targets.

One call gathers what the other services know; nothing here decides anything they do not.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from broadcaster.model import NewsItem
from broadcaster.reports.figures import TargetResult
from broadcaster.reports.periods import Period, unit_bounds
from broadcaster.service.context import Station
from broadcaster.service.doctor import MIN_FREE_BYTES
from broadcaster.service.evidence import Evidence
from broadcaster.service.onair import StationStatus, status

EXPIRING_DAYS = 2  # an item whose last day is this close, with airings still wanted, needs a look
# The daemon writes its heartbeat every 15 seconds; one older than this means it stopped answering.
HEARTBEAT_LATE = timedelta(minutes=2)
ONLINE_ENGINES = ("gtts",)  # voices that need the internet


@dataclass(frozen=True)
class Health:
    daemon_running: bool
    daemon_where: str | None
    heartbeat: datetime | None  # the daemon's last sign of life (UTC)
    heartbeat_late: bool
    disk_free_bytes: int
    disk_low: bool
    voice_engine: str  # the station's first voice
    voice_online: bool  # it needs the internet
    last_engine: str | None  # which voice made the newest speech
    last_rendered: datetime | None
    last_fallback: str | None  # why a fallback voice made it, if one did


@dataclass(frozen=True)
class Attention:
    no_speech: tuple[NewsItem, ...]
    fallback_voice: tuple[tuple[NewsItem, str], ...]  # the item and why the fallback voice spoke it
    waiting_approval: tuple[NewsItem, ...]
    expiring: tuple[NewsItem, ...]

    @property
    def count(self) -> int:
        return len(self.no_speech) + len(self.fallback_voice) + len(self.waiting_approval) + len(self.expiring)


@dataclass(frozen=True)
class TargetProgress:
    name: str
    kind: str  # minutes | segments | topic_coverage
    value: float  # the plan's target per `per`
    per: str
    needed: float  # the plan's share of the days so far
    reached: float
    met: bool
    short_topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    unit: str  # month | quarter
    period: Period  # from the unit's first day to today
    targets: tuple[TargetProgress, ...]
    problems: tuple[str, ...]  # what failed the checks of the figures (then they may be wrong)


@dataclass(frozen=True)
class Overview:
    status: StationStatus
    items: dict[int, NewsItem]  # the items that may still air, by id
    health: Health
    attention: Attention
    progress: tuple[Progress, ...]


def overview(station: Station) -> Overview:
    found = status(station)
    items = {i.id: i for i in found.live}
    return Overview(found, items, health(station, found), attention(station, found), progress(station))


def health(station: Station, found: StationStatus) -> Health:
    from broadcaster.store import renderings, state

    with station.db.session() as session:
        heartbeat = state.get_time(session, state.HEARTBEAT)
        newest = renderings.newest(session)
        last = (newest.engine, newest.created_at, newest.notes) if newest else (None, None, None)
    free = shutil.disk_usage(station.config.folder).free
    engine = station.config.speech.engine
    late = heartbeat is None or station.now() - heartbeat > HEARTBEAT_LATE
    return Health(
        daemon_running=found.daemon_running,
        daemon_where=found.daemon_where,
        heartbeat=heartbeat,
        heartbeat_late=late,
        disk_free_bytes=free,
        disk_low=free < MIN_FREE_BYTES,
        voice_engine=engine,
        voice_online=engine in ONLINE_ENGINES,
        last_engine=last[0],
        last_rendered=last[1],
        last_fallback=last[2],
    )


def attention(station: Station, found: StationStatus) -> Attention:
    from broadcaster.service.voicing import Voicing
    from broadcaster.store import renderings

    items = {i.id: i for i in found.live}
    voicing = Voicing(station, check_audio=False)
    with station.db.session() as session:
        noted = renderings.with_notes(session, list(items))
    fallback: dict[int, str] = {}
    for item_id, part, key, notes in noted:
        item = items[item_id]
        # only what would air now: a rendering of an older text does not count
        if notes and key == voicing.key(item.title if part == "title" else item.text):
            fallback.setdefault(item_id, notes)
    today = station.today()
    soon = today + timedelta(days=EXPIRING_DAYS)
    return Attention(
        no_speech=tuple(items[i] for i in found.waiting_for_speech),
        fallback_voice=tuple((items[i], why) for i, why in fallback.items()),
        waiting_approval=tuple(items[i] for i in found.waiting_for_approval),
        expiring=tuple(
            i for i in found.live if i.valid_until is not None and today <= i.valid_until <= soon and i.airings_left
        ),
    )


def progress(station: Station) -> tuple[Progress, ...]:
    """This month and this quarter so far, each target read against its share of the days gone."""
    evidence = Evidence(station)
    today = station.today()
    return tuple(_so_far(evidence, unit, today) for unit in ("month", "quarter"))


def _so_far(evidence: Evidence, unit: str, today: date) -> Progress:
    label, first, _last = unit_bounds(unit, today)
    period = Period(first, today, label)
    report = evidence.progress(period)
    problems = report.check.problems if report.check is not None else ()
    return Progress(unit, period, tuple(_target(t) for t in report.targets), problems)


def _target(result: TargetResult) -> TargetProgress:
    target = result.target
    if target.kind == "topic_coverage" or not result.units:
        # how often the least-aired topic aired cannot be added up across weeks: the furthest unit tells
        worst = result.worst or result.units[0]
        needed, reached, short = worst.expected, worst.value, worst.short_topics
    else:
        needed = sum(u.expected for u in result.units)
        reached = sum(u.value for u in result.units)
        short = ()
    return TargetProgress(
        target.name,
        target.kind,
        target.value,
        target.per,
        needed,
        reached,
        reached + 1e-9 >= needed and not short,
        short,
    )
