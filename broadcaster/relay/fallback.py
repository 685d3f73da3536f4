"""What airs when the relayed stream cannot: the station's own bulletin, the notice, or a signal.

The session asks its provider once, while it pre-rolls, for a `Fallback`: the
bulletin of waiting items (if any) and the recorded notice ("Chương trình
tiếp sóng tạm thời gián đoạn"). Both are brought to the output's PCM format
before the slot, so a switch only reads bytes. If the notice is missing or
unreadable, a generated interval signal (a soft two-note chime) is looped in
its place: it tells listeners the station is alive, where silence would make
them think the loudspeakers are broken, and the problem goes in the log.
"""

from __future__ import annotations

import logging
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _
from broadcaster.media.ffmpeg import run_ffmpeg
from broadcaster.media.pcm import WavLayout, read_wav_layout

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fallback:
    bulletin: Path | None = None  # the station's own bulletin of waiting items; aired at most once per relay
    notice: Path | None = None  # the recorded notice, looped while the relay is down
    bulletin_label: str = ""  # the caller's name for the bulletin (e.g. its id), echoed in the result


FallbackProvider = Callable[[], Fallback]


def _pcm_file(path: Path, rate: int, channels: int, workdir: Path, name: str) -> tuple[Path, WavLayout]:
    """`path` itself when it is already 16-bit PCM WAV in the output's format, else a converted copy."""
    try:
        layout = read_wav_layout(path)
        if (layout.rate, layout.channels) == (rate, channels):
            return path, layout
    except BroadcasterError:
        pass  # not a WAV broadcaster wrote: let ffmpeg decode it
    target = workdir / f"{name}.wav"
    run_ffmpeg(
        ["-y", "-i", str(path), "-vn", "-ac", str(channels), "-ar", str(rate), "-c:a", "pcm_s16le", str(target)],
        what=_("preparing {name} for the relay").format(name=path.name),
        timeout_s=120,
    )
    return target, read_wav_layout(target)


class BulletinPiece:
    """The fallback bulletin, read from disk as it airs (a long bulletin never sits in memory)."""

    def __init__(self, path: Path, layout: WavLayout) -> None:
        self.path = path
        self.layout = layout
        self._file: BinaryIO | None = None
        self._left = 0

    @property
    def seconds(self) -> float:
        return self.layout.duration_s

    def rewind(self) -> None:
        self.close()
        self._file = self.path.open("rb")
        self._file.seek(self.layout.data_offset)
        self._left = self.layout.data_size

    def read(self, n: int) -> bytes:
        """Up to `n` bytes; fewer (or none) when the bulletin ends."""
        if self._file is None:
            return b""
        block = self._file.read(min(n, self._left))
        self._left -= len(block)
        return block

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class LoopPiece:
    """A short sound held in memory and replayed from its start, followed by a pause."""

    def __init__(self, pcm: bytes, gap_bytes: int, kind: str) -> None:
        self.pcm = pcm + b"\0" * gap_bytes
        self.kind = kind  # "notice" or "tone"
        self._pos = 0

    def rewind(self) -> None:
        self._pos = 0

    def read(self, n: int) -> bytes:
        block = self.pcm[self._pos : self._pos + n]
        self._pos += len(block)
        return block


def interval_signal(rate: int, channels: int) -> bytes:
    """A soft two-note chime (G5, C6; 0.35 s each, faded): what loops when there is no notice to play."""
    frames: list[int] = []
    for freq in (784.0, 1046.5):
        n = round(0.35 * rate)
        fade = round(0.03 * rate)
        for i in range(n):
            envelope = min(1.0, i / fade, (n - i) / fade)
            frames.append(round(0.25 * 32767 * envelope * math.sin(2 * math.pi * freq * i / rate)))
    samples = [s for s in frames for _ in range(channels)]
    return struct.pack(f"<{len(samples)}h", *samples)


@dataclass
class FallbackAudio:
    bulletin: BulletinPiece | None
    notice: LoopPiece
    label: str
    problems: list[str]  # what was wrong with the provider's files, for the log and the result


def load_fallback(provider: FallbackProvider, rate: int, channels: int, workdir: Path, gap_s: float) -> FallbackAudio:
    """Asks the provider and readies its files; never fails: the worst case is the generated signal."""
    problems: list[str] = []
    try:
        chosen = provider()
    except Exception as exc:  # a provider bug must not leave the relay without a fallback
        log.exception("relay: the fallback provider failed")
        problems.append(_("the fallback could not be prepared: {error}").format(error=exc))
        chosen = Fallback()
    bulletin: BulletinPiece | None = None
    if chosen.bulletin is not None:
        try:
            bulletin = BulletinPiece(*_pcm_file(chosen.bulletin, rate, channels, workdir, "bulletin"))
        except (BroadcasterError, OSError) as exc:
            problems.append(_("the station's bulletin {path} cannot be aired: {error}").format(
                path=chosen.bulletin, error=exc))  # fmt: skip
    gap = round(gap_s * rate) * 2 * channels
    notice: LoopPiece | None = None
    if chosen.notice is not None:
        try:
            path, layout = _pcm_file(chosen.notice, rate, channels, workdir, "notice")
            with path.open("rb") as f:
                f.seek(layout.data_offset)
                pcm = f.read(layout.data_size)
            if pcm:
                notice = LoopPiece(pcm, gap, "notice")
            else:
                problems.append(_("the relay notice {path} is empty").format(path=chosen.notice))
        except (BroadcasterError, OSError) as exc:
            problems.append(_("the relay notice {path} cannot be aired: {error}").format(
                path=chosen.notice, error=exc))  # fmt: skip
    else:
        problems.append(_("no relay notice was given"))
    if notice is None:
        log.error("relay: %s; an interval signal will air instead of the notice", "; ".join(problems))
        notice = LoopPiece(interval_signal(rate, channels), round(1.3 * rate) * 2 * channels, "tone")
    return FallbackAudio(bulletin, notice, chosen.bulletin_label, problems)
