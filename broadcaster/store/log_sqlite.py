"""The airing log and its stored figures in a plain SQLite file, through the standard library's driver.

For `log verify` (service/log_check.py): the same answers as store/log_orm.py (the tests compare
them method by method) without importing SQLAlchemy, a fifth of the command's time on a log of
75,000 airings. What the ORM does rarely is left to it, loaded on first use (`_ThroughOrm`): an airing
SQLite cannot write as the reference would, a value its JSON functions refuse, and figures
summed again because the daemon logged more airings while the check ran.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcaster.airlog import GENESIS, AiringRecord
from broadcaster.reports.daybook import Daybook, SumRow
from broadcaster.reports.log_days import plain_utc
from broadcaster.store import sealed_sqlite, sqlite_direct

if TYPE_CHECKING:
    from broadcaster.airlog_verify import ChainScan
    from broadcaster.reports.log_days import OnRecord
    from broadcaster.store.db import Database
    from broadcaster.verify_process import PartScan


CHILD_SHARE = 0.45  # the child also sends its part's figures (bench_verify)

# store.summary.stored_rows, as Core writes it for SQLite
STORED_ROWS_SQL = (
    "SELECT t.span, t.start, t.figures, t.last_seq, t.last_hash, t.seal, a.hash FROM airtime_sums AS t "
    "LEFT OUTER JOIN airings AS a ON a.seq = t.last_seq ORDER BY t.span, t.start"
)
KEEP_SQL = (
    "INSERT INTO station_state (key, value, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)


class SqliteLog:
    """A station's SQLite file, one connection per read (none is open when `log verify` forks)."""

    child_share = CHILD_SHARE

    def __init__(self, path: Path) -> None:
        """Fails as Station.ready() does when the file is not a station database at the current schema."""
        self.path = path
        self._orm = _ThroughOrm(sqlite_direct.where(path))
        with sqlite_direct.reading(path) as connection:
            sqlite_direct.require_current(connection, path)

    def _one(self, sql: str, *params: object) -> Any:
        with sqlite_direct.reading(self.path) as connection:
            return connection.execute(sql, params).fetchone()

    def head(self) -> tuple[int, str]:
        row = self._one("SELECT seq, hash FROM airings ORDER BY seq DESC LIMIT 1")
        return (row[0], row[1]) if row else (0, GENESIS)

    def count(self) -> int:
        row = self._one("SELECT count(*) FROM airings")
        return int(row[0])

    def seq_of(self, record_hash: str) -> int | None:
        row = self._one("SELECT seq FROM airings WHERE hash = ?", record_hash)
        return row[0] if row else None

    def hash_of(self, seq: int) -> str | None:
        row = self._one("SELECT hash FROM airings WHERE seq = ?", seq)
        return row[0] if row else None

    def built_for(self) -> str | None:
        row = self._one("SELECT value FROM station_state WHERE key = ?", sealed_sqlite.SUMMARY_TZ_KEY)
        return row[0] if row else None

    def scan(self, checker: ChainScan, on_record: OnRecord | None, after: int = 0) -> None:
        _scan(self.path, self._orm, checker, on_record, after, None)

    def part_scan(self, until: int) -> PartScan:
        path = self.path

        def scan(checker: ChainScan, on_record: OnRecord) -> None:
            _scan(path, _ThroughOrm(sqlite_direct.where(path)), checker, on_record, 0, until)

        return scan

    def stored_rows(self) -> list[tuple[SumRow, str | None]]:
        with sqlite_direct.reading(self.path) as connection:
            rows = connection.execute(STORED_ROWS_SQL).fetchall()
        return [(SumRow(span, date.fromisoformat(start), *rest), there) for span, start, *rest, there in rows]

    def sum_log(self, tz: tzinfo, book: Daybook | None = None, after: int = 0) -> Daybook:
        return self._orm.sum_log(tz, book, after)

    def keep_verdict(self, text: str, now: datetime) -> None:
        with sqlite_direct.reading(self.path) as connection, connection:  # the second: commit, or roll back
            connection.execute(KEEP_SQL, (sealed_sqlite.VERDICT_KEY, text, plain_utc(now)))


def _scan(
    path: Path, orm: _ThroughOrm, checker: ChainScan, on_record: OnRecord | None, after: int, until: int | None
) -> None:
    """store.airings.scan on the file (the Python way through the ORM, where SQLite's SQL fails on a value)."""
    with sqlite_direct.reading(path) as connection:
        sealed_sqlite.scan_else(
            connection.cursor(), checker, on_record, after, until, orm.record,
            lambda rest: orm.scan_python(checker, on_record, rest, until),
        )  # fmt: skip


class _ThroughOrm:
    """The same database through the ORM, opened (and SQLAlchemy imported) on first use."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._database: Database | None = None

    def _db(self) -> Database:
        if self._database is None:
            from broadcaster.store.db import Database

            self._database = Database(self._url)
        return self._database

    def record(self, seq: int) -> AiringRecord:
        from broadcaster.store import airings

        with self._db().session() as session:
            return airings.get(session, seq)

    def scan_python(self, checker: ChainScan, on_record: OnRecord | None, after: int, until: int | None) -> None:
        from broadcaster.store import airings

        with self._db().session() as session:
            airings.scan_python(session, checker, on_record, after, until)

    def sum_log(self, tz: tzinfo, book: Daybook | None, after: int) -> Daybook:
        from broadcaster.store import summary

        with self._db().session() as session:
            return summary.sum_log(session, tz, book, after)
