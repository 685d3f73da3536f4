"""A relay slot (tiếp sóng) on the airer's line: the stream on the horns, the station's own fallback when
it fails, and one record that says what aired from when to when and why.

The relay takes the loudspeaker line like a bulletin: bulletins never overlap it, and an emergency
cuts it like any bulletin (the daemon resumes the relay for what is left of the slot afterwards).
The fallback is prepared before the slot: the station's own bulletin of waiting items (assembled
into one WAV ahead, so a switch needs no work at air time) and the spoken notice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcaster.airlog import AiredItem, AiringRecord
from broadcaster.errors import AmplifierError, BroadcasterError
from broadcaster.model import NewsItem
from broadcaster.onair.journal import aired_items, cue_items
from broadcaster.relay import Fallback, RelayFailed, RelayResult, RelaySession, RelaySettings
from broadcaster.sound.stream import BulletinStream
from broadcaster.sound.stream_out import pcm_sink_for

if TYPE_CHECKING:
    from broadcaster.onair.airer import Airer, AiringRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelayPlan:
    url: str
    name: str  # e.g. "Đài Truyền thanh huyện"
    start_at: datetime
    end_at: datetime
    settings: RelaySettings
    notice_text: str  # spoken by the station's voice while the relay is down and no bulletin waits
    fallback_items: tuple[NewsItem, ...] = ()  # the station's own bulletin if the relay fails
    topic: str | None = None  # the relay counts as the commune's news of this topic (else reported apart)


@dataclass(frozen=True)
class _Prepared:
    fallback: Fallback
    cue: list[dict[str, Any]]
    notes: list[str]


def play_relay(airer: Airer, request: AiringRequest, plan: RelayPlan) -> AiringRecord | None:
    """Air the relay from its start to its end (blocking) and log it; the caller holds the line."""
    prepared = _prepare(airer, request, plan)
    on_air_id = airer.open_journal(request, prepared.cue)
    try:
        airer.amplifier.switch_on()
    except AmplifierError as exc:
        reason = f"the amplifier did not switch on: {exc}"
        return airer.close(request, on_air_id, None, [], "failed", reason, {"url": plan.url, "name": plan.name})
    session = RelaySession(
        plan.url,
        plan.start_at,
        plan.end_at,
        pcm_sink_for(airer.output, stem=plan.name or "relay"),
        lambda: prepared.fallback,
        airer.station.clock,
        rate=airer.voicing.mastering.sample_rate,
        channels=1,
        name=plan.name,
        settings=plan.settings,
    )
    reason_now = airer.hold_relay(session)
    try:
        if reason_now is not None:
            session.stop(reason_now)
        result = session.run()
        status = "completed" if result.completed else "interrupted"
    except RelayFailed as exc:
        result, status = exc.result, "failed"
        prepared.notes.append(f"the output failed: {exc}")
    finally:
        airer.hold_relay(None)
        airer.switch_off()
    items = _items(plan, prepared.cue, result)
    why = None if result.completed else f"cut short after {result.played_seconds:.1f} s: {result.stop_reason}"
    notes = prepared.notes + ([result.summary()] if result.fallback_seconds or result.silence_seconds else [])
    log.info("relay %s: %s, %s", plan.name or plan.url, status, result.summary())
    text = "; ".join(n for n in [why, *notes] if n) or None
    return airer.close(request, on_air_id, result, items, status, text, result.as_dict())


def _prepare(airer: Airer, request: AiringRequest, plan: RelayPlan) -> _Prepared:
    notes: list[str] = []
    notice: Path | None = None
    try:
        notice = airer.voicing.render_text(plan.notice_text, offline_only=True).path
    except BroadcasterError as exc:
        notes.append(f"the relay notice could not be spoken ({exc}), a tone airs instead while the relay is down")
    bulletin, cue = None, []
    ready, gathered = airer.gather(plan.fallback_items)
    notes += gathered
    if ready:
        try:
            parts = airer.voicing.bulletin_parts([audio for _, audio in ready], airer.station_lines(notes))
            stream = BulletinStream.from_parts(
                parts, airer.station.config.mastering.pause_ms, airer.voicing.mastering.sample_rate
            )
            bulletin = airer.station.bulletin_dir / f"relay-fallback-{request.scheduled_at:%Y%m%dT%H%M%S}.wav"
            bulletin.parent.mkdir(parents=True, exist_ok=True)
            stream.write_wav(bulletin)
            cue = cue_items(ready, stream.cue_sheet())
        except (BroadcasterError, OSError) as exc:
            bulletin, cue = None, []
            notes.append(f"the station's own bulletin could not be prepared as the relay's fallback: {exc}")
    return _Prepared(Fallback(bulletin=bulletin, notice=notice, bulletin_label=request.slot), cue, notes)


def _items(plan: RelayPlan, cue: Sequence[dict[str, Any]], result: RelayResult) -> list[AiredItem]:
    """The fallback bulletin's items when it aired whole (counted as aired), and the relay itself as news
    of its topic when the slot says so."""
    items: list[AiredItem] = []
    pieces = [s for s in result.segments if s.piece == "bulletin"]
    if result.bulletin_completed and pieces:
        offset = (pieces[-1].started_at - result.started_at).total_seconds()
        items += [
            AiredItem(**{**vars_of(item), "offset_seconds": item.offset_seconds + offset})
            for item in aired_items(cue, float("inf"))
        ]
    if plan.topic and result.relay_seconds > 0:
        first = next(s for s in result.segments if s.kind == "relay")
        items.append(
            AiredItem(
                item_id=0,
                title=plan.name or plan.url,
                topic=plan.topic,
                priority="normal",
                offset_seconds=(first.started_at - result.started_at).total_seconds(),
                duration_seconds=result.relay_seconds,
                engine="relay",
                voice=plan.url,
                approved_by=None,
                approved_at=None,
                completed=True,
                kind="relay",
            )
        )
    return items


def vars_of(item: AiredItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in AiredItem.__slots__}
