"""Mastering speech for horn loudspeakers.

Horn loudspeakers on poles reproduce almost nothing below ~200 Hz, distort
when driven with bass, and are heard outdoors over traffic: speech must be
band-limited, dense (compressed), a little slower than conversational, and
at one steady loudness so the amplifier gain set once by the operator fits
every item, jingle and ident.

`master()` runs one processing chain in two passes:

1. ffmpeg: highpass -> silenceremove -> acompressor -> atempo, with ebur128
   measuring the integrated loudness of exactly what will be aired, then
   resampling to the output rate; the result goes to a float intermediate
   file so nothing is processed twice;
2. numpy: a linear gain (target - measured, the "linear" mode of two-pass
   loudnorm) -> lookahead peak limiter under the true-peak ceiling -> 16-bit
   WAV, block by block so a long item does not fill the memory.

A linear gain lands on the target loudness exactly; only the limiter can pull
it lower, by a few tenths of a LU for compressed speech. ffmpeg's loudnorm
filter would do the same job but upsamples to 192 kHz internally and is ~8x
slower than this chain on a 2-core machine. Pass 2 was a second ffmpeg run
(volume, aresample, alimiter); in numpy it costs a third of the CPU time,
most of which was ffmpeg loading its 200 shared libraries
(docs/benchmarks.md, "Speech: intelligibility and speed").
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

from broadcaster.errors import AudioError
from broadcaster.sound.ffmpeg import parse_ebur128_summary, run_ffmpeg

log = logging.getLogger(__name__)

# Inter-sample peaks of band-limited speech at 44.1 kHz stay well under 0.5 dB
# above the sample peak, so limiting the samples this far under the ceiling
# keeps the true peak under it without an oversampling limiter.
TRUE_PEAK_MARGIN_DB = 0.5
# Below this the measurement is gated silence: there is no speech to level.
QUIETEST_MEASURABLE_LUFS = -69.0
MAX_GAIN_DB = 40.0
# The limiter's gain moves in straight ramps of LIMITER_RAMP_S (attack and
# release), held LIMITER_HOLD_S after a peak so the peaks of one syllable
# share one dip instead of fluttering. 5 ms / 10 ms costs as much loudness as
# alimiter's attack 5 ms / release 50 ms did (a quiet input lands 0.8 LU under
# the target with both); longer holds cost more. The gain is computed per
# block of LIMITER_BLOCK samples and interpolated between block edges.
LIMITER_RAMP_S = 0.005
LIMITER_HOLD_S = 0.010
LIMITER_BLOCK = 32
CHUNK_FRAMES = 1 << 18  # ~6 s at 44.1 kHz per numpy step


@dataclass(frozen=True)
class CompressorSettings:
    threshold_db: float = -20.0
    ratio: float = 3.0
    attack_ms: float = 5.0
    release_ms: float = 100.0


@dataclass(frozen=True)
class MasteringSettings:
    highpass_hz: float = 200.0
    compressor: CompressorSettings = CompressorSettings()
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.5
    tempo: float = 0.92  # atempo: slower speech, same pitch
    sample_rate: int = 44100
    channels: int = 1
    trim_silence: bool = True
    silence_threshold_db: float = -50.0
    # Longest silence kept anywhere: long gaps inside a text are shortened to
    # this, lead-in silence is removed and trailing silence is cut to this.
    # 600 ms is a comfortable sentence pause outdoors; bulletin assembly adds
    # its own fixed pauses between parts.
    sentence_pause_ms: int = 600

    def __post_init__(self) -> None:
        if not 0.5 <= self.tempo <= 2.0:
            raise ValueError(f"tempo must be between 0.5 and 2.0, not {self.tempo}")
        if self.channels not in (1, 2):
            raise ValueError(f"channels must be 1 or 2, not {self.channels}")
        if self.true_peak_dbtp > 0:
            raise ValueError(f"true_peak_dbtp must be 0 or below, not {self.true_peak_dbtp}")


def processing_filters(settings: MasteringSettings) -> str:
    """Pass 1 filter chain (everything that shapes the sound before levelling)."""
    filters = [f"highpass=f={settings.highpass_hz:g}:poles=2"]
    if settings.trim_silence:
        pause_s = settings.sentence_pause_ms / 1000
        thr = f"{settings.silence_threshold_db:g}dB"
        # detection=peak: with its default RMS detection, ffmpeg 5.1's silenceremove now and then
        # drops loud audio it should keep, depending on the very samples: half of a natural speech
        # clip, or the whole of a text read over steady hiss. Peak detection removes only silence.
        filters.append(
            "silenceremove=start_periods=1:start_threshold="
            f"{thr}:stop_periods=-1:stop_duration={pause_s:g}:stop_threshold={thr}:stop_silence={pause_s:g}"
            ":detection=peak"
        )
    c = settings.compressor
    filters.append(
        f"acompressor=threshold={c.threshold_db:g}dB:ratio={c.ratio:g}:attack={c.attack_ms:g}:release={c.release_ms:g}"
    )
    if settings.tempo != 1.0:
        filters.append(f"atempo={settings.tempo:g}")
    return ",".join(filters)


def limit_linear(settings: MasteringSettings) -> float:
    """The limiter's sample-peak ceiling, as a linear amplitude."""
    return float(10 ** ((settings.true_peak_dbtp - TRUE_PEAK_MARGIN_DB) / 20))


