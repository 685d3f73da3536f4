"""How close to the slot's second does a relay start sounding, and how long are the horns quiet when its source dies?

Streams a tone (880 Hz) from ffmpeg through a private Icecast server on
loopback, relays it with RelaySession to a null sink of its own on the test
PulseAudio server, records that sink with parec, and measures in the
recording:
- start: the first sound of each relay against its slot's second (goals:
  median <= 50 ms, max <= 200 ms);
- death: the source is killed 2 s into the slot; the longest quiet stretch
  between the relay's last sound and the notice (goal: <= 5 s), and how long
  after the kill the notice began;
- stall: the source is frozen (connected, no more bytes); the same figures;
- cpu: what relaying costs the station PC (a file URL to a WAV folder, so only the relay is measured).
The relay uses the shipped thresholds (RelaySettings()), with a short pre-roll.

    eval "$(scripts/start-audio-server.sh)"
    .venv/bin/python bench/bench_relay.py [--starts 10] [--deaths 5] [--stalls 3] [--cpu 60]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broadcaster.clock import SystemClock
from broadcaster.relay import Fallback, RelaySession, RelaySettings
from broadcaster.sound.stream_out import PlayerSink, WavSink
from tests.audio_server import RATE, Recording, SinkRecorder, _pactl, pulse_server, tone, write_wav
from tests.relay.helpers import NOTICE_HZ, RELAY_HZ, label
from tests.relay.stream_server import Icecast, Source, start_icecast, tone_inputs

SETTINGS = replace(RelaySettings(), preroll_s=2.5)
LOUD = 0.05  # fraction of full scale: the test signals peak at 0.5


def slot_second(ahead_s: float) -> datetime:
    return (SystemClock().now() + timedelta(seconds=ahead_s + 1)).replace(microsecond=0)


def relay(url: str, sink: str, start: datetime, seconds: float, notice: Path) -> RelaySession:
    return RelaySession(
        url, start, start + timedelta(seconds=seconds), PlayerSink(sink, "pulse"), lambda: Fallback(notice=notice),
        SystemClock(), settings=SETTINGS,
    )  # fmt: skip


def first_loud(recording: Recording, after: datetime) -> int:
    start = recording.index_of(after)
    loud = np.flatnonzero(np.abs(recording.samples[start:].astype(np.int32)) > LOUD * 32767)
    if not len(loud):
        raise SystemExit(f"nothing heard after {after}")
    return start + int(loud[0])


def bench_starts(server: Icecast, sink: str, n: int, folder: Path) -> tuple[list[float], list[float]]:
    """(heard start - slot second, logged started_at - slot second), in ms, for `n` relays."""
    notice = write_wav(folder / "notice.wav", tone(1.5, NOTICE_HZ))
    source = Source(server, "/bench-start.mp3", tone_inputs(RELAY_HZ)).start()
    recorder = SinkRecorder(sink)
    recorder.start()
    starts, logged = [], []
    try:
        for _ in range(n):
            start = slot_second(SETTINGS.preroll_s + 0.3)
            result = relay(source.url, sink, start, 1.5, notice).run()
            if [s.kind for s in result.segments] != ["relay"]:
                raise SystemExit(f"relay at {start} did not air the stream: {result.summary()}")
            starts.append(start)
            logged.append((result.started_at - start).total_seconds() * 1000)
    finally:
        recording = recorder.stop()
        source.kill()
    errors_ms = []
    for start in starts:
        index = first_loud(recording, start - timedelta(seconds=0.5))
        heard = label(recording.samples[index : index + RATE // 5], RATE)
        if heard != "relay":
            raise SystemExit(f"the relay at {start} sounded as {heard!r}, not the stream's tone")
        errors_ms.append((recording.time_of(index) - start).total_seconds() * 1000)
    return errors_ms, logged


def notice_heard(recording: Recording, after: datetime, within_s: float = 10.0) -> datetime | None:
    """When the notice's tone was first heard after `after`."""
    a = recording.index_of(after)
    step = RATE // 10
    for i in range(a, a + round(within_s * RATE) - step, step // 4):
        if label(recording.samples[i : i + step], RATE) == "notice":
            return recording.time_of(i)
    return None


def longest_quiet(recording: Recording, start: datetime, end: datetime) -> float:
    """The longest stretch without sound in [start, end), in seconds."""
    part = recording.samples[recording.index_of(start) : recording.index_of(end)].astype(np.int32)
    loud = np.flatnonzero(np.abs(part) > LOUD * 32767)
    return float(np.diff(np.concatenate(([0], loud, [len(part)]))).max()) / RATE


def fail_at(source: Source, when: datetime, how: str, failed: list[datetime]) -> None:
    SystemClock().sleep((when - SystemClock().now()).total_seconds())
    failed.append(SystemClock().now())
    if how == "death":
        source.kill()
    else:
        source.freeze()


def bench_failures(server: Icecast, sink: str, n: int, folder: Path, how: str) -> list[tuple[float, float]]:
    """(longest quiet s, s from the failure to the notice) for `n` relays whose source dies (or freezes)."""
    notice = write_wav(folder / "notice.wav", tone(1.5, NOTICE_HZ))
    figures = []
    for i in range(n):
        source = Source(server, f"/bench-{how}-{i}.mp3", tone_inputs(RELAY_HZ)).start()
        recorder = SinkRecorder(sink)
        recorder.start()
        failed: list[datetime] = []
        start = slot_second(SETTINGS.preroll_s + 0.3)
        session = relay(source.url, sink, start, 10, notice)

        killer = threading.Thread(target=fail_at, args=(source, start + timedelta(seconds=2), how, failed))
        killer.start()
        try:
            result = session.run()
        finally:
            killer.join()
            recording = recorder.stop()
            if how == "stall":
                source.thaw()
            source.kill()
        notice_at = notice_heard(recording, failed[0])
        if notice_at is None:
            raise SystemExit(f"no notice after the source's {how}: {result.summary()}")
        # from the failure to the notice: the relay's last sound, then the quiet before the notice
        quiet = longest_quiet(recording, failed[0], notice_at + timedelta(seconds=0.05))
        figures.append((quiet, (notice_at - failed[0]).total_seconds()))
    return figures


def bench_cpu(seconds: float, folder: Path) -> tuple[float, float]:
    """(Python CPU s, ffmpeg CPU s) for relaying `seconds` of a 64 kb/s MP3 (a file URL) to a WAV folder."""
    mp3 = folder / "programme.mp3"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"aevalsrc=0.5*sin(2*PI*{RELAY_HZ}*t):s=44100:d={seconds + 30}",
         "-c:a", "libmp3lame", "-b:a", "64k", str(mp3)],
        check=True,
    )  # fmt: skip
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_children = children.ru_utime + children.ru_stime
    start = slot_second(SETTINGS.preroll_s + 0.3)
    session = RelaySession(
        "file:" + str(mp3), start, start + timedelta(seconds=seconds), WavSink(folder / "aired"),
        lambda: Fallback(notice=write_wav(folder / "n.wav", tone(1.5, NOTICE_HZ))), SystemClock(), settings=SETTINGS,
    )  # fmt: skip
    cpu = time.process_time()
    result = session.run()
    cpu = time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if [s.kind for s in result.segments] != ["relay"]:
        raise SystemExit(f"the file was not relayed: {result.summary()}")
    return cpu, children.ru_utime + children.ru_stime - before_children


