"""Time `broadcaster log verify` over 10 years of one commune's airings, on SQLite and PostgreSQL.

The log of bench_report.py (75,000 airings, 218,250 items, a real hash chain and its sealed
summary). Times `Evidence.verify` in process (the chain streamed and re-hashed, the summary
summed again from the records and compared) and the whole CLI process, and, for comparison,
the old way (every record loaded as ORM objects, then `airlog.verify_chain`).

Run:  .venv/bin/python bench/bench_verify.py                  # SQLite in a temporary folder
      .venv/bin/python bench/bench_verify.py --pg URL         # PostgreSQL (the database is emptied first)
      .venv/bin/python bench/bench_verify.py --dir /tmp/bv    # keep the station there and reuse it next time
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import REPO, bulk_insert, make_drafts, seal_all, timed, write_config

from broadcaster.airlog import verify_chain
from broadcaster.evidence import Evidence
from broadcaster.station import Station
from broadcaster.store import airings, summary


def open_station(folder: Path, pg_url: str | None) -> tuple[Station, Path]:
    marker = folder / "built"
    config = write_config(folder)
    if pg_url:
        text = config.read_text(encoding="utf-8").replace(f"sqlite:///{folder / 'station.db'}", pg_url)
        config.write_text(text, encoding="utf-8")
    station = Station.open(config)
    if marker.exists():
        return station, config
    if pg_url:
        from sqlalchemy import create_engine
        from sqlalchemy import text as sql

        engine = create_engine(pg_url)
        with engine.begin() as connection:
            connection.execute(sql("DROP SCHEMA public CASCADE"))
            connection.execute(sql("CREATE SCHEMA public"))
        engine.dispose()
    station.init()
    t0 = time.perf_counter()
    records = seal_all(make_drafts(station))
    bulk_insert(station, records)
    with station.db.session() as session:
        summary.rebuild(session, station.config.tz)
    print(f"built the 10-year log ({len(records):,} airings) in {time.perf_counter() - t0:.1f} s")
    marker.write_text("1", encoding="utf-8")
    return station, config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="PostgreSQL URL (postgresql+psycopg://...); default SQLite")
    parser.add_argument("--dir", type=Path, help="keep the station in this folder and reuse it")
    parser.add_argument("--old", action="store_true", help="also time the old way (ORM records + verify_chain)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        station, config = open_station(folder, args.pg)
        evidence = Evidence(station)
        where = "PostgreSQL" if args.pg else "SQLite"
        result = evidence.verify()
        print(f"verdict: ok={result.ok} count={result.count:,} problem={result.problem}")
        timed(f"Evidence.verify, {where} (chain + summary)", evidence.verify, repeat=5)
        if args.old:

            def old() -> object:
                with station.db.session() as session:
                    return verify_chain(list(airings.iter_all(session)))

            timed(f"old: ORM records + verify_chain, {where}", old, repeat=1)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        runs = []
        for _ in range(3):
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
            f"min {min(runs):6.2f} s  max {max(runs):6.2f} s   exit {done.returncode}: {last}"
        )
        station.db.dispose()


if __name__ == "__main__":
    main()
