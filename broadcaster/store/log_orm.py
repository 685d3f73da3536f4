"""The airing log and its stored figures through the ORM, for `log verify` (service/log_check.py), on any database."""

from __future__ import annotations

from datetime import datetime, tzinfo

from broadcaster.airlog_verify import ChainScan
from broadcaster.reports.daybook import Daybook, SumRow
from broadcaster.reports.log_days import OnRecord
from broadcaster.store import airings, summary
from broadcaster.store.db import Database
from broadcaster.verify_process import PartScan

# `log verify` on 2 cores: the child's share of the log (bench_verify: both parts then take as long).
CHILD_SHARE = 0.5  # SQLite: the same cost per airing in both
CHILD_SHARE_POSTGRESQL = 0.55  # this process's part cost more per airing (stop 17)


class OrmLog:
    """Each read in a session of its own (the log may grow between two reads: service/log_check.py allows it)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.child_share = CHILD_SHARE_POSTGRESQL if db.engine.dialect.name == "postgresql" else CHILD_SHARE

    def head(self) -> tuple[int, str]:
        with self.db.session() as session:
            return airings.head(session)

    def count(self) -> int:
        with self.db.session() as session:
            return airings.count(session)

    def seq_of(self, record_hash: str) -> int | None:
        with self.db.session() as session:
            return airings.seq_of(session, record_hash)

    def hash_of(self, seq: int) -> str | None:
        with self.db.session() as session:
            return airings.hash_of(session, seq)

    def built_for(self) -> str | None:
        with self.db.session() as session:
            return summary.built_for(session)

    def scan(self, checker: ChainScan, on_record: OnRecord | None, after: int = 0) -> None:
        with self.db.session() as session:
            airings.scan(session, checker, on_record, after=after)

    def part_scan(self, until: int) -> PartScan:
        url = self.db.url

        def scan(checker: ChainScan, on_record: OnRecord) -> None:
            with Database(url).session() as session:
                airings.scan(session, checker, on_record, until=until)

        return scan

    def stored_rows(self) -> list[tuple[SumRow, str | None]]:
        with self.db.session() as session:
            return summary.stored_rows(session)

    def sum_log(self, tz: tzinfo, book: Daybook | None = None, after: int = 0) -> Daybook:
        with self.db.session() as session:
            return summary.sum_log(session, tz, book, after)

    def keep_verdict(self, text: str, now: datetime) -> None:
        with self.db.session() as session:
            airings.keep_verdict(session, text, now)
