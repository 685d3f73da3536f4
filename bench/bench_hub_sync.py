"""What a sync costs a station: requests and bytes on the wire, idle and with something new.

A station (the repo's config.toml, SQLite in a temporary folder) linked to a hub process
(`broadcaster hub serve`, PostgreSQL). Counts every byte of the request and status lines,
headers and bodies, both ways, as the station's client sends and receives them.

Run: eval "$(BROADCASTER_TEST_PG_DB=bt_hub bash scripts/start-postgres.sh)"; .venv/bin/python bench/bench_hub_sync.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_hub_common import Server, bench_database, fresh_hub

from broadcaster import signing
from broadcaster.airlog import AiredItem, AiringDraft
from broadcaster.hub import bulletins, stations
from broadcaster.hub.bulletins import BulletinInput
from broadcaster.hublink.settings import HubConfig, ensure_station_key, key_path, write_hub_table
from broadcaster.hublink.sync import SyncReport, sync_once
from broadcaster.service.context import Station
from broadcaster.store import airings

REPO = Path(__file__).resolve().parent.parent


def make_station(folder: Path) -> Station:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    config = folder / "config.toml"
    config.write_text(text.replace('database = "sqlite:///station.db"', f'database = "sqlite:///{folder}/station.db"'))
    station = Station.open(config)
    station.init()
    ensure_station_key(station.config)
    return station


def air_one(station: Station) -> None:
    at = datetime.now(UTC) - timedelta(minutes=1)
    item = AiredItem(1, "Tin", "thu-tuc", "normal", 0.0, 60.0, "gtts", "vi", None, None, True)
    draft = AiringDraft("Bản tin sáng", "slot", at, at, at + timedelta(seconds=60), 60.0, "completed", None,
                        "device", "default", "none", None, None, (item,))  # fmt: skip
    with station.db.session() as session:
        airings.append(session, draft, station.config.tz)


def line(what: str, report: SyncReport, seconds: float) -> str:
    total = report.bytes_sent + report.bytes_received
    return (
        f"{what}: {report.requests} request(s), {report.bytes_sent} B up + {report.bytes_received} B down = "
        f"{total} B, {seconds * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="hub database URL (default: <test database>_bench)")
    parser.add_argument("--syncs", type=int, default=20, help="idle syncs to time")
    args = parser.parse_args()
    url = bench_database(args.database)
    folder = Path(tempfile.mkdtemp(prefix="bench-hub-sync-"))
    hub = fresh_hub(url, folder)
    station = make_station(folder)
    public = signing.public_text(signing.load_private_key(key_path(station.config)))
    stations.add_station(hub, "SON-KIM-1", "Sơn Kim 1", public)
    server = Server(url, folder / "hub-key.pem", folder / "server.log")
    try:
        link = HubConfig(url=server.base, station="SON-KIM-1", hub_key=hub.public_key)
        write_hub_table(station.config.path, link, "bench")
        # The station has something new: a bulletin waits at the hub and it aired once.
        bulletins.create(
            hub,
            BulletinInput(title="Lịch tiếp công dân tháng 3", topic="thu-tuc", priority="normal", to="SON-KIM-1",
                          text="Chủ tịch Ủy ban nhân dân xã tiếp công dân vào sáng thứ năm hằng tuần." * 3,
                          approved_by="Nguyễn Thị Hoa"),
        )  # fmt: skip
        air_one(station)
        started = time.perf_counter()
        busy = sync_once(station, link)
        print(line("sync with one new bulletin and one new airing", busy, time.perf_counter() - started))
        idle: list[tuple[SyncReport, float]] = []
        for _ in range(args.syncs):
            started = time.perf_counter()
            report = sync_once(station, link)
            idle.append((report, time.perf_counter() - started))
            assert report.ok and not report.queued and not report.records_sent
        first = idle[0][0]
        print(line(f"idle sync (first of {args.syncs})", first, idle[0][1]))
        sizes = [r.bytes_sent + r.bytes_received for r, _ in idle]
        print(
            f"idle syncs: {max(r.requests for r, _ in idle)} request each, {min(sizes)}-{max(sizes)} B on the wire, "
            f"median {statistics.median(t for _, t in idle) * 1000:.1f} ms each"
        )
    finally:
        server.stop()
        hub.close()


if __name__ == "__main__":
    main()
