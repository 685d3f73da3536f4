"""The station's on-air duties: everything the daemon does, without the scheduler that times it.

At start: write what a full disk kept back, close airings a crash cut, render ahead, catch up
on slots that passed while the station was off. Then, when the scheduler says so: air a slot,
air emergencies, cut cancelled items, keep the heartbeat, render ahead. The decisions
themselves are pure functions (broadcaster/decisions.py, planning.py); daemon.py only wires
these duties to APScheduler, so they can be run in tests one by one on a fake clock.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from broadcaster.airlog import AiringDraft
from broadcaster.config import Config, SlotConfig
from broadcaster.decisions import catch_up, emergencies_due
from broadcaster.errors import BroadcasterError
from broadcaster.model import Priority
from broadcaster.onair.airer import Airer, AiringRequest, Preempted
from broadcaster.onair.journal import aired_items
from broadcaster.planning import Occurrence, Overdue, Plan, WaitReason, overdue_decision
from broadcaster.service.context import Station
from broadcaster.service.programme import CLOCK_SLOT, EMERGENCY_SLOT, OUTAGE_SLOT, Programme
from broadcaster.service.voicing import Voicing, render_ahead
from broadcaster.sound.amplifier import Amplifier
from broadcaster.sound.outputs import Output
from broadcaster.store import airings as log_store
from broadcaster.store import news as news_store
from broadcaster.store import state

if TYPE_CHECKING:
    from broadcaster.onair.relaying import RelayPlan

log = logging.getLogger(__name__)

# How often speech that a fallback voice made is tried with the first voice again (gTTS back online).
FALLBACK_RETRY_EVERY = timedelta(hours=1)


class OnAirDuty:
    def __init__(self, station: Station, output: Output, amplifier: Amplifier, voicing: Voicing | None = None) -> None:
        self.station = station
        self.voicing = voicing or Voicing(station)
        self.programme = Programme(station, self.voicing)
        self.airer = Airer(station, self.voicing, output, amplifier)
        self._last_fallback_retry: datetime | None = None
        self._emergencies_aired: set[int] = set()
        # emergencies sent to air and not yet ended: a second request for one must not restart it
        self._emergencies_waiting: set[int] = set()
        self._emergency_lock = threading.Lock()
        self.render_in_child = False  # the service daemon renders ahead in a child process (see render_ahead)

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.station.config.daemon.late_grace_minutes)

    def grace_text(self) -> str:
        seconds = self.grace.total_seconds()
        return f"{seconds / 60:g}-minute" if seconds >= 60 else f"{seconds:g}-second"

    def use_config(self) -> None:
        """The config was reloaded: speech and programme follow it."""
        self.voicing = Voicing(self.station)
        self.programme = Programme(self.station, self.voicing)
        self.airer.voicing = self.voicing

    # ------------------------------------------------------------ start

    def start_up(self) -> None:
        # Records a full disk kept out of the log go in first: they close their airings.
        self.airer.open_log()
        self.recover_interrupted()
        self.render_ahead()

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

    def catch_up(self) -> datetime:
        """Slots that passed while the daemon was not running. Returns the instant from which
        slots are still within the grace period (the scheduler airs those late at once); the
        older ones become one record."""
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
        if plan.clock_fault is not None:
            request = AiringRequest(kind="clock", slot=CLOCK_SLOT, scheduled_at=now, items=())
            self.airer.record_without_sound(
                request, "failed", f"clock fault: {plan.clock_fault}; slots in between were not judged"
            )
        elif plan.missed_slot is not None:
            self.airer.record_without_sound(slot_request(plan.missed_slot), "missed", self._off_reason(since, now))
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
        return plan.air_late_from

    def _off_reason(self, since: datetime | None, now: datetime) -> str:
        off_since = self.station.local(since).strftime("%Y-%m-%d %H:%M:%S") if since else "?"
        return (
            f"the station was off (daemon not running) from {off_since} until "
            f"{self.station.local(now):%Y-%m-%d %H:%M:%S}, longer than the {self.grace_text()} grace period"
        )

    # ------------------------------------------------------------ housekeeping

    def heartbeat(self) -> None:
        # Records the database refused (e.g. a full disk) are written as soon as it accepts them again.
        self.airer.flush_unwritten()
        try:
            with self.station.db.session() as session:
                state.set_time(session, state.HEARTBEAT, self.station.now())
        except BroadcasterError as exc:
            log.error("heartbeat not written (%s); airing goes on", exc)

    def render_ahead(self) -> None:
        """Speech for what may air soon, made now; at air time only what is missing is made (offline).

        In the service daemon this runs as a child process (`broadcaster render --ahead`): synthesis
        and mastering load libraries that would otherwise stay in the idle daemon's memory."""
        now = self.station.now()
        retry = self._last_fallback_retry is None or now - self._last_fallback_retry >= FALLBACK_RETRY_EVERY
        if retry:
            self._last_fallback_retry = now
        if self.render_in_child:
            self._render_in_child(retry)
            return
        for problem in render_ahead(self.voicing, self.programme.live_items(), retry):
            log.error("%s", problem)

    def _render_in_child(self, retry: bool) -> None:
        command = [sys.executable, "-m", "broadcaster", "--config", str(self.station.config.path), "render", "--ahead"]
        try:
            done = subprocess.run(
                [*command, *(["--retry-fallback"] if retry else [])],
                capture_output=True,
                text=True,
                timeout=3600,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("rendering ahead failed to run (%s); speech missing at air time is made then", exc)
            return
        for line in (done.stderr or "").splitlines():
            if line.startswith(("Error:", "Warning:")):
                log.error("render ahead: %s", line)

    # ------------------------------------------------------------ slots

    def air_slot(self, occurrence: Occurrence) -> bool:
        """Air the slot (or record why not). False when an emergency took the line first: air it after."""
        try:
            return self._air_slot(occurrence)
        except Exception as exc:
            # Never a silent miss: whatever went wrong, the slot gets a record saying so.
            log.exception("airing %s failed", occurrence.key)
            self.record_failure(slot_request(occurrence), exc)
            return True

    def _air_slot(self, occurrence: Occurrence) -> bool:
        with self.station.db.session() as session:
            if log_store.has_record(session, occurrence.slot.name, occurrence.at):
                return True
        now = self.station.now()
        if now > occurrence.at and overdue_decision(occurrence.at, now, self.grace) is Overdue.MISSED:
            self.airer.record_without_sound(
                slot_request(occurrence),
                "missed",
                f"could start only {int((now - occurrence.at).total_seconds())} s late, past the "
                f"{self.grace_text()} grace period (another airing was still on air, or the station stalled)",
            )
            return True
        slot = self.slot_config(occurrence.slot.name)
        try:
            if slot is not None and slot.is_relay:
                return self._air_relay(occurrence, slot, self.plan(occurrence))
            start_at = max(occurrence.at, self.station.now())
            self.airer.air(lambda: self.programme.request(self.plan(occurrence)), start_at=start_at)
        except Preempted as exc:
            log.warning("%s was called off before it began (%s); it airs after", occurrence.key, exc)
            return False
        return True

    def plan(self, occurrence: Occurrence) -> Plan:
        """What the slot carries now. Airings a full disk kept out of the log count; an item that would
        air but has no speech yet (just queued, or the cache lost) gets it now from the offline voice."""
        pending = self.airer.records.pending_airings()
        items = [
            replace(item, airings_done=item.airings_done + pending[item.id]) if pending[item.id] else item
            for item in self.programme.live_items()
        ]
        plan = self.programme.plan(occurrence, items)
        silent = {item_id for item_id, reason in plan.waiting if reason is WaitReason.NO_SPEECH}
        if not silent:
            return plan
        for item in items:
            if item.id in silent:
                try:
                    self.voicing.prepare(item, offline_only=True)
                except BroadcasterError as exc:
                    log.error("speech for item %s could not be made for %s: %s", item.id, occurrence.key, exc)
        return self.programme.plan(occurrence, items)

    def slot_config(self, name: str) -> SlotConfig | None:
        return next((s for s in self.station.config.slots if s.name == name), None)

    def _air_relay(self, occurrence: Occurrence, slot: SlotConfig, plan: Plan) -> bool:
        """Relay the slot's stream to its end; the station's own bulletin is the fallback. False when an
        emergency cut it with time left: the daemon resumes the relay after the emergency."""
        now = self.station.now()
        end_at = occurrence.at + timedelta(minutes=slot.max_minutes)
        if now >= end_at - timedelta(seconds=5):
            return True  # nothing left of the slot to relay
        relay = relay_plan(self.station.config, slot, max(occurrence.at, now), end_at, plan)
        request = AiringRequest(kind="relay", slot=slot.name, scheduled_at=occurrence.at, items=())
        record = self.airer.air(request, relay=relay)
        cut = record is not None and record.status == "interrupted" and self.airer.cut_for_emergency()
        return not (cut and end_at - self.station.now() > timedelta(seconds=10))

    def resume_relay(self, occurrence: Occurrence) -> bool:
        """The rest of a relay an emergency cut (a second record for the same slot says so)."""
        slot = self.slot_config(occurrence.slot.name)
        if slot is None or not slot.is_relay:
            return True
        try:
            return self._air_relay(occurrence, slot, self.plan(occurrence))
        except Preempted:
            return False

    def probe_relay(self, occurrence: Occurrence) -> None:
        """Before a relay slot: is the stream there? A warning now, so the technician can act before air time
        (the relay itself switches to the fallback whatever this finds)."""
        from broadcaster.relay import probe_stream

        slot = self.slot_config(occurrence.slot.name)
        if slot is None or not slot.relay_url:
            return
        found = probe_stream(slot.relay_url, timeout=15.0)
        if not found.ok:
            log.warning("the relay stream of %s (%s) is not airable now: %s", slot.name, slot.relay_url, found.why)

    def record_failure(self, request: AiringRequest, exc: Exception) -> None:
        with self.station.db.session() as session:
            if request.kind == "slot" and log_store.has_record(session, request.slot, request.scheduled_at):
                return
        self.recover_interrupted(reason=f"the airing stopped on an internal error: {exc}")
        with self.station.db.session() as session:
            if request.kind == "slot" and log_store.has_record(session, request.slot, request.scheduled_at):
                return
        self.airer.record_without_sound(request, "failed", f"internal error before air: {exc}")

    # ------------------------------------------------------------ the queue changed

    def cut_cancelled(self) -> None:
        """An item cancelled while its bulletin is on air does not air: cut it, the bulletin goes on."""
        on_air = self.airer.items_on_air()
        if not on_air:
            return
        with self.station.db.session() as session:
            cancelled = news_store.cancelled_among(session, on_air)
        for item_id in self.airer.cut_items(cancelled, "cancelled by the official while its bulletin was on air"):
            log.warning("item %s was cancelled while on air: cut", item_id)

    def emergencies_to_air(self) -> list[int]:
        """Air-now requests and new emergency items to put on air now; what is on air is cut."""
        now = self.station.now()
        with self.station.db.session() as session:
            requests = [(r.id, r.item_id) for r in log_store.pending_emergencies(session)]
            for request_id, _ in requests:
                log_store.mark_handled(session, request_id, now)
            fresh = news_store.live_items(session, Priority.EMERGENCY.value)
        with self._emergency_lock:
            busy = self._emergencies_waiting | set(self.airer.items_on_air())
        due = emergencies_due(
            [item_id for _, item_id in requests],
            fresh,
            handled=self._emergencies_aired,
            busy=busy,
            today=self.station.today(),
            require_approval=self.station.config.station.require_approval,
        )
        for item_id in [i for _, i in requests if i in busy]:
            log.info("air-now for item %s ignored: it is on air or about to be", item_id)
        for item_id in due:
            self._emergencies_aired.add(item_id)
            with self._emergency_lock:
                self._emergencies_waiting.add(item_id)
            self.airer.announce_emergency(f"emergency item {item_id} (khẩn cấp) took the air")
        return due

    def air_emergency(self, item_id: int) -> bool:
        """Air an emergency at once. False when another emergency took the line first: air it right after."""
        try:
            done = self._air_emergency(item_id)
        except Exception as exc:
            done = True
            self.airer.withdraw_emergency()
            log.exception("emergency airing of item %s failed", item_id)
            request = AiringRequest(kind="emergency", slot=EMERGENCY_SLOT, scheduled_at=self.station.now(), items=())
            self.record_failure(request, exc)
        if done:
            with self._emergency_lock:
                self._emergencies_waiting.discard(item_id)
        return done

    def _air_emergency(self, item_id: int) -> bool:
        with self.station.db.session() as session:
            item = news_store.to_item(news_store.get_row(session, item_id))
        if self.voicing.audio_for(item) is None:
            # An emergency cannot wait for the next render: its speech is made now.
            self.voicing.prepare_all([item])
        try:
            self.airer.air(self.programme.emergency_request(item, self.station.now()))
        except Preempted:
            # Another emergency took the line first: this one goes right after it, before any slot.
            self.airer.announce_emergency(f"emergency item {item_id} waits for another emergency", cut=False)
            return False
        return True


def relay_plan(config: Config, slot: SlotConfig, start_at: datetime, end_at: datetime, plan: Plan) -> RelayPlan:
    from broadcaster.onair.relaying import RelayPlan
    from broadcaster.relay import RelaySettings, Thresholds

    r = config.relay
    thresholds = Thresholds(
        silence_dbfs=r.silence_dbfs, silence_s=r.silence_seconds, stall_s=r.stall_seconds, recover_s=r.recover_seconds
    )
    return RelayPlan(
        url=slot.relay_url,
        name=slot.relay_name or slot.name,
        start_at=start_at,
        end_at=end_at,
        settings=RelaySettings(thresholds=thresholds, preroll_s=r.preroll_seconds),
        notice_text=r.notice,
        fallback_items=tuple(p.item for p in plan.items),
        topic=slot.relay_topic or None,
    )


def slot_request(occurrence: Occurrence) -> AiringRequest:
    return AiringRequest(kind="slot", slot=occurrence.slot.name, scheduled_at=occurrence.at, items=())
