"""Record what the 'horn' sink of the test PulseAudio server plays, and find sounds in it.

scripts/start-audio-server.sh starts the server (.ci/run and scripts/test.sh do it).
Use the `audio_server` fixture to skip cleanly without it, and `sink_recorder`
for a recorder that is already listening (start it BEFORE the first play:
parec takes from milliseconds to seconds to connect). `private_sink_recorder`
listens to a null sink of the test process's own instead of 'horn', so test
runs sharing the server do not hear each other.

Timing: every block parec hands us is stamped with the wall clock on arrival.
A block can arrive late, never early, so for any sample the best estimate of
when it sounded is the smallest (arrival - samples so far / rate) among the
blocks around it: the recording is anchored by its blocks' arrivals, not by
when parec was started (whose delay varies).

Other tests can use these with `from tests.audio_server import audio_server, sink_recorder  # noqa: F401`
or the lead can add `pytest_plugins = ["tests.audio_server"]` to tests/conftest.py.
"""

from __future__ import annotations

import atexit
import io
import os
import re
import subprocess
import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from broadcaster.clock import Clock, SystemClock

RATE = 44100
SINK = "horn"
DEFAULT_SERVER = "unix:/tmp/broadcaster-pulse/pulse/native"


def pulse_server() -> str | None:
    """The PULSE_SERVER to use, or None when no server with the horn sink answers."""
    for server in dict.fromkeys([os.environ.get("PULSE_SERVER"), DEFAULT_SERVER]):
        if not server:
            continue
        env = {**os.environ, "PULSE_SERVER": server}
        try:
            info = subprocess.run(
                ["pactl", "list", "short", "sinks"], env=env, capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if info.returncode == 0 and any(line.split("\t")[1:2] == [SINK] for line in info.stdout.splitlines()):
            return server
    return None


def _pactl(server: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PULSE_SERVER": server}
    return subprocess.run(["pactl", *args], env=env, capture_output=True, text=True, timeout=10, check=False)


def _unload_orphans(server: str) -> None:
    """Private sinks left by test runs that were killed before they could clean up."""
    for line in _pactl(server, "list", "short", "modules").stdout.splitlines():
        match = re.search(r"sink_name=horn_test_(\d+)", line)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            _pactl(server, "unload-module", line.split("\t")[0])


_private: dict[str, str] = {}


def private_sink(server: str) -> str:
    """A null sink of this test process's own (made once, removed at exit), or 'horn' if that fails.

    Test runs sharing one server then never hear each other. A quiet listener
    on its monitor keeps it awake: an idle null sink wakes every 2 s, which
    would make each recorder wait that long for its first sound.
    """
    if server in _private:
        return _private[server]
    _unload_orphans(server)
    sink = f"horn_test_{os.getpid()}"
    loaded = _pactl(
        server,
        "load-module",
        "module-null-sink",
        f"sink_name={sink}",
        "sink_properties=device.description=broadcaster-tests",
    )
    if loaded.returncode != 0:
        _private[server] = SINK
        return SINK
    keeper = subprocess.Popen(
        ["parec", f"--device={sink}.monitor", "--raw", "--latency-msec=50"],
        env={**os.environ, "PULSE_SERVER": server},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def remove() -> None:
        keeper.terminate()
        keeper.wait(5)
        _pactl(server, "unload-module", loaded.stdout.strip())

    atexit.register(remove)
    _private[server] = sink
    return sink


@pytest.fixture
def audio_server(monkeypatch: pytest.MonkeyPatch) -> str:
    """Points PulseAudio clients at the test server; skips when it is not running."""
    server = pulse_server()
    if server is None:
        pytest.skip(
            "no PulseAudio server with a 'horn' sink: run scripts/start-audio-server.sh "
            "(or the suite through scripts/test.sh)"
        )
    monkeypatch.setenv("PULSE_SERVER", server)
    return server


@pytest.fixture
def sink_recorder(audio_server: str) -> Iterator[SinkRecorder]:
    """Already listening to the shared 'horn' sink."""
    recorder = SinkRecorder()
    recorder.start()
    try:
        yield recorder
    finally:
        recorder.close()


@pytest.fixture
def private_sink_recorder(audio_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SinkRecorder]:
    """Already listening to this test run's own sink: play to `private_sink_recorder.sink`.

    That sink is also the default sink during the test (PULSE_SINK), so device
    "default" and ALSA's "pulse" device play there too.
    """
    sink = private_sink(audio_server)
    monkeypatch.setenv("PULSE_SINK", sink)
    recorder = SinkRecorder(sink)
    recorder.start()
    try:
        yield recorder
    finally:
        recorder.close()


# --------------------------------------------------------------------------- signals


def tone(seconds: float, freq: float = 1000.0, amplitude: float = 0.5, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def chirp(
    seconds: float, f0: float = 300.0, f1: float = 3000.0, amplitude: float = 0.5, rate: int = RATE
) -> np.ndarray:
    """A sweep: its cross-correlation has one sharp peak, so its position is found to the sample."""
    t = np.arange(round(seconds * rate)) / rate
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds))
    return (amplitude * 32767 * np.sin(phase)).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE, channels: int = 1) -> Path:
    """16-bit PCM; with channels=2 the mono signal goes to both sides."""
    data = np.repeat(samples, channels) if channels > 1 else samples
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.astype("<i2").tobytes())
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int, int]:
    """(int16 samples interleaved, rate, channels)."""
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate(), w.getnchannels()


# --------------------------------------------------------------------------- recording


