"""Mastering speech for horn loudspeakers.

Horn loudspeakers on poles reproduce almost nothing below ~200 Hz, distort
when driven with bass, and are heard outdoors over traffic: speech must be
band-limited, dense (compressed), a little slower than conversational, and
at one steady loudness so the amplifier gain set once by the operator fits
every item, jingle and ident.

`master()` runs one processing chain in two passes:

1. ffmpeg: highpass -> acompressor -> atempo, with ebur128 measuring the
   integrated loudness of what will be aired (its gating leaves silence out,
   so trimming it later does not change the figure), then resampling to the
   output rate; the result goes to a float intermediate file so nothing is
   processed twice;
2. numpy, block by block so a long item does not fill the memory: silence
   trimming (no lead-in, pauses and the tail shortened to one sentence pause)
   -> a linear gain (target - measured, the "linear" mode of two-pass
   loudnorm) -> lookahead peak limiter under the true-peak ceiling -> 16-bit
   WAV.

A linear gain lands on the target loudness exactly; only the limiter can pull
it lower, by a few tenths of a LU for compressed speech. ffmpeg's loudnorm
filter would do the same job but upsamples to 192 kHz internally and is ~8x
slower than this chain on a 2-core machine. Pass 2 was a second ffmpeg run
(volume, aresample, alimiter); in numpy it costs about a third of the CPU
time, most of which went to ffmpeg loading its 200 shared libraries
(docs/benchmarks.md, "Speech engines, intelligibility and speed").
"""

from __future__ import annotations

import functools
import itertools
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
from broadcaster.i18n import _
from broadcaster.media.ffmpeg import parse_ebur128_summary, run_ffmpeg

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
    """Pass 1 filter chain (everything that shapes the sound before levelling).

    Silence is trimmed in pass 2, not with ffmpeg's silenceremove: in ffmpeg 5.1 that filter
    drops pieces of speech nowhere near a silence (30-70 ms a sentence of espeak-ng with peak
    detection, 0.3 s with its default RMS detection; half of a natural clip, all of a text read
    over hiss). Whisper lost the first words of sentences to it (docs/benchmarks.md).
    """
    c = settings.compressor
    filters = [
        f"highpass=f={settings.highpass_hz:g}:poles=2",
        f"acompressor=threshold={c.threshold_db:g}dB:ratio={c.ratio:g}:attack={c.attack_ms:g}:release={c.release_ms:g}",
    ]
    if settings.tempo != 1.0:
        filters.append(f"atempo={settings.tempo:g}")
    return ",".join(filters)


def limit_linear(settings: MasteringSettings) -> float:
    """The limiter's sample-peak ceiling, as a linear amplitude."""
    return float(10 ** ((settings.true_peak_dbtp - TRUE_PEAK_MARGIN_DB) / 20))


def filter_chain(settings: MasteringSettings, gain_db: float) -> str:
    """The whole chain as one string, for logs and docs (master() runs it in two passes)."""
    trim = ""
    if settings.trim_silence:
        trim = f"trim=threshold={settings.silence_threshold_db:g}dB:pause={settings.sentence_pause_ms}ms,"
    return (
        f"{processing_filters(settings)},aresample={settings.sample_rate},{trim}"
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
            what=_("mastering {name}").format(name=in_path.name),
        )  # fmt: skip
        measured = parse_ebur128_summary(proc.stderr.decode("utf-8", errors="replace")).integrated_lufs
        if math.isinf(measured) or measured < QUIETEST_MEASURABLE_LUFS:
            raise AudioError(
                _("{name} is silent or too short to master (loudness {measured} LUFS).").format(
                    name=in_path.name, measured=measured
                ),
                _("Render the text again; if it keeps happening, check the speech engine."),
            )
        gain_db = min(settings.loudness_lufs - measured, MAX_GAIN_DB)
        log.debug("mastering %s: measured %.1f LUFS, gain %.2f dB", in_path.name, measured, gain_db)
        part = Path(tmp) / "mastered.wav"
        if write_levelled(mid, part, settings, gain_db) == 0:
            raise AudioError(
                _("{name} is silent: nothing in it is louder than {silence_threshold_db:g} dBFS.").format(
                    name=in_path.name, silence_threshold_db=settings.silence_threshold_db
                ),
                _("Render the text again; if it keeps happening, check the speech engine."),
            )
        os.replace(part, out_path)


