"""How close to the scheduled second does a bulletin start sounding, and how fast does stop() silence it?

Plays N short sweeps through DeviceOutput to the test PulseAudio server's
'horn' sink (pre-rolled, like the daemon does), records horn.monitor, and
finds each sweep in the recording by cross-correlation. Goals: start error
median <= 20 ms, max <= 100 ms.

    eval "$(scripts/start-audio-server.sh)"
    .venv/bin/python bench/bench_output_latency.py [--airings 30] [--backend pulse|alsa|both]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broadcaster.clock import SystemClock
from broadcaster.sound.outputs import DeviceOutput
from tests.audio_server import RATE, SinkRecorder, _pactl, chirp, pulse_server, wall, write_wav


def bench_starts(backend: str, device: str, sink: str, airings: int, folder: Path) -> list[float]:
    sweep = chirp(0.25)
    wav = write_wav(folder / "sweep.wav", sweep, channels=2)
    output = DeviceOutput(device, backend, SystemClock())  # type: ignore[arg-type]
    recorder = SinkRecorder(sink)
    recorder.start()
    scheduled = []
    try:
        for _ in range(airings):
            output.prepare(wav)  # pre-roll, as the daemon does before the slot
            start_at = wall(0.3)
            scheduled.append(start_at)
            output.play(wav, start_at)
    finally:
        recording = recorder.stop()
    errors_ms = []
    for start_at in scheduled:
        around = recording.index_of(start_at - timedelta(seconds=0.15))
        found = recording.find(sweep, around, around + RATE // 2 + len(sweep))
        if found.score < 0.9:
            raise SystemExit(f"sweep scheduled at {start_at} not found (score {found.score:.2f})")
        errors_ms.append((recording.time_of(found.index) - start_at).total_seconds() * 1000)
    return errors_ms


def bench_stops(backend: str, device: str, sink: str, stops: int, folder: Path) -> list[float]:
    """ms from stop() to the last loud sample on the sink."""
    wav = write_wav(folder / "long.wav", chirp(3.0, 400, 600), channels=2)
    output = DeviceOutput(device, backend, SystemClock())  # type: ignore[arg-type]
    recorder = SinkRecorder(sink)
    recorder.start()
    stop_times = []
    try:
        for _ in range(stops):
            output.prepare(wav)
            start_at = wall(0.2)

            def stop_later() -> None:
                SystemClock().sleep(0.5)
                stop_times.append(SystemClock().now())
                output.stop()

            stopper = threading.Thread(target=stop_later)
            stopper.start()
            output.play(wav, start_at)
            stopper.join()
            SystemClock().sleep(0.2)
    finally:
        recording = recorder.stop()
    spans = recording.spans(threshold=0.05, min_gap_s=0.1)
    delays = []
    for stopped_at in stop_times:
        ends = [recording.time_of(end) for _, end in spans]
        nearest = min(ends, key=lambda t: abs((t - stopped_at).total_seconds()))
        delays.append((nearest - stopped_at).total_seconds() * 1000)
    return delays


def summary(label: str, values: list[float]) -> None:
    absolute = [abs(v) for v in values]
    print(
        f"{label}: n={len(values)}  median |error| {statistics.median(absolute):.1f} ms  "
        f"max |error| {max(absolute):.1f} ms  (signed mean {statistics.mean(values):+.1f} ms, "
        f"min {min(values):+.1f}, max {max(values):+.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--airings", type=int, default=30)
    parser.add_argument("--stops", type=int, default=10)
    parser.add_argument("--backend", choices=["pulse", "alsa", "both"], default="both")
    args = parser.parse_args()
    server = pulse_server()
    if server is None:
        raise SystemExit("no PulseAudio server with a 'horn' sink: eval \"$(scripts/start-audio-server.sh)\"")
    os.environ["PULSE_SERVER"] = server
    # a sink of its own, so test runs on the same server cannot disturb the figures
    sink = f"horn_bench_{os.getpid()}"
    module = _pactl(server, "load-module", "module-null-sink", f"sink_name={sink}").stdout.strip()
    # ALSA reaches the same sink through the pulse plugin (device "pulse", default sink from PULSE_SINK)
    os.environ["PULSE_SINK"] = sink
    targets = {"pulse": ("pulse", sink), "alsa": ("alsa", "pulse")}
    chosen = ["pulse", "alsa"] if args.backend == "both" else [args.backend]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name in chosen:
                backend, device = targets[name]
                starts = bench_starts(backend, device, sink, args.airings, Path(tmp))
                summary(f"{name:5} start vs scheduled", starts)
                summary(f"{name:5} stop() to silence ", bench_stops(backend, device, sink, args.stops, Path(tmp)))
    finally:
        _pactl(server, "unload-module", module)
    print("goals: start median <= 20 ms, max <= 100 ms")


if __name__ == "__main__":
    main()
