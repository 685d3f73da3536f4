"""ffmpeg at the edge: checking a stream ahead of a slot, and reading it to raw PCM during one.

`probe_stream` listens for a few seconds and says whether the stream is there,
what it is and whether it carries sound. `StreamReader` keeps one ffmpeg
decoding the stream to the output's PCM format; when it ends or stalls it is
replaced, with growing pauses between attempts. Everything it sees goes onto a
queue of `StreamEvent`s that the relay session judges (relay/monitor.py); the
reader decides nothing but when to give up on a connection.
"""

from __future__ import annotations

import io
import logging
import math
import queue
import re
import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from typing import Literal

from broadcaster.clock import Clock
from broadcaster.i18n import _
from broadcaster.relay.monitor import Backoff

log = logging.getLogger(__name__)

FFMPEG = "ffmpeg"
SILENT_DBFS = -120.0  # what digital silence measures as (log of zero)


def is_file_url(url: str) -> bool:
    return url.startswith(("file:", "/"))


def explain_stream_failure(stderr: str, returncode: int | None) -> str:
    """Why ffmpeg could not read the stream, in words for the airing record."""
    lowered = stderr.lower()
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    detail = lines[-1] if lines else ""
    if "connection refused" in lowered:
        return _("the stream's server refused the connection")
    if "404" in lowered or ("not found" in lowered and "http" in lowered):
        return _("the stream was not found on its server (404)")
    if "name or service not known" in lowered or "failed to resolve" in lowered or "name resolution" in lowered:
        return _("the stream's server name could not be found (check the address and the Internet connection)")
    if "timed out" in lowered or "timeout" in lowered:
        return _("the stream's server did not answer in time")
    if "no such file" in lowered:
        return _("the stream's file was not found")
    if "invalid data" in lowered or "could not find codec" in lowered or "does not contain any stream" in lowered:
        return _("the address does not give audio that can be decoded")
    if returncode == 0 or not detail:
        return _("the stream ended")
    return _("reading the stream failed: {detail}").format(detail=detail)


def dbfs(pcm: bytes) -> float:
    """RMS level of 16-bit PCM in dBFS (full-scale sine = -3 dBFS)."""
    import numpy as np

    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
    if len(samples) == 0:
        return SILENT_DBFS
    rms = float(np.sqrt(np.mean(samples * samples)))
    return 20 * math.log10(rms / 32768) if rms > 0 else SILENT_DBFS


def _read_command(url: str, rate: int, channels: int, ffmpeg: str, loglevel: str = "warning") -> list[str]:
    # small probe sizes: a live stream's first sound comes out in a fraction of a second
    pace = ["-re"] if is_file_url(url) else []  # a file would be read as fast as the disk goes
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-loglevel", loglevel, *pace,
        "-probesize", "65536", "-analyzeduration", "1000000", "-rw_timeout", "10000000",
        "-i", url, "-vn", "-ac", str(channels), "-ar", str(rate), "-f", "s16le", "-flush_packets", "1", "pipe:1",
    ]  # fmt: skip


# --------------------------------------------------------------------------- probe


@dataclass(frozen=True)
class ProbeResult:
    reachable: bool  # audio came from the stream
    audible: bool  # and it was not silence
    codec: str | None  # "mp3", "aac", "vorbis", "opus", ...
    sample_rate: int | None
    channels: str | None  # "mono", "stereo", ...
    level_dbfs: float | None  # RMS of what was heard
    why: str  # "" when the stream is fine; otherwise what is wrong, for the log and the console

    @property
    def ok(self) -> bool:
        return self.reachable and self.audible


_STREAM_INFO = re.compile(r"Stream #\d+:\d+.*?: Audio: (\w+)[^,\n]*(?:, (\d+) Hz)?(?:, ([\w.()]+))?")


