"""Time `broadcaster report` end to end over 10 years of one commune's airings, on SQLite.

A station with the repo's config.toml (database in a temporary folder), 75,000 airings from
2016 to 2025 with 3 items each (each news item airs about 4 times; one news item in five is a
recording in Tày, H'Mông or Thái, so the sealed figures carry airtime per language), sealed into a real
hash chain so `broadcaster log verify` passes, written in bulk, then the sealed airtime
summary built from the log. Times Evidence.report for 10 years and one quarter (the sealed
figures read and checked, the chain's links and counts checked: everything a report does
before it is made), the report's chain-link check alone, the old path (load every record,
build_report) for comparison, one append through the store (the daemon's cost per airing),
and `broadcaster log verify`.

Each line gives wall-clock time and the process's CPU time: on a machine shared with other
work the wall clock waits for the CPU, the CPU time does not (it is what an idle machine's
wall clock would show, give or take the disk).

Run: .venv/bin/python bench/bench_report.py [--dir FOLDER to keep the station and reuse it] [--pg URL] [--old]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from broadcaster.airlog import GENESIS, AiredItem, AiringDraft, AiringRecord, seal
from broadcaster.reports.aggregate import Target, build_report, parse_period
from broadcaster.service.context import Station
from broadcaster.service.evidence import Evidence, LogQuery
from broadcaster.store import airings, summary, summary_read
from broadcaster.store.airing_rows import _ms as to_ms
from broadcaster.store.tables import AiredItemRow, AiringRow

REPO = Path(__file__).resolve().parent.parent
N_AIRINGS = 75_000
RECORDED_LANGUAGES = ["tyz", "hmn", "tyz", "blt", "tyz"]
STATUSES = ["completed"] * 92 + ["interrupted"] * 3 + ["missed", "failed"] + ["empty"] * 3


def write_config(folder: Path) -> Path:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    text = text.replace('database = "sqlite:///station.db"', f'database = "sqlite:///{folder / "station.db"}"')
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def item(news: int, k: int, n: int, status: str, played: float, topics: list[str]) -> AiredItem:
    """The `k`th item of airing `n`: news item `news`; one in five is a recording in a minority language."""
    language = RECORDED_LANGUAGES[news // 5 % len(RECORDED_LANGUAGES)] if news % 5 == 0 else "vie"
    recorded = language != "vie"
    return AiredItem(
        item_id=news + 1,  # each news item airs about 4 times
        title=f"Tin số {news + 1}: hướng dẫn thủ tục hành chính",
        topic=topics[news % len(topics)],
        priority="emergency" if n % 97 == 0 else "normal",
        offset_seconds=k * 120.0,
        duration_seconds=115.5,
        engine="recording" if recorded else "gtts",
        voice=language if recorded else "vi",
        approved_by="Cán bộ văn hóa",
        approved_at=None,
        completed=status == "completed" or k * 120.0 + 115.5 <= played,
        kind="recording" if recorded else "speech",
        language=language,
        original_sha256=f"{news:064x}" if recorded else None,
        audio_sha256=f"{news + 1:064x}",
    )


def make_drafts(station: Station) -> list[AiringDraft]:
    topics = [t.code for t in station.config.topics]
    slots = [s.name for s in station.config.slots]
    start = datetime(2016, 1, 1, tzinfo=UTC) - timedelta(hours=7)  # midnight in Vietnam
    span = timedelta(days=3653) / N_AIRINGS
    drafts = []
    for n in range(N_AIRINGS):
        at = start + span * n
        status = STATUSES[n % len(STATUSES)]
        played = 300.0 if status == "interrupted" else 360.0
        count = 3 if status != "empty" else 0
        items = tuple(item((n * 3 + k) // 4, k, n, status, played, topics) for k in range(count))
        aired = status in ("completed", "interrupted")
        drafts.append(
            AiringDraft(
                slot=slots[n % len(slots)],
                kind="slot",
                scheduled_at=at,
                started_at=at if aired else None,
                ended_at=at + timedelta(seconds=played) if aired else None,
                duration_seconds=played if aired else 0.0,
                status=status,
                reason=None if status == "completed" else "Mất điện",
                output="soundcard",
                device="default",
                amplifier="none",
                audio_sha256=None,
                exemption=None,
                items=items,
            )
        )
    return drafts


def seal_all(drafts: list[AiringDraft]) -> list[AiringRecord]:
    records, prev = [], GENESIS
    for seq, d in enumerate(drafts, start=1):
        rec = seal(d, prev, seq)
        records.append(rec)
        prev = rec.hash
    return records


def bulk_insert(station: Station, records: list[AiringRecord]) -> None:
    """The rows `airings.append` writes, in bulk (exactly the sealed values, so the chain verifies)."""
    ms = to_ms
    airing_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    for r in records:
        airing_rows.append(
            {
                "seq": r.seq,
                "kind": r.kind,
                "slot": r.slot,
                "scheduled_at": r.scheduled_at,
                "started_at": r.started_at,
                "ended_at": r.ended_at,
                "duration_ms": ms(r.duration_seconds),
                "status": r.status,
                "reason": r.reason,
                "output": r.output,
                "device": r.device,
                "amplifier": r.amplifier,
                "audio_sha256": r.audio_sha256,
                "exemption": r.exemption,
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            }
        )
        for n, i in enumerate(r.items):
            item_rows.append(
                {
                    "airing_seq": r.seq,
                    "position": n,
                    "item_id": i.item_id,
                    "title": i.title,
                    "topic": i.topic,
                    "priority": i.priority,
                    "offset_ms": ms(i.offset_seconds),
                    "duration_ms": ms(i.duration_seconds),
                    "engine": i.engine,
                    "voice": i.voice,
                    "approved_by": i.approved_by,
                    "approved_at": i.approved_at,
                    "completed": i.completed,
                    "kind": i.kind,
                    "language": i.language,
                    "source_id": i.source_id,
                    "original_sha256": i.original_sha256,
                    "audio_sha256": i.audio_sha256,
                }
            )
    with station.db.session() as session:
        for model, rows in ((AiringRow, airing_rows), (AiredItemRow, item_rows)):
            for start in range(0, len(rows), 10_000):
                session.execute(insert(model), rows[start : start + 10_000])


def timed(label: str, fn: Callable[[], object], repeat: int = 7) -> float:
    fn()  # warm: the first query of a process also loads SQLAlchemy's statement caches
    runs, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    median = statistics.median(runs)
    print(
        f"{label:<60} wall median {median:8.1f} ms  min {min(runs):8.1f} ms   "
        f"cpu median {statistics.median(cpu):8.1f} ms  min {min(cpu):8.1f} ms"
    )
    return median


IDLE_BUILD_REPORT_MS = 320  # docs/benchmarks.md: pure build_report over 75,000 airings, idle machine (308-332 ms)


def calibrate() -> float:
    """How much slower this machine is right now than the idle one the recorded figures come from.

    Times the pure-Python build_report of bench_report_aggregate.py (no database), whose idle figure
    is recorded, by the clock and in CPU time, and prints both ratios: divide a wall time measured
    now by the first, a CPU time by the second, to compare with the table."""
    from bench_report_aggregate import HCM, SLOTS, TARGETS, TOPICS, make_records

    from broadcaster.airlog import ChainHead

    records = make_records()
    period = parse_period("2016-01-01..2025-12-31")
    runs, cpu = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        build_report(records, period, TOPICS, SLOTS, TARGETS, ChainHead("0" * 64, 1), HCM)
        runs.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    factor = min(runs) / IDLE_BUILD_REPORT_MS
    print(
        f"{'calibration: pure build_report, 75,000 airings':<60} wall min {min(runs):7.1f} ms, cpu min "
        f"{min(cpu):7.1f} ms (idle: {IDLE_BUILD_REPORT_MS} ms): {factor:.2f}x slower by the clock, "
        f"{min(cpu) / IDLE_BUILD_REPORT_MS:.2f}x in CPU time"
    )
    return factor


def build_station(folder: Path, database: str | None = None) -> tuple[Station, Path]:
    """The 10-year station in `folder` (or on the `database` URL), built once (a marker file says it is
    complete) and reused. A PostgreSQL database is emptied before it is built."""
    config = write_config(folder)
    if database:
        text = config.read_text(encoding="utf-8").replace(f"sqlite:///{folder / 'station.db'}", database)
        config.write_text(text, encoding="utf-8")
    station = Station.open(config)
    marker = folder / "built"
    if marker.exists():
        station.init()  # upgrades an older schema, if any
        return station, config
    if database and database.startswith("postgresql"):
        from sqlalchemy import create_engine
        from sqlalchemy import text as sql

        engine = create_engine(database)
        with engine.begin() as connection:
            connection.execute(sql("DROP SCHEMA public CASCADE"))
            connection.execute(sql("CREATE SCHEMA public"))
        engine.dispose()
    station.init()
    t0 = time.perf_counter()
    records = seal_all(make_drafts(station))
    print(
        f"sealed {len(records):,} airings ({sum(len(r.items) for r in records):,} items) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    t0 = time.perf_counter()
    bulk_insert(station, records)
    print(f"bulk insert of the log                                       {time.perf_counter() - t0:8.1f} s")
    t0, c0 = time.perf_counter(), time.process_time()
    with station.db.session() as session:
        summary.rebuild(session, station.config.tz)
    print(
        f"summary.rebuild from the log (what an upgrade does once)      {time.perf_counter() - t0:8.1f} s "
        f"(cpu {time.process_time() - c0:.1f} s)"
    )
    marker.write_text("built\n", encoding="utf-8")
    return station, config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, help="keep the station in this folder and reuse it")
    parser.add_argument("--pg", help="PostgreSQL URL (postgresql+psycopg://...); default SQLite")
    parser.add_argument("--old", action="store_true", help="also time the old path (every record, ~10-60 s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        station, config = build_station(folder, args.pg)
        calibrate()
        evidence = Evidence(station)
        ten_years, quarter = parse_period("2016-01-01..2025-12-31"), parse_period("2021-Q1")
        timed("Evidence.report, 10 years (sealed figures, all checks)", lambda: evidence.report(ten_years))
        timed("Evidence.report, one quarter (sealed figures, all checks)", lambda: evidence.report(quarter))
        timed(
            "Evidence.report, one quarter, with records (CSV)",
            lambda: evidence.report(quarter, with_records=True),
        )
        with station.db.session() as session:
            timed(
                "  of which the figures, 10 years (read, seals checked, summed)",
                lambda: summary_read.read_period(session, ten_years, station.config.tz),
            )
            timed("  of which the chain-link check (75,000 airings)", lambda: airings.link_problem(session))

        def old_path() -> object:  # before the summary: every record loaded, then build_report
            config = station.config
            targets = [Target(t.name, t.kind, t.value, t.per, t.topic or None) for t in config.targets]
            loaded = evidence.records(LogQuery(ten_years.start, ten_years.end))
            return build_report(
                loaded,
                ten_years,
                [(t.code, t.name) for t in config.topics],
                [s.name for s in config.slots],
                targets,
                evidence.head(),
                config.tz,
            )

        if args.old:
            timed("old path: load records + build_report, 10 years", old_path, repeat=3)
        report = evidence.report(ten_years)
        print(
            f"10-year figures: {report.total_seconds:,.1f} s on air in {report.airings:,} airings, "
            f"{report.distinct_items:,} distinct items, {len(report.incidents):,} incidents"
        )
        print(
            "  by language: "
            + ", ".join(f"{f.code} {f.seconds:,.0f} s in {f.airings:,} airings" for f in report.languages)
        )
        if not args.dir:
            later = make_drafts(station)[:50]
            t0 = time.perf_counter()
            for n, d in enumerate(later):
                moved = AiringDraft(
                    **{
                        **{f: getattr(d, f) for f in d.__dataclass_fields__},
                        "scheduled_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n),
                    }
                )
                with station.db.session() as session:
                    airings.append(session, moved, station.config.tz)
            print(
                f"{'airings.append incl. summary (one airing, own transaction)':<60} "
                f"{(time.perf_counter() - t0) * 1000 / len(later):8.1f} ms each"
            )

        env = {**os.environ, "PYTHONPATH": str(REPO)}
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "broadcaster", "--config", str(config), "log", "verify"],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            check=False,
        )
        label = "broadcaster log verify (whole CLI process)"
        last_line = (done.stdout or done.stderr).strip().splitlines()[-1:]
        print(f"{label:<60} {time.perf_counter() - t0:8.1f} s   exit {done.returncode}: {last_line}")
        station.db.dispose()


if __name__ == "__main__":
    main()
