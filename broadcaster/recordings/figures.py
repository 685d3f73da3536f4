"""What intake measures about a received file, and the limits it is held to: plain values.

probe.py fills them in, checks.py decides on them, archive.py keeps them in
each recording's manifest so a second import is decided on the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

BLOCK_S = 0.01  # peaks are measured per 10 ms: fine enough to trim, small enough to keep


@dataclass(frozen=True)
class RecordingLimits:
    """What a station accepts as a recorded news item (config.toml `[recordings]`)."""

    min_seconds: float = 1.0
    max_seconds: float = 30 * 60.0
    max_bytes: int = 400_000_000  # a 30 min CD-quality WAV is 318 MB; MP3/M4A are far smaller
    silent_below_dbfs: float = -45.0  # loudest sound under this: nothing anyone would hear
    clipped_refuse_percent: float = 50.0  # share of the sound at full scale
    clipped_notice_percent: float = 10.0
    probe_timeout_s: float = 30.0
    decode_timeout_s: float = 180.0

    def __post_init__(self) -> None:
        if not 0 < self.min_seconds < self.max_seconds:
            raise ValueError(f"need 0 < min_seconds < max_seconds, not {self.min_seconds} and {self.max_seconds}")
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, not {self.max_bytes}")
        if not 0 < self.clipped_notice_percent <= self.clipped_refuse_percent <= 100:
            raise ValueError("need 0 < clipped_notice_percent <= clipped_refuse_percent <= 100")


@dataclass(frozen=True)
class StreamInfo:
    """One stream of a file as ffprobe lists it."""

    kind: str  # audio, video, data, subtitle, attachment
    codec: str  # "" when ffmpeg has no decoder for it
    attached_picture: bool = False  # an MP3/M4A cover image, not a video


@dataclass(frozen=True)
class ProbeResult:
    """What ffprobe says about a file, before any sound is decoded."""

    format_name: str  # ffmpeg's demuxer, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    streams: tuple[StreamInfo, ...]
    duration_s: float | None  # None when the container does not say (browser WebM, raw AMR)
    sample_rate: int = 0  # of the first sound track
    channels: int = 0
    brand: str = ""  # MP4 major brand: "3gp4" for old phones, "M4A " for iPhones

    @property
    def audio(self) -> list[StreamInfo]:
        return [s for s in self.streams if s.kind == "audio"]

    @property
    def video(self) -> list[StreamInfo]:
        return [s for s in self.streams if s.kind == "video" and not s.attached_picture]


@dataclass(frozen=True)
class Measurement:
    """What one decoding pass over the first sound track found."""

    frames: int
    sample_rate: int
    channels: int
    block_peaks: npt.NDArray[np.float32]  # peak of each BLOCK_S block, all channels, 0..1 (more when overshooting)
    correlation: float  # lag-1 autocorrelation of the whole track
    decode_errors: int = 0  # lines of errors ffmpeg printed while decoding

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class SoundFigures:
    """The figures the decisions use; kept in the archive beside each recording."""

    duration_s: float
    peak_dbfs: float
    clipped_percent: float  # share of the sound (10 ms blocks) at full scale
    correlation: float
    start_s: float  # where the kept sound starts after trimming
    end_s: float
    decode_errors: int = 0

    @property
    def sound_s(self) -> float:
        return max(0.0, self.end_s - self.start_s)

    @property
    def lead_trimmed_s(self) -> float:
        return self.start_s

    @property
    def tail_trimmed_s(self) -> float:
        return max(0.0, self.duration_s - self.end_s)
