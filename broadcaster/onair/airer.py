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
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from broadcaster.airlog import AiredItem, AiringDraft, AiringRecord
from broadcaster.errors import AmplifierError, BroadcasterError, StoreError
from broadcaster.model import NewsItem
from broadcaster.onair.journal import Progress
from broadcaster.onair.unwritten import SPILL_NAME, SpillFile, UnwrittenRecords
from broadcaster.service.context import Station
from broadcaster.service.item_audio import ItemAudio
from broadcaster.service.voicing import Voicing
from broadcaster.sound.amplifier import Amplifier
from broadcaster.sound.outputs import Output, PlaybackResult
from broadcaster.sound.stream import BulletinStream
from broadcaster.speech.cache import CachedRender
from broadcaster.store import airings as log_store

if TYPE_CHECKING:
    from broadcaster.onair.relaying import RelayPlan
    from broadcaster.relay import RelayResult, RelaySession

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
        self._relay: RelaySession | None = None
        self._cut_for_emergency = False
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
            relay = self._relay
        self.output.stop()
        if relay is not None:
            relay.stop(reason)
        return True

    def hold_relay(self, session: RelaySession | None) -> str | None:
        """The relay on air now (None: it ended), so interrupt() cuts it; returns an interrupt that came first."""
        with self._state:
            self._relay = session
            return self._interrupt_reason

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
            self._cut_for_emergency = cut and self._on_air is not None
        if cut:
            self.interrupt(reason)

    def cut_for_emergency(self) -> bool:
        """Whether the last airing was cut (or called off) because an emergency took the line."""
        with self._state:
            return self._cut_for_emergency

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
            device=self.device(),
            amplifier=self.amplifier.state,
            audio_sha256=None,
            exemption=request.exemption,
        )
        record = self._log(draft)
        log.warning("%s at %s: %s (%s)", request.slot, request.scheduled_at, status, reason)
        return record

    def device(self) -> str:
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

    def air(
        self,
        request: AiringRequest | Callable[[], AiringRequest],
        start_at: datetime | None = None,
        relay: RelayPlan | None = None,
    ) -> AiringRecord | None:
        """Air `request` (blocking), starting at `start_at` or at once; returns its log record.
        A callable is planned once the line is ours: the airing that held the line may have aired
        some of its items. With `relay`, the slot relays that stream instead (onair/relaying.py).

        Raises Preempted when interrupted before the pre-roll ended, or when an announced
        emergency is waiting for the line (no record written)."""
        with self._line:
            self._swap_equipment()
            if not isinstance(request, AiringRequest):
                request = request()
            with self._state:
                if request.kind == "emergency":
                    self._emergencies_waiting = max(0, self._emergencies_waiting - 1)
                elif self._emergencies_waiting:
                    raise Preempted("an emergency is waiting to go on air")
            return self._air(request, start_at, relay)

    def gather_request(self, request: AiringRequest) -> tuple[list[tuple[NewsItem, ItemAudio]], list[str]]:
        ready, notes = self.gather(request.items)
        return ready, list(request.notes) + notes

    def gather(self, items: Sequence[NewsItem]) -> tuple[list[tuple[NewsItem, ItemAudio]], list[str]]:
        """Each item's audio, ready to play (made now by the offline voice if it went missing)."""
        ready: list[tuple[NewsItem, ItemAudio]] = []
        notes: list[str] = []
        for item in items:
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

    def station_lines(self, notes: list[str]) -> tuple[CachedRender, CachedRender] | None:
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

    def _air(self, request: AiringRequest, start_at: datetime | None, relay: RelayPlan | None) -> AiringRecord | None:
        # Busy from the moment the line is taken: an interrupt during assembly or the
        # pre-roll wait must cancel this airing, not be lost and leave an emergency queued behind it.
        with self._state:
            self._on_air, self._interrupt_reason, self._cut_for_emergency = request, None, False
        try:
            if relay is not None:
                from broadcaster.onair.relaying import play_relay

                return play_relay(self, request, relay)
            from broadcaster.onair.bulletins import play_bulletin

            return play_bulletin(self, request, start_at)
        finally:
            with self._state:
                self._on_air = None

    def interrupted(self) -> str | None:
        with self._state:
            return self._interrupt_reason

    def wait_until(self, moment: datetime) -> bool:
        """Sleep on the station clock until `moment`; False as soon as an interrupt comes."""
        clock = self.station.clock
        while self.interrupted() is None:
            remaining = (moment - clock.now()).total_seconds()
            if remaining <= 0:
                return True
            clock.sleep(min(remaining, WAIT_SLICE_S))
        return False

    def open_journal(self, request: AiringRequest, cue: list[dict[str, Any]]) -> int | None:
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
                    device=self.device(),
                    amplifier=self.amplifier.state,
                    audio_sha256=None,
                    exemption=request.exemption,
                    cue_json=json.dumps({"items": cue}, ensure_ascii=False),
                )
        except StoreError as exc:
            # The bulletin still airs; its record is kept until the database accepts it.
            log.error("on-air entry not written (%s); airing anyway", exc)
            return None

    def sound(self, stream: BulletinStream, begin: datetime, progress: Progress) -> PlaybackResult:
        """Play `stream` on the output from `begin`; cut_items() reaches it while it plays."""
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

    def switch_off(self) -> None:
        try:
            self.amplifier.switch_off()
        except AmplifierError as exc:
            log.error("amplifier did not switch off: %s", exc)

    def close(
        self,
        request: AiringRequest,
        on_air_id: int | None,
        result: PlaybackResult | RelayResult | None,
        items: list[AiredItem],
        status: str,
        reason: str | None,
        relay: dict[str, Any] | None = None,
    ) -> AiringRecord | None:
        """The airing's record, closing its on-air entry; the items heard to the end are counted."""
        played = result.played_seconds if result else 0.0
        draft = AiringDraft(
            slot=request.slot,
            kind=request.kind,
            scheduled_at=request.scheduled_at,
            started_at=result.started_at if result else None,
            ended_at=result.ended_at if result else None,
            duration_seconds=played,
            status=status,
            reason=reason,
            output=self.output.name,
            device=self.device(),
            amplifier=self.amplifier.state,
            audio_sha256=result.sha256 if result else None,
            exemption=request.exemption,
            items=tuple(items),
            relay=relay,
        )
        # a relay counted as news of its topic is not a news item of the queue
        counted = [i.item_id for i in items if i.completed and i.kind != "relay"]
        record = self._log(draft, on_air_id, counted)
        log.info("%s %s: %s, %.1f s, %d item(s)", request.kind, request.slot, status, played, len(items))
        return record
