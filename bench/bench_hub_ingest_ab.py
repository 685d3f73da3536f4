"""Two versions of the hub's ingest, push rounds alternated: a comparison that holds on a shared machine.

On this machine's two cores, shared with other benches, a round's records/s moves by a factor of
two from one minute to the next, more than most changes to the hub. So the two versions run side
by side: each a `hub serve` of its own code tree (PYTHONPATH) and database, kept running, and
their push rounds (600 stations × a day, --threads connections) taken in turn, new-old then
old-new, so both see the same load. Reported per version: the medians of records/s, of the hub's
CPU a station (its event loop and writer threads apart) and of PostgreSQL's; then how many paired
rounds the new one won. The hub CPU a station is the figure to trust: little affected by the load.

Run: eval "$(BROADCASTER_TEST_PG_DB=bt_hub bash scripts/start-postgres.sh)"
     git archive <old commit> | tar -x -C /tmp/old   # the old code tree
     .venv/bin/python bench/bench_hub_ingest_ab.py /tmp/old --rounds 20
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIGURES = ("records/s", "hub CPU", "PostgreSQL", "event loop", "writer")  # per round; CPU in ms a station


def thread_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of a process's main thread (uvicorn's event loop) and of its other threads (the writer)."""
    tick, main, other = os.sysconf("SC_CLK_TCK"), 0.0, 0.0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        main, other = (main + seconds, other) if int(tid) == pid else (main, other + seconds)
    return main, other


def worker(threads: int, stations: int) -> None:
    """One version (the code on PYTHONPATH): a hub serving, one push round per line read on stdin."""
    sys.path.insert(0, str(HERE))
    from bench_hub_common import DatabaseCPU, Server, bench_database, fresh_hub, register
    from bench_hub_ingest import days_of_records, round_over_http

    from broadcaster.hub import bulletins
    from broadcaster.hub.bulletins import BulletinInput

    url = bench_database(None)
    folder = Path(tempfile.mkdtemp(prefix="bench-hub-"))
    hub = fresh_hub(url, folder)
    communes = register(hub, stations)
    bulletin = BulletinInput(title="T", topic="thu-tuc", priority="normal", to="all", text="N.", approved_by="A")
    sources = {777: bulletins.create(hub, bulletin).id}
    server, database = Server(url, folder / "hub-key.pem", folder / "server.log"), DatabaseCPU(url)
    day = datetime(2021, 3, 1, tzinfo=UTC) - timedelta(hours=7)
    try:
        for n, _line in enumerate(itertools.chain(["warm-up"], sys.stdin)):  # a line read: a round
            jobs = [(c, days_of_records(c, day, 1, 6), sources) for c in communes]
            day += timedelta(days=1)
            cpu, db, (main, other) = server.cpu_seconds(), database.seconds(), thread_cpu(server.proc.pid)
            wall, _latencies = round_over_http(server, jobs, threads, False)
            after = thread_cpu(server.proc.pid)
            per = 1000 / len(jobs)
            figures = (
                *(6 * len(jobs) / wall, (server.cpu_seconds() - cpu) * per, (database.seconds() - db) * per),
                *((after[0] - main) * per, (after[1] - other) * per),
            )
            print(" ".join(f"{f:.4f}" for f in figures) if n else "ready", flush=True)
    finally:
        server.stop()


def compare(old: str, rounds: int, threads: int, stations: int) -> None:
    base = os.environ.get("BROADCASTER_TEST_PG_URL")
    if not base:
        sys.exit('Start PostgreSQL first: eval "$(bash scripts/start-postgres.sh)"')
    trees = {"old": old, "new": str(HERE.parent)}
    procs = {}
    for name, tree in trees.items():
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"PYTHONPATH": tree, "BROADCASTER_TEST_PG_URL": f"{base}_ab{name}"}  # a database each
        command = [sys.executable, __file__, "--worker", "--threads", str(threads), "--stations", str(stations)]
        procs[name] = subprocess.Popen(
            command, cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
    for proc in procs.values():
        assert proc.stdin is not None and proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    results: dict[str, list[list[float]]] = {name: [] for name in procs}
    for r in range(rounds):
        for name in ("old", "new") if r % 2 else ("new", "old"):
            proc = procs[name]
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
            results[name].append([float(x) for x in proc.stdout.readline().split()])
    for proc in procs.values():
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    report(results, rounds)


def report(results: dict[str, list[list[float]]], rounds: int) -> None:
    for name, runs in results.items():
        med = [statistics.median(run[k] for run in runs) for k in range(len(FIGURES))]
        print(
            f"{name}: {med[0]:,.0f} records/s (median; best {max(run[0] for run in runs):,.0f}); hub CPU "
            f"{med[1]:.3f} ms a station (event loop {med[3]:.3f}, writer {med[4]:.3f}); PostgreSQL {med[2]:.3f} ms"
        )
    pairs = list(zip(results["old"], results["new"], strict=True))
    print(
        f"new: faster in {sum(n[0] > o[0] for o, n in pairs)} of {rounds} pairs (median ratio "
        f"{statistics.median(n[0] / o[0] for o, n in pairs):.3f}); less hub CPU in "
        f"{sum(n[1] < o[1] for o, n in pairs)} (median ratio {statistics.median(n[1] / o[1] for o, n in pairs):.3f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", nargs="?", help="the old code tree (git archive <commit> | tar -x -C DIR)")
    parser.add_argument("--rounds", type=int, default=20, help="push rounds of each version")
    parser.add_argument("--threads", type=int, default=32, help="client connections sending at once")
    parser.add_argument("--stations", type=int, default=600)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.threads, args.stations)
    elif not args.old:
        parser.error("give the old code tree")
    else:
        compare(args.old, args.rounds, args.threads, args.stations)


if __name__ == "__main__":
    main()