def summary(label_: str, values_ms: list[float]) -> None:
    absolute = [abs(v) for v in values_ms]
    print(
        f"{label_}: n={len(values_ms)}  median |error| {statistics.median(absolute):.1f} ms  "
        f"max |error| {max(absolute):.1f} ms  (signed min {min(values_ms):+.1f}, max {max(values_ms):+.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--deaths", type=int, default=5)
    parser.add_argument("--stalls", type=int, default=3)
    parser.add_argument("--cpu", type=float, default=60, help="seconds of relay to measure the CPU of (0: skip)")
    args = parser.parse_args()
    server_address = pulse_server()
    if server_address is None:
        raise SystemExit("no PulseAudio server with a 'horn' sink: eval \"$(scripts/start-audio-server.sh)\"")
    os.environ["PULSE_SERVER"] = server_address
    sink = f"horn_bench_{os.getpid()}"
    module = _pactl(server_address, "load-module", "module-null-sink", f"sink_name={sink}").stdout.strip()
    folder = Path(tempfile.mkdtemp(prefix="broadcaster-bench-relay-"))
    folder.chmod(0o755)  # run as root, icecast becomes the icecast2 user and needs to enter it
    server = start_icecast(folder / "icecast")
    try:
        if args.starts:
            heard, logged = bench_starts(server, sink, args.starts, folder)
            summary("relay start vs slot second (heard)", heard)
            summary("logged started_at vs slot second ", logged)
        for how, n in (("death", args.deaths), ("stall", args.stalls)):
            if not n:
                continue
            figures = bench_failures(server, sink, n, folder, how)
            quiet = [q for q, _ in figures]
            delay = [d for _, d in figures]
            print(
                f"source {how}: n={n}  longest quiet {max(quiet):.2f} s (median {statistics.median(quiet):.2f} s)  "
                f"notice {statistics.median(delay):.2f} s after the {how} (max {max(delay):.2f} s)"
            )
        if args.cpu:
            python_s, ffmpeg_s = bench_cpu(args.cpu, folder)
            print(
                f"CPU for {args.cpu:g} s of relay: Python {python_s:.2f} s ({100 * python_s / args.cpu:.1f} % of a "
                f"core), ffmpeg {ffmpeg_s:.2f} s ({100 * ffmpeg_s / args.cpu:.1f} %)"
            )
    finally:
        server.stop()
        _pactl(server_address, "unload-module", module)
        shutil.rmtree(folder, ignore_errors=True)
    print("goals: start median <= 50 ms, max <= 200 ms; quiet after a source dies <= 5 s")


if __name__ == "__main__":
    main()
