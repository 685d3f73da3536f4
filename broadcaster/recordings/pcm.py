"""WAV files written and read by hand, for the two steps around mastering.

Trimming is a byte copy: the decoded samples are float32 already, so the part
to keep is written behind a WAV header without another ffmpeg run. Reading
back the mastered 16-bit WAV gives its SHA-256, length and peak in one go.
"""

from __future__ import annotations

import hashlib
import os
import struct
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from broadcaster.recordings.loudness import SUB_BLOCK_S, block_powers, integrated_lufs

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

FLOAT_BYTES = 4
WAVE_FORMAT_IEEE_FLOAT = 3
COPY_CHUNK = 1 << 20


def float_wav_header(frames: int, rate: int, channels: int) -> bytes:
    data_size = frames * channels * FLOAT_BYTES
    block_align = channels * FLOAT_BYTES
    fmt = struct.pack("<HHIIHHH", WAVE_FORMAT_IEEE_FLOAT, channels, rate, rate * block_align, block_align, 32, 0)
    fact = struct.pack("<I", frames)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"fact" + struct.pack("<I", 4) + fact
    return b"RIFF" + struct.pack("<I", len(body) + 8 + data_size) + body + b"data" + struct.pack("<I", data_size)


def write_float_wav(raw: Path, out: Path, rate: int, channels: int, start_frame: int, end_frame: int) -> None:
    """Write frames [start_frame, end_frame) of raw float32 samples in `raw` as a WAV file `out`."""
    frame_bytes = channels * FLOAT_BYTES
    available = raw.stat().st_size // frame_bytes
    end_frame = min(end_frame, available)
    start_frame = min(max(0, start_frame), end_frame)
    with raw.open("rb") as src, out.open("wb") as dst:
        dst.write(float_wav_header(end_frame - start_frame, rate, channels))
        _copy_range(src, dst, start_frame * frame_bytes, (end_frame - start_frame) * frame_bytes)


def _copy_range(s: BinaryIO, d: BinaryIO, offset: int, count: int) -> None:
    d.flush()
    try:
        # in the kernel, no trip through Python for hundreds of megabytes
        remaining = count
        in_off, out_off = offset, d.tell()
        while remaining:
            sent = os.copy_file_range(s.fileno(), d.fileno(), remaining, in_off, out_off)
            if sent == 0:
                break
            remaining -= sent
            in_off += sent
            out_off += sent
        d.seek(out_off)
        if remaining == 0:
            return
        offset, count = in_off, remaining
    except (AttributeError, OSError):
        pass  # not Linux, or a file system without copy_file_range
    s.seek(offset)
    while count > 0:
        chunk = s.read(min(COPY_CHUNK, count))
        if not chunk:
            break
        d.write(chunk)
        count -= len(chunk)


@dataclass(frozen=True)
class WavFigures:
    sha256: str
    duration_s: float
    sample_rate: int
    channels: int
    peak_dbfs: float  # sample peak
    loudness_lufs: float  # integrated, BS.1770


def wav_figures(path: Path, decimate: int = 1) -> WavFigures:
    """SHA-256 of the file's bytes; length, sample peak and loudness of a 16-bit PCM WAV.

    `decimate` > 1 measures loudness on every n-th sample: exact only when the
    sound has nothing above rate / (2 * decimate), as for a recording mastered
    from a lower-rate intermediate, and that much cheaper.
    """
    import numpy as np

    sha256 = sha256_file(path)
    peak = 0
    powers: list[npt.NDArray[np.float64]] = []
    with wave.open(str(path), "rb") as w:
        rate, channels, width, frames = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        if width != 2:
            raise ValueError(f"{path.name} is not 16-bit PCM")
        if decimate < 1 or rate % decimate:
            decimate = 1
        block = round(rate // decimate * SUB_BLOCK_S) * decimate
        while data := w.readframes(block * 600):  # a minute at a time: memory stays flat for long items
            samples = np.frombuffer(data, dtype="<i2").reshape(-1, channels)
            if samples.size:  # -min: abs() of int16 -32768 would overflow
                peak = max(peak, int(samples.max()), -int(samples.min()))
            analysed = samples[::decimate].astype(np.float32) / 32768
            # BS.1770 sums the channels' powers (left and right weigh 1)
            powers.append(np.sum([block_powers(analysed[:, c], rate // decimate) for c in range(channels)], axis=0))
    level = 20 * float(np.log10(peak / 32768)) if peak else float("-inf")
    loudness = integrated_lufs(np.concatenate(powers)) if powers else float("-inf")
    return WavFigures(sha256, frames / rate if rate else 0.0, rate, channels, level, loudness)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
