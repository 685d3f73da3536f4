"""On air: the daemon, what is on air and what comes next, the schedule, air-now.

Every front end (CLI, console, hub sync) calls these; none of them looks at the
daemon lock, the on-air journal or the planner itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from broadcaster.airlog import AiringRecord
from broadcaster.errors import BroadcasterError, InputError, StoreError
from broadcaster.i18n import _
from broadcaster.model import NewsItem
from broadcaster.planning import Plan
from broadcaster.service.actor import Actor
from broadcaster.service.context import Station

log = logging.getLogger(__name__)


# ------------------------------------------------------------ the daemon


def run_daemon(station: Station, run_for: float | None, on_started: Callable[[str], None]) -> None:
    """`broadcaster run`: air every slot on time until stopped; `on_started` gets the output's name."""
    from broadcaster.daemon import Daemon
    from broadcaster.sound.registry import make_equipment

    output, amplifier = make_equipment(station)
    daemon = Daemon(station, output, amplifier, equipment=make_equipment)
    daemon.duty.render_in_child = True  # keeps synthesis libraries out of the long-running process
    daemon.run(run_for=run_for, on_started=lambda: on_started(output.name))


# ------------------------------------------------------------ status


@dataclass(frozen=True)
class OnAir:
    slot: str
    kind: str
    scheduled_at: str  # station time, ISO
    started_at: str | None
    item_ids: tuple[int, ...]


@dataclass(frozen=True)
class StationStatus:
    daemon_pid: int | None
    daemon_where: str | None  # "pid 123 on this computer, config …"
    on_air: tuple[OnAir, ...]
    cut_by_stop: tuple[OnAir, ...]  # on air when the station stopped (crash, power cut): closed at the next start
    next_plan: Plan | None
    waiting_for_speech: tuple[int, ...]
    waiting_for_approval: tuple[int, ...]
    live: tuple[NewsItem, ...] = ()  # the items that may still air

    @property
    def daemon_running(self) -> bool:
        return self.daemon_pid is not None


def status(station: Station) -> StationStatus:
    """Is the daemon running, what is on air, what the next slot carries, what waits for speech or approval."""
    from broadcaster.onair.lock import daemon_holder
    from broadcaster.planning import occurrences
    from broadcaster.service.programme import Programme
    from broadcaster.service.voicing import Voicing
    from broadcaster.store import airings as log_store

    station.ready()
    holder = daemon_holder(station.db)
    with station.db.session() as session:
        journal = tuple(
            OnAir(
                r.slot,
                r.kind,
                station.local(r.scheduled_at).isoformat(),
                station.local(r.started_at).isoformat() if r.started_at else None,
                tuple(int(c["item_id"]) for c in log_store.cue_items(r)),
            )
            for r in log_store.on_air_rows(session)
        )
    programme = Programme(station, Voicing(station, check_audio=False))
    items = programme.live_items()
    durations = programme.durations(items)
    on_air_items = {i for a in journal for i in a.item_ids} if holder else set()
    # what is on air now is assumed to finish: it is not the next slot's news
    assumed = [replace(i, airings_done=i.airings_done + 1) if i.id in on_air_items else i for i in items]
    # a week and a day ahead finds the next slot even of a programme that airs once a week
    now = station.now()
    coming = occurrences(programme.slots, now, now + timedelta(days=8), station.config.tz)
    require_approval = station.config.station.require_approval
    return StationStatus(
        daemon_pid=holder.pid if holder else None,
        daemon_where=holder.describe(station.config.tz) if holder else None,
        on_air=journal if holder else (),
        cut_by_stop=() if holder else journal,
        next_plan=programme.plan(coming[0], assumed, durations) if coming else None,
        waiting_for_speech=tuple(i.id for i in items if durations.get(i.id) is None),
        waiting_for_approval=tuple(i.id for i in items if i.approved_at is None) if require_approval else (),
        live=tuple(items),
    )


