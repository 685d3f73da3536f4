"""The ffprobe and ffmpeg calls that measure a received file (the I/O edge of intake).

Received files are untrusted: ffmpeg opens them only through the `file:`
protocol and only with the demuxers in ALLOWED_DEMUXERS, every run has a
timeout, and decoding stops a second past the longest item allowed, so a
small file that claims to last ten hours costs no more than a long one.
"""

from __future__ import annotations

import json
import logging
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from broadcaster.errors import AudioError
from broadcaster.i18n import _
from broadcaster.recordings.checks import ALLOWED_DEMUXERS, not_decodable
from broadcaster.recordings.figures import BLOCK_S, Measurement, ProbeResult, RecordingLimits, StreamInfo

log = logging.getLogger(__name__)

FFPROBE = "ffprobe"
FFMPEG = "ffmpeg"
INSTALL_HINT = "Is ffmpeg installed? apt-get install ffmpeg"
# Horn loudspeakers play nothing above ~8 kHz, and the speech engines give 22-24 kHz: a recording
# made at more is checked and mastered at 22.05 kHz (half the work of 44.1 kHz), like speech.
WORK_RATE = 22050
MAX_KEPT_RATE = 24000
MIN_RATE = 8000
CHUNK_S = 1.0

SAFE_INPUT = ["-protocol_whitelist", "file", "-format_whitelist", ",".join(ALLOWED_DEMUXERS)]


def file_url(path: Path) -> str:
    # "file:" keeps a name like "http:x.mp3" or "concat:a|b" from choosing a protocol
    return "file:" + str(path.resolve())


def probe_file(path: Path, name: str, limits: RecordingLimits) -> ProbeResult:
    """What ffprobe sees in `path`; InputError when it is not something ffmpeg may decode."""
    cmd = [FFPROBE, "-hide_banner", "-v", "error", *SAFE_INPUT, "-print_format", "json",
           "-show_format", "-show_streams", file_url(path)]  # fmt: skip
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=limits.probe_timeout_s, check=False)
    except FileNotFoundError as exc:
        raise AudioError(_("ffprobe was not found while checking {name}.").format(name=name), INSTALL_HINT) from exc
    except subprocess.TimeoutExpired as exc:
        raise AudioError(
            _("ffprobe took longer than {seconds:.0f} s to read {name}.").format(
                seconds=limits.probe_timeout_s, name=name
            ),
            _("The file may be damaged or the machine overloaded; try again, or export it again as MP3."),
        ) from exc
    if proc.returncode != 0:
        log.debug("ffprobe refused %s: %s", name, proc.stderr.decode("utf-8", errors="replace")[-500:])
        raise not_decodable(name, None)
    try:
        return parse_probe(json.loads(proc.stdout or b"{}"))
    except (ValueError, TypeError, KeyError) as exc:
        raise not_decodable(name, None) from exc


def parse_probe(data: dict[str, Any]) -> ProbeResult:
    """ffprobe's JSON (-show_format -show_streams) as a ProbeResult."""
    fmt = data.get("format") or {}
    if not fmt.get("format_name"):
        raise ValueError("ffprobe listed no format")
    streams = tuple(
        StreamInfo(
            kind=str(s.get("codec_type", "unknown")),
            codec=str(s.get("codec_name", "")) if s.get("codec_name") not in (None, "none") else "",
            attached_picture=bool((s.get("disposition") or {}).get("attached_pic")),
        )
        for s in data.get("streams") or []
    )
    first_audio: dict[str, Any] = next((s for s in data.get("streams") or [] if s.get("codec_type") == "audio"), {})
    duration = fmt.get("duration")
    return ProbeResult(
        format_name=str(fmt["format_name"]),
        streams=streams,
        duration_s=float(duration) if duration not in (None, "N/A") else None,
        sample_rate=int(first_audio.get("sample_rate") or 0),
        channels=int(first_audio.get("channels") or 0),
        brand=str((fmt.get("tags") or {}).get("major_brand", "")),
    )


def decode_rate(probe: ProbeResult) -> int:
    rate = probe.sample_rate or WORK_RATE
    return WORK_RATE if rate > MAX_KEPT_RATE else max(rate, MIN_RATE)


