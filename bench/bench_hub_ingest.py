"""A province's sync round against one hub process: 600 stations each send a day of airings.

Each station's six airings (three items each, one from a district bulletin) are sealed into
a real chain; each push carries its canonical documents, a signed chain head and a signed
request. The hub (`broadcaster hub serve`, uvicorn, PostgreSQL) authenticates, recomputes
every hash, checks continuity, stores records and per-day sums (the pushes waiting at once in
one transaction, hub/intake.py) and signs a receipt after the commit. Figures: the push round
alone, then a full sync round (exchange + push), over HTTP from --threads keep-alive
connections of one light client thread on the same machine; the CPU the hub process and the
database's backends spent a station; and the same ingest called in process (no HTTP), a
station at a time and in groups of --threads.

Run: eval "$(BROADCASTER_TEST_PG_DB=bt_hub bash scripts/start-postgres.sh)"; .venv/bin/python bench/bench_hub_ingest.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_hub_common import (
    DatabaseCPU,
    Server,
    bench_database,
    day_of_records,
    exchange_request,
    fresh_hub,
    http_request,
    percentile,
    push_request,
    register,
    send_all,
)

from broadcaster.hub import bulletins, intake
from broadcaster.hub.auth import SignedRequest
from broadcaster.hub.bulletins import BulletinInput
from broadcaster.hub.tables import AiringRow, StationDayRow
from broadcaster.hublink import protocol


def round_over_http(server: Server, jobs: list, threads: int, with_exchange: bool) -> tuple[float, list[float]]:  # type: ignore[type-arg]
    """Send every station's push (after its exchange when asked); wall time and per-station latencies.

    The requests are built and signed before the clock starts: in a province the stations do
    that work on their own computers, not on the hub's. They go out over `threads` keep-alive
    connections from one asyncio thread, a light client, so the hub gets the machine's cores."""
    prepared = []
    for commune, records, sources in jobs:
        requests = []
        if with_exchange:
            body, auth = exchange_request(commune, 0)
            requests.append(http_request(server.port, "POST", protocol.PATH_EXCHANGE, body, auth))
        body, auth = push_request(commune, records, sources)
        requests.append(http_request(server.port, "POST", protocol.PATH_RECORDS, body, auth))
        prepared.append(requests)
    wall, latencies, answers = send_all(server.port, prepared, threads)
    for (_commune, records, _sources), answer in zip(jobs, answers, strict=True):
        assert json.loads(answer)["receipt"]["count"] == records[-1].seq
    return wall, latencies


def ceiling(server: Server, threads: int, requests: int = 2000) -> float:
    """Requests a second the server answers when the request does nothing (GET /api/v1/hub)."""
    request = http_request(server.port, "GET", protocol.PATH_HUB)
    wall, _latencies, _answers = send_all(server.port, [[request]] * requests, threads)
    return requests / wall


def days_of_records(commune, day: datetime, days: int, per_day: int) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [r for d in range(days) for r in day_of_records(commune, day + timedelta(days=d), per_day, 777)]


def in_process(hub, communes, day: datetime, args, sources, group: int) -> datetime:  # type: ignore[no-untyped-def]
    """The same pushes handed to the hub's ingest in process, `group` at a time (no HTTP, one thread)."""
    jobs = [(c, days_of_records(c, day, args.days, args.airings), sources) for c in communes]
    requests = []
    for commune, records, src in jobs:
        body, auth = push_request(commune, records, src)
        requests.append(SignedRequest(auth, "POST", protocol.PATH_RECORDS, body))
    started, cpu = time.perf_counter(), time.process_time()
    for first in range(0, len(requests), group):
        for result in intake.records(hub, requests[first : first + group]):
            assert not isinstance(result, Exception), result
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    records = sum(len(j[1]) for j in jobs)
    print(
        f"in process (no HTTP, one thread, groups of {group}): {records} records in {wall:.2f} s = "
        f"{records / wall:,.0f} records/s; {wall / len(requests) * 1000:.1f} ms a station, of which "
        f"{cpu / len(requests) * 1000:.2f} ms Python CPU"
    )
    return day + timedelta(days=args.days)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="hub database URL (default: <test database>_bench)")
    parser.add_argument("--stations", type=int, default=600)
    parser.add_argument("--airings", type=int, default=6, help="airings per station per day")
    parser.add_argument("--threads", type=int, default=8, help="client connections sending at once")
    parser.add_argument("--days", type=int, default=1, help="days of airings each station sends in one push")
    parser.add_argument("--workers", type=int, default=1, help="hub serve --workers N (processes serving at once)")
    args = parser.parse_args()
    url = bench_database(args.database)
    folder = Path(tempfile.mkdtemp(prefix="bench-hub-"))
    hub = fresh_hub(url, folder)
    communes = register(hub, args.stations)
    district = bulletins.create(
        hub,
        BulletinInput(
            title="Tin của huyện", topic="thu-tuc", priority="normal", to="all", text="Nội dung.", approved_by="A"
        ),
    )
    sources = {777: district.id}
    day = datetime(2021, 3, 1, tzinfo=UTC) - timedelta(hours=7)
    print(
        f"hub database: {hub.db.engine.url.render_as_string(hide_password=True)}; {args.stations} stations; "
        f"hub serve --workers {args.workers}"
    )

    server = Server(url, folder / "hub-key.pem", folder / "server.log", args.workers)
    database = DatabaseCPU(url)
    try:
        rate = ceiling(server, args.threads)
        print(f"ceiling: GET {protocol.PATH_HUB} (no database) answered at {rate:,.0f} requests/s")
        for label, with_exchange in (("push only", False), ("exchange + push", True)):
            jobs = [(c, days_of_records(c, day, args.days, args.airings), sources) for c in communes]
            day += timedelta(days=args.days)
            records = sum(len(j[1]) for j in jobs)
            cpu_before, db_before = server.cpu_seconds(), database.seconds()
            wall, latencies = round_over_http(server, jobs, args.threads, with_exchange)
            cpu, db_cpu = server.cpu_seconds() - cpu_before, database.seconds() - db_before
            print(
                f"HTTP round ({label}, {args.threads} connections): {records} records from {len(jobs)} stations in "
                f"{wall:.2f} s = {records / wall:,.0f} records/s, {len(jobs) / wall:,.0f} stations/s; per station "
                f"median {statistics.median(latencies) * 1000:.1f} ms, p95 {percentile(latencies, 95) * 1000:.1f} ms; "
                f"hub CPU {cpu / len(jobs) * 1000:.2f} ms a station = {records / cpu:,.0f} records per CPU-second; "
                f"PostgreSQL CPU {db_cpu / len(jobs) * 1000:.2f} ms a station"
            )
    finally:
        server.stop()

    for group in (1, args.threads):
        day = in_process(hub, communes, day, args, sources, group)

    with hub.db.session() as session:
        stored = session.scalar(select(func.count()).select_from(AiringRow))
        summed = session.scalar(select(func.sum(StationDayRow.airings)))
    expected = 4 * len(communes) * args.days * args.airings
    print(f"check: {stored} records stored, {summed} airings in the per-day sums (expected {expected} each)")
    info = bulletins.list_bulletins(hub)[0]
    print(f"check: district bulletin aired by {info.aired_by} stations, {info.airings} airings counted")
    hub.close()


if __name__ == "__main__":
    main()