@dataclass(frozen=True)
class Agenda:
    """The coming slots and what each would carry, with the items they name and the hours allowed."""

    plans: tuple[Plan, ...]
    items: dict[int, NewsItem]  # every live item, by id (the plans name waiting items by id)
    hours: tuple[str, ...]  # broadcast-hours windows in station time ("05:00-21:00"); empty: no limit


def agenda(station: Station, days: int) -> Agenda:
    """The next `days` of the programme, each slot assuming those before it aired as planned."""
    from broadcaster.service.programme import Programme
    from broadcaster.service.voicing import Voicing

    station.ready()
    programme = Programme(station, Voicing(station, check_audio=False))
    items = programme.live_items()
    plans = programme.upcoming(station.now() + timedelta(days=days), items=items)
    return Agenda(tuple(plans), {i.id: i for i in items}, tuple(station.config.broadcast_hours.allowed))


def schedule(station: Station, days: int) -> list[Plan]:
    """The coming slots over `days` and what would air in each, each assuming those before aired."""
    return list(agenda(station, days).plans)


def plan_json(station: Station, plan: Plan) -> dict[str, Any]:
    """The documented JSON of a planned slot (docs/json.md)."""
    return {
        "slot": plan.occurrence.slot.name,
        "at": station.local(plan.occurrence.at).isoformat(),
        "seconds": round(plan.seconds, 1),
        "max_seconds": plan.occurrence.slot.max_seconds,
        "exemption": plan.exemption,
        "items": [
            {
                "id": p.item.id,
                "title": p.item.title,
                "topic": p.item.topic,
                "priority": p.item.priority.value,
                "seconds": round(p.seconds, 1),
            }
            for p in plan.items
        ],
        "waiting": [{"id": item_id, "reason": reason.value} for item_id, reason in plan.waiting],
    }


def status_json(station: Station, found: StationStatus) -> dict[str, Any]:
    def on_air(a: OnAir) -> dict[str, Any]:
        return {"slot": a.slot, "kind": a.kind, "scheduled_at": a.scheduled_at, "started_at": a.started_at}

    return {
        "daemon_running": found.daemon_running,
        "daemon_pid": found.daemon_pid,
        "on_air": [on_air(a) for a in found.on_air],
        "cut_by_stop": [on_air(a) for a in found.cut_by_stop],
        "next_slot": plan_json(station, found.next_plan) if found.next_plan else None,
        "waiting_for_speech": list(found.waiting_for_speech),
        "waiting_for_approval": list(found.waiting_for_approval),
    }


# ------------------------------------------------------------ air now


@dataclass(frozen=True)
class AirNowResult:
    item_id: int
    outcome: str  # "on air already" | "asked the daemon" | "aired"
    told_at_once: bool = False  # the daemon was woken (else it sees the request at its next check)
    record: AiringRecord | None = None
    problems: tuple[str, ...] = ()


class DaemonDown(BroadcasterError):
    """Air-now asked of a front end that must not play sound itself, while no daemon runs."""

    http_status = 503


def air_now(
    station: Station, item_id: int, again: bool = False, actor: Actor | None = None, *, here: bool = True
) -> AirNowResult:
    """Air an item at once (khẩn cấp), cutting the bulletin on air. Through the running daemon,
    or by this process itself when none runs (`here=False`: never; the console is no sound
    player and must not hold a request for a whole bulletin). An item on air is not started
    again; an item that aired as often as wanted airs again only with `again`. With an `actor`
    the request is written to the audit trail (with the daemon's request, in its transaction)."""
    from broadcaster.onair.lock import daemon_holder, wake_daemon
    from broadcaster.service.queue import NewsDesk
    from broadcaster.store import airings as log_store

    item, on_air = NewsDesk(station).with_air_state(item_id)
    _check_may_air(station, item, again)
    if on_air:
        # asking again must not cut it and start it over: villagers would hear it cut
        _audit_air_now(station, actor, item, "on air already")
        return AirNowResult(item_id, "on air already")
    if daemon_holder(station.db):
        with station.db.session() as session:
            log_store.request_emergency(session, item_id, station.now())
            _audit_air_now(station, actor, item, "asked the daemon", session)
        return AirNowResult(item_id, "asked the daemon", told_at_once=wake_daemon(station.db))
    if not here:
        raise DaemonDown(
            _("The station is not running, so nothing can be aired now."),
            _("Check the station PC: start the broadcaster service (systemctl start broadcaster), then try again."),
        )
    _audit_air_now(station, actor, item, "aired by this process")
    return _air_here(station, item)