def probe_stream(
    url: str, timeout: float = 15.0, *, listen_s: float = 3.0, silence_dbfs: float = -50.0, ffmpeg: str = FFMPEG
) -> ProbeResult:
    """Listens to `url` for up to `listen_s` of audio (at most `timeout` seconds) and says if it can be relayed."""
    command = _read_command(url, 8000, 1, ffmpeg, loglevel="info")
    command[command.index("-i") : command.index("-i")] = ["-t", f"{listen_s:g}"]
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        why = _("ffmpeg could not be started ({error}); is ffmpeg installed?").format(error=exc.strerror)
        return ProbeResult(False, False, None, None, None, None, why)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        out, err = proc.communicate()
    stderr = err.decode(errors="replace")
    info = _STREAM_INFO.search(stderr)
    codec = info.group(1) if info else None
    rate = int(info.group(2)) if info and info.group(2) else None
    layout = info.group(3) if info else None
    if not out:
        why = (
            _("no audio from the stream within {seconds} s").format(seconds=f"{timeout:g}")
            if timed_out
            else explain_stream_failure(stderr, proc.returncode)
        )
        return ProbeResult(False, False, codec, rate, layout, None, why)
    level = dbfs(out)
    audible = level >= silence_dbfs
    why = "" if audible else _("the stream is silent ({level} dBFS)").format(level=f"{level:.0f}")
    return ProbeResult(True, audible, codec, rate, layout, round(level, 1), why)


def check_stream(url: str, timeout: float = 15.0) -> str | None:
    """For `broadcaster doctor`: None when `url` can be relayed now, else what is wrong and what to do."""
    result = probe_stream(url, timeout)
    if result.ok:
        return None
    return _("The relay stream {url} cannot be relayed now: {why}. Check [[slots]] relay_url in config.toml; "
             "until it works, relay slots air the station's fallback.").format(url=url, why=result.why)  # fmt: skip


# --------------------------------------------------------------------------- reading during a slot


@dataclass(frozen=True)
class StreamEvent:
    kind: Literal["started", "audio", "ended"]
    at: float  # monotonic seconds
    pcm: bytes = b""
    rms_dbfs: float = SILENT_DBFS
    why: str = ""


