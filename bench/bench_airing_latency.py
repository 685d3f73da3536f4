"""Whole-station airing latency: does a slot's bulletin start sounding on its second?

Builds a station (tmp folder, espeak, output to the test PulseAudio server's 'horn'
sink), queues one short item wanted N times, programmes N slots a few seconds apart,
runs the real daemon (`broadcaster run`, its own process) and records horn.monitor
with parec from before the daemon starts. Each bulletin's opening jingle (a sweep)
is found in the recording by cross-correlation; sample times are anchored by parec's
block arrivals. Goals: start error median <= 20 ms, max <= 100 ms.

    eval "$(scripts/start-audio-server.sh)"
    .venv/bin/python bench/bench_airing_latency.py [--airings 20] [--spacing 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.audio_server import SinkRecorder, pulse_server
from tests.onair.helpers import (
    DaemonProcess,
    airing_log,
    later,
    make_station,
    opening_jingle,
    set_programme,
    slot_in,
    when,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--airings", type=int, default=20)
    parser.add_argument("--spacing", type=float, default=7.0, help="seconds between slots")
    args = parser.parse_args()
    server = pulse_server()
    if server is None:
        print("no PulseAudio server with a 'horn' sink: run eval \"$(scripts/start-audio-server.sh)\" first")
        return 1
    os.environ["PULSE_SERVER"] = server
    with tempfile.TemporaryDirectory() as tmp:
        cli = make_station(Path(tmp) / "station", device="horn")
        cli.add("Tin", "mot-cua", "Họp dân.", "--airings", str(args.airings))
        cli.ok("render", "--all")
        first = 6.0
        slots = [slot_in(first + n * args.spacing, f"Bản tin {n + 1:02d}") for n in range(args.airings)]
        set_programme(cli, slots)
        recorder = SinkRecorder()
        recorder.start()
        daemon = DaemonProcess(cli)
        try:
            daemon.wait_started()
            daemon.wait_record(
                lambda r: r["slot"] == slots[-1].name,
                timeout=first + args.airings * args.spacing + 30,
                what="the last slot",
            )
            daemon.stop()
        finally:
            daemon.close()
            recording = recorder.stop()
        records = {r["slot"]: r for r in airing_log(cli)}

    jingle = opening_jingle()
    errors_ms, logged_ms, scores = [], [], []
    for slot in slots:
        record = records.get(slot.name)
        if record is None or record["status"] != "completed":
            print(f"{slot.name}: {record and record['status']} (not counted)")
            continue
        centre = recording.index_of(slot.at)
        match = recording.find(jingle, max(0, centre - recording.rate), centre + recording.rate + len(jingle))
        heard = recording.time_of(match.index)
        scores.append(match.score)
        errors_ms.append((heard - slot.at).total_seconds() * 1000)
        logged_ms.append((when(record["started_at"]) - later(slot.at, 0)).total_seconds() * 1000)
    if not errors_ms:
        print("no airing measured")
        return 1
    absolute = sorted(abs(e) for e in errors_ms)
    print(f"airings measured: {len(errors_ms)} of {len(slots)} (daemon process, pulse backend, sink 'horn')")
    print(f"match score (1.0 = identical): min {min(scores):.3f}")
    print(
        f"start error, heard on the sink vs scheduled second: median {statistics.median(errors_ms):+.1f} ms, "
        f"|error| median {statistics.median(absolute):.1f} ms, p95 {absolute[int(0.95 * (len(absolute) - 1))]:.1f} ms, "
        f"max {absolute[-1]:.1f} ms"
    )
    print(
        f"started_at in the log vs scheduled: median {statistics.median(logged_ms):+.1f} ms, "
        f"max {max(logged_ms, key=abs):+.1f} ms"
    )
    ok = statistics.median(absolute) <= 20 and absolute[-1] <= 100
    print("goal (median <= 20 ms, max <= 100 ms):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