def filter_chain(settings: MasteringSettings, gain_db: float) -> str:
    """The whole chain as one string, for logs and docs (master() runs it in two passes)."""
    return (
        f"{processing_filters(settings)},aresample={settings.sample_rate},"
        f"gain={gain_db:.2f}dB,limiter=limit={limit_linear(settings):.4f}"
        f":ramp={LIMITER_RAMP_S * 1000:g}ms:hold={LIMITER_HOLD_S * 1000:g}ms"
    )


def master(in_path: Path, out_path: Path, settings: MasteringSettings | None = None) -> None:
    """Master `in_path` (any format ffmpeg reads) into a 16-bit PCM WAV at `out_path`, atomically."""
    settings = settings or MasteringSettings()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="master-", dir=out_path.parent) as tmp:
        mid = Path(tmp) / "processed.f32"
        proc = run_ffmpeg(
            [
                "-y", "-i", str(in_path), "-vn", "-ac", str(settings.channels),
                "-af", f"{processing_filters(settings)},ebur128=framelog=verbose,aresample={settings.sample_rate}",
                "-f", "f32le", "-c:a", "pcm_f32le", str(mid),
            ],
            what=f"mastering {in_path.name}",
        )  # fmt: skip
        measured = parse_ebur128_summary(proc.stderr.decode("utf-8", errors="replace")).integrated_lufs
        if math.isinf(measured) or measured < QUIETEST_MEASURABLE_LUFS:
            raise AudioError(
                f"{in_path.name} is silent or too short to master (loudness {measured} LUFS).",
                "Render the text again; if it keeps happening, check the speech engine.",
            )
        gain_db = min(settings.loudness_lufs - measured, MAX_GAIN_DB)
        log.debug("mastering %s: measured %.1f LUFS, gain %.2f dB", in_path.name, measured, gain_db)
        part = Path(tmp) / "mastered.wav"
        write_levelled(mid, part, settings, gain_db)
        os.replace(part, out_path)


