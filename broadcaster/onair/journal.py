"""The on-air journal: what a bulletin carries (its cue), how far it got, and which items aired.

The cue is written with the on-air entry before the first sound; `Progress` stamps the entry
every few seconds while sound goes out, so after a crash the next start knows how much aired.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from broadcaster.airlog import AiredItem
from broadcaster.errors import BroadcasterError
from broadcaster.model import NewsItem
from broadcaster.sound.bulletin import CueSheet
from broadcaster.sound.stream import BulletinStream

if TYPE_CHECKING:
    from broadcaster.service.context import Station
    from broadcaster.service.item_audio import ItemAudio

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 2.0


def cue_items(ready: Sequence[tuple[NewsItem, ItemAudio]], sheet: CueSheet) -> list[dict[str, Any]]:
    """Each item's place in the bulletin and what the record needs to say about it."""
    items = []
    for item, audio in ready:
        cues = [c for c in sheet.cues if c.item_id == item.id]
        start = min(c.start_s for c in cues)
        end = max(c.end_s for c in cues)
        items.append(
            {
                "item_id": item.id,
                "title": item.title,
                "topic": item.topic,
                "priority": item.priority.value,
                "offset_seconds": start,
                "duration_seconds": end - start,
                "engine": audio.engine,
                "voice": audio.voice,
                "approved_by": item.approved_by,
                "approved_at": item.approved_at.isoformat() if item.approved_at else None,
                # what the record seals about the item's audio (canonical version 2)
                "kind": audio.kind.value,
                "language": item.language,
                "source_id": item.source_id,
                "original_sha256": audio.original_sha256,
                "audio_sha256": audio.audio_sha256,
            }
        )
    return items


def _aired_item(cue: dict[str, Any], offset: float, on_air: float, completed: bool) -> AiredItem:
    approved_at = datetime.fromisoformat(cue["approved_at"]) if cue.get("approved_at") else None
    return AiredItem(
        item_id=int(cue["item_id"]),
        title=cue["title"],
        topic=cue["topic"],
        priority=cue["priority"],
        offset_seconds=offset,
        duration_seconds=on_air,
        engine=cue["engine"],
        voice=cue["voice"],
        approved_by=cue.get("approved_by"),
        approved_at=approved_at,
        completed=completed,
        # a cue journalled by an older version (a crash across an upgrade) has none of these
        kind=cue.get("kind", "speech"),
        language=cue.get("language", "vie"),
        source_id=cue.get("source_id"),
        original_sha256=cue.get("original_sha256"),
        audio_sha256=cue.get("audio_sha256"),
    )


def aired_items(cue: Sequence[dict[str, Any]], played_seconds: float) -> list[AiredItem]:
    """Items that went on air within `played_seconds` as planned (no cuts); completed only if heard
    to the end. Used after a crash, when only the planned cue and the last sign of life are known."""
    result = []
    for c in cue:
        offset, duration = float(c["offset_seconds"]), float(c["duration_seconds"])
        if offset >= played_seconds:
            continue
        on_air = min(duration, played_seconds - offset)
        result.append(_aired_item(c, offset, on_air, on_air >= duration - 0.05))
    return result


def played_items(
    cue: Sequence[dict[str, Any]], stream: BulletinStream, played_seconds: float
) -> tuple[list[AiredItem], list[str]]:
    """The items of a bulletin as they really went out (after cuts), and a note for each cut."""
    plays = {p.item_id: p for p in stream.items_played()}
    items, notes = [], []
    for c in cue:
        play = plays[int(c["item_id"])]
        if play.start_s is None or play.start_s >= played_seconds:
            if play.cut_reason:
                notes.append(f"item {play.item_id} not aired: {play.cut_reason} before its turn")
            continue
        on_air = max(0.0, min(play.sent_s, played_seconds - play.start_s))
        if play.cut_reason:
            notes.append(f"item {play.item_id} cut after {on_air:.1f} s: {play.cut_reason}")
        completed = play.cut_reason is None and on_air >= play.planned_s - 0.05
        items.append(_aired_item(c, play.start_s, on_air, completed))
    return items, notes


class Progress:
    """Writes when sound started and, every few seconds, that it is still on air."""

    def __init__(self, station: Station, on_air_id: int | None) -> None:
        self.station = station
        self.on_air_id = on_air_id
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def started(self, moment: datetime) -> None:
        self._write(started=moment)
        self._thread = threading.Thread(target=self._beat, name="on-air-progress", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(PROGRESS_EVERY_S):
            self._write()

    def _write(self, started: datetime | None = None) -> None:
        from broadcaster.store.tables import OnAirRow

        if self.on_air_id is None:  # the database refused the on-air entry: nothing to update
            return
        try:
            with self.station.db.session() as session:
                row = session.get(OnAirRow, self.on_air_id)
                if row is not None:
                    if started is not None:
                        row.started_at = started
                    row.progress_at = self.station.now()
        except BroadcasterError as exc:
            log.error("could not record on-air progress: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
