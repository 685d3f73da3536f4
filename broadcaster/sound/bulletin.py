"""Assembling a bulletin: jingle, ident, each item's title and text, closing; plus a cue sheet.

pydub decodes and converts each part; the bulletin itself is streamed to a
WAV with the wave module one part at a time, so a 30-minute bulletin costs
the memory of its longest part, not of the whole programme several times over.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydub import AudioSegment

from broadcaster.errors import AudioError

log = logging.getLogger(__name__)

SAMPLE_WIDTH = 2  # 16-bit PCM
CUE_SHEET_VERSION = 1


class PartKind(StrEnum):
    JINGLE = "jingle"
    IDENT = "ident"
    TITLE = "title"
    TEXT = "text"
    RECORDING = "recording"  # a recorded item's mastered audio, aired as it is
    CLOSING = "closing"
    PAUSE = "pause"


# The parts of a bulletin that belong to a news item.
ITEM_PARTS = frozenset({PartKind.TITLE, PartKind.TEXT, PartKind.RECORDING})


@dataclass(frozen=True)
class BulletinPart:
    kind: PartKind
    item_id: int | None = None
    audio: Path | None = None
    pause_ms: int = 0  # only for kind=pause: an explicit extra pause

    def __post_init__(self) -> None:
        if self.kind is PartKind.PAUSE:
            if self.audio is not None or self.pause_ms <= 0:
                raise ValueError("a pause part has pause_ms > 0 and no audio")
        elif self.audio is None:
            raise ValueError(f"a {self.kind} part needs an audio file")
        if (self.kind in ITEM_PARTS) != (self.item_id is not None):
            raise ValueError("title, text and recording parts carry an item_id; other parts do not")


@dataclass(frozen=True)
class Cue:
    kind: str
    item_id: int | None
    start_s: float
    duration_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True)
class CueSheet:
    cues: tuple[Cue, ...]
    duration_s: float
    sample_rate: int

    def cue_at(self, offset_s: float) -> Cue | None:
        starts = [c.start_s for c in self.cues]
        i = bisect.bisect_right(starts, offset_s) - 1
        if i >= 0 and offset_s < self.cues[i].end_s:
            return self.cues[i]
        return None

    def item_at(self, offset_s: float) -> int | None:
        """The news item on air at `offset_s`, counting the pause between its title and its text."""
        starts = [c.start_s for c in self.cues]
        i = bisect.bisect_right(starts, offset_s) - 1
        if i < 0:
            return None
        cue = self.cues[i]
        if offset_s < cue.end_s:
            return cue.item_id
        nxt = self.cues[i + 1] if i + 1 < len(self.cues) else None
        if nxt is not None and cue.item_id is not None and nxt.item_id == cue.item_id:
            return cue.item_id
        return None

    def items(self) -> list[int]:
        """Item ids in airing order, once each."""
        return list(dict.fromkeys(c.item_id for c in self.cues if c.item_id is not None))

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": CUE_SHEET_VERSION,
                "duration_s": self.duration_s,
                "sample_rate": self.sample_rate,
                "cues": [asdict(c) for c in self.cues],
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> CueSheet:
        data = json.loads(text)
        cues = tuple(Cue(c["kind"], c["item_id"], float(c["start_s"]), float(c["duration_s"])) for c in data["cues"])
        return cls(cues, float(data["duration_s"]), int(data["sample_rate"]))


def cue_sheet_path(bulletin_path: Path) -> Path:
    return bulletin_path.with_suffix(".cues.json")


def standard_parts(
    opening_jingle: Path,
    ident: Path,
    items: Sequence[tuple[int, Path, Path]],
    closing_line: Path,
    closing_jingle: Path,
) -> list[BulletinPart]:
    """The usual running order; `items` are (item id, title audio, text audio)."""
    parts = [BulletinPart(PartKind.JINGLE, audio=opening_jingle), BulletinPart(PartKind.IDENT, audio=ident)]
    for item_id, title, text in items:
        parts += [BulletinPart(PartKind.TITLE, item_id, title), BulletinPart(PartKind.TEXT, item_id, text)]
    parts += [
        BulletinPart(PartKind.CLOSING, audio=closing_line),
        BulletinPart(PartKind.JINGLE, audio=closing_jingle),
    ]
    return parts


def _load(path: Path, sample_rate: int) -> AudioSegment:
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

    try:
        segment = AudioSegment.from_file(str(path))
    except (CouldntDecodeError, OSError, IndexError) as exc:
        raise AudioError(f"Cannot read bulletin part {path}: {exc}", "Render the item again.") from exc
    return segment.set_channels(1).set_frame_rate(sample_rate).set_sample_width(SAMPLE_WIDTH)


def assemble_bulletin(
    parts: Sequence[BulletinPart], out_path: Path, pause_ms: int = 800, sample_rate: int = 44100
) -> CueSheet:
    """Write one mono 16-bit WAV of `parts` with `pause_ms` between them, and its cue sheet beside it."""
    if not parts:
        raise AudioError("A bulletin needs at least one part.", "Queue some news items first.")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    pause_frames = int(sample_rate * pause_ms / 1000)
    cues: list[Cue] = []
    frames = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(SAMPLE_WIDTH)
            w.setframerate(sample_rate)
            previous: BulletinPart | None = None
            for part in parts:
                # one fixed pause between spoken parts; an explicit pause part replaces it
                if previous is not None and PartKind.PAUSE not in (previous.kind, part.kind):
                    _write_silence(w, pause_frames)
                    frames += pause_frames
                if part.kind is PartKind.PAUSE:
                    n = int(sample_rate * part.pause_ms / 1000)
                    _write_silence(w, n)
                    frames += n
                else:
                    assert part.audio is not None
                    segment = _load(part.audio, sample_rate)
                    data = segment.raw_data
                    n = len(data) // SAMPLE_WIDTH
                    w.writeframes(data)
                    del segment, data
                    cues.append(Cue(str(part.kind), part.item_id, frames / sample_rate, n / sample_rate))
                    frames += n
                previous = part
        sheet = CueSheet(tuple(cues), frames / sample_rate, sample_rate)
        cue_tmp = tmp.with_suffix(".cues.part")
        cue_tmp.write_text(sheet.to_json(), encoding="utf-8")
        os.replace(tmp, out_path)
        os.replace(cue_tmp, cue_sheet_path(out_path))
    except wave.Error as exc:
        raise AudioError(f"Cannot write bulletin {out_path}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_suffix(".cues.part").unlink(missing_ok=True)
    log.info("assembled bulletin %s: %d parts, %.1f s", out_path.name, len(parts), sheet.duration_s)
    return sheet


def _write_silence(w: wave.Wave_write, frames: int) -> None:
    block = bytes(SAMPLE_WIDTH * min(frames, 44100))
    remaining = frames
    while remaining > 0:
        n = min(remaining, len(block) // SAMPLE_WIDTH)
        w.writeframes(block[: n * SAMPLE_WIDTH])
        remaining -= n


def load_cue_sheet(bulletin_path: Path) -> CueSheet:
    path = cue_sheet_path(bulletin_path)
    try:
        return CueSheet.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        raise AudioError(f"Cannot read the cue sheet {path}: {exc}", "Assemble the bulletin again.") from exc