def write_levelled(raw_f32: Path, out_path: Path, settings: MasteringSettings, gain_db: float) -> None:
    """Pass 2: gain, peak limiter and 16-bit WAV, from raw float samples at the output rate."""
    import numpy as np

    channels = settings.channels
    flat = np.memmap(raw_f32, dtype="<f4", mode="r") if raw_f32.stat().st_size else np.zeros(0, "<f4")
    frames = len(flat) // channels
    samples = flat[: frames * channels].reshape(frames, channels)
    gain = 10 ** (gain_db / 20)
    edges = limiter_gain(samples, gain, limit_linear(settings), settings.sample_rate)
    with wave.open(str(out_path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(settings.sample_rate)
        ramp = np.arange(LIMITER_BLOCK, dtype=np.float32) / LIMITER_BLOCK
        for start in range(0, frames, CHUNK_FRAMES):  # CHUNK_FRAMES is a whole number of blocks
            chunk = np.array(samples[start : start + CHUNK_FRAMES], dtype=np.float32)
            first = start // LIMITER_BLOCK
            blocks = -(-len(chunk) // LIMITER_BLOCK)
            lo, hi = edges[first : first + blocks], edges[first + 1 : first + blocks + 1]
            # gain, limiter and the 16-bit scale in one multiplication: 32768 and clipping is how
            # ffmpeg converts float to 16-bit
            curve = (lo[:, None] + (hi - lo)[:, None] * ramp[None, :]).ravel()[: len(chunk)]
            curve *= np.float32(gain * 32768)
            chunk *= curve[:, None]
            np.rint(chunk, out=chunk)
            np.clip(chunk, -32768, 32767, out=chunk)
            out.writeframes(chunk.astype("<i2").tobytes())


def limiter_gain(
    samples: npt.NDArray[np.float32], gain: float, limit: float, sample_rate: int
) -> npt.NDArray[np.float32]:
    """The limiter's gain at every block edge (len = blocks + 1), never above what a sample needs.

    need[k] is the gain that brings block k's peak to `limit`. min over need[k-hold .. k+ramp-1]
    then a mean over the last `ramp` of those gives a gain per block that dips in a straight ramp
    before a peak, holds, and recovers in a straight ramp, and is <= need[k] (every term of the
    mean covers block k). An edge takes the lower of its two blocks, so the straight line between
    a block's edges stays under its need too.
    """
    import numpy as np

    frames = len(samples)
    blocks = -(-frames // LIMITER_BLOCK)
    peaks = np.zeros(blocks, dtype=np.float32)
    for start in range(0, frames, CHUNK_FRAMES):
        part = samples[start : start + CHUNK_FRAMES]
        chunk = np.abs(part[:, 0]) if part.shape[1] == 1 else np.abs(part).max(axis=1)
        chunk = np.pad(chunk, (0, (-len(chunk)) % LIMITER_BLOCK))
        first = start // LIMITER_BLOCK
        peaks[first : first + len(chunk) // LIMITER_BLOCK] = chunk.reshape(-1, LIMITER_BLOCK).max(axis=1)
    need = np.minimum(1.0, limit / np.maximum(peaks * gain, 1e-12)).astype(np.float32)
    if blocks == 0 or need.min() >= 1.0:
        return np.ones(blocks + 1, dtype=np.float32)
    ramp = max(1, round(LIMITER_RAMP_S * sample_rate / LIMITER_BLOCK))
    hold = round(LIMITER_HOLD_S * sample_rate / LIMITER_BLOCK)
    padded = np.concatenate([np.ones(hold + ramp - 1, np.float32), need, np.ones(ramp - 1, np.float32)])
    # held[i] = min(need[j-hold .. j+ramp-1]) for j = i-ramp+1, from j = 1-ramp to blocks-1
    held = sliding_min(padded, hold + ramp)
    sums = np.concatenate([[0.0], np.cumsum(held, dtype=np.float64)])
    per_block = ((sums[ramp:] - sums[:-ramp]) / ramp).astype(np.float32)
    padded_blocks = np.concatenate([per_block[:1], per_block, per_block[-1:]])
    edges: npt.NDArray[np.float32] = np.minimum(padded_blocks[:-1], padded_blocks[1:])
    return edges


def sliding_min(values: npt.NDArray[np.float32], width: int) -> npt.NDArray[np.float32]:
    """out[i] = min(values[i : i + width]) for every full window (van Herk / Gil-Werman, O(n))."""
    import numpy as np

    n = len(values)
    tail = (-n) % width
    rows = np.concatenate([values, np.full(tail, np.inf, dtype=values.dtype)]).reshape(-1, width)
    from_start = np.minimum.accumulate(rows, axis=1).ravel()
    to_end = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].ravel()
    count = n - width + 1
    result: npt.NDArray[np.float32] = np.minimum(to_end[:count], from_start[width - 1 : width - 1 + count])
    return result


def measure_loudness(path: Path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) per EBU R128 / ITU-R BS.1770."""
    proc = run_ffmpeg(
        ["-i", str(path), "-vn", "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
        what=f"measuring loudness of {path.name}",
    )
    result = parse_ebur128_summary(proc.stderr.decode("utf-8", errors="replace"))
    if result.true_peak_dbtp is None:
        raise AudioError(f"ffmpeg did not report the true peak of {path.name}.", "Run `broadcaster doctor`.")
    return result.integrated_lufs, result.true_peak_dbtp
