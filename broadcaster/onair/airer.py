"""Putting one bulletin on air and writing its log record.

One loudspeaker line: airings never overlap (a lock), and an airing can be
cut short from another thread (an emergency, SIGTERM). Before the first sound
an on-air journal entry is committed; the log record that closes it is
appended in the same transaction that removes the entry, so a crash or power
cut mid-airing is found and closed as interrupted at the next start.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from broadcaster.airlog import AiredItem, AiringDraft, AiringRecord
from broadcaster.errors import AmplifierError, BroadcasterError, StoreError
from broadcaster.model import NewsItem
from broadcaster.onair.journal import Progress, cue_items, played_items
from broadcaster.onair.unwritten import SPILL_NAME, SpillFile, UnwrittenRecords
from broadcaster.service.context import Station
from broadcaster.service.voicing import ItemAudio, Voicing
from broadcaster.sound.amplifier import Amplifier
from broadcaster.sound.outputs import Output, PlaybackResult
from broadcaster.sound.stream import BulletinStream
from broadcaster.speech.cache import CachedRender
from broadcaster.store import airings as log_store

log = logging.getLogger(__name__)

# The wait before a slot is sliced so an emergency or a stop is honoured within this many seconds.
WAIT_SLICE_S = 0.05


class Preempted(Exception):
    """Called off before any sound (an emergency came first): nothing was logged, the caller may air it later."""


@dataclass(frozen=True)
class AiringRequest:
    kind: str  # slot | emergency | outage | clock (the last two: records without sound)
    slot: str
    scheduled_at: datetime
    items: tuple[NewsItem, ...]
    exemption: str | None = None
    notes: tuple[str, ...] = ()  # why some items wait, for the record's reason


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-")[:60]


class Airer:
    def __init__(self, station: Station, voicing: Voicing, output: Output, amplifier: Amplifier) -> None:
        self.station = station
        self.voicing = voicing
        self.output = output
        self.amplifier = amplifier
        self._line = threading.Lock()
        self._state = threading.Lock()
        self._interrupt_reason: str | None = None
        self._on_air: AiringRequest | None = None
        self._emergencies_waiting = 0
        self._stream: BulletinStream | None = None
        self._next_equipment: tuple[Output, Amplifier] | None = None
        # Records the database refused (disk full, database unreachable), kept across a stop.
        self.records = UnwrittenRecords(station, SpillFile(station.config.data_dir / SPILL_NAME))

    @property
    def on_air(self) -> AiringRequest | None:
        return self._on_air

    def interrupt(self, reason: str) -> bool:
        """Cut the current airing short (thread-safe). True when something was on air."""
        with self._state:
            if self._on_air is None:
                return False
            # the first cause is the one the log names (SIGTERM, then the shutdown that follows it)
            if self._interrupt_reason is None:
                self._interrupt_reason = reason
        self.output.stop()
        return True

    # ------------------------------------------------------------ the log

    def _log(
        self, draft: AiringDraft, on_air_id: int | None = None, count_aired: Sequence[int] = ()
    ) -> AiringRecord | None:
        """Append the airing's record; if the database refuses, keep it and retry (never lose it)."""
        return self.records.append(draft, on_air_id, count_aired)

    def flush_unwritten(self) -> list[AiringRecord]:
        return self.records.flush()

    def open_log(self) -> None:
        """Before the first airing: reserve room for records a full disk would refuse, and write
        those a stop left behind (they close their airings before crash recovery looks)."""
        self.records.spill.reserve()
        self.records.replay()

    @property
    def unwritten(self) -> int:
        return len(self.records)

    def cut_items(self, item_ids: Sequence[int], reason: str) -> list[int]:
        """Cut these items from the bulletin on air (thread-safe): the one playing stops at once,
        later ones are skipped, the rest of the bulletin goes on. Returns the items that will be cut."""
        with self._state:
            stream = self._stream
        if stream is None:
            return []
        return [item_id for item_id in item_ids if stream.skip_item(item_id, reason)]

    def items_on_air(self) -> list[int]:
        """Items of the bulletin on air that have not finished yet."""
        with self._state:
            stream = self._stream
        if stream is None:
            return []
        return [p.item_id for p in stream.items_played() if p.cut_reason is None and p.sent_s < p.planned_s - 0.001]

    def announce_emergency(self, reason: str, cut: bool = True) -> None:
        """An emergency is coming: cut what is on air (unless `cut` is false: another emergency),
        and let no slot take the line before it."""
        with self._state:
            self._emergencies_waiting += 1
        if cut:
            self.interrupt(reason)

    def withdraw_emergency(self) -> None:
        """An announced emergency will not air after all (it failed before taking the line)."""
        with self._state:
            self._emergencies_waiting = max(0, self._emergencies_waiting - 1)

    # ------------------------------------------------------------ records without sound

    def record_without_sound(self, request: AiringRequest, status: str, reason: str) -> AiringRecord | None:
        """Missed, empty or failed before any sound: one log record, nothing played."""
        draft = AiringDraft(
            slot=request.slot,
            kind=request.kind,
            scheduled_at=request.scheduled_at,
            started_at=None,
            ended_at=None,
            duration_seconds=0.0,
            status=status,
            reason=reason,
            output=self.output.name,
            device=self._device(),
            amplifier=self.amplifier.state,
            audio_sha256=None,
            exemption=request.exemption,
        )
        record = self._log(draft)
        log.warning("%s at %s: %s (%s)", request.slot, request.scheduled_at, status, reason)
        return record

    def _device(self) -> str:
        # from the output itself, not the config: after a reload the two may differ until the swap
        return str(getattr(self.output, "device", "") or getattr(self.output, "folder", "") or self.output.name)

    def use_equipment(self, output: Output, amplifier: Amplifier) -> None:
        """Swap the output and amplifier (config reloaded): at once when nothing is on air, otherwise
        when the airing on air ends, so an airing is never logged under a device it did not use."""
        with self._state:
            self._next_equipment = (output, amplifier)
        if self._line.acquire(blocking=False):
            try:
                self._swap_equipment()
            finally:
                self._line.release()

    def _swap_equipment(self) -> None:
        with self._state:
            pending, self._next_equipment = self._next_equipment, None
        if pending is None:
            return
        old = self.output
        self.output, self.amplifier = pending
        close = getattr(old, "close", None)
        if close is not None and old is not self.output:
            close()
        log.info("now airing through %s", self.output.name)

    # ------------------------------------------------------------ airing

    def air(self, request: AiringRequest, start_at: datetime | None = None) -> AiringRecord | None:
        """Air `request` (blocking), starting at `start_at` or at once; returns its log record.

        Raises Preempted when interrupted before the pre-roll ended, or when an announced
        emergency is waiting for the line (no record written)."""
        with self._line:
            self._swap_equipment()
            with self._state:
                if request.kind == "emergency":
                    self._emergencies_waiting = max(0, self._emergencies_waiting - 1)
                elif self._emergencies_waiting:
                    raise Preempted("an emergency is waiting to go on air")
            return self._air(request, start_at)

    def _gather(self, request: AiringRequest) -> tuple[list[tuple[NewsItem, ItemAudio]], list[str]]:
        ready: list[tuple[NewsItem, ItemAudio]] = []
        notes = list(request.notes)
        for item in request.items:
            audio = self.voicing.audio_for(item)
            if audio is None:
                # The cache was deleted or is on a new disk: the offline voice makes it now, well under a second.
                # A recording mastered under other settings is mastered again from its kept original.
                what = "recording" if item.recorded else "speech"
                try:
                    audio = self.voicing.prepare(item, offline_only=True)
                except BroadcasterError as exc:
                    notes.append(f"item {item.id} not aired: its {what} was missing and could not be made: {exc}")
                    continue
                notes.append(
                    f"item {item.id}: its {what} was missing from the cache and was made at air time by {audio.engine}"
                )
            ready.append((item, audio))
        return ready, notes

    def _station_lines(self, notes: list[str]) -> tuple[CachedRender, CachedRender] | None:
        lines = self.voicing.station_lines(render_missing=False)
        if lines is not None:
            return lines
        try:
            lines = self.voicing.station_lines(offline_only=True)
        except BroadcasterError as exc:
            notes.append(f"station ident was not aired: it was not rendered and could not be made: {exc}")
            return None
        notes.append("station ident was missing from the cache and was made at air time")
        return lines

    def _air(self, request: AiringRequest, start_at: datetime | None) -> AiringRecord | None:
        # Busy from the moment the line is taken: an interrupt during assembly or the
        # pre-roll wait must cancel this airing, not be lost and leave an emergency queued behind it.
        with self._state:
            self._on_air, self._interrupt_reason = request, None
        try:
            return self._build_and_play(request, start_at)
        finally:
            with self._state:
                self._on_air = None

    def _build_and_play(self, request: AiringRequest, start_at: datetime | None) -> AiringRecord | None:
        ready, notes = self._gather(request)
        if not ready:
            reason = "; ".join(notes) or "no news item was waiting for this slot"
            return self.record_without_sound(request, "empty", reason)
        lines = self._station_lines(notes)
        try:
            # Played from the rendered parts: nothing is written at air time, so a full disk cannot stop it.
            parts = self.voicing.bulletin_parts([s for _, s in ready], lines)
            name = f"{self.station.local(request.scheduled_at):%Y%m%dT%H%M%S}_{_safe_name(request.slot)}"
            stream = BulletinStream.from_parts(
                parts, self.station.config.mastering.pause_ms, self.voicing.mastering.sample_rate, name
            )
        except BroadcasterError as exc:
            return self.record_without_sound(request, "failed", f"the bulletin could not be built: {exc}")
        return self._play(request, stream, cue_items(ready, stream.cue_sheet()), notes, start_at)

    def _interrupted(self) -> str | None:
        with self._state:
            return self._interrupt_reason

    def _wait_until(self, moment: datetime) -> bool:
        """Sleep on the station clock until `moment`; False as soon as an interrupt comes."""
        clock = self.station.clock
        while self._interrupted() is None:
            remaining = (moment - clock.now()).total_seconds()
            if remaining <= 0:
                return True
            clock.sleep(min(remaining, WAIT_SLICE_S))
        return False

    def _play(
        self,
        request: AiringRequest,
        stream: BulletinStream,
        cue: list[dict[str, Any]],
        notes: list[str],
        start_at: datetime | None,
    ) -> AiringRecord | None:
        clock = self.station.clock
        begin = start_at or clock.now()
        try:
            # Pre-roll: open the sound device now, not on the second the bulletin is due.
            self.output.prepare(stream)
        except BroadcasterError as exc:
            log.warning("output not ready ahead of air time (%s); trying again at air time", exc)
        if not self._wait_until(begin - timedelta(seconds=self.amplifier.warmup_s)):
            raise Preempted(self._interrupted() or "interrupted")
        on_air_id = self._open_journal(request, cue)
        try:
            self.amplifier.switch_on()
        except AmplifierError as exc:
            return self._close(request, on_air_id, None, [], "failed", f"the amplifier did not switch on: {exc}", notes)
        progress = Progress(self.station, on_air_id)
        try:
            result = self._sound(stream, begin if start_at is not None else clock.now(), progress)
        except BroadcasterError as exc:
            return self._close(request, on_air_id, None, [], "failed", f"the output failed: {exc}", notes)
        finally:
            progress.stop()
            self._switch_off()
        with self._state:
            cut_by = self._interrupt_reason
        status = "completed" if result.completed else "interrupted"
        reason = (
            None
            if result.completed
            else f"cut short after {result.played_seconds:.1f} s: {cut_by or 'playback stopped'}"
        )
        items, cut_notes = played_items(cue, stream, result.played_seconds)
        return self._close(request, on_air_id, result, items, status, reason, notes + stream.problems + cut_notes)

    def _open_journal(self, request: AiringRequest, cue: list[dict[str, Any]]) -> int | None:
        """The on-air entry, committed before the first sound, so a crash mid-airing is found at the next start."""
        try:
            with self.station.db.session() as session:
                return log_store.open_on_air(
                    session,
                    kind=request.kind,
                    slot=request.slot,
                    scheduled_at=request.scheduled_at,
                    started_at=None,
                    progress_at=None,
                    output=self.output.name,
                    device=self._device(),
                    amplifier=self.amplifier.state,
                    audio_sha256=None,
                    exemption=request.exemption,
                    cue_json=json.dumps({"items": cue}, ensure_ascii=False),
                )
        except StoreError as exc:
            # The bulletin still airs; its record is kept until the database accepts it.
            log.error("on-air entry not written (%s); airing anyway", exc)
            return None

    def _sound(self, stream: BulletinStream, begin: datetime, progress: Progress) -> PlaybackResult:
        self.output.prepare(stream)
        with self._state:
            # prepare() starts a new airing on the output, forgetting a stop() that came before it
            if self._interrupt_reason is not None:
                self.output.stop()
            self._stream = stream
        try:
            return self.output.play(stream, begin, on_started=progress.started)
        finally:
            with self._state:
                self._stream = None

    def _switch_off(self) -> None:
        try:
            self.amplifier.switch_off()
        except AmplifierError as exc:
            log.error("amplifier did not switch off: %s", exc)

    def _close(
        self,
        request: AiringRequest,
        on_air_id: int | None,
        result: PlaybackResult | None,
        items: list[AiredItem],
        status: str,
        reason: str | None,
        notes: list[str],
    ) -> AiringRecord | None:
        played = result.played_seconds if result else 0.0
        full = [i.item_id for i in items if i.completed]
        reason_text = "; ".join([r for r in [reason, *notes] if r]) or None
        draft = AiringDraft(
            slot=request.slot,
            kind=request.kind,
            scheduled_at=request.scheduled_at,
            started_at=result.started_at if result else None,
            ended_at=result.ended_at if result else None,
            duration_seconds=played,
            status=status,
            reason=reason_text,
            output=self.output.name,
            device=self._device(),
            amplifier=self.amplifier.state,
            audio_sha256=result.sha256 if result else None,
            exemption=request.exemption,
            items=tuple(items),
        )
        record = self._log(draft, on_air_id, full)
        log.info("%s %s: %s, %.1f s, %d item(s)", request.kind, request.slot, status, played, len(items))
        return record
