"""A slot's bulletin on the airer's line: built from its items' audio, played straight from the parts
(nothing written at air time, so a full disk cannot stop it), logged when it ends."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from broadcaster.airlog import AiringRecord
from broadcaster.errors import AmplifierError, BroadcasterError
from broadcaster.onair.journal import Progress, cue_items, played_items
from broadcaster.sound.stream import BulletinStream

if TYPE_CHECKING:
    from broadcaster.onair.airer import Airer, AiringRequest

log = logging.getLogger(__name__)

# The on-air entry (a committed write) and the amplifier's relay command are done this long before
# the slot's second, not on it: on a busy PC they take tens of milliseconds, which would make the
# bulletin late; the output then waits for the second itself.
SWITCH_AHEAD_S = 0.5


def _reason(first: str | None, notes: list[str]) -> str | None:
    return "; ".join(r for r in [first, *notes] if r) or None


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-")[:60]


def play_bulletin(airer: Airer, request: AiringRequest, start_at: datetime | None) -> AiringRecord | None:
    """Build the slot's bulletin from its items' audio and air it (the caller holds the line)."""
    ready, notes = airer.gather_request(request)
    if not ready:
        reason = "; ".join(notes) or "no news item was waiting for this slot"
        return airer.record_without_sound(request, "empty", reason)
    lines = airer.station_lines(notes)
    try:
        # Played from the rendered parts: nothing is written at air time, so a full disk cannot stop it.
        parts = airer.voicing.bulletin_parts([s for _, s in ready], lines)
        name = f"{airer.station.local(request.scheduled_at):%Y%m%dT%H%M%S}_{_safe_name(request.slot)}"
        stream = BulletinStream.from_parts(
            parts, airer.station.config.mastering.pause_ms, airer.voicing.mastering.sample_rate, name
        )
    except BroadcasterError as exc:
        return airer.record_without_sound(request, "failed", f"the bulletin could not be built: {exc}")
    return _play(airer, request, stream, cue_items(ready, stream.cue_sheet()), notes, start_at)


def _play(
    airer: Airer,
    request: AiringRequest,
    stream: BulletinStream,
    cue: list[dict[str, Any]],
    notes: list[str],
    start_at: datetime | None,
) -> AiringRecord | None:
    clock = airer.station.clock
    begin = start_at or clock.now()
    try:
        # Pre-roll: open the sound device now, not on the second the bulletin is due.
        airer.output.prepare(stream)
    except BroadcasterError as exc:
        log.warning("output not ready ahead of air time (%s); trying again at air time", exc)
    if not airer.wait_until(begin - timedelta(seconds=airer.amplifier.warmup_s + SWITCH_AHEAD_S)):
        from broadcaster.onair.airer import Preempted

        raise Preempted(airer.interrupted() or "interrupted")
    on_air_id = airer.open_journal(request, cue)
    try:
        airer.amplifier.switch_on()
    except AmplifierError as exc:
        return airer.close(
            request, on_air_id, None, [], "failed", _reason(f"the amplifier did not switch on: {exc}", notes)
        )
    progress = Progress(airer.station, on_air_id)
    try:
        result = airer.sound(stream, begin if start_at is not None else clock.now(), progress)
    except BroadcasterError as exc:
        return airer.close(request, on_air_id, None, [], "failed", _reason(f"the output failed: {exc}", notes))
    finally:
        progress.stop()
        airer.switch_off()
    cut_by = airer.interrupted()
    status = "completed" if result.completed else "interrupted"
    reason = (
        None if result.completed else f"cut short after {result.played_seconds:.1f} s: {cut_by or 'playback stopped'}"
    )
    items, cut_notes = played_items(cue, stream, result.played_seconds)
    return airer.close(request, on_air_id, result, items, status, _reason(reason, notes + stream.problems + cut_notes))
