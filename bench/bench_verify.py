"""Time `broadcaster log verify` over 10 years of one commune's airings, on SQLite and PostgreSQL.

The log of bench_report.py (75,000 airings, 218,250 items, a real hash chain and its sealed
figures). Times in process `Evidence.verify` (through the ORM, as the console checks) and
`verify_log` (the command's way: on SQLite through the standard library's driver), each with
a second process checking and summing the first part of the log while this one does the rest,
the chain alone, the whole CLI process, and, for comparison, the old way (every record loaded as ORM objects, then
`airlog.verify_chain`). CPU times are given for this process and for its children: on a
machine shared with other work they show what an idle one's clock would.

Run:  .venv/bin/python bench/bench_verify.py                  # SQLite in a temporary folder
      .venv/bin/python bench/bench_verify.py --pg URL         # PostgreSQL (the database is emptied first)
      .venv/bin/python bench/bench_verify.py --dir /tmp/bv    # keep the station there and reuse it next time
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import REPO, build_station, calibrate, timed

from broadcaster.airlog import verify_chain
from broadcaster.service.evidence import Evidence
from broadcaster.service.log_verify import verify_log
from broadcaster.store import airings


def timed_with_children(label: str, fn: object, repeat: int = 5) -> None:
    walls, mine, theirs = [], [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0, c0 = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        walls.append(time.perf_counter() - t0)
        mine.append(time.process_time() - c0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        theirs.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(
        f"{label:<60} wall median {statistics.median(walls):6.2f} s  min {min(walls):6.2f} s   "
        f"cpu this process min {min(mine):5.2f} s, child min {min(theirs):5.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="PostgreSQL URL (postgresql+psycopg://...); default SQLite")
    parser.add_argument("--dir", type=Path, help="keep the station in this folder and reuse it")
    parser.add_argument("--old", action="store_true", help="also time the old way (ORM records + verify_chain)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        station, config = build_station(folder, args.pg)
        calibrate()
        evidence = Evidence(station)
        where = "PostgreSQL" if args.pg else "SQLite"
        result = evidence.verify()
        print(f"verdict: ok={result.ok} count={result.count:,} figures compared={result.figures_checked:,}")
        timed_with_children(f"Evidence.verify (the ORM), {where} (chain + figures)", evidence.verify)
        timed_with_children(f"verify_log (the command's way), {where}", lambda: verify_log(station))
        with station.db.session() as session:
            timed(f"  of which the chain alone, {where}", lambda: airings.verify(session), repeat=5)
        if args.old:

            def old() -> object:
                with station.db.session() as session:
                    return verify_chain(list(airings.iter_all(session)))

            timed(f"old: ORM records + verify_chain, {where}", old, repeat=1)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "broadcaster", "--config", str(config), "log", "verify"],
                capture_output=True,
                text=True,
                env=env,
                cwd=REPO,
                check=False,
            )
            runs.append(time.perf_counter() - t0)
        last = done.stdout.strip().splitlines()[-1:] or done.stderr.strip().splitlines()[-1:]
        print(
            f"{'broadcaster log verify, ' + where + ' (whole CLI process)':<60} "
            f"min {min(runs):6.2f} s  median {statistics.median(runs):6.2f} s  max {max(runs):6.2f} s   "
            f"exit {done.returncode}: {last}"
        )
        station.db.dispose()


if __name__ == "__main__":
    main()
