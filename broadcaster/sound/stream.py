"""What an output plays: PCM in chunks from a source, never a file written at air time.

A bulletin is played straight from its rendered parts (the cached speech, the
jingles) with silence generated between them, so a full disk cannot stop an
airing whose speech is already rendered, and an item cancelled while the
bulletin is on air can be cut without stopping the rest. The stream keeps a
timeline of what it actually sent, item by item, for the airing record.
"""

from __future__ import annotations

import threading
import wave
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from broadcaster.errors import AudioError
from broadcaster.media.pcm import WavLayout, read_wav_layout
from broadcaster.sound.bulletin import BulletinPart, Cue, CueSheet, PartKind

SAMPLE_WIDTH = 2  # 16-bit PCM, what mastering writes and outputs play


class PcmSource(Protocol):
    """Mono or stereo 16-bit PCM at `rate`, handed out in chunks."""

    rate: int
    channels: int

    @property
    def duration_s(self) -> float: ...

    def chunks(self, chunk_frames: int) -> Iterator[bytes]: ...


class WavSource:
    """One WAV file (a preview, a test tone, an assembled bulletin)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.layout: WavLayout = read_wav_layout(path)
        self.rate, self.channels = self.layout.rate, self.layout.channels

    @property
    def duration_s(self) -> float:
        return self.layout.duration_s

    @property
    def header(self) -> bytes:
        """The file's own header (with any extra chunks), so a copy of it is the same file."""
        return self.layout.header

    def chunks(self, chunk_frames: int) -> Iterator[bytes]:
        size = max(1, chunk_frames) * self.layout.frame_bytes
        with self.path.open("rb") as f:
            f.seek(self.layout.data_offset)
            remaining = self.layout.data_size
            while remaining > 0:
                block = f.read(min(size, remaining))
                if not block:
                    return
                remaining -= len(block)
                yield block


@dataclass(frozen=True)
class Segment:
    """A stretch of the bulletin: a rendered part, or silence (path None)."""

    kind: str
    item_id: int | None
    path: Path | None
    frames: int
    data_offset: int = 0


@dataclass
class ItemPlay:
    """What happened to one news item while its bulletin was on air."""

    item_id: int
    planned_start_s: float
    planned_s: float
    start_s: float | None = None  # where it began in what was actually sent (after earlier cuts)
    sent_s: float = 0.0
    cut_reason: str | None = None


@dataclass
class _State:
    index: int = 0
    frame_in_segment: int = 0
    sent_frames: int = 0
    skips: dict[int, str] = field(default_factory=dict)


