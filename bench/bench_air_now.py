"""`broadcaster air-now` to sound on the horns: the daemon (a real process) is woken by the CLI, cuts
nothing (the line is idle) and airs the item; the time is from the command's start to the item's
opening jingle heard on the PulseAudio sink. Goal: median <= 2 s over --tries.

    eval "$(scripts/start-audio-server.sh)"
    .venv/bin/python bench/bench_air_now.py [--tries 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.audio_server import SinkRecorder, pulse_server
from tests.onair.helpers import DaemonProcess, airing_log, make_station, opening_jingle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=10)
    args = parser.parse_args()
    server = pulse_server()
    if server is None:
        print("no PulseAudio server with a 'horn' sink: run eval \"$(scripts/start-audio-server.sh)\" first")
        return 1
    os.environ["PULSE_SERVER"] = server
    with tempfile.TemporaryDirectory() as tmp:
        cli = make_station(Path(tmp) / "station", device="horn")  # no slots: nothing else airs
        item = cli.add("Thông báo", "mot-cua", "Mất điện chiều nay.", "--airings", "1")
        cli.ok("render", "--all")
        recorder = SinkRecorder()
        recorder.start()
        daemon = DaemonProcess(cli)
        asked: list[datetime] = []
        try:
            daemon.wait_started()
            for n in range(args.tries):
                asked.append(datetime.now(UTC))
                cli.ok("air-now", str(item), *(["--again"] if n else []))
                daemon.wait_record(lambda r, n=n: r["id"] == n + 1, timeout=60, what=f"airing {n + 1}")
                time.sleep(1.0)
            daemon.stop()
        finally:
            daemon.close()
            recording = recorder.stop()
        records = airing_log(cli)
    jingle = opening_jingle()
    delays = []
    assert len(records) == len(asked), "every air-now has its record"
    for moment in asked:
        start = recording.index_of(moment)
        match = recording.find(jingle, start, start + recording.rate * 10)
        delays.append((recording.time_of(match.index) - moment).total_seconds())
    print(f"air-now to sound on the sink, {len(delays)} tries (CLI process start included):")
    print(f"median {statistics.median(delays):.2f} s, min {min(delays):.2f} s, max {max(delays):.2f} s")
    print("goal (median <= 2 s):", "met" if statistics.median(delays) <= 2 else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