def decode_channels(probe: ProbeResult) -> int:
    return 1 if probe.channels <= 1 else 2


def measure_sound(
    path: Path, name: str, probe: ProbeResult, limits: RecordingLimits, raw_out: Path | None = None
) -> Measurement:
    """Decode the first sound track once: block peaks and smoothness, and the samples to `raw_out` if given.

    `raw_out` receives float32 little-endian interleaved samples at decode_rate(probe)
    and decode_channels(probe): what is checked is exactly what gets mastered.
    """
    rate, channels = decode_rate(probe), decode_channels(probe)
    cmd = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", *SAFE_INPUT, "-i", file_url(path),
           "-map", "0:a:0", "-t", f"{limits.max_seconds + 1:g}", "-ac", str(channels), "-ar", str(rate),
           "-f", "f32le", "pipe:1"]  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors)
        except FileNotFoundError as exc:
            raise AudioError(_("ffmpeg was not found while checking {name}.").format(name=name), INSTALL_HINT) from exc
        # a stuck decoder (a damaged file, an overloaded machine) is killed, not waited on forever
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(limits.decode_timeout_s, kill)
        timer.start()
        try:
            assert proc.stdout is not None
            measurement = _read_stream(proc.stdout, rate, channels, raw_out)
            returncode = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        errors.seek(0)
        error_lines = errors.read().decode("utf-8", errors="replace").strip().splitlines()
    if killed.is_set() and returncode != 0:  # a decoder that finished as the timer fired did its job
        raise AudioError(
            _("ffmpeg took longer than {seconds:.0f} s to decode {name}.").format(
                seconds=limits.decode_timeout_s, name=name
            ),
            _("The file may be damaged or the machine overloaded; try again, or export it again as MP3."),
        )
    if returncode != 0 and measurement.frames == 0:
        log.debug("ffmpeg could not decode %s: %s", name, " | ".join(error_lines[-3:]))
        raise not_decodable(name, None)
    return Measurement(
        frames=measurement.frames,
        sample_rate=rate,
        channels=channels,
        block_peaks=measurement.block_peaks,
        correlation=measurement.correlation,
        decode_errors=len(error_lines),
    )


def _read_stream(stream: IO[bytes], rate: int, channels: int, raw_out: Path | None) -> Measurement:
    import numpy as np

    block = round(rate * BLOCK_S) * channels  # samples per block, all channels
    chunk_bytes = block * round(CHUNK_S / BLOCK_S) * 4
    peaks: list[np.ndarray] = []
    lagged = energy = 0.0
    total = 0
    damaged = False
    pending = b""
    sink = raw_out.open("wb") if raw_out is not None else None
    try:
        while data := stream.read(chunk_bytes):
            if sink is not None:
                sink.write(data)
            data = pending + data
            usable = len(data) - len(data) % 4
            pending = data[usable:]
            x = np.frombuffer(data[:usable], dtype="<f4")
            if not np.isfinite(x).all():  # a float WAV of garbage: not numbers, so no sound at all
                damaged = True
                x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
            total += len(x)
            whole = len(x) - len(x) % block
            if whole:
                peaks.append(np.abs(x[:whole]).reshape(-1, block).max(axis=1))
            if whole < len(x):
                peaks.append(np.abs(x[whole:]).max(keepdims=True))
            # lag of one frame: the same channel's previous sample. einsum, not BLAS:
            # a BLAS dot spins up threads that fight the decoder for the two cores
            centred = x.astype(np.float64)
            centred -= centred.mean() if len(x) else 0.0
            lagged += float(np.einsum("i,i->", centred[channels:], centred[:-channels]))
            energy += float(np.einsum("i,i->", centred, centred))
    finally:
        if sink is not None:
            sink.close()
    block_peaks = np.concatenate(peaks).astype(np.float32) if peaks else np.zeros(0, dtype=np.float32)
    return Measurement(
        frames=total // channels,
        sample_rate=rate,
        channels=channels,
        block_peaks=block_peaks,
        # samples that are not numbers make it noise, whatever the rest looks like
        correlation=0.0 if damaged else lagged / energy if energy > 0 else 1.0,
    )