def _audit_air_now(
    station: Station, actor: Actor | None, item: NewsItem, outcome: str, session: Session | None = None
) -> None:
    if actor is None:
        return
    details = {"title": item.title, "outcome": outcome}
    if session is not None:
        actor.record(session, "item.air_now", f"item:{item.id}", details, station.now())
        return
    with station.db.session() as own:
        actor.record(own, "item.air_now", f"item:{item.id}", details, station.now())


def _check_may_air(station: Station, item: NewsItem, again: bool) -> None:
    # Each hint names a command for the command line on the station PC and, for the console, the page to use:
    # the console is used by people who may not approve (the culture official), so it names who approves.
    if item.cancelled_at is not None:
        raise InputError(_("News item {id} is cancelled.").format(id=item.id), _("Add it again if it must air."))
    if station.config.station.require_approval and item.approved_at is None:
        raise InputError(
            _("News item {id} is not approved.").format(id=item.id),
            _("Approve it first: broadcaster news approve {id} --by NAME").format(id=item.id),
            console_hint=_(
                "The chairman of the commune People's Committee must approve it first, on the news item's page."
            ),
        )
    _check_within_its_days(station, item)
    if item.airings_done >= item.airings_wanted and not again:
        raise InputError(
            _("News item {id} has aired already ({done} of {wanted}).").format(
                id=item.id, done=item.airings_done, wanted=item.airings_wanted
            ),
            _("To air it once more, run: broadcaster air-now {id} --again").format(id=item.id),
            console_hint=_("Tick 'air it once more' on the Air now page."),
        )


def _check_within_its_days(station: Station, item: NewsItem) -> None:
    """A notice is aired between the days it was given: not before its first (it would announce what is
    not decided yet), not after its last (what it says is over)."""
    today = station.today()
    if item.valid_on(today):
        return
    if item.valid_from is not None and today < item.valid_from:
        message, day, option = _("News item {id} may air only from {day}."), item.valid_from, "--from"
    else:
        assert item.valid_until is not None  # not valid today, and not yet begun: so it has ended
        message, day, option = _("News item {id} could air only until {day}."), item.valid_until, "--until"
    raise InputError(
        message.format(id=item.id, day=f"{day:%d/%m/%Y}"),
        _("To air it today, change that day first: broadcaster news edit {id} {option} {day}").format(
            id=item.id, option=option, day=f"{today:%d/%m/%Y}"
        ),
        console_hint=_("To air it today, change that day first on the news item's page."),
    )


def _air_here(station: Station, item: NewsItem) -> AirNowResult:
    from broadcaster.onair.airer import Airer
    from broadcaster.onair.lock import DaemonLock
    from broadcaster.service.programme import Programme
    from broadcaster.service.voicing import Voicing
    from broadcaster.sound.registry import make_equipment

    with DaemonLock(station.db, station.config.path):
        voicing = Voicing(station)
        problems = voicing.prepare_all([item])[1]
        airer = Airer(station, voicing, *make_equipment(station))
        airer.open_log()
        record = airer.air(Programme(station, voicing).emergency_request(item, station.now()))
    if record is None:
        raise StoreError(
            _("News item {id} aired, but the airing log could not be written (is the disk full?).").format(id=item.id),
            _("Free disk space and run `broadcaster doctor`; the record is kept and written at the next start."),
        )
    return AirNowResult(item.id, "aired", record=record, problems=tuple(problems))
