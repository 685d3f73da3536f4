"""Cold start of the command line: `--help`, `normalize`, `topics` (no database) and `news list`.

Each command runs as its own process, as an official types it; the figure is the median
wall time over --runs runs (the first run of each is dropped: it fills the OS file cache and writes the bytecode).
Goals: --help, normalize, topics <= 200 ms; news list <= 400 ms.

    .venv/bin/python bench/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import StationCLI, write_config

GOALS_MS = {"--help": 200, "normalize": 200, "topics": 200, "news list": 400}


# An installed station has its bytecode compiled (pip does it at install). Without it every run compiles
# some 60 modules again (≈ 90 ms), so PYTHONDONTWRITEBYTECODE, set on some machines, is left out here.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=ENV)
        times.append((time.perf_counter() - start) * 1000)
    return times[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("broadcaster"))
    with tempfile.TemporaryDirectory() as tmp:
        cli = StationCLI(write_config(Path(tmp)))
        cli.ok("init")
        for n in range(20):
            cli.add(f"Tin {n}", "mot-cua", "Bộ phận một cửa làm việc cả thứ bảy.")
        config = ["--config", str(cli.config)]
        commands = {
            "--help": [exe, "--help"],
            "normalize": [exe, "normalize", "Ngày 15/3/2021, 1.234 hồ sơ"],
            "topics": [exe, *config, "topics"],
            "news list": [exe, *config, "news", "list"],
        }
        for name, command in commands.items():
            times = timed(command, args.runs)
            median = statistics.median(times)
            goal = GOALS_MS[name]
            print(
                f"{name:<10} median {median:6.0f} ms  (min {min(times):.0f}, max {max(times):.0f}; "
                f"goal <= {goal} ms: {'met' if median <= goal else 'NOT met'})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
