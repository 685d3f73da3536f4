"""The district's report over a province's year: 600 stations × 365 days × 6 airings (1.3 M).

The hub's database (PostgreSQL) is filled in bulk, in SQL, with what ingest leaves behind:
1.3 M airing records (each with a canonical document of realistic size), the per-day sums
per station and per district bulletin, 100 bulletins to all stations and their deliveries.
Times `district_report` for the year (every commune, every bulletin), one station's quarter
(`station_figures`), and rendering the year's report as text and as the .docx.

Run: eval "$(BROADCASTER_TEST_PG_DB=bt_hub bash scripts/start-postgres.sh)"; .venv/bin/python bench/bench_hub_report.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_hub_common import bench_database, fresh_hub, register

from broadcaster.hub import report_writers
from broadcaster.hub.reports import district_report, station_figures
from broadcaster.hub.tables import AiringRow, BulletinDayRow, StationDayRow
from broadcaster.reports.periods import parse_period

DOC = (
    '{"amplifier":"command","audio_sha256":"'
    + "ab" * 32
    + '","device":"default","items":['
    + ",".join(
        '{"approved_at":"2021-02-28T23:00:00.000000Z","approved_by":"Trần Thị Bình","completed":true,'
        '"duration_ms":90000,'
        f'"engine":"gtts","item_id":{n},"offset_ms":{n * 95000},"priority":"normal","title":"Tin tuyên truyền cải cách '
        f'hành chính số {n}","topic":"thu-tuc","voice":"vi"}}'
        for n in range(3)
    )
    + '],"kind":"slot","output":"device","reason":null,"slot":"Bản tin sáng","status":"completed","v":1}'
)


def fill(hub: Any, stations: int, days: int, per_day: int, bulletins: int) -> None:
    engine = hub.db.engine
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO airings (station_id, seq, hash, version, scheduled_at, status, slot, duration_ms, doc,"
                " received_at) SELECT s.id, n, md5(s.id::text || '/' || n) || md5(n::text), 1,"
                " timestamptz '2020-12-31 23:00+00' + ((n - 1) / :per) * interval '1 day'"
                " + ((n - 1) % :per) * interval '150 minutes', 'completed', 'Bản tin sáng', 285000, :doc, now()"
                " FROM stations s CROSS JOIN generate_series(1, :n) AS n"
            ),
            {"n": days * per_day, "per": per_day, "doc": DOC},
        )
        c.execute(
            text("UPDATE stations SET head_count = :n, head_hash = md5(id::text) || md5(id::text)"),
            {"n": days * per_day},
        )
        c.execute(
            text(
                "INSERT INTO station_days SELECT s.id, date '2021-01-01' + d, :per, :per - 1, 1, 0, 0, 0, :per,"
                " 3 * :per, 3 * :per * 90000, 1, 90000 FROM stations s CROSS JOIN generate_series(0, :days - 1) AS d"
            ),
            {"per": per_day, "days": days},
        )
        c.execute(
            text(
                "INSERT INTO bulletins (id, title, topic, priority, text, valid_from, valid_until, airings, to_all,"
                " created_at, approved_by, approved_at, envelope) SELECT 'b-' || b, 'Tin huyện số ' || b, 'thu-tuc',"
                " 'normal', 'Nội dung', null, null, 3, true, timestamptz '2021-01-01 01:00+00' + (b * 3) * interval"
                " '1 day', 'Nguyễn Thị Hoa', timestamptz '2021-01-01 01:00+00' + (b * 3) * interval '1 day', '{}'"
                " FROM generate_series(1, :b) AS b"
            ),
            {"b": bulletins},
        )
        c.execute(
            text(
                "INSERT INTO deliveries (station_id, bulletin_id, created_at) SELECT s.id, b.id, b.approved_at"
                " FROM stations s CROSS JOIN bulletins b ORDER BY b.approved_at, s.id"
            )
        )
        c.execute(text("UPDATE stations SET cursor = (SELECT max(id) FROM deliveries)"))
        c.execute(
            text(
                "INSERT INTO bulletin_days SELECT b.id, s.id,"
                " (b.approved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + k, 1, 0, 90000"
                " FROM stations s CROSS JOIN bulletins b CROSS JOIN generate_series(0, 2) AS k"
            )
        )
        c.execute(text("ANALYZE"))


def timed(what: str, fn: Callable[[], Any], runs: int) -> Any:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    print(f"{what}: median {statistics.median(times) * 1000:.1f} ms, best {min(times) * 1000:.1f} ms ({runs} runs)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="hub database URL (default: <test database>_bench)")
    parser.add_argument("--stations", type=int, default=600)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--airings", type=int, default=6)
    args = parser.parse_args()
    url = bench_database(args.database)
    hub = fresh_hub(url, Path(tempfile.mkdtemp(prefix="bench-hub-")))
    register(hub, args.stations)
    started = time.perf_counter()
    fill(hub, args.stations, args.days, args.airings, 100)
    with hub.db.session() as session:
        records = session.scalar(select(func.count()).select_from(AiringRow))
        days = session.scalar(select(func.count()).select_from(StationDayRow))
        credits = session.scalar(select(func.count()).select_from(BulletinDayRow))
        size = session.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
    print(
        f"filled in {time.perf_counter() - started:.0f} s: {records:,} airing records, {days:,} station-days, "
        f"{credits:,} bulletin-station-days; database {size}"
    )
    year, quarter = parse_period("2021"), parse_period("2021-Q2")
    report = timed("province report, year (600 communes, 100 bulletins)", lambda: district_report(hub, year), 5)
    assert sum(c.airings for c in report.communes) == records
    timed("one station's quarter", lambda: station_figures(hub, "XA-0300", quarter), 20)
    section = hub.settings.report
    timed("the year's report rendered as text", lambda: report_writers.render(report, "text", section, date.today()), 3)
    docx = timed(
        "the year's report rendered as .docx", lambda: report_writers.render(report, "docx", section, date.today()), 3
    )
    print(f".docx: {len(docx) / 1024:.0f} KiB")
    hub.close()


if __name__ == "__main__":
    main()
