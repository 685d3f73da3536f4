"""A tiny adapter around the ffmpeg binary.

Every ffmpeg call in the package goes through `run_ffmpeg`, so a missing
binary or a failed filter graph becomes one AudioError that names the file
and says how to fix it, instead of a CalledProcessError with a page of log.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

from broadcaster.errors import AudioError
from broadcaster.i18n import N_, _

log = logging.getLogger(__name__)

FFMPEG = "ffmpeg"
INSTALL_HINT = N_("Is ffmpeg installed? apt-get install ffmpeg")

# Filters mastering and validation rely on; a stripped-down ffmpeg build may lack some.
REQUIRED_FILTERS = ("highpass", "acompressor", "atempo", "silenceremove", "ebur128", "alimiter", "volume")


def run_ffmpeg(
    args: list[str], *, what: str, binary: str = FFMPEG, timeout_s: float = 600.0
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with `args`; `what` names the job in error messages ("mastering news.wav")."""
    cmd = [binary, "-hide_banner", "-nostdin", "-loglevel", "info", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
    except FileNotFoundError as exc:
        raise AudioError(_("ffmpeg was not found while {what}.").format(what=what), _(INSTALL_HINT)) from exc
    except subprocess.TimeoutExpired as exc:
        raise AudioError(
            _("ffmpeg took longer than {timeout_s:.0f} s while {what}.").format(timeout_s=timeout_s, what=what),
            _("The audio may be very long or the machine overloaded; try again."),
        ) from exc
    if proc.returncode != 0:
        tail = _tail(proc.stderr)
        log.debug("ffmpeg failed (%s): %s", " ".join(cmd), tail)
        raise AudioError(
            _("ffmpeg failed while {what}: {tail}").format(what=what, tail=tail),
            _("Check that the file is a readable audio file; run `broadcaster doctor` to check ffmpeg."),
        )
    return proc


def _tail(stderr: bytes, lines: int = 3) -> str:
    text = stderr.decode("utf-8", errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) if text else _("no error output")


def decode_mono(path: Path, sample_rate: int = 16000) -> npt.NDArray[np.float32]:
    """Decode any audio file ffmpeg understands into mono float samples in [-1, 1]."""
    proc = run_ffmpeg(
        ["-i", str(path), "-vn", "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "-"],
        what=_("decoding {name}").format(name=path.name),
    )
    import numpy as np

    return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float | None  # only measured with ebur128=peak=true


_INTEGRATED = re.compile(r"Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf)\s*LUFS")
_TRUE_PEAK = re.compile(r"True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS")


def parse_ebur128_summary(stderr: str) -> Loudness:
    """Read the summary ebur128 prints at the end of a run."""
    integ = _INTEGRATED.findall(stderr)
    peak = _TRUE_PEAK.findall(stderr)
    if not integ:
        raise AudioError(_("ffmpeg did not report a loudness summary."), _("Run `broadcaster doctor` to check ffmpeg."))
    return Loudness(float(integ[-1]), float(peak[-1]) if peak else None)


def check_ffmpeg(binary: str = FFMPEG) -> str | None:
    """None when ffmpeg is usable for broadcaster, otherwise what is wrong and the fixing command."""
    found = shutil.which(binary)
    if found is None:
        return _("ffmpeg ({binary}) is not installed or not on PATH. Fix: apt-get install ffmpeg").format(binary=binary)
    try:
        stat = os.stat(found)
        names = _filter_names(found, stat.st_mtime_ns, stat.st_size)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _("ffmpeg ({binary}) could not be run: {exc}. Fix: apt-get install --reinstall ffmpeg").format(
            binary=binary, exc=exc
        )
    missing = [f for f in REQUIRED_FILTERS if f not in names]
    if missing:
        return _(
            "ffmpeg lacks the audio filters {filters}. Fix: apt-get install ffmpeg (the Debian/Ubuntu build has them)"
        ).format(filters=", ".join(missing))
    return None


@functools.lru_cache(maxsize=4)
def _filter_names(path: str, _mtime_ns: int, _size: int) -> frozenset[str]:
    """The filters of the ffmpeg at `path`, as this very file lists them (a new ffmpeg is a new key).

    Kept for the process: the console's doctor page would otherwise start ffmpeg (~0.1 s of CPU, most of
    it loading its 200 libraries) for the same answer each time. A failure is never kept."""
    proc = subprocess.run([path, "-hide_banner", "-filters"], capture_output=True, timeout=30, check=False)
    listing = proc.stdout.decode("utf-8", errors="replace")
    return frozenset(parts[1] for line in listing.splitlines() if len(parts := line.split()) >= 2)
