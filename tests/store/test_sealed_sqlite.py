"""`log verify` with the canonical bytes written by SQLite (store/sealed_sqlite.py): the same bytes as the
reference for every record the store writes, and the reference's verdict on every row it cannot write."""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from broadcaster.airlog import GENESIS, AiringRecord, canonical_bytes, record_hash, seal, verify_chain
from broadcaster.airlog_verify import ChainScan
from broadcaster.reports.daybook import Daybook
from broadcaster.reports.log_days import adder
from broadcaster.store import airings, sealed_sqlite
from broadcaster.store.airing_rows import airing_row, item_rows
from broadcaster.store.db import Database
from broadcaster.store.log_sqlite import SqliteLog
from tests.test_airlog import HCM, ODD_TEXTS, chain, draft, odd_records

MORE_TEXTS = ["\x7f and \u2029 and \x08\x0c", "a\x00b", "tab\there", "Ω≈ç √ 𝄞"]


def _rechained(records: list[AiringRecord]) -> list[AiringRecord]:
    out, prev = [], GENESIS
    for seq, rec in enumerate(records, start=1):
        rec = dataclasses.replace(rec, seq=seq, prev_hash=prev)
        rec = dataclasses.replace(rec, hash=record_hash(rec))
        out.append(rec)
        prev = rec.hash
    return out


def sample_records() -> list[AiringRecord]:
    """Every odd record of test_airlog, a version-1 record, more control characters, and a plain chain."""
    odd = odd_records()
    first = odd[0]
    more = dataclasses.replace(
        first,
        reason=MORE_TEXTS[0],
        exemption=MORE_TEXTS[1],
        items=tuple(dataclasses.replace(first.items[0], title=t, voice=t) for t in MORE_TEXTS),
    )
    version_1 = dataclasses.replace(first, version=1, relay=None)
    return _rechained([*odd, more, version_1, *chain(3)])


def store(database: Database, records: list[AiringRecord]) -> None:
    with database.session() as session:
        for rec in records:
            session.add(airing_row(rec))
            session.flush()
            session.add_all(item_rows(rec))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path}/station.db")
    db.upgrade()
    yield db
    db.dispose()


def sealed_bodies(database: Database) -> list[Any]:
    with database.session() as session:
        cursor = session.connection().connection.cursor()
        return list(cursor.execute(sealed_sqlite.AIRINGS_SQL, (0, 10**9, 10**6)).fetchall())


def test_sqlite_writes_the_canonical_bytes_of_every_record(database: Database) -> None:
    records = sample_records()
    assert any(r.version == 1 for r in records) and any(r.relay for r in records)
    store(database, records)
    rows = sealed_bodies(database)
    assert [row[0] for row in rows] == [r.seq for r in records]
    for row, rec in zip(rows, records, strict=True):
        assert row[1] == canonical_bytes(rec), rec.seq  # not left to the reference: the fast path itself
        assert hashlib.sha256(rec.prev_hash.encode() + row[1]).hexdigest() == rec.hash


def reference(database: Database) -> Any:
    """`verify_chain` on the records as the ORM reads them back; a row it cannot read back counts as changed."""
    records = []
    with database.session() as session:
        for seq in range(1, airings.count(session) + 1):
            try:
                records.append(airings.get(session, seq))
                record_hash(records[-1])
            except (ValueError, TypeError):
                records = records[: seq - 1]
                records.append(dataclasses.replace(records[-1], seq=seq, hash="unreadable"))
    return verify_chain(records)


def file_of(database: Database) -> Path:
    return Path(database.url.removeprefix("sqlite:///"))


def direct_verdict(database: Database) -> Any:
    """The chain verdict of `log verify` on the file, through the standard library's driver (store/log_sqlite.py)."""
    checker = ChainScan()
    SqliteLog(file_of(database)).scan(checker, None)
    return checker.result()


def verdicts(database: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, Any]:
    """`log verify`'s chain verdict through the SQLite path (in the ORM's connection, and in the standard
    library's) and through the Python path (Canon)."""
    with database.session() as session:
        fast = airings.verify(session)
        with monkeypatch.context() as patch:
            patch.setattr(sealed_sqlite, "usable", lambda _session: False)
            python = airings.verify(session)
    return fast, direct_verdict(database), python


