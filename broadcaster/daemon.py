"""`broadcaster run`: the long-running station daemon. APScheduler wiring only.

The database is the truth: jobs are rebuilt from config and database at
start, on SIGHUP and every few minutes, and never kept only in APScheduler's
(in-memory) job store. One scheduler per station (a file lock); one airing
worker, so bulletins never overlap. Slots missed while the station was off
are aired late within the grace period or recorded as missed at the next
start; an airing cut by a crash is closed as interrupted.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from broadcaster.airlog import AiringDraft
from broadcaster.config import load_config
from broadcaster.decisions import catch_up, emergencies_due
from broadcaster.errors import BroadcasterError
from broadcaster.model import Priority
from broadcaster.onair.airer import Airer, AiringRequest, Preempted, aired_items
from broadcaster.onair.lock import DaemonLock
from broadcaster.planning import Occurrence, Overdue, lead_time, occurrences, overdue_decision
from broadcaster.service.context import Station
from broadcaster.service.programme import CLOCK_SLOT, EMERGENCY_SLOT, OUTAGE_SLOT, Programme
from broadcaster.service.voicing import Voicing
from broadcaster.sound.amplifier import Amplifier
from broadcaster.sound.outputs import Output
from broadcaster.store import airings as log_store
from broadcaster.store import news as news_store
from broadcaster.store import state

log = logging.getLogger(__name__)

HEARTBEAT_EVERY_S = 15
# How often speech that a fallback voice made is tried with the first voice again (gTTS back online).
FALLBACK_RETRY_EVERY = timedelta(hours=1)
JOB_HORIZON = timedelta(hours=26)


class Daemon:
    def __init__(
        self,
        station: Station,
        output: Output,
        amplifier: Amplifier,
        voicing: Voicing | None = None,
        equipment: Callable[[Station], tuple[Output, Amplifier]] | None = None,
    ) -> None:
        self.station = station
        # builds the output and amplifier from the config again when SIGHUP changes them
        self.equipment = equipment
        self.voicing = voicing or Voicing(station)
        self.programme = Programme(station, self.voicing)
        self.airer = Airer(station, self.voicing, output, amplifier)
        self.lock = DaemonLock(station.db, station.config.path)
        self._stop = threading.Event()
        self._hup = threading.Event()
        self._wake = threading.Event()
        self._queue_changed = threading.Event()  # SIGUSR1 from the CLI: air-now, cancel, a new item
        self._last_fallback_retry: datetime | None = None
        self._emergencies_aired: set[int] = set()
        # emergencies sent to air and not yet ended: a second request for one must not restart it
        self._emergencies_waiting: set[int] = set()
        self._emergency_lock = threading.Lock()
        # After a stop: slots from here on that passed unaired get a job (to air late) in the first rebuild.
        self._resume_from: datetime | None = None
        self._occurrences: dict[str, Occurrence] = {}
        tz = station.config.tz
        self.scheduler = BackgroundScheduler(
            timezone=tz,
            # One worker airs slots, one emergencies: an emergency never queues behind a slot's job;
            # the airer's line keeps them from overlapping and lets the emergency go first.
            executors={
                "air": ThreadPoolExecutor(1),
                "emergency": ThreadPoolExecutor(1),
                "default": ThreadPoolExecutor(2),
            },
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                # APScheduler wants whole seconds, at least 1
                "misfire_grace_time": max(1, int(self.grace.total_seconds())),
            },
        )
        self.scheduler.add_listener(self._on_job_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.station.config.daemon.late_grace_minutes)

    def _grace_text(self) -> str:
        seconds = self.grace.total_seconds()
        return f"{seconds / 60:g}-minute" if seconds >= 60 else f"{seconds:g}-second"

    # ------------------------------------------------------------ life cycle

    def run(
        self, run_for: float | None = None, install_signals: bool = True, on_started: Callable[[], None] | None = None
    ) -> None:
        self.lock.acquire()
        try:
            self.station.ready()
            if install_signals:
                self._install_signals()
            # Records a full disk kept out of the log go in first: they close their airings.
            self.airer.open_log()
            self.recover_interrupted()
            self.render_ahead()
            # The scheduler runs before catch-up: a late airing goes through the one airing
            # worker like any other, so emergencies and the heartbeat are not held up by it.
            self.scheduler.start()
            self._add_housekeeping()
            self.catch_up()
            self.rebuild()
            log.info("daemon started for %s", self.station.config.station.name)
            if on_started is not None:
                on_started()
            deadline = None if run_for is None else self.station.clock.monotonic() + run_for
            while not self._stop.is_set():
                if self._hup.is_set():
                    self._hup.clear()
                    self.reload()
                if self._queue_changed.is_set():
                    self._queue_changed.clear()
                    self.check_queue()
                if deadline is not None and self.station.clock.monotonic() >= deadline:
                    break
                # Signals set an event and wake this wait; otherwise the main thread sleeps.
                left = 60.0 if deadline is None else deadline - self.station.clock.monotonic()
                self._wake.wait(min(60.0, max(0.0, left)))
                self._wake.clear()
        finally:
            self.shutdown("the station daemon stopped")
            self.lock.release()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _install_signals(self) -> None:
        def on_stop(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %s: stopping", signal.Signals(signum).name)
            self.airer.interrupt(f"the station was stopped ({signal.Signals(signum).name})")
            self._stop.set()
            self._wake.set()

        def on_hup(_signum: int, _frame: FrameType | None) -> None:
            self._hup.set()
            self._wake.set()

        def on_queue_change(_signum: int, _frame: FrameType | None) -> None:
            self._queue_changed.set()
            self._wake.set()

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGHUP, on_hup)
        signal.signal(signal.SIGUSR1, on_queue_change)

    def shutdown(self, reason: str) -> None:
        self.airer.interrupt(reason)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        try:
            self.heartbeat()
        except BroadcasterError as exc:
            log.error("last heartbeat not written: %s", exc)

    # ------------------------------------------------------------ jobs

    def _add_housekeeping(self) -> None:
        d = self.station.config.daemon
        self.scheduler.add_job(
            self.heartbeat,
            IntervalTrigger(seconds=HEARTBEAT_EVERY_S, timezone=self.station.config.tz),
            id="heartbeat",
            replace_existing=True,
        )
        self.scheduler.add_job(
            self.check_queue,
            IntervalTrigger(seconds=d.emergency_poll_seconds, timezone=self.station.config.tz),
            id="emergencies",
            replace_existing=True,
        )
        self.scheduler.add_job(
            self._periodic,
            IntervalTrigger(minutes=d.rebuild_minutes, timezone=self.station.config.tz),
            id="rebuild",
            replace_existing=True,
        )

    def _periodic(self) -> None:
        self.render_ahead()
        self.rebuild()

    def rebuild(self) -> None:
        """Jobs for every slot occurrence in the next day, from config; stale ones removed."""
        now = self.station.now()
        lead = lead_time(self.airer.amplifier.warmup_s)
        start = now
        if self._resume_from is not None:
            # Slots between the last sign of life and now (also those that passed during catch-up)
            # get a job at once; air_slot airs them late or records them missed.
            start, self._resume_from = min(self._resume_from, now), None
        wanted = {}
        for occurrence in occurrences(self.programme.slots, start, now + JOB_HORIZON, self.station.config.tz):
            if occurrence.at <= now:
                with self.station.db.session() as session:
                    if log_store.has_record(session, occurrence.slot.name, occurrence.at):
                        continue
            wanted[f"slot:{occurrence.key}"] = occurrence
        self._occurrences = dict(wanted)
        for job in self.scheduler.get_jobs():
            if job.id.startswith("slot:") and job.id not in wanted:
                job.remove()
        for job_id, occurrence in wanted.items():
            if self.scheduler.get_job(job_id) is not None:
                continue
            wake = max(occurrence.at - lead, now)
            self.scheduler.add_job(
                self.air_slot,
                DateTrigger(run_date=wake, timezone=self.station.config.tz),
                args=[occurrence],
                id=job_id,
                executor="air",
                name=occurrence.key,
            )
        log.info("jobs rebuilt: %d slot occurrence(s) in the next %s", len(wanted), JOB_HORIZON)

    def reload(self) -> None:
        """SIGHUP: read config.toml again (a bad file is reported and the old one kept), rebuild jobs."""
        try:
            config = load_config(self.station.config.path)
        except BroadcasterError as exc:
            log.error("config not reloaded, keeping the running one: %s", exc)
            return
        old = self.station.config
        self.station.config = config
        if (config.output, config.amplifier) != (old.output, old.amplifier):
            if self.equipment is None:
                log.error(
                    "the output or amplifier settings changed: restart the daemon to use them "
                    "(systemctl restart broadcaster); until then it airs through %s",
                    self.airer.output.name,
                )
            else:
                self.airer.use_equipment(*self.equipment(self.station))
        self.voicing = Voicing(self.station)
        self.programme = Programme(self.station, self.voicing)
        self.airer.voicing = self.voicing
        self.rebuild()
        log.info("config reloaded from %s", config.path)

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED and event.job_id.startswith("slot:"):
            # The scheduler itself stalled (suspend, overload): never a silent miss, let air_slot decide.
            log.error("APScheduler missed job %s; airing it late or recording it missed", event.job_id)
            occurrence = self._occurrences.get(event.job_id)
            if occurrence is not None:
                self.scheduler.add_job(
                    self.air_slot, args=[occurrence], executor="air", id=f"late:{occurrence.key}", replace_existing=True
                )
        elif event.exception is not None:
            log.error("job %s failed: %s", event.job_id, event.exception)

    def heartbeat(self) -> None:
        # Records the database refused (e.g. a full disk) are written as soon as it accepts them again.
        self.airer.flush_unwritten()
        try:
            with self.station.db.session() as session:
                state.set_time(session, state.HEARTBEAT, self.station.now())
        except BroadcasterError as exc:
            log.error("heartbeat not written (%s); airing goes on", exc)

    def render_ahead(self) -> None:
        """Speech for every item that may air within [speech] render_ahead_hours, rendered now.

        Cached, so cheap when nothing changed; at air time nothing is synthesized.
        """
        try:
            self.voicing.station_lines()
        except BroadcasterError as exc:
            log.error("station ident could not be rendered: %s", exc)
        horizon = self.station.now() + timedelta(hours=self.station.config.speech.render_ahead_hours)
        last_day = self.station.local(horizon).date()
        soon = [i for i in self.programme.live_items() if i.valid_from is None or i.valid_from <= last_day]
        retry = self._last_fallback_retry is None or self.station.now() - self._last_fallback_retry >= (
            FALLBACK_RETRY_EVERY
        )
        if retry:
            self._last_fallback_retry = self.station.now()
        _, problems = self.voicing.prepare_all(soon, retry_fallback=retry)
        for problem in problems:
            log.error("%s", problem)

    # ------------------------------------------------------------ airing

    def air_slot(self, occurrence: Occurrence) -> None:
        try:
            self._air_slot(occurrence)
        except Exception as exc:
            # Never a silent miss: whatever went wrong, the slot gets a record saying so.
            log.exception("airing %s failed", occurrence.key)
            self._record_failure(self._request(occurrence), exc)

    def _record_failure(self, request: AiringRequest, exc: Exception) -> None:
        with self.station.db.session() as session:
            if request.kind == "slot" and log_store.has_record(session, request.slot, request.scheduled_at):
                return
        self.recover_interrupted(reason=f"the airing stopped on an internal error: {exc}")
        with self.station.db.session() as session:
            if request.kind == "slot" and log_store.has_record(session, request.slot, request.scheduled_at):
                return
        self.airer.record_without_sound(request, "failed", f"internal error before air: {exc}")

    def _air_slot(self, occurrence: Occurrence) -> None:
        with self.station.db.session() as session:
            if log_store.has_record(session, occurrence.slot.name, occurrence.at):
                return
        now = self.station.now()
        if now > occurrence.at and overdue_decision(occurrence.at, now, self.grace) is Overdue.MISSED:
            self.airer.record_without_sound(
                self._request(occurrence),
                "missed",
                f"could start only {int((now - occurrence.at).total_seconds())} s late, past the "
                f"{self._grace_text()} grace period (another airing was still on air, or the station stalled)",
            )
            return
        pending = self.airer.records.pending_airings()
        items = [
            replace(item, airings_done=item.airings_done + pending[item.id]) if pending[item.id] else item
            for item in self.programme.live_items()
        ]
        plan = self.programme.plan(occurrence, items)
        try:
            self.airer.air(self.programme.request(plan), start_at=max(occurrence.at, self.station.now()))
        except Preempted as exc:
            log.warning("%s was called off before it began (%s); it airs after", occurrence.key, exc)
            self._air_after(self.air_slot, occurrence, f"late:{occurrence.key}")

    def _air_after(self, func: Any, arg: Any, job_id: str, executor: str = "air") -> None:
        """Queue an airing behind the one that pre-empted it (the airing worker runs jobs in order;
        the second's pause lets the emergency's job be queued first)."""
        self.scheduler.add_job(
            func,
            DateTrigger(run_date=self.station.now() + timedelta(seconds=1), timezone=self.station.config.tz),
            args=[arg],
            executor=executor,
            id=job_id,
            replace_existing=True,
        )

    def _request(self, occurrence: Occurrence) -> AiringRequest:
        return AiringRequest(kind="slot", slot=occurrence.slot.name, scheduled_at=occurrence.at, items=())

    def check_queue(self) -> None:
        """The queue changed: emergencies go on air, cancelled items on air are cut."""
        try:
            self.poll_emergencies()
            self.cut_cancelled()
        except BroadcasterError as exc:
            log.error("the queue could not be checked: %s", exc)

    def cut_cancelled(self) -> None:
        """An item cancelled while its bulletin is on air does not air: cut it, the bulletin goes on."""
        on_air = self.airer.items_on_air()
        if not on_air:
            return
        with self.station.db.session() as session:
            cancelled = news_store.cancelled_among(session, on_air)
        for item_id in self.airer.cut_items(cancelled, "cancelled by the official while its bulletin was on air"):
            log.warning("item %s was cancelled while on air: cut", item_id)

    def poll_emergencies(self) -> None:
        """Air-now requests and newly queued emergency items: interrupt whatever plays and air them."""
        now = self.station.now()
        with self.station.db.session() as session:
            requests = [(r.id, r.item_id) for r in log_store.pending_emergencies(session)]
            for request_id, _ in requests:
                log_store.mark_handled(session, request_id, now)
            # every second: only emergency items, not the whole queue
            fresh = [news_store.to_item(r) for r in news_store.live_rows(session, Priority.EMERGENCY.value)]
        with self._emergency_lock:
            busy = self._emergencies_waiting | set(self.airer.items_on_air())
        wanted = emergencies_due(
            [item_id for _, item_id in requests],
            fresh,
            handled=self._emergencies_aired,
            busy=busy,
            today=self.station.today(),
            require_approval=self.station.config.station.require_approval,
        )
        for item_id in [i for _, i in requests if i in busy]:
            log.info("air-now for item %s ignored: it is on air or about to be", item_id)
        for item_id in wanted:
            self._emergencies_aired.add(item_id)
            with self._emergency_lock:
                self._emergencies_waiting.add(item_id)
            self.airer.announce_emergency(f"emergency item {item_id} (khẩn cấp) took the air")
            self.scheduler.add_job(
                self.air_emergency, args=[item_id], executor="emergency", id=f"emergency:{item_id}:{now.timestamp()}"
            )

    def air_emergency(self, item_id: int) -> None:
        try:
            if self._air_emergency(item_id):
                with self._emergency_lock:
                    self._emergencies_waiting.discard(item_id)
        except Exception as exc:
            with self._emergency_lock:
                self._emergencies_waiting.discard(item_id)
            self.airer.withdraw_emergency()
            log.exception("emergency airing of item %s failed", item_id)
            request = AiringRequest(kind="emergency", slot=EMERGENCY_SLOT, scheduled_at=self.station.now(), items=())
            self._record_failure(request, exc)

    def _air_emergency(self, item_id: int) -> bool:
        """False when another emergency took the line first and this one was queued after it."""
        with self.station.db.session() as session:
            item = news_store.to_item(news_store.get_row(session, item_id))
        if self.voicing.audio_for(item) is None:
            # The one case where speech is made at air time: an emergency cannot wait for the next render.
            self.voicing.prepare_all([item])
        try:
            self.airer.air(self.programme.emergency_request(item, self.station.now()))
        except Preempted:
            # Another emergency took the line first: this one goes right after it, before any slot.
            self.airer.announce_emergency(f"emergency item {item_id} waits for another emergency", cut=False)
            self._air_after(self.air_emergency, item_id, f"emergency:{item_id}:again", executor="emergency")
            return False
        return True

    # ------------------------------------------------------------ after a stop

    def recover_interrupted(self, reason: str | None = None) -> None:
        """Close airings that were on air when the station crashed or lost power."""
        waiting = self.airer.records.pending_on_air_ids()
        with self.station.db.session() as session:
            rows = [row for row in log_store.on_air_rows(session) if row.id not in waiting]
        for row in rows:
            started = row.started_at
            last_seen = row.progress_at or started
            played = (last_seen - started).total_seconds() if started and last_seen else 0.0
            items = aired_items(log_store.cue_items(row), played)
            draft = AiringDraft(
                slot=row.slot,
                kind=row.kind,
                scheduled_at=row.scheduled_at,
                started_at=started,
                ended_at=last_seen,
                duration_seconds=played,
                status="interrupted",
                reason=(reason or "the station stopped during this airing (crash or power cut)")
                + f"; it had been on air for about {played:.0f} s when last seen",
                output=row.output,
                device=row.device,
                amplifier=row.amplifier,
                audio_sha256=row.audio_sha256,
                exemption=row.exemption,
                items=tuple(items),
            )
            self.airer.records.append(draft, on_air_id=row.id, count_aired=[i.item_id for i in items if i.completed])
            log.warning("airing of %s at %s closed as interrupted after a crash", row.slot, row.scheduled_at)

    def catch_up(self) -> None:
        """Slots whose time passed while the daemon was not running: those still within the grace
        period are left to rebuild(), which airs them late at once; the older ones are one record."""
        now = self.station.now()
        tz = self.station.config.tz
        with self.station.db.session() as session:
            since = state.get_time(session, state.HEARTBEAT)
            created = state.station_created(session)
            logged = log_store.slot_keys_since(session, since) if since is not None and since < now else set()
        plan = catch_up(
            self.programme.slots,
            since,
            now,
            created=created,
            grace=self.grace,
            tz=tz,
            logged=lambda o: (o.slot.name, o.at) in logged,
        )
        self._resume_from = plan.air_late_from
        if plan.clock_fault is not None:
            request = AiringRequest(kind="clock", slot=CLOCK_SLOT, scheduled_at=now, items=())
            self.airer.record_without_sound(
                request, "failed", f"clock fault: {plan.clock_fault}; slots in between were not judged"
            )
        elif plan.missed_slot is not None:
            self.airer.record_without_sound(self._request(plan.missed_slot), "missed", self._off_reason(since, now))
        elif plan.outage is not None:
            missed = plan.outage.missed
            first, last = missed[0], missed[-1]
            request = AiringRequest(kind="outage", slot=OUTAGE_SLOT, scheduled_at=first.at, items=())
            self.airer.record_without_sound(
                request,
                "missed",
                f"{self._off_reason(since, now)}: {len(missed)} slot occurrences passed unaired, from "
                f"{first.slot.name} at {self.station.local(first.at):%Y-%m-%d %H:%M} to {last.slot.name} at "
                f"{self.station.local(last.at):%Y-%m-%d %H:%M}",
            )

    def _off_reason(self, since: datetime | None, now: datetime) -> str:
        off_since = self.station.local(since).strftime("%Y-%m-%d %H:%M:%S") if since else "?"
        return (
            f"the station was off (daemon not running) from {off_since} until "
            f"{self.station.local(now):%Y-%m-%d %H:%M:%S}, longer than the {self._grace_text()} grace period"
        )
