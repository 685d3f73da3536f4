"""The audit trail: the pure chain (auditlog.py), the store on SQLite and PostgreSQL, and `broadcaster audit`."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from broadcaster.airlog import ChainHead
from broadcaster.auditlog import (
    GENESIS,
    AuditDraft,
    AuditRecord,
    canonical_details,
    parse_head,
    seal,
    to_json,
    verify_chain,
)
from broadcaster.errors import InputError
from broadcaster.service.context import Station
from broadcaster.store import audit
from tests.conftest import StationCLI, write_config

T0 = datetime(2021, 3, 1, 1, 0, tzinfo=UTC)


def chain(n: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    prev = GENESIS
    for i in range(1, n + 1):
        draft = AuditDraft(T0 + timedelta(minutes=i), f"user{i}", "item.approve", f"item:{i}", {"n": i}, "10.0.0.1")
        record = seal(draft, prev, i)
        records.append(record)
        prev = record.hash
    return records


# ------------------------------------------------------------ pure


def test_an_intact_chain_verifies_and_gives_its_code() -> None:
    records = chain(5)
    result = verify_chain(records)
    assert result.ok and result.count == 5 and result.code == f"5:{records[-1].hash}"
    assert verify_chain([]).ok and verify_chain([]).head_hash == GENESIS
    assert verify_chain(records, ChainHead(records[2].hash, 3)).ok


@pytest.mark.parametrize(
    ("tamper", "first_bad", "words"),
    [
        (lambda r: [r[0], replace(r[1], actor="someone-else"), *r[2:]], 2, "was changed after it was written"),
        (lambda r: [r[0], replace(r[1], details='{"n":99}'), *r[2:]], 2, "was changed"),
        (lambda r: [r[0], r[2], r[3], r[4]], 2, "#2 is missing"),
        (lambda r: [r[0], r[1], r[1], r[2], r[3], r[4]], 2, "out of order or twice"),
        (lambda r: [r[0], r[2], r[1], r[3], r[4]], 2, "#2 is missing"),
        (lambda r: [r[0], *[seal(AuditDraft(T0, "x", "login"), GENESIS, 2)], *r[2:]], 2, "not linked"),
    ],
)
def test_every_kind_of_tampering_names_the_first_bad_entry(tamper, first_bad: int, words: str) -> None:  # type: ignore[no-untyped-def]
    result = verify_chain(tamper(chain(5)))
    assert not result.ok and result.first_bad_seq == first_bad
    assert words in (result.problem or "")


def test_deleting_the_newest_entries_is_caught_by_the_head() -> None:
    records = chain(5)
    head = ChainHead(records[-1].hash, 5)
    result = verify_chain(records[:3], head)
    assert not result.ok and result.first_bad_seq == 4 and "(from #4) were deleted" in (result.problem or "")
    rewritten = verify_chain(chain(5), ChainHead("f" * 64, 5))
    assert not rewritten.ok and "does not match the verification code" in (rewritten.problem or "")


def test_canonical_form_does_not_depend_on_zone_key_order_or_unicode_form() -> None:
    decomposed = "Chu\u0309 ti\u0323ch"  # "Chủ tịch" typed with combining marks
    a = seal(AuditDraft(T0, decomposed, "user.add", None, {"b": 1, "a": [decomposed]}), GENESIS, 1)
    b = seal(
        AuditDraft(
            T0.astimezone(timezone(timedelta(hours=7))), "Chủ tịch", "user.add", None, {"a": ["Chủ tịch"], "b": 1}
        ),
        GENESIS,
        1,
    )
    assert a.hash == b.hash and a.actor == "Chủ tịch" and a.details == '{"a":["Chủ tịch"],"b":1}'
    assert canonical_details(None) == "{}"
    with pytest.raises(ValueError, match="naive"):
        seal(AuditDraft(datetime(2021, 3, 1), "x", "login"), GENESIS, 1)
    with pytest.raises(ValueError, match="dotted lowercase"):
        seal(AuditDraft(T0, "x", "Log In"), GENESIS, 1)
    with pytest.raises(ValueError, match="JSON values"):
        canonical_details({"when": T0})
    with pytest.raises(ValueError, match="finite"):
        canonical_details({"x": float("nan")})


def test_json_and_the_written_down_code() -> None:
    (record,) = chain(1)
    data = to_json(record, timezone(timedelta(hours=7)))
    assert data["at"] == "2021-03-01T08:01:00+07:00" and data["details"] == {"n": 1} and data["id"] == 1
    assert parse_head(f" 1:{record.hash.upper()} ") == ChainHead(record.hash, 1)
    with pytest.raises(InputError, match="not an audit verification code"):
        parse_head("12345")


# ------------------------------------------------------------ the store


@pytest.fixture
def station(tmp_path: Path, db_url: str) -> Station:
    config = write_config(tmp_path, db_url)
    StationCLI(config).init()
    opened = Station.open(config)
    yield opened
    opened.db.dispose()


def test_entries_are_stored_exactly_as_hashed_and_tampering_in_the_database_is_found(station: Station) -> None:
    with station.db.session() as session:
        for i in range(1, 6):
            audit.record(
                session,
                "vanhoa",
                "item.add",
                f"item:{i}",
                {"title": f"Tin số {i}"},
                "192.168.1.5",
                at=T0 + timedelta(seconds=i, microseconds=123456),
            )
    with station.db.session() as session:
        result = audit.verify(session)
        assert result.ok and result.count == 5 and audit.head(session) == ChainHead(result.head_hash, 5)
        newest = audit.entries(session, limit=2)
        assert [e.seq for e in newest] == [5, 4]
        assert newest[0].at == T0 + timedelta(seconds=5, microseconds=123456)
        assert [e.seq for e in audit.entries(session, limit=10, before=3)] == [2, 1]
        assert len(audit.entries(session, action="item")) == 5 and not audit.entries(session, action="ite")
    with station.db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET details = :d WHERE seq = 3"), {"d": '{"title":"Tin khác"}'})
    with station.db.session() as session:
        result = audit.verify(session)
    assert not result.ok and result.first_bad_seq == 3 and "#3 was changed" in (result.problem or "")


def test_deleting_the_newest_entry_is_found_through_the_head_row(station: Station) -> None:
    with station.db.session() as session:
        for i in range(3):
            audit.record(session, "kythuat", "user.add", f"user:u{i}", None, "local", at=T0 + timedelta(seconds=i))
    with station.db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    with station.db.session() as session:
        result = audit.verify(session)
    assert not result.ok and "only 2 entries but 3 were recorded" in (result.problem or "")


def test_appenders_take_turns(station: Station) -> None:
    errors: list[BaseException] = []

    def append_many(who: str) -> None:
        try:
            for i in range(15):
                with station.db.session() as session:
                    audit.record(session, who, "login", None, {"i": i}, None, at=datetime.now(UTC))
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=append_many, args=(f"user{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with station.db.session() as session:
        result = audit.verify(session)
    assert result.ok and result.count == 60


# ------------------------------------------------------------ the command line


def test_audit_commands(tmp_path: Path) -> None:
    station = StationCLI(write_config(tmp_path))
    station.ok("init")
    assert station.ok("audit") == "The audit trail is empty.\n"
    station.ok("users", "add", "vanhoa", "--role", "official", input="\n")
    station.ok("users", "disable", "vanhoa")
    lines = station.ok("audit").splitlines()
    assert len(lines) == 2 and " cli:" in lines[0] and "user.disable  user:vanhoa  from local" in lines[0]
    assert "user.add  user:vanhoa  (full_name=, role=official)" in lines[1]
    (entry,) = json.loads(station.ok("audit", "--json", "--action", "user.disable"))
    assert entry["action"] == "user.disable" and entry["at"].endswith("+07:00") and entry["address"] == "local"
    assert station.ok("audit", "--user", "nobody") == "Nothing in the audit trail for that choice.\n"

    out = station.ok("audit", "verify")
    assert out.startswith("The audit trail is intact: 2 entries, verification code 2:")
    code = out.strip().rsplit(" ", 1)[-1]
    assert station.ok("audit", "verify", "--head", code) == out

    config = Station.open(station.config)
    with config.db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 1"))
    config.db.dispose()
    error = station.fails("audit", "verify")
    assert error.startswith("Error: The audit trail is NOT intact: Audit entry #1 was changed after it was written")
    assert station.fails("audit", "verify", "--head", "xyz").startswith(
        "Error: 'xyz' is not an audit verification code."
    )
