"""`log verify` reads a station's SQLite file through the standard library's driver (store/log_sqlite.py) and
any database through the ORM (store/log_orm.py): the same answers, method by method, on the same real file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadcaster.airlog_verify import ChainScan
from broadcaster.errors import StoreError
from broadcaster.reports.daybook import Daybook
from broadcaster.reports.log_days import adder
from broadcaster.service.context import Station
from broadcaster.store import airings, sqlite_direct
from broadcaster.store.db import Database
from broadcaster.store.log_orm import OrmLog
from broadcaster.store.log_sqlite import SqliteLog
from broadcaster.store.tables import StationStateRow
from tests.conftest import StationCLI
from tests.test_evidence_cli import DRAFTS, append_airings
from tests.test_startup_imports import run_importing


@pytest.fixture
def opened(sqlite_cli: StationCLI) -> Iterator[Station]:
    append_airings(sqlite_cli.config, DRAFTS)
    station = Station.open(sqlite_cli.config)
    yield station
    station.close()


def sources(station: Station) -> tuple[SqliteLog, OrmLog]:
    path = sqlite_direct.plain_file(station.config)
    assert path is not None
    return SqliteLog(path), OrmLog(station.db)


def test_both_read_the_same_log_and_figures(opened: Station) -> None:
    direct, orm = sources(opened)
    count, last = orm.head()
    assert count == len(DRAFTS) and direct.head() == (count, last)
    assert direct.count() == orm.count() == count
    for seq in (1, count, count + 1):
        assert direct.hash_of(seq) == orm.hash_of(seq)
    assert direct.seq_of(last) == orm.seq_of(last) == count
    assert direct.seq_of("0" * 64) is orm.seq_of("0" * 64) is None
    assert direct.built_for() == orm.built_for() == "Asia/Ho_Chi_Minh"
    stored = direct.stored_rows()
    assert stored == orm.stored_rows() and len(stored) > 4  # days and runs, each with its airing's hash
    tz = opened.config.tz
    assert direct.sum_log(tz).all_rows() == orm.sum_log(tz).all_rows()


@pytest.mark.parametrize("after", [0, 2])
def test_both_scan_the_same_airings_into_the_same_figures(opened: Station, after: int) -> None:
    results = []
    for source in sources(opened):
        start = source.hash_of(after) or "" if after else None
        checker = ChainScan(after=after, prev=start) if start is not None else ChainScan()
        book = Daybook(later=bool(after))
        source.scan(checker, adder(book, opened.config.tz), after=after)
        first, first_book = ChainScan(), Daybook()
        source.part_scan(after or 3)(first, adder(first_book, opened.config.tz))
        results.append((checker.result(), book.all_rows(), first.result(check_head=False), first_book.all_rows()))
    assert results[0] == results[1]
    assert results[0][0].ok and results[0][0].count == len(DRAFTS)


def test_the_kept_verdict_is_the_same_row(opened: Station) -> None:
    direct, orm = sources(opened)
    at = datetime(2026, 12, 2, 9, 30, 15, 250, tzinfo=UTC)
    kept = []
    for source in (direct, orm, direct):  # written new, then over an existing row, by each
        source.keep_verdict(f'{{"ok": true, "by": "{type(source).__name__}"}}', at)
        with opened.db.session() as session:
            row = session.get(StationStateRow, airings.VERDICT_KEY)
            assert row is not None
            kept.append((row.value, row.updated_at))
    assert [updated for _, updated in kept] == [at] * 3
    assert [value for value, _ in kept] == [
        f'{{"ok": true, "by": "{name}"}}' for name in ("SqliteLog", "OrmLog", "SqliteLog")
    ]


def test_a_file_that_is_no_current_station_database_is_refused_as_the_orm_refuses_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(StoreError) as refused:
        SqliteLog(empty)
    with pytest.raises(StoreError) as usual:
        Database(f"sqlite:///{empty}").require_current()
    assert str(refused.value) == str(usual.value)


def test_log_verify_on_sqlite_does_not_import_sqlalchemy(sqlite_cli: StationCLI) -> None:
    append_airings(sqlite_cli.config, DRAFTS)
    answer, loaded = run_importing(sqlite_cli.config, "log", "verify")
    assert answer == sqlite_cli.ok("log", "verify")
    assert f" {len(DRAFTS)} " in answer
    assert "sqlalchemy" not in loaded
