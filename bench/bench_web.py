"""The web console: cost of a login, of loading a catalog, and page times and memory of `broadcaster web`.

Builds (or reuses, with --dir) a station with 10 years of log (75,000 airings, bench_report.py's
builder), --items queued news items with their speech made (espeak; the texts repeat, as a
commune's do, so only a few dozen are spoken), a user per role and --audit audit entries. Starts
`broadcaster web` (its own process) on a free port, logs in over HTTP and requests each page
--requests times in a row: the first answer (cold caches), then median and p95, then the
console's resident memory (RSS, /proc/PID/status).
Goals (issue 10): the queue, schedule, log and dashboard pages median <= 100 ms, p95 <= 250 ms,
RSS <= 100 MB.

    .venv/bin/python bench/bench_web.py [--dir /tmp/bench-web] [--requests 200] [--items 1000] [--audit 5000]
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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import build_station

from broadcaster import i18n
from broadcaster.service.context import Station
from broadcaster.store import audit
from broadcaster.web.accounts import HASHER, Accounts
from tests.conftest import REPO

USERS = {
    "technician": ("kythuat", "mat-khau-ky-thuat"),
    "official": ("vanhoa", "mat-khau-van-hoa"),
}
# (role, page): the second round's pages (the goals are theirs) and the foundation's
PAGES = [
    ("official", "/"),
    ("official", "/items"),
    ("official", "/schedule"),
    ("official", "/log"),
    ("official", "/api/v1/items?status=queued"),
    ("official", "/api/v1/schedule?days=7"),
    ("official", "/api/v1/log?limit=100"),
    ("official", "/api/v1/status"),
    ("technician", "/users"),
    ("technician", "/audit"),
    ("technician", "/api/v1/me"),
]
TEXTS = 40  # distinct news texts among the queued items


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(func: Callable[[], object], rounds: int) -> list[float]:
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


def queue_items(station: Station, count: int) -> None:
    """`count` live news items, a fifth approved, every third of priority, their speech made."""
    from broadcaster.service.queue import NewsDesk

    desk = NewsDesk(station)
    topics = [t.code for t in station.config.topics]
    drafts = [
        desk.draft(
            title=f"Tin số {n + 1}: thủ tục hành chính",
            topic=topics[n % len(topics)],
            text=f"Thông báo {n % TEXTS}: ngày 15/3/2021, UBND xã tiếp nhận hồ sơ lúc 7h30 tại Bộ phận một cửa.",
            priority="priority" if n % 3 == 0 else "normal",
            airings=1 + n % 3,
        )
        for n in range(count)
    ]
    items = desk.add_many(drafts)
    for item in items[::5]:
        desk.approve(item.id, "chutich")
    t0 = time.perf_counter()
    speak_missing(station)
    print(f"queued {len(items):,} items and made their speech in {time.perf_counter() - t0:.1f} s")


def speak_missing(station: Station) -> int:
    """Speech for the live items that have none in the cache, made by the offline voice (espeak; the
    first engine, gtts, would wait for a network that is not there). Also when the station is reused:
    a change to the speech settings or to how texts are read out gives every text a new cache key,
    and a schedule of items without speech plans nothing. Returns how many items were spoken."""
    from broadcaster.service.programme import Programme
    from broadcaster.service.voicing import Voicing

    voicing = Voicing(station)
    items = Programme(station, voicing).live_items()
    ready = Voicing(station, check_audio=False).seconds_of(items)
    missing = [item for item in items if ready[item.id] is None]
    for item in missing:
        voicing.prepare(item, offline_only=True)
    voicing.station_lines(offline_only=True)
    return len(missing)


def prepare(folder: Path, items: int, audit_entries: int) -> Path:
    station, config = build_station(folder)  # 10 years of log, built once and kept in `folder`
    marker = folder / "web-built"
    if not marker.exists():
        queue_items(station, items)
        accounts = Accounts(station.db)
        for role, (name, password) in USERS.items():
            accounts.add(name, role, password, actor="cli:bench")
        start = datetime(2021, 1, 1, tzinfo=UTC)
        with station.db.session() as session:
            for n in range(audit_entries):
                details = {"title": f"Tin {n}"}
                at = start + timedelta(minutes=n)
                audit.record(session, "vanhoa", "item.add", f"item:{n}", details, "192.168.1.20", at=at)
        marker.write_text("built\n", encoding="utf-8")
    else:
        t0 = time.perf_counter()
        if spoken := speak_missing(station):
            print(f"made the speech of {spoken:,} items again in {time.perf_counter() - t0:.1f} s (keys changed)")
    station.db.dispose()
    return config


def serve(config: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "BROADCASTER_CONFIG": str(config)}
    command = [str(REPO / ".venv" / "bin" / "broadcaster"), "web", "--port", str(port)]
    # from the checkout, which `python -m broadcaster.web` (the server process) imports from first
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(base + "/login", timeout=2)
            return process, base
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def measure(base: str, requests: int, pid: int) -> None:
    clients = {}
    for role, (name, password) in USERS.items():
        client = httpx.Client(base_url=base, timeout=60)
        login = timed(
            lambda c=client, n=name, p=password: c.post("/api/v1/login", json={"username": n, "password": p}), 1
        )
        clients[role] = client
        print(f"POST /api/v1/login as {role:<10} {ms(login[0]):>9}   RSS now {rss_mb(pid):.1f} MB")
    for role, page in PAGES:
        client = clients[role]
        first = timed(lambda c=client, p=page: c.get(p).raise_for_status(), 1)[0]
        times = timed(lambda c=client, p=page: c.get(p).raise_for_status(), requests)
        median, p95 = ms(statistics.median(times)), ms(percentile(times, 0.95))
        print(f"GET {page:<30} first {ms(first):>9}   median {median:>9}   p95 {p95:>9}   ({requests} requests)")
    for client in clients.values():
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, help="keep the station in this folder and reuse it")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--items", type=int, default=1000, help="queued news items")
    parser.add_argument("--audit", type=int, default=5000, help="audit entries in the station's trail")
    args = parser.parse_args()

    hashed = HASHER.hash("mat-khau-ky-thuat")
    hash_times = timed(lambda: HASHER.hash("mat-khau-ky-thuat"), 20)
    verify_times = timed(lambda: HASHER.verify(hashed, "mat-khau-ky-thuat"), 20)
    hashing, verifying = ms(statistics.median(hash_times)), ms(statistics.median(verify_times))
    print(f"argon2id hash: median {hashing}; verify: median {verifying}")

    def load() -> None:
        i18n.translations.cache_clear()
        i18n.translations("vi")

    loads = timed(load, 200)
    print(f"loading the Vietnamese catalog (.mo): median {ms(statistics.median(loads))}, max {ms(max(loads))}")

    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        config = prepare(folder, args.items, args.audit)
        process, base = serve(config)
        try:
            print(f"console started; RSS {rss_mb(process.pid):.1f} MB")
            with httpx.Client(base_url=base) as anonymous:
                times = timed(lambda: anonymous.get("/login").raise_for_status(), args.requests)
                median, p95 = ms(statistics.median(times)), ms(percentile(times, 0.95))
                print(f"GET {'/login':<30} median {median:>9}   p95 {p95:>9}   ({args.requests} requests)")
            measure(base, args.requests, process.pid)
            print(f"console RSS after the requests: {rss_mb(process.pid):.1f} MB")
        finally:
            process.terminate()
            process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
