"""Time what each PostgreSQL test pays for its station's database: emptied, then the migrated schema put back.

Uses the test suite's own fixtures (tests/conftest.py): `reset_postgres` sets the last test's schema aside,
`seed_url` takes it back emptied when it still has the template's shape, else replays pg_dump's script.
`--replay` times the replay alone (the spare dropped before each seed), as every test paid before.

Run:  eval "$(bash scripts/start-postgres.sh)"
      .venv/bin/python bench/bench_test_db_reset.py [--runs 20] [--replay]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests import conftest  # noqa: E402


def drop_spare(url: str) -> None:
    with conftest.pg_transaction(url) as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {conftest.SPARE} CASCADE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--replay", action="store_true", help="drop the spare first: pg_dump's script every time")
    args = parser.parse_args()
    url = os.environ.get("BROADCASTER_TEST_PG_URL")
    if not url:
        raise SystemExit('No PostgreSQL test server: eval "$(bash scripts/start-postgres.sh)" first.')
    with tempfile.TemporaryDirectory() as folder:
        conftest._TEMPLATES["folder"] = Path(folder)
        conftest.reset_postgres(url)
        conftest.seed_url(url)  # the template and its script, made once as in a test run
        resets, seeds = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            conftest.reset_postgres(url)
            if args.replay:
                drop_spare(url)
            emptied = time.perf_counter()
            conftest.seed_url(url)
            resets.append(emptied - started)
            seeds.append(time.perf_counter() - emptied)
        conftest.reset_postgres(url)
    way = "pg_dump's script replayed" if args.replay else "the spare taken back"
    print(f"{args.runs} runs, {way}:")
    print(f"  reset  median {1000 * statistics.median(resets):6.1f} ms  (min {1000 * min(resets):.1f})")
    print(f"  seed   median {1000 * statistics.median(seeds):6.1f} ms  (min {1000 * min(seeds):.1f})")
    total = [a + b for a, b in zip(resets, seeds, strict=True)]
    print(f"  total  median {1000 * statistics.median(total):6.1f} ms")


if __name__ == "__main__":
    main()
