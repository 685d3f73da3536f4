"""`broadcaster run`: the long-running station daemon. APScheduler wiring only.

What the station does is in onair/duty.py; this module decides when. The database is the
truth: jobs are rebuilt from config and database at start, on SIGHUP and every few minutes,
and never kept only in APScheduler's (in-memory) job store. One daemon per database (the
lock in onair/lock.py); one airing worker, so bulletins never overlap, and one for
emergencies, which go before any slot.

At rest the daemon sleeps: the CLI and the console tell it when the queue changes (a signal
on this computer, NOTIFY on PostgreSQL), and a slow database check is only a safety net.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from broadcaster.config import load_config
from broadcaster.errors import BroadcasterError
from broadcaster.onair.airer import Airer
from broadcaster.onair.duty import OnAirDuty
from broadcaster.onair.lock import DaemonLock, QueueListener
from broadcaster.planning import Occurrence, lead_time, occurrences
from broadcaster.service.context import Station
from broadcaster.service.voicing import Voicing
from broadcaster.sound.amplifier import Amplifier
from broadcaster.sound.outputs import Output
from broadcaster.store import airings as log_store

log = logging.getLogger(__name__)

# The last sign of life: catch-up after a stop starts from it (what aired since is in the log).
HEARTBEAT_EVERY_S = 60
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
        self.duty = OnAirDuty(station, output, amplifier, voicing)
        # builds the output and amplifier from the config again when SIGHUP changes them
        self.equipment = equipment
        self.lock = DaemonLock(station.db, station.config.path)
        self.listener = QueueListener(station.db, self.queue_changed)
        self._stop = threading.Event()
        self._hup = threading.Event()
        self._wake = threading.Event()
        self._queue_changed = threading.Event()
        # After a stop: slots from here on that passed unaired get a job (to air late) in the first rebuild.
        self._resume_from: datetime | None = None
        self._occurrences: dict[str, Occurrence] = {}
        # One worker airs slots, one emergencies: an emergency never queues behind a slot's job;
        # the airer's line keeps them from overlapping and lets the emergency go first.
        self._executors = {
            "air": ThreadPoolExecutor(1),
            "emergency": ThreadPoolExecutor(1),
            "default": ThreadPoolExecutor(2),
            # the district hub may be slow or down: its exchanges never hold up airing or housekeeping
            "hub": ThreadPoolExecutor(1),
        }
        self.scheduler = BackgroundScheduler(
            timezone=station.config.tz,
            executors=dict(self._executors),
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                # APScheduler wants whole seconds, at least 1
                "misfire_grace_time": max(1, int(self.duty.grace.total_seconds())),
            },
        )
        self.scheduler.add_listener(self._on_job_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)

    @property
    def airer(self) -> Airer:
        return self.duty.airer

    # ------------------------------------------------------------ life cycle

    def run(
        self, run_for: float | None = None, install_signals: bool = True, on_started: Callable[[], None] | None = None
    ) -> None:
        self.lock.acquire()
        try:
            self.station.ready()
            for notice in self.station.config.notices:
                log.warning("config.toml: %s", notice)
            if install_signals:
                self._install_signals()
            self.duty.start_up()
            # The scheduler runs before catch-up: a late airing goes through the one airing
            # worker like any other, so emergencies and the heartbeat are not held up by it.
            self.scheduler.start()
            self._add_housekeeping()
            self.catch_up()
            self.rebuild()
            self.listener.start()
            self.check_queue()  # what was queued while the daemon was off
            log.info("daemon started for %s", self.station.config.station.name)
            if on_started is not None:
                on_started()
            self._main_loop(run_for)
        finally:
            self.listener.stop()
            self.shutdown("the station daemon stopped")
            self.lock.release()

    def _main_loop(self, run_for: float | None) -> None:
        clock = self.station.clock
        deadline = None if run_for is None else clock.monotonic() + run_for
        while not self._stop.is_set():
            if self._hup.is_set():
                self._hup.clear()
                self.reload()
            if self._queue_changed.is_set():
                self._queue_changed.clear()
                self.check_queue()
            if deadline is not None and clock.monotonic() >= deadline:
                break
            # Signals set an event and wake this wait; otherwise the main thread sleeps.
            left = 300.0 if deadline is None else deadline - clock.monotonic()
            self._wake.wait(min(300.0, max(0.0, left)))
            self._wake.clear()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def queue_changed(self) -> None:
        """The CLI or the console changed the queue (any thread): check it at once."""
        self._queue_changed.set()
        self._wake.set()

    def _install_signals(self) -> None:
        def on_stop(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %s: stopping", signal.Signals(signum).name)
            self.airer.interrupt(f"the station was stopped ({signal.Signals(signum).name})")
            self.stop()

        def on_hup(_signum: int, _frame: FrameType | None) -> None:
            self._hup.set()
            self._wake.set()

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGHUP, on_hup)
        signal.signal(signal.SIGUSR1, lambda _signum, _frame: self.queue_changed())

    def shutdown(self, reason: str) -> None:
        self.airer.interrupt(reason)
        if self.scheduler.running:
            # APScheduler's shutdown(wait=True) waits for the jobs while holding its job store lock,
            # and a job that ends by touching the scheduler (sync_soon after an airing) would then
            # wait for it forever: stop the scheduler first, then wait for the jobs.
            self.scheduler.shutdown(wait=False)
            for executor in self._executors.values():
                executor.shutdown(wait=True)
        try:
            self.duty.heartbeat()
        except BroadcasterError as exc:
            log.error("last heartbeat not written: %s", exc)

    # ------------------------------------------------------------ jobs

    def _add_housekeeping(self) -> None:
        d, tz = self.station.config.daemon, self.station.config.tz
        jobs: list[tuple[Callable[[], None], IntervalTrigger, str]] = [
            (self.duty.heartbeat, IntervalTrigger(seconds=HEARTBEAT_EVERY_S, timezone=tz), "heartbeat"),
            # a safety net only: the CLI and the console wake the daemon when the queue changes
            (self.check_queue, IntervalTrigger(seconds=d.queue_check_seconds, timezone=tz), "queue"),
            (self._periodic, IntervalTrigger(minutes=d.rebuild_minutes, timezone=tz), "rebuild"),
        ]
        for func, trigger, job_id in jobs:
            self.scheduler.add_job(func, trigger, id=job_id, replace_existing=True)
        hub = self.station.config.hub
        if hub.linked:
            self.scheduler.add_job(
                self.sync_with_hub,
                IntervalTrigger(minutes=hub.sync_minutes, timezone=tz),
                id="hub-sync",
                executor="hub",
                replace_existing=True,
                next_run_time=self.station.now(),
            )

    def sync_with_hub(self) -> None:
        """One exchange with the district hub: its bulletins in, the airing records out (never raises)."""
        from broadcaster.hublink.sync import sync_once

        hub = self.station.config.hub
        try:
            report = sync_once(self.station, hub)
        except BroadcasterError as exc:
            log.warning("sync with the district hub failed: %s", exc)
            return
        if report.error:
            log.warning("sync with the district hub: %s", report.error)
        if report.queued or report.refused:
            log.info("district bulletins: %d queued, %d refused", len(report.queued), len(report.refused))
            self.queue_changed()  # a district emergency airs at once
            self.duty.render_ahead()  # their speech, made now rather than at air time

    def sync_soon(self) -> None:
        """After an airing: send its record to the hub now, on the hub's own worker."""
        job = self.scheduler.get_job("hub-sync")
        if job is not None:
            job.modify(next_run_time=self.station.now())

    def _periodic(self) -> None:
        self.duty.render_ahead()
        self.rebuild()

    def render_ahead(self) -> None:
        self.duty.render_ahead()

    def catch_up(self) -> None:
        self._resume_from = self.duty.catch_up()

    def rebuild(self) -> None:
        """Jobs for every slot occurrence in the next day, from config; stale ones removed."""
        now = self.station.now()
        lead = lead_time(self.airer.amplifier.warmup_s)
        start = now
        if self._resume_from is not None:
            # Slots within the grace window (also those that passed during start-up) get a job at
            # once; air_slot airs them late or records them missed.
            start, self._resume_from = min(self._resume_from, now), None
        wanted = {}
        slots = self.duty.programme.slots
        for occurrence in occurrences(slots, start, now + JOB_HORIZON, self.station.config.tz):
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
            slot = self.duty.slot_config(occurrence.slot.name)
            relay = slot is not None and slot.is_relay
            # a relay connects to its stream and opens the player ahead (its pre-roll), a bulletin a little less
            ahead = timedelta(seconds=self.station.config.relay.preroll_seconds + 3) if relay else lead
            self.scheduler.add_job(
                self.air_slot,
                DateTrigger(run_date=max(occurrence.at - ahead, now), timezone=self.station.config.tz),
                args=[occurrence],
                id=job_id,
                executor="air",
                name=occurrence.key,
            )
            if relay and occurrence.at > now:
                probe_at = occurrence.at - timedelta(seconds=self.station.config.relay.probe_lead_seconds)
                self.scheduler.add_job(
                    self.duty.probe_relay,
                    DateTrigger(run_date=max(probe_at, now), timezone=self.station.config.tz),
                    args=[occurrence],
                    id=f"probe:{occurrence.key}",
                    replace_existing=True,
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
        self.duty.use_config()
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

    # ------------------------------------------------------------ airing

    def air_slot(self, occurrence: Occurrence) -> None:
        done = self.duty.air_slot(occurrence)
        self.sync_soon()
        if done:
            return
        slot = self.duty.slot_config(occurrence.slot.name)
        if slot is not None and slot.is_relay:
            # an emergency cut the relay: the rest of the slot is relayed after it
            self._air_after(self.resume_relay, occurrence, f"resume:{occurrence.key}")
        else:
            self._air_after(self.air_slot, occurrence, f"late:{occurrence.key}")

    def resume_relay(self, occurrence: Occurrence) -> None:
        if not self.duty.resume_relay(occurrence):
            self._air_after(self.resume_relay, occurrence, f"resume:{occurrence.key}")

    def check_queue(self) -> None:
        """The queue changed: emergencies go on air, cancelled items on air are cut."""
        try:
            now = self.station.now()
            for item_id in self.duty.emergencies_to_air():
                self.scheduler.add_job(
                    self.air_emergency,
                    args=[item_id],
                    executor="emergency",
                    id=f"emergency:{item_id}:{now.timestamp()}",
                )
            self.duty.cut_cancelled()
        except BroadcasterError as exc:
            log.error("the queue could not be checked: %s", exc)

    def air_emergency(self, item_id: int) -> None:
        done = self.duty.air_emergency(item_id)
        self.sync_soon()
        if not done:
            self._air_after(self.air_emergency, item_id, f"emergency:{item_id}:again", executor="emergency")

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