class BulletinStream:
    """Jingle, ident, items, closing, jingle: played from the parts with `pause_ms` between them."""

    def __init__(self, segments: Sequence[Segment], sample_rate: int, name: str = "bulletin") -> None:
        self.name = name  # names the file a file output writes
        self.rate, self.channels = sample_rate, 1
        self.segments = tuple(segments)
        self._lock = threading.Lock()
        self._state = _State()
        self._plays = {p.item_id: p for p in _planned_items(self.segments, sample_rate)}
        self._reader = _SegmentReader()

    @classmethod
    def from_parts(
        cls, parts: Sequence[BulletinPart], pause_ms: int, sample_rate: int, name: str = "bulletin"
    ) -> BulletinStream:
        """Checks every part is in the station's format before anything plays."""
        if not parts:
            raise AudioError("A bulletin needs at least one part.", "Queue some news items first.")
        return cls(_segments(parts, pause_ms, sample_rate), sample_rate, name)

    @property
    def duration_s(self) -> float:
        return sum(s.frames for s in self.segments) / self.rate

    def cue_sheet(self) -> CueSheet:
        cues, frames = [], 0
        for s in self.segments:
            if s.path is not None:
                cues.append(Cue(s.kind, s.item_id, frames / self.rate, s.frames / self.rate))
            frames += s.frames
        return CueSheet(tuple(cues), frames / self.rate, self.rate)

    def skip_item(self, item_id: int, reason: str) -> bool:
        """Cut `item_id` (thread-safe): at once if it is playing, else when its turn comes.
        False when it already went out in full or is not in this bulletin."""
        with self._lock:
            play = self._plays.get(item_id)
            if play is None or item_id in self._state.skips:
                return False
            if play.start_s is not None and play.sent_s >= play.planned_s - 0.001:
                return False
            self._state.skips[item_id] = reason
            return True

    def items_played(self) -> list[ItemPlay]:
        with self._lock:
            return [ItemPlay(**vars(p)) for p in self._plays.values()]

    @property
    def problems(self) -> list[str]:
        return list(self._reader.problems)

    def chunks(self, chunk_frames: int) -> Iterator[bytes]:
        chunk_frames = max(1, chunk_frames)
        try:
            while True:
                with self._lock:
                    piece = self._next_piece(chunk_frames)
                if piece is None:
                    return
                segment, start, count = piece
                block = self._reader.read(segment, start, count)
                with self._lock:
                    self._account(segment, len(block) // SAMPLE_WIDTH)
                yield block
        finally:
            self._reader.close()

    def _next_piece(self, chunk_frames: int) -> tuple[Segment, int, int] | None:
        state = self._state
        while state.index < len(self.segments):
            segment = self.segments[state.index]
            if self._skipping(segment):
                state.index += 1
                state.frame_in_segment = 0
                continue
            left = segment.frames - state.frame_in_segment
            if left <= 0:
                state.index += 1
                state.frame_in_segment = 0
                continue
            return segment, state.frame_in_segment, min(chunk_frames, left)
        return None

    def _skipping(self, segment: Segment) -> bool:
        if segment.item_id is not None and segment.item_id in self._state.skips:
            play = self._plays[segment.item_id]
            if play.cut_reason is None:
                play.cut_reason = self._state.skips[segment.item_id]
            return True
        # the pause after a cut item goes too, so one pause stays between its neighbours
        if segment.path is None and segment.item_id is None and self._state.index > 0:
            before = self.segments[self._state.index - 1]
            return before.item_id is not None and before.item_id in self._state.skips
        return False

    def _account(self, segment: Segment, frames: int) -> None:
        state = self._state
        if segment.item_id is not None:
            play = self._plays[segment.item_id]
            if play.start_s is None:
                play.start_s = state.sent_frames / self.rate
            play.sent_s += frames / self.rate
        state.frame_in_segment += frames
        state.sent_frames += frames

    def write_wav(self, path: Path) -> None:
        """The whole bulletin as one WAV (previews, tests); the air path never writes one."""
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(SAMPLE_WIDTH)
            w.setframerate(self.rate)
            for block in BulletinStream(self.segments, self.rate, self.name).chunks(self.rate):
                w.writeframes(block)


def _segments(parts: Sequence[BulletinPart], pause_ms: int, rate: int) -> list[Segment]:
    pause_frames = int(rate * pause_ms / 1000)
    segments: list[Segment] = []
    previous: BulletinPart | None = None
    for part in parts:
        if previous is not None and PartKind.PAUSE not in (previous.kind, part.kind):
            # the pause between an item's title and its text belongs to the item
            same = previous.item_id is not None and previous.item_id == part.item_id
            segments.append(Segment("pause", part.item_id if same else None, None, pause_frames))
        if part.kind is PartKind.PAUSE:
            segments.append(Segment("pause", None, None, int(rate * part.pause_ms / 1000)))
        else:
            assert part.audio is not None
            layout = _checked_layout(part.audio, rate)
            frames = layout.data_size // layout.frame_bytes
            segments.append(Segment(str(part.kind), part.item_id, part.audio, frames, layout.data_offset))
        previous = part
    return segments


def _checked_layout(path: Path, rate: int) -> WavLayout:
    layout = read_wav_layout(path)
    if layout.rate != rate or layout.channels != 1:
        raise AudioError(
            f"Bulletin part {path} is {layout.rate} Hz with {layout.channels} channel(s), not the station's "
            f"{rate} Hz mono.",
            "Render the item again (broadcaster render --all), or convert the jingle to the station's format.",
        )
    return layout


def _planned_items(segments: Sequence[Segment], rate: int) -> list[ItemPlay]:
    spans: dict[int, list[int]] = {}
    frames = 0
    for s in segments:
        if s.item_id is not None:
            span = spans.setdefault(s.item_id, [frames, frames])
            span[1] = frames + s.frames
        frames += s.frames
    return [ItemPlay(item_id, a / rate, (b - a) / rate) for item_id, (a, b) in spans.items()]


class _SegmentReader:
    """Keeps the current part's file open: a part is read in order, chunk after chunk.

    A part that cannot be read (deleted, a disk error) becomes silence of its length and
    a problem for the record: the rest of the bulletin still airs on time."""

    def __init__(self) -> None:
        self._segment: Segment | None = None
        self._file: BinaryIO | None = None
        self.problems: list[str] = []

    def read(self, segment: Segment, start_frame: int, frames: int) -> bytes:
        if segment.path is None:
            return bytes(frames * SAMPLE_WIDTH)
        try:
            if self._segment is not segment:
                self.close()
                self._segment = segment
                self._file = segment.path.open("rb")
                self._file.seek(segment.data_offset + start_frame * SAMPLE_WIDTH)
            data = self._file.read(frames * SAMPLE_WIDTH) if self._file is not None else b""
        except OSError as exc:
            self._file = None
            self.problems.append(f"part {segment.path.name} could not be read ({exc.strerror}), silence aired instead")
            data = b""
        if len(data) < frames * SAMPLE_WIDTH:
            # a part shorter than its header said: keep the timing with silence rather than stop the bulletin
            data += bytes(frames * SAMPLE_WIDTH - len(data))
        return data

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file, self._segment = None, None