class StreamReader:
    """One ffmpeg at a time decoding `url` to s16le PCM; replaced with backoff when it ends or stalls."""

    def __init__(
        self,
        url: str,
        rate: int,
        channels: int,
        clock: Clock,
        *,
        stall_s: float = 3.0,
        connect_timeout_s: float = 10.0,
        backoff: Backoff | None = None,
        good_run_s: float = 10.0,
        block_s: float = 0.1,
        ffmpeg: str = FFMPEG,
    ) -> None:
        self.url, self.rate, self.channels, self.clock = url, rate, channels, clock
        self.stall_s = stall_s
        self.connect_timeout_s = connect_timeout_s
        self.backoff = backoff or Backoff()
        self.good_run_s = good_run_s  # a connection that delivered this long resets the backoff
        self.block_bytes = max(1, round(rate * block_s)) * 2 * channels
        self.ffmpeg = ffmpeg
        self.events: queue.Queue[StreamEvent] = queue.Queue()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._last_bytes_at: float | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._closed.clear()
        self._thread = threading.Thread(target=self._supervise, name="relay-stream", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        if self._thread is not None:
            self._thread.join(10)

    def _supervise(self) -> None:
        while not self._closed.is_set():
            delay = self.backoff.next_delay()
            if delay and self._closed.wait(delay):
                return
            try:
                self._one_connection()
            except OSError as exc:
                why = _("ffmpeg could not be started ({error}); is ffmpeg installed?").format(error=exc.strerror)
                log.error("relay: %s", why)
                self.events.put(StreamEvent("ended", self.clock.monotonic(), why=why))

    def _one_connection(self) -> None:
        command = _read_command(self.url, self.rate, self.channels, self.ffmpeg)
        log.debug("relay: reading %s", self.url)
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        started = self.clock.monotonic()
        with self._lock:
            self._proc, self._last_bytes_at = proc, None
        self.events.put(StreamEvent("started", started))
        stderr: deque[str] = deque(maxlen=20)
        threads = [
            threading.Thread(target=self._pump, args=(proc,), name="relay-pcm", daemon=True),
            threading.Thread(target=self._collect, args=(proc, stderr), name="relay-log", daemon=True),
        ]
        for thread in threads:
            thread.start()
        given_up = self._watch(proc, started)
        proc.wait()
        for thread in threads:
            thread.join(5)
        why = given_up or explain_stream_failure("\n".join(stderr), proc.returncode)
        if not self._closed.is_set():
            log.warning("relay: the stream %s stopped: %s", self.url, why)
        self.events.put(StreamEvent("ended", self.clock.monotonic(), why=why))

    def _watch(self, proc: subprocess.Popen[bytes], started: float) -> str:
        """Waits for the process to end; kills it when it stalls. Returns why it was given up, or ""."""
        while proc.poll() is None:
            if self._closed.wait(0.1):
                proc.kill()
                return _("the relay ended")
            now = self.clock.monotonic()
            with self._lock:
                last = self._last_bytes_at
            if last is None and now - started >= self.connect_timeout_s:
                proc.kill()
                return _("no audio from the stream within {seconds} s").format(seconds=f"{self.connect_timeout_s:g}")
            if last is not None and now - last >= self.stall_s:
                proc.kill()
                return _("the stream stalled (no data for {seconds} s)").format(seconds=f"{now - last:.0f}")
            if last is not None and now - started >= self.good_run_s and now - last < 1.0:
                self.backoff.reset()
        return ""

    def _pump(self, proc: subprocess.Popen[bytes]) -> None:
        stream = proc.stdout
        assert isinstance(stream, io.BufferedReader)
        pending = b""
        while True:
            block = stream.read1(self.block_bytes)
            if not block:
                break
            now = self.clock.monotonic()
            with self._lock:
                self._last_bytes_at = now
            pending += block
            # fixed-length blocks: the silence rule counts seconds of audio, whatever the pipe hands over
            while len(pending) >= self.block_bytes:
                pcm, pending = pending[: self.block_bytes], pending[self.block_bytes :]
                self.events.put(StreamEvent("audio", now, pcm, dbfs(pcm)))
        stream.close()

    def _collect(self, proc: subprocess.Popen[bytes], lines: deque[str]) -> None:
        stream = proc.stderr
        assert stream is not None
        for raw in stream:
            lines.append(raw.decode(errors="replace").rstrip())
        stream.close()


class PcmQueue:
    """Relay audio received and not yet aired. Used by one thread only (the session's)."""

    def __init__(self, bytes_per_s: int, frame_bytes: int) -> None:
        self.bytes_per_s = bytes_per_s
        self.frame_bytes = frame_bytes
        self._blocks: deque[bytes] = deque()
        self._size = 0

    @property
    def seconds(self) -> float:
        return self._size / self.bytes_per_s

    def push(self, pcm: bytes) -> None:
        self._blocks.append(pcm)
        self._size += len(pcm)

    def take(self, n: int) -> bytes:
        """Up to `n` bytes, whole frames, oldest first."""
        parts: list[bytes] = []
        want = n - n % self.frame_bytes
        while want > 0 and self._blocks:
            block = self._blocks.popleft()
            if len(block) > want:
                self._blocks.appendleft(block[want:])
                block = block[:want]
            parts.append(block)
            want -= len(block)
            self._size -= len(block)
        return b"".join(parts)

    def keep_newest(self, seconds: float) -> None:
        """Drops older audio so what airs next is at most `seconds` behind the live stream."""
        excess = self._size - round(seconds * self.bytes_per_s)
        if excess > 0:
            self.take(excess)

    def clear(self) -> None:
        self._blocks.clear()
        self._size = 0