@dataclass(frozen=True)
class Match:
    index: int  # sample where the reference starts in the recording
    score: float  # normalised correlation, 1.0 = identical shape


class Recording:
    def __init__(self, samples: np.ndarray, rate: int, stamps: list[tuple[float, int]], render_lead_s: float) -> None:
        self.samples = samples
        self.rate = rate
        self._arrival = np.array([s[0] for s in stamps])
        self._ends = np.array([s[1] for s in stamps])
        self._render_lead_s = render_lead_s

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def _offset(self, index: int, window_s: float = 2.0) -> float:
        """Epoch seconds of sample 0, anchored by block arrivals near `index`."""
        offsets = self._arrival - self._ends / self.rate
        near = np.abs(self._ends - index) <= window_s * self.rate
        # the null sink renders (and feeds its monitor) this far before the sound would leave a card
        return float(offsets[near].min() if near.any() else offsets.min()) + self._render_lead_s

    def time_of(self, index: int) -> datetime:
        return datetime.fromtimestamp(self._offset(index) + index / self.rate, UTC)

    def index_of(self, when: datetime) -> int:
        guess = round((when.timestamp() - self._offset(0)) * self.rate)
        return round((when.timestamp() - self._offset(guess)) * self.rate)

    def find(self, reference: np.ndarray, start: int = 0, end: int | None = None) -> Match:
        """Best place of `reference` (mono int16) in samples[start:end], by FFT cross-correlation."""
        hay = self.samples[start:end].astype(np.float64)
        ref = reference.astype(np.float64)
        if len(hay) < len(ref):
            return Match(start, 0.0)
        n = 1 << int(np.ceil(np.log2(len(hay) + len(ref))))
        corr = np.fft.irfft(np.fft.rfft(hay, n) * np.conj(np.fft.rfft(ref, n)), n)[: len(hay) - len(ref) + 1]
        # sliding energy of each window, by running sums (a direct convolution is O(n·m))
        running = np.concatenate(([0.0], np.cumsum(hay * hay)))
        energy = running[len(ref) :] - running[: len(hay) - len(ref) + 1]
        score = corr / (np.sqrt(np.maximum(energy, 1e-9)) * np.sqrt(float(ref @ ref)))
        best = int(np.argmax(score))
        return Match(start + best, float(score[best]))

    def spans(self, threshold: float = 0.05, min_gap_s: float = 0.05) -> list[tuple[int, int]]:
        """[start, end) sample ranges louder than threshold (fraction of full scale)."""
        loud = np.flatnonzero(np.abs(self.samples.astype(np.int32)) > threshold * 32767)
        if len(loud) == 0:
            return []
        gaps = np.flatnonzero(np.diff(loud) > min_gap_s * self.rate)
        starts = np.concatenate(([loud[0]], loud[gaps + 1]))
        ends = np.concatenate((loud[gaps], [loud[-1]])) + 1
        return list(zip(starts.tolist(), ends.tolist(), strict=True))

    def loud_seconds(self, threshold: float = 0.05) -> float:
        return sum(e - s for s, e in self.spans(threshold)) / self.rate


class SinkRecorder:
    """Records the horn sink's monitor (mono, 44.1 kHz) with parec while tests play to it."""

    def __init__(self, sink: str = SINK, rate: int = RATE, latency_ms: int = 2, clock: Clock | None = None) -> None:
        self.sink, self.rate, self.latency_ms = sink, rate, latency_ms
        self.source = f"{sink}.monitor"
        self.clock: Clock = clock or SystemClock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._blocks: list[bytes] = []
        self._stamps: list[tuple[float, int]] = []
        self._first = threading.Event()

    def start(self, timeout_s: float = 10.0, settle_s: float = 0.2) -> None:
        """Returns once sound is flowing in, so a play that starts now is captured whole."""
        self._proc = subprocess.Popen(
            [
                "parec",
                f"--device={self.source}",
                "--format=s16le",
                f"--rate={self.rate}",
                "--channels=1",
                "--raw",
                f"--latency-msec={self.latency_ms}",
                "--client-name=broadcaster-tests",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._thread = threading.Thread(target=self._read, name="sink-recorder", daemon=True)
        self._thread.start()
        if not self._first.wait(timeout_s):
            err = self._stop_process()
            raise RuntimeError(f"parec recorded nothing within {timeout_s} s: {err}")
        self.clock.sleep(settle_s)

    def _read(self) -> None:
        assert self._proc is not None
        stream = self._proc.stdout
        assert isinstance(stream, io.BufferedReader)
        total = 0
        while True:
            block = stream.read1(1 << 16)
            if not block:
                break
            arrived = self.clock.now().timestamp()
            total += len(block) // 2
            self._blocks.append(block)
            self._stamps.append((arrived, total))
            self._first.set()

    def _stop_process(self) -> str:
        if self._proc is None:
            return ""
        self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        # the reader thread owns stdout and stops at its end
        if self._thread is not None:
            self._thread.join(5)
        assert self._proc.stderr is not None
        err = self._proc.stderr.read()
        self._proc.stderr.close()
        self._proc = None
        return err.decode(errors="replace")

    def stop(self) -> Recording:
        self._stop_process()
        raw = b"".join(self._blocks)
        samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").copy()
        return Recording(samples, self.rate, list(self._stamps), self.latency_ms / 1000)

    def close(self) -> None:
        self._stop_process()

    def __enter__(self) -> SinkRecorder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wall(offset_s: float = 0.0) -> datetime:
    """Now (aware UTC) plus offset: start times for real plays in tests."""
    return SystemClock().now() + timedelta(seconds=offset_s)
