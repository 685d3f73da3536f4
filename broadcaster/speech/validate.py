"""Is this file really speech for this text? Checked before anything is cached or aired."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.errors import AudioError, BroadcasterError, SpeechError
from broadcaster.i18n import _, format_number
from broadcaster.media.ffmpeg import decode_mono
from broadcaster.media.pcm import read_wav_layout

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

log = logging.getLogger(__name__)

ANALYSIS_RATE = 16000
# Speech sits around -20 dBFS RMS; -45 dBFS RMS is a whisper under the noise
# floor of a horn line, and a peak under -30 dBFS is nothing anyone would hear.
MIN_RMS_DBFS = -45.0
MIN_PEAK_DBFS = -30.0
# Duration per spoken character (letters and digits; spaces and punctuation
# cost no time of their own). Fast Vietnamese news reading is ~15 chars/s
# (0.067 s/char), espeak-ng at 80 wpm ~5 chars/s (0.2 s/char). The bounds sit
# far outside both so only real failures trip them: under 0.02 s/char is
# truncated audio (a cut-off download, one piece of many), over 0.6 s/char is
# audio that does not belong to this text (a loop, a stuck stream). The fixed
# allowance covers lead-in/out silence and one-word texts.
MIN_S_PER_CHAR = 0.02
MAX_S_PER_CHAR = 0.6
FIXED_ALLOWANCE_S = 2.0


def spoken_chars(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def duration_bounds(text: str) -> tuple[float, float]:
    n = spoken_chars(text)
    return MIN_S_PER_CHAR * n, FIXED_ALLOWANCE_S + MAX_S_PER_CHAR * n


def _dbfs(value: float) -> float:
    import numpy as np

    return 20 * float(np.log10(value)) if value > 0 else float("-inf")


def read_samples(path: Path) -> tuple[npt.NDArray[np.float32], int]:
    """(mono samples in [-1, 1], their rate): a 16-bit PCM WAV (espeak-ng, Piper) is read as it is,
    anything else (gTTS's MP3) decoded by ffmpeg at ANALYSIS_RATE.

    Reading the WAV instead of running ffmpeg on it costs 38 ms instead of 138 ms of CPU for a
    2-minute item (docs/benchmarks.md, issue 12's speed).
    """
    import numpy as np

    try:
        with path.open("rb") as f:
            is_wav = f.read(12)[8:12] == b"WAVE"
        layout = read_wav_layout(path) if is_wav else None
    except (OSError, BroadcasterError):
        layout = None  # not 16-bit PCM: ffmpeg decodes it, or says why it cannot
    if layout is None:
        return decode_mono(path, ANALYSIS_RATE), ANALYSIS_RATE
    frames = layout.data_size // layout.frame_bytes
    pcm = np.fromfile(path, dtype="<i2", count=frames * layout.channels, offset=layout.data_offset)
    samples = pcm.reshape(frames, layout.channels).mean(axis=1, dtype=np.float32) / np.float32(32768)
    return samples, layout.rate


def validate_rendering(path: Path, text: str) -> float:
    """Return the duration in seconds of a valid rendering of `text`; raise SpeechError otherwise."""
    import numpy as np

    if not path.is_file() or path.stat().st_size == 0:
        raise SpeechError(
            _("The rendering {name} is empty.").format(name=path.name), _("The engine produced no audio; try another.")
        )
    try:
        samples, rate = read_samples(path)
    except AudioError as exc:
        raise SpeechError(
            _("The rendering {name} cannot be decoded: {message}").format(name=path.name, message=exc.message)
        ) from exc
    duration = len(samples) / rate
    if duration == 0:
        raise SpeechError(_("The rendering {name} contains no audio.").format(name=path.name))
    rms = _dbfs(float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))))
    peak = _dbfs(float(np.max(np.abs(samples))))
    if rms < MIN_RMS_DBFS or peak < MIN_PEAK_DBFS:
        raise SpeechError(
            _("The rendering {name} is silent (RMS {rms:.0f} dBFS, peak {peak:.0f} dBFS).").format(
                name=path.name, rms=rms, peak=peak
            ),
            _("The engine returned silence; another engine will be tried."),
        )
    low, high = duration_bounds(text)
    if not low <= duration <= high:
        raise SpeechError(
            _(
                "The rendering {name} lasts {duration} s, implausible for {chars} characters (expected {low}-{high} s)."
            ).format(
                name=path.name,
                duration=format_number(duration, 1),
                chars=spoken_chars(text),
                low=format_number(low, 1),
                high=format_number(high, 1),
            ),
            _("The audio is cut off or does not match the text; another engine will be tried."),
        )
    log.debug("valid rendering %s: %.2f s, RMS %.1f dBFS, peak %.1f dBFS", path.name, duration, rms, peak)
    return duration