def write_levelled(raw_f32: Path, out_path: Path, settings: MasteringSettings, gain_db: float) -> int:
    """Pass 2: silence trimming, gain, peak limiter and 16-bit WAV, from raw floats at the output rate.

    Returns the number of frames written (0: nothing but silence).
    """
    import numpy as np

    channels = settings.channels
    flat = np.memmap(raw_f32, dtype="<f4", mode="r") if raw_f32.stat().st_size else np.zeros(0, "<f4")
    frames = len(flat) // channels
    samples = flat[: frames * channels].reshape(frames, channels)
    peaks, energy = block_stats(samples, settings.sample_rate)
    gain, edges = limited_gain(peaks, energy, gain_db, settings)
    spans = speech_spans(peaks, settings) if settings.trim_silence else [(0, len(peaks))]
    ramp = np.arange(LIMITER_BLOCK, dtype=np.float32) / LIMITER_BLOCK
    step = CHUNK_FRAMES // LIMITER_BLOCK
    with wave.open(str(out_path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(settings.sample_rate)
        for first_block, end_block in spans:
            for block in range(first_block, end_block, step):
                last = min(end_block, block + step)
                chunk = np.array(samples[block * LIMITER_BLOCK : last * LIMITER_BLOCK], dtype=np.float32)
                lo, hi = edges[block:last], edges[block + 1 : last + 1]
                # gain, limiter and the 16-bit scale in one multiplication: 32768 and clipping is how
                # ffmpeg converts float to 16-bit
                curve = (lo[:, None] + (hi - lo)[:, None] * ramp[None, :]).ravel()[: len(chunk)]
                curve *= np.float32(gain * 32768)
                chunk *= curve[:, None]
                np.rint(chunk, out=chunk)
                np.clip(chunk, -32768, 32767, out=chunk)
                out.writeframesraw(chunk.astype("<i2").tobytes())  # sizes patched at close
    return sum(min(end * LIMITER_BLOCK, frames) - start * LIMITER_BLOCK for start, end in spans)


def block_stats(
    samples: npt.NDArray[np.float32], sample_rate: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float64]]:
    """The peak and the K-weighted energy (BS.1770's weighting) of every block of LIMITER_BLOCK frames."""
    import numpy as np

    frames = len(samples)
    blocks = -(-frames // LIMITER_BLOCK)
    peaks, energy = np.zeros(blocks, dtype=np.float32), np.zeros(blocks, dtype=np.float64)
    for start in range(0, frames, CHUNK_FRAMES):  # CHUNK_FRAMES is a whole number of blocks
        part = np.asarray(samples[start : start + CHUNK_FRAMES], dtype=np.float32)
        part = np.pad(part, ((0, (-len(part)) % LIMITER_BLOCK), (0, 0)))
        # the weighting's magnitude on the FFT grid: energy does not care about phase
        spectrum = np.fft.rfft(part, axis=0) * k_weighting(len(part), sample_rate)[:, None]
        weighted = np.fft.irfft(spectrum, n=len(part), axis=0)
        first, count = start // LIMITER_BLOCK, len(part) // LIMITER_BLOCK
        peaks[first : first + count] = np.abs(part).reshape(count, -1).max(axis=1)
        energy[first : first + count] = np.square(weighted).reshape(count, -1).sum(axis=1)
    return peaks, energy


@functools.lru_cache(maxsize=4)
def k_weighting(n: int, sample_rate: int) -> npt.NDArray[np.float64]:
    """|H| of ITU-R BS.1770's K-weighting (high shelf +4 dB, high-pass 38 Hz) at rfft's frequencies.

    Every chunk but an item's last has the same length: computed once (10 ms each time at 44.1 kHz,
    a third of block_stats), kept read-only.
    """
    import numpy as np

    z = np.exp(-1j * np.pi * np.fft.rfftfreq(n, 1 / sample_rate) / (sample_rate / 2))
    response = np.ones(len(z), dtype=np.float64)
    # the filters of BS.1770 in the form pyloudnorm and libebur128 derive for any rate
    for kind, fc, q, gain_db in (("shelf", 1681.974450955533, 0.7071752369554196, 3.999843853973347),
                                 ("highpass", 38.13547087602444, 0.5003270373238773, 0.0)):  # fmt: skip
        k = math.tan(math.pi * fc / sample_rate)
        if kind == "shelf":
            vh = 10 ** (gain_db / 20)
            vb = vh**0.4996667741545416
            a0 = 1 + k / q + k * k
            b = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
            a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
        else:
            b, a = (
                (1.0, -2.0, 1.0),
                (1.0, 2 * (k * k - 1) / (1 + k / q + k * k), (1 - k / q + k * k) / (1 + k / q + k * k)),
            )
        response *= np.abs((b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2))
    response.setflags(write=False)
    return response


def limited_gain(
    peaks: npt.NDArray[np.float32], energy: npt.NDArray[np.float64], gain_db: float, settings: MasteringSettings
) -> tuple[float, npt.NDArray[np.float32]]:
    """(linear gain, limiter gain at block edges) that land on the target loudness after limiting.

    The limiter takes loudness away where it acts (most with an input its compressor barely
    touched: a quiet recording lost 1.1 LU). Its loss is the K-weighted energy it removes, so
    the gain is raised by that much and the limiter worked out again, until they agree.
    """
    import numpy as np

    limit, total = limit_linear(settings), float(energy.sum())
    gain = 10 ** (gain_db / 20)
    edges = limiter_gain(peaks, gain, limit, settings.sample_rate)
    for _round in range(4):
        middle = (edges[:-1].astype(np.float64) + edges[1:]) / 2
        loss_db = 10 * math.log10(max(float(np.dot(energy, middle**2)), 1e-30) / total) if total > 0 else 0.0
        wanted = min(gain_db - loss_db, MAX_GAIN_DB)
        if abs(20 * math.log10(gain) - wanted) < 0.05:
            break
        gain = 10 ** (wanted / 20)
        edges = limiter_gain(peaks, gain, limit, settings.sample_rate)
    return gain, edges


def speech_spans(peaks: npt.NDArray[np.float32], settings: MasteringSettings) -> list[tuple[int, int]]:
    """Block ranges to keep: no lead-in, every pause and the tail at most `sentence_pause_ms`.

    A long pause keeps its first and last halves, so a sentence's fading end and the next
    one's onset are both heard.
    """
    import numpy as np

    silent = peaks < 10 ** (settings.silence_threshold_db / 20)
    if not len(peaks) or silent.all():
        return []
    pause = max(1, round(settings.sentence_pause_ms / 1000 * settings.sample_rate / LIMITER_BLOCK))
    changes = np.flatnonzero(np.diff(silent.astype(np.int8))) + 1
    bounds = [0, *changes.tolist(), len(peaks)]
    spans: list[tuple[int, int]] = []
    for start, end in itertools.pairwise(bounds):
        if not silent[start]:
            spans.append((start, end))
        elif start == 0:
            continue  # lead-in
        elif end == len(peaks):
            spans.append((start, min(end, start + pause)))  # tail
        elif end - start > pause:
            spans += [(start, start + pause // 2), (end - (pause - pause // 2), end)]
        else:
            spans.append((start, end))
    # one span per piece actually kept: speech flickers under the threshold between syllables
    # (2,000 spans for a 2-minute item, each a write of its own), and those pieces are contiguous
    merged = spans[:1]
    for start, end in spans[1:]:
        if start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def limiter_gain(
    peaks: npt.NDArray[np.float32], gain: float, limit: float, sample_rate: int
) -> npt.NDArray[np.float32]:
    """The limiter's gain at every block edge (len = blocks + 1), never above what a sample needs.

    need[k] is the gain that brings block k's peak to `limit`. min over need[k-hold .. k+ramp-1]
    then a mean over the last `ramp` of those gives a gain per block that dips in a straight ramp
    before a peak, holds, and recovers in a straight ramp, and is <= need[k] (every term of the
    mean covers block k). An edge takes the lower of its two blocks, so the straight line between
    a block's edges stays under its need too.
    """
    import numpy as np

    blocks = len(peaks)
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
        what=_("measuring loudness of {name}").format(name=path.name),
    )
    result = parse_ebur128_summary(proc.stderr.decode("utf-8", errors="replace"))
    if result.true_peak_dbtp is None:
        raise AudioError(
            _("ffmpeg did not report the true peak of {name}.").format(name=path.name), _("Run `broadcaster doctor`.")
        )
    return result.integrated_lufs, result.true_peak_dbtp
