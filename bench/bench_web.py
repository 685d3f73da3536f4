"""The web console: cost of a login, of loading a catalog, and page times and memory of `broadcaster web`.

Makes a tmp station with a technician and --audit audit entries, starts `broadcaster web` (its own
process) on a free port, logs in over HTTP and requests each page --requests times in a row:
median and p95 per page, then the console's resident memory (RSS, /proc/PID/status).
Goals (issue 10, for the pages of the second round): median <= 100 ms, p95 <= 250 ms, RSS <= 100 MB.

    .venv/bin/python bench/bench_web.py [--requests 200] [--audit 5000]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broadcaster import i18n
from broadcaster.service.context import Station
from broadcaster.store import audit
from broadcaster.web.accounts import HASHER, Accounts
from tests.conftest import REPO, StationCLI, write_config

PAGES = ["/", "/users", "/audit", "/api/v1/me", "/api/v1/audit?limit=100"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(func, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--audit", type=int, default=5000, help="audit entries in the station's trail")
    args = parser.parse_args()

    hashed = HASHER.hash("mat-khau-ky-thuat")
    hash_times = timed(lambda: HASHER.hash("mat-khau-ky-thuat"), 20)
    verify_times = timed(lambda: HASHER.verify(hashed, "mat-khau-ky-thuat"), 20)
    hash_median, verify_median = ms(statistics.median(hash_times)), ms(statistics.median(verify_times))
    print(f"argon2id hash: median {hash_median}; verify: median {verify_median}")

    def load() -> None:
        i18n.translations.cache_clear()
        i18n.translations("vi")

    loads = timed(load, 200)
    print(f"loading the Vietnamese catalog (.mo): median {ms(statistics.median(loads))}, max {ms(max(loads))}")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = write_config(folder)
        StationCLI(config).ok("init")
        station = Station.open(config)
        Accounts(station.db).add("kythuat", "technician", "mat-khau-ky-thuat", actor="cli:bench")
        start = datetime(2021, 1, 1, tzinfo=UTC)
        with station.db.session() as session:
            for n in range(args.audit):
                audit.record(
                    session,
                    "vanhoa",
                    "item.add",
                    f"item:{n}",
                    {"title": f"Tin {n}"},
                    "192.168.1.20",
                    at=start + timedelta(minutes=n),
                )
        station.db.dispose()

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "BROADCASTER_CONFIG": str(config)}
        process = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "broadcaster"), "web", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(base + "/login", timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            print(f"console started; RSS {rss_mb(process.pid):.1f} MB")
            with httpx.Client(base_url=base) as anonymous:
                times = timed(lambda: anonymous.get("/login").raise_for_status(), args.requests)
                median, p95 = ms(statistics.median(times)), ms(percentile(times, 0.95))
                print(f"GET {'/login':<24} median {median:>9}   p95 {p95:>9}   ({args.requests} requests)")
            with httpx.Client(base_url=base) as client:
                login = timed(
                    lambda: client.post("/api/v1/login", json={"username": "kythuat", "password": "mat-khau-ky-thuat"}),
                    10,
                )
                print(f"POST /api/v1/login (argon2id verify, audit entry): median {ms(statistics.median(login))}")
                for page in PAGES:
                    times = timed(lambda page=page: client.get(page).raise_for_status(), args.requests)
                    median, p95 = ms(statistics.median(times)), ms(percentile(times, 0.95))
                    print(f"GET {page:<24} median {median:>9}   p95 {p95:>9}   ({args.requests} requests)")
            print(f"console RSS after the requests: {rss_mb(process.pid):.1f} MB")
        finally:
            process.terminate()
            process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
