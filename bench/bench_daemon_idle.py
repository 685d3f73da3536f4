"""What an idle station daemon costs: memory (RSS) and wake-ups per minute.

Starts `broadcaster run` (its own process) on a tmp station whose one slot is hours away, with a
few queued items, waits until it has started (and rendered ahead), then watches it for --seconds:
resident memory from /proc/PID/status, voluntary context switches of all its threads
(/proc/PID/task/*/status: each is a thread waking up), CPU time. Goals: <= 20 wake-ups per
minute, RSS <= 70 MB.

    .venv/bin/python bench/bench_daemon_idle.py [--seconds 120]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broadcaster.config import load_config
from broadcaster.daemon import HEARTBEAT_EVERY_S
from tests.onair.helpers import DaemonProcess, make_station, slot_in


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def switches(pid: int) -> tuple[int, int, int]:
    voluntary = involuntary = threads = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith("voluntary_ctxt_switches:"):
                    voluntary += int(line.split()[1])
                elif line.startswith("nonvoluntary_ctxt_switches:"):
                    involuntary += int(line.split()[1])
            threads += 1
        except FileNotFoundError:
            continue
    return voluntary, involuntary, threads


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cli = make_station(Path(tmp), [slot_in(6 * 3600, "Bản tin tối")])
        time.sleep(0)
        for n in range(5):
            cli.add(f"Tin {n}", "mot-cua", "Bộ phận một cửa làm việc cả thứ bảy.")
        daemon = DaemonProcess(cli)
        try:
            daemon.wait_started(60)
            time.sleep(10)  # past start-up work (render-ahead in its child process, catch-up)
            pid = daemon.proc.pid
            v0, i0, _ = switches(pid)
            c0, t0 = cpu_seconds(pid), time.monotonic()
            time.sleep(args.seconds)
            v1, i1, threads = switches(pid)
            c1, t1 = cpu_seconds(pid), time.monotonic()
            rss, peak = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM")
            daemon.stop()
            config = load_config(cli.config).daemon
        finally:
            daemon.close()
    minutes = (t1 - t0) / 60
    print(f"idle daemon watched for {t1 - t0:.0f} s ({threads} threads)")
    print(
        f"RSS {rss / 1024:.1f} MB (peak {peak / 1024:.1f} MB); goal <= 70 MB:", "met" if rss <= 70 * 1024 else "NOT met"
    )
    runs = 60 / config.queue_check_seconds + 60 / HEARTBEAT_EVERY_S + 1 / config.rebuild_minutes
    print(f"scheduled job runs: {runs:.0f} per minute (queue check, heartbeat every {HEARTBEAT_EVERY_S} s, rebuild)")
    wakeups = (v1 - v0) / minutes
    print(
        f"wake-ups (voluntary context switches, all threads): {wakeups:.0f} per minute; goal <= 20:",
        "met" if wakeups <= 20 else "NOT met",
    )
    print(f"involuntary context switches: {(i1 - i0) / minutes:.0f} per minute")
    print(f"CPU: {(c1 - c0) / minutes:.2f} s per minute ({100 * (c1 - c0) / (t1 - t0):.2f} % of one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