def tamper(database: Database, statement: str, **params: Any) -> None:
    with database.session() as session:
        session.execute(text(statement), params)


NFD = unicodedata.normalize("NFD", "Hoà Bình, Khoá XIV")
TAMPERINGS = {
    # the reference's verdict: changed
    "edited title": ("UPDATE aired_items SET title = 'sửa' WHERE airing_seq = 4 AND position = 1", False),
    "edited time": ("UPDATE airings SET ended_at = '2021-03-02 00:00:00.000001' WHERE seq = 2", False),
    "positions swapped": (
        "UPDATE aired_items SET position = 1 - position WHERE airing_seq = 4 AND position IN (0, 1)",
        False,
    ),
    # whatever order the reference reads the two items in, the fast paths leave it to the reference
    "duplicate position": ("UPDATE aired_items SET position = 0 WHERE airing_seq = 4 AND position = 1", None),
    "relay made empty": ("UPDATE airings SET relay_json = '' WHERE seq = 2", False),
    "relay not JSON": ("UPDATE airings SET relay_json = 'nul' WHERE seq = 6", False),
    "a blob for a title": ("UPDATE aired_items SET title = X'41' WHERE airing_seq = 3", False),
    "a blob for a time": (
        "UPDATE airings SET scheduled_at = CAST(scheduled_at AS BLOB) WHERE seq = 3",
        False,
    ),
    # the same record as the reference reads it: intact
    "text stored in NFD": (f"UPDATE airings SET slot = '{NFD}' WHERE seq = 3", True),
    "time without microseconds": ("UPDATE airings SET started_at = substr(started_at, 1, 19) WHERE seq = 1", True),
    "completed stored as 2": ("UPDATE aired_items SET completed = 2 WHERE completed = 1 AND airing_seq = 1", True),
    "completed stored as text": ("UPDATE aired_items SET completed = 'yes' WHERE airing_seq = 1", True),
}


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_rows_sqlite_cannot_write_get_the_references_verdict(
    database: Database, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    statement, intact = TAMPERINGS[name]
    store(database, sample_records())
    tamper(database, statement)
    expected = reference(database)
    assert intact is None or expected.ok is intact
    fast, direct, python = verdicts(database, monkeypatch)
    assert fast == expected
    assert direct == expected
    assert python == expected


def test_the_stored_nfd_text_is_no_sqlite_match_but_the_reference_finds_it_intact(database: Database) -> None:
    """What the test above relies on: without the reference behind it, the SQLite path would call it changed."""
    assert ODD_TEXTS[2] != unicodedata.normalize("NFC", ODD_TEXTS[2])
    store(database, sample_records())
    tamper(database, f"UPDATE airings SET slot = '{NFD}' WHERE seq = 3")
    row = sealed_bodies(database)[2]
    assert hashlib.sha256(row[2].encode() + row[1]).hexdigest() != row[3]
    assert reference(database).ok


def test_a_blob_sends_the_rest_of_the_log_the_python_way(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    store(database, sample_records())
    tamper(database, "UPDATE aired_items SET title = X'41' WHERE airing_seq = 3")
    with pytest.raises(Exception, match="BLOB"):
        sealed_bodies(database)
    fed: list[int] = []
    real = ChainScan.feed
    monkeypatch.setattr(ChainScan, "feed", lambda self, a, i, e: fed.append(a[0]) or real(self, a, i, e))
    with database.session() as session:
        result = airings.verify(session)
    assert fed == [1, 2, 3]  # the batch that failed is read again, from its first airing
    assert (result.first_bad_seq, result.ok) == (3, False)
    fed.clear()
    assert direct_verdict(database) == result  # the same through the standard library's driver
    assert fed == [1, 2, 3]


def test_the_figures_are_summed_from_the_same_rows_either_way(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _rechained([seal(draft(n, "interrupted" if n % 3 else "completed"), GENESIS, n) for n in range(1, 9)])
    store(database, records)

    def summed() -> Daybook:
        book, checker = Daybook(), ChainScan()
        with database.session() as session:
            airings.scan(session, checker, adder(book, HCM))
        assert checker.result().ok
        return book

    fast = summed()
    monkeypatch.setattr(sealed_sqlite, "usable", lambda _session: False)
    python = summed()
    assert fast.all_rows() == python.all_rows()
    assert fast.count == python.count == 8
