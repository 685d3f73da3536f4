"""The evidence through the CLI: the airing log, its verification and the airtime report.

Airings are written the way the daemon writes them (`airings.append` inside
`station.db.session()`), on SQLite and PostgreSQL; tampering is done with SQL on
the real database, as someone with access to the file or server would.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, MetaData, create_engine, insert, select, text

from broadcaster.airlog import AiredItem, AiringDraft, AiringRecord, seal
from broadcaster.service.context import Station
from broadcaster.store import airings as log_store
from broadcaster.store.tables import AiredItemRow, AiringRow
from tests.conftest import PG_URL, StationCLI, own_database, write_config

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text_: str) -> datetime:
    """Station time, as the official reads it."""
    return datetime.fromisoformat(text_).replace(tzinfo=HCM)


def item(
    item_id: int, topic: str, offset: float, duration: float, *, completed: bool = True, priority: str = "normal"
) -> AiredItem:
    return AiredItem(
        item_id=item_id,
        title=f"Tin số {item_id}: cải cách hành chính",
        topic=topic,
        priority=priority,
        offset_seconds=offset,
        duration_seconds=duration,
        engine="espeak",
        voice="vi",
        approved_by="Nguyễn Văn An" if item_id % 2 else None,
        approved_at=at("2020-12-30 09:00") if item_id % 2 else None,
        completed=completed,
    )


def airing(
    slot: str,
    when: str,
    status: str,
    duration: float,
    items: tuple[AiredItem, ...] = (),
    *,
    kind: str = "slot",
    reason: str | None = None,
) -> AiringDraft:
    scheduled = at(when)
    aired = status in ("completed", "interrupted")
    return AiringDraft(
        slot=slot,
        kind=kind,
        scheduled_at=scheduled,
        started_at=scheduled + timedelta(seconds=0.25) if aired else None,
        ended_at=scheduled + timedelta(seconds=0.25 + duration) if aired else None,
        duration_seconds=duration,
        status=status,
        reason=reason,
        output="file",
        device="aired",
        amplifier="none",
        audio_sha256=("ab" * 32) if aired else None,
        exemption=None,
        items=items,
    )


A = item(1, "mot-cua", 8.0, 62.5)
B = item(2, "thu-tuc", 72.0, 45.25)
C = item(3, "thu-tuc", 8.0, 30.0)
D_CUT = item(4, "ket-qua", 72.0, 40.0, completed=False)  # on air 92.0 - 72.0 = 20 s of 40
E = item(5, "nguoi-tot", 3.0, 20.0, priority="emergency")

DRAFTS = [
    # 05:30 on 1 January in Hà Tĩnh is still 31 December in UTC: it belongs to 2021-Q1.
    airing("Phát khẩn cấp", "2021-01-01 05:30", "completed", 26.0, (E,), kind="emergency"),
    airing("Bản tin sáng", "2021-01-05 06:00", "completed", 125.0, (A, B)),
    airing("Chuyên mục Cải cách hành chính", "2021-02-02 18:00", "interrupted", 92.0, (A, D_CUT), reason="Stopped"),
    airing("Bản tin sáng", "2021-03-09 06:00", "missed", 0.0, reason="The station was off at air time."),
    airing("Bản tin chiều", "2021-03-20 17:30", "failed", 0.0, (item(3, "thu-tuc", 8.0, 30.0, completed=False),)),
    # 05:45 on 1 April in Hà Tĩnh is 31 March in UTC: it does NOT belong to 2021-Q1.
    airing("Bản tin sáng", "2021-04-01 05:45", "completed", 45.0, (C,)),
]
Q1_SECONDS = 20.0 + 62.5 + 45.25 + 62.5 + 20.0


def append_airings(config: Path, drafts: list[AiringDraft]) -> None:
    """Write airings exactly as the daemon does: one transaction per airing."""
    station = Station.open(config)
    try:
        for draft in drafts:
            with station.db.session() as session:
                log_store.append(session, draft, station.config.tz)
    finally:
        station.db.dispose()


@pytest.fixture
def station(station_cli: StationCLI) -> StationCLI:
    """A station of the test's own with DRAFTS in its log: for the tests that change it."""
    append_airings(station_cli.config, DRAFTS)
    return station_cli


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def logged(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StationCLI]:
    """One station per database with DRAFTS in its log, for the tests that only read it (the log, its
    verification, reports to the screen or to files of their own): ~0.3 s of set-up each instead of one
    per test. Every row of the database is compared after the last of them: one that wrote fails there."""
    folder = tmp_path_factory.mktemp(f"logged-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'station.db'}"
    elif PG_URL:
        url = own_database("evidence")  # not the database each test's own station empties
    else:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    station = StationCLI(write_config(folder, url))
    station.init()
    append_airings(station.config, DRAFTS)
    before = every_row(url)
    yield station
    assert every_row(url) == before, "a test given the shared station `logged` changed its database"


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = {
            name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for name, table in sorted(metadata.tables.items())
        }
    engine.dispose()
    return rows


class Database:
    """The station's real database, reached with SQL outside broadcaster (foreign keys not enforced)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def __call__(self, statement: str, params: dict[str, Any] | None = None) -> list[Any]:
        with self._begin() as connection:
            result = connection.execute(text(statement), params or {})
            return list(result) if result.returns_rows else []

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # A forger renumbering rows does not care about referential integrity.
                connection.execute(text("SET LOCAL session_replication_role = replica"))
            yield connection

    def insert(self, record: AiringRecord) -> None:
        """Write a record the forger sealed, with the same column types broadcaster uses."""
        airing_row = {c.name: getattr(record, c.name) for c in AiringRow.__table__.columns if hasattr(record, c.name)}
        airing_row["duration_ms"] = round(record.duration_seconds * 1000)
        items = [
            {
                **{c.name: getattr(i, c.name) for c in AiredItemRow.__table__.columns if hasattr(i, c.name)},
                "airing_seq": record.seq,
                "position": n,
                "offset_ms": round(i.offset_seconds * 1000),
                "duration_ms": round(i.duration_seconds * 1000),
            }
            for n, i in enumerate(record.items)
        ]
        with self._begin() as connection:
            connection.execute(insert(AiringRow.__table__), [airing_row])
            if items:
                connection.execute(insert(AiredItemRow.__table__), items)


@pytest.fixture
def sql(station: StationCLI) -> Iterator[Database]:
    database = Database(Station.open(station.config).config.database_url)
    yield database
    database.engine.dispose()


def log_json(station: StationCLI, *args: str) -> list[dict[str, Any]]:
    return list(json.loads(station.ok("log", "--json", *args)))


def chain_head(station: StationCLI) -> str:
    head = json.loads(station.ok("report", "--period", "2021", "--format", "json"))["chain_head"]
    return f"{head['count']}:{head['hash']}"


# ---------------------------------------------------------------- log


AIRING_FIELDS = {
    "id",
    "slot",
    "kind",
    "scheduled_at",
    "started_at",
    "ended_at",
    "duration_seconds",
    "status",
    "reason",
    "output",
    "device",
    "amplifier",
    "audio_sha256",
    "exemption",
    "prev_hash",
    "hash",
    "items",
    "version",  # canonical version 2 (docs/json.md: added, nothing renamed)
    "relay",
}
ITEM_FIELDS = {
    "item_id",
    "title",
    "topic",
    "priority",
    "offset_seconds",
    "duration_seconds",
    "engine",
    "voice",
    "approved_by",
    "approved_at",
    "completed",
    "kind",
    "language",
    "source_id",
    "original_sha256",
    "audio_sha256",
}


def test_log_json_lists_every_airing_with_the_documented_fields(logged: StationCLI) -> None:
    records = log_json(logged)
    assert [r["id"] for r in records] == [1, 2, 3, 4, 5, 6]
    for record in records:
        assert set(record) == AIRING_FIELDS
        for entry in record["items"]:
            assert set(entry) == ITEM_FIELDS
    second = records[1]
    assert second["slot"] == "Bản tin sáng"
    assert second["scheduled_at"] == "2021-01-05T06:00:00+07:00"
    assert second["started_at"] == "2021-01-05T06:00:00.250000+07:00"
    assert second["ended_at"] == "2021-01-05T06:02:05.250000+07:00"
    assert second["duration_seconds"] == 125.0
    assert second["status"] == "completed"
    assert second["reason"] is None
    assert second["output"] == "file"
    assert second["audio_sha256"] == "ab" * 32
    assert second["prev_hash"] == records[0]["hash"]
    assert records[0]["prev_hash"] == "0" * 64
    assert second["items"][1] == {
        "item_id": 2,
        "title": "Tin số 2: cải cách hành chính",
        "topic": "thu-tuc",
        "priority": "normal",
        "offset_seconds": 72.0,
        "duration_seconds": 45.25,
        "engine": "espeak",
        "voice": "vi",
        "approved_by": None,
        "approved_at": None,
        "completed": True,
        "kind": "speech",
        "language": "vie",
        "source_id": None,
        "original_sha256": None,
        "audio_sha256": None,
    }
    assert (second["version"], second["relay"]) == (2, None)
    assert second["items"][0]["approved_by"] == "Nguyễn Văn An"
    assert second["items"][0]["approved_at"] == "2020-12-30T09:00:00+07:00"
    missed = records[3]
    assert (missed["status"], missed["started_at"], missed["reason"]) == (
        "missed",
        None,
        "The station was off at air time.",
    )


def test_log_filters_by_station_days_and_status(logged: StationCLI) -> None:
    # Station days, not UTC days: airing 1 is 31 Dec in UTC, airing 6 is 31 Mar in UTC.
    q1 = log_json(logged, "--from", "2021-01-01", "--to", "2021-03-31")
    assert [r["id"] for r in q1] == [1, 2, 3, 4, 5]
    assert [r["id"] for r in log_json(logged, "--from", "01/04/2021")] == [6]
    assert [r["id"] for r in log_json(logged, "--to", "2021-01-01")] == [1]
    assert [r["id"] for r in log_json(logged, "--status", "completed")] == [1, 2, 6]
    assert [r["id"] for r in log_json(logged, "--status", "missed", "--from", "2021-03-01")] == [4]
    assert log_json(logged, "--status", "empty") == []


def test_log_text_lists_airings_and_prints_the_verification_code(logged: StationCLI) -> None:
    out = logged.ok("log").splitlines()
    assert out[:6] == [
        "    1  2021-01-01 05:30:00  completed      26.0 s  Phát khẩn cấp  items: #5",
        "    2  2021-01-05 06:00:00  completed     125.0 s  Bản tin sáng  items: #1, #2",
        "    3  2021-02-02 18:00:00  interrupted    92.0 s  Chuyên mục Cải cách hành chính  items: #1, #4(cut)"
        "  (Stopped)",
        "    4  2021-03-09 06:00:00  missed          0.0 s  Bản tin sáng  items: -  (The station was off at air time.)",
        "    5  2021-03-20 17:30:00  failed          0.0 s  Bản tin chiều  items: #3(cut)",
        "    6  2021-04-01 05:45:00  completed      45.0 s  Bản tin sáng  items: #3",
    ]
    assert out[6] == f"Log verification code: {chain_head(logged)}"
    assert logged.ok("log", "--status", "empty").splitlines()[0] == "No airings in the log for that choice."


def test_empty_log_says_so(station_cli: StationCLI) -> None:
    assert station_cli.ok("log").splitlines() == ["No airings in the log yet.", "Log verification code: 0:" + "0" * 64]
    assert (
        station_cli.ok("log", "verify") == "The airing log is intact: 0 airings, verification code 0:" + "0" * 64 + "\n"
    )


def test_log_show_gives_one_airing(logged: StationCLI) -> None:
    shown = json.loads(logged.ok("log", "show", "3", "--json"))
    assert shown == log_json(logged)[2]
    text_ = logged.ok("log", "show", "3")
    assert "slot:             Chuyên mục Cải cách hành chính\n" in text_
    assert "scheduled_at:     2021-02-02T18:00:00+07:00\n" in text_
    assert "reason:           Stopped\n" in text_
    assert (
        "  +   72.0 s    40.0 s  #4 [ket-qua, normal] Tin số 4: cải cách hành chính  (espeak/vi)  (cut short)"
        in text_.splitlines()
    )
    assert logged.fails("log", "show", "99") == (
        "Error: There is no airing 99 in the log. Run `broadcaster log` to see the airings."
    )


def test_log_rejects_bad_dates(logged: StationCLI) -> None:
    assert logged.fails("log", "--from", "2021-02-30") == (
        "Error: --from '2021-02-30' is not a date that exists. Check the day and month, e.g. 2021-02-28."
    )
    assert logged.fails("log", "--from", "2021-03-01", "--to", "2021-02-01") == (
        "Error: --to 2021-02-01 is before --from 2021-03-01. The period must end on or after its first day."
    )


# ---------------------------------------------------------------- verify


def test_intact_log_verifies(station: StationCLI) -> None:
    # a station of its own: `log verify` records its verdict (for `status`), a write
    head = chain_head(station)
    assert station.ok("log", "verify") == f"The airing log is intact: 6 airings, verification code {head}\n"
    assert station.ok("log", "verify", "--head", head).startswith("The airing log is intact: 6 airings")


def test_verify_names_an_edited_record(station: StationCLI, sql: Database) -> None:
    sql("UPDATE airings SET duration_ms = duration_ms + 60000 WHERE seq = 3")
    assert station.fails("log", "verify") == (
        "Error: The airing log is NOT intact: Airing #3 was changed after it was written "
        "(its hash does not match its contents)."
    )


def test_a_broken_log_is_named_in_vietnamese_and_in_station_time(station: StationCLI, sql: Database) -> None:
    """`log verify`, the refused report and --allow-unverified's warning say the problem in the official's
    language, and the time of the last check as the station's clock showed it, not in UTC."""
    from tests.english import english_run
    from tests.test_vietnamese_messages import run_vi

    sql("UPDATE airings SET duration_ms = duration_ms + 60000 WHERE seq = 3")
    checked = run_vi(["log", "verify"], station.config)
    assert checked.exit_code == 1 and "Buổi phát số 3" in checked.stderr, checked.stderr
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    for args in (["report", "--period", "2021-Q1"], ["report", "--period", "2021-Q1", "--allow-unverified"]):
        said = run_vi(args, station.config).stderr
        assert "Buổi phát số 3" in said and english_run(said) is None, said
        assert f"lúc {now:%Y-%m-%d %H}:" in said or f"lúc {now:%Y-%m-%d} " in said, said


def test_verify_names_a_record_whose_item_was_edited(station: StationCLI, sql: Database) -> None:
    sql("UPDATE aired_items SET topic = 'mot-cua' WHERE airing_seq = 2 AND position = 1")
    assert station.fails("log", "verify") == (
        "Error: The airing log is NOT intact: Airing #2 was changed after it was written "
        "(its hash does not match its contents)."
    )


def test_verify_names_a_deleted_record(station: StationCLI, sql: Database) -> None:
    sql("DELETE FROM aired_items WHERE airing_seq = 3")
    sql("DELETE FROM airings WHERE seq = 3")
    assert station.fails("log", "verify") == (
        "Error: The airing log is NOT intact: Airing #3 is missing from the log: it was deleted."
    )


def _shift_up_from(sql: Database, seq: int) -> None:
    """Make room at `seq` by renumbering the later records (highest first, the key is unique)."""
    for (number,) in sql("SELECT seq FROM airings WHERE seq >= :s ORDER BY seq DESC", {"s": seq}):
        sql("UPDATE airings SET seq = :n WHERE seq = :o", {"n": number + 1, "o": number})
        sql("UPDATE aired_items SET airing_seq = :n WHERE airing_seq = :o", {"n": number + 1, "o": number})


def test_verify_names_a_forged_record_inserted_between(station: StationCLI, sql: Database) -> None:
    """The forger seals the forged airing correctly after #2; the next record no longer fits."""
    records = log_json(station)
    forged = seal(airing("Bản tin chiều", "2021-01-20 17:30", "completed", 30.0, (C,)), records[1]["hash"], 3)
    _shift_up_from(sql, 3)
    sql.insert(forged)
    assert [r["slot"] for r in log_json(station)][2] == "Bản tin chiều"
    # The forgery itself fits after #2, but the genuine airing it pushed down no longer fits.
    assert station.fails("log", "verify") == (
        "Error: The airing log is NOT intact: Airing #4 was changed after it was written "
        "(its hash does not match its contents)."
    )


def test_verify_names_a_record_copied_into_the_middle(station: StationCLI, sql: Database) -> None:
    """Airing #2 copied as #3 (hash altered to get past the unique index): the copy is named."""
    _shift_up_from(sql, 3)
    sql(
        "INSERT INTO airings (seq, kind, slot, scheduled_at, started_at, ended_at, duration_ms, status, reason, "
        "output, device, amplifier, audio_sha256, exemption, prev_hash, hash) "
        "SELECT 3, kind, slot, scheduled_at, started_at, ended_at, duration_ms, status, reason, output, device, "
        "amplifier, audio_sha256, exemption, prev_hash, :fake FROM airings WHERE seq = 2",
        {"fake": "f" * 64},
    )
    sql(
        "INSERT INTO aired_items (airing_seq, position, item_id, title, topic, priority, offset_ms, duration_ms, "
        "engine, voice, approved_by, approved_at, completed) "
        "SELECT 3, position, item_id, title, topic, priority, offset_ms, duration_ms, engine, voice, approved_by, "
        "approved_at, completed FROM aired_items WHERE airing_seq = 2"
    )
    assert station.fails("log", "verify") == (
        "Error: The airing log is NOT intact: Airing #3 was changed after it was written "
        "(its hash does not match its contents)."
    )


def test_verify_names_reordered_records(station: StationCLI, sql: Database) -> None:
    """Swap airings 2 and 3 whole (contents, hashes and items), keeping the numbers in order."""
    sql("UPDATE airings SET seq = 1000 WHERE seq = 2")
    sql("UPDATE aired_items SET airing_seq = 1000 WHERE airing_seq = 2")
    sql("UPDATE airings SET seq = 2 WHERE seq = 3")
    sql("UPDATE aired_items SET airing_seq = 2 WHERE airing_seq = 3")
    sql("UPDATE airings SET seq = 3 WHERE seq = 1000")
    sql("UPDATE aired_items SET airing_seq = 3 WHERE airing_seq = 1000")
    assert [r["slot"] for r in log_json(station)][1:3] == ["Chuyên mục Cải cách hành chính", "Bản tin sáng"]
    assert station.fails("log", "verify") == (
        "Error: The airing log is NOT intact: Airing #2 was changed after it was written "
        "(its hash does not match its contents)."
    )


def test_head_from_a_report_catches_deleted_newest_records(station: StationCLI, sql: Database) -> None:
    head = chain_head(station)
    sql("DELETE FROM aired_items WHERE airing_seq >= 5")
    sql("DELETE FROM airings WHERE seq >= 5")
    # The rest of the chain is intact, but the figures reports read still count the deleted airings...
    assert station.fails("log", "verify").startswith(
        "Error: The airtime figures that reports read do not match the airing log: The airtime figures of "
        "2021-03-20 count airing #5, which is no longer in the log: airings were deleted (or the figures forged). "
        "(and 3 more) The 4 airings now in the log are chained correctly (verification code 4:"
    )
    # ...and the code printed on the earlier report says which were deleted.
    assert station.fails("log", "verify", "--head", head) == (
        "Error: The airing log is NOT intact: The log has only 4 airings but an earlier report counted 6: "
        "the newest airings (#5 to #6) were deleted."
    )


def test_head_catches_a_rewritten_log(station: StationCLI, sql: Database) -> None:
    """A forger who re-seals the whole log after editing it passes plain verify, not the printed code."""
    head = chain_head(station)
    sql("DELETE FROM aired_items")
    sql("DELETE FROM airings")
    # A careful forger drops the airtime figures too, which would otherwise still count the old log.
    sql("DELETE FROM airtime_sums")
    sql("DELETE FROM station_state WHERE key = 'airtime_sums_tz'")
    append_airings(station.config, [DRAFTS[0], DRAFTS[2], DRAFTS[1], *DRAFTS[3:]])
    assert station.ok("log", "verify").startswith("The airing log is intact: 6 airings")
    assert station.fails("log", "verify", "--head", head) == (
        f"Error: The airing log is NOT intact: Airing #6 does not match the verification code printed on "
        f"an earlier report ({head}): the log was rewritten up to that point."
    )


def test_verify_rejects_a_mistyped_code(logged: StationCLI) -> None:
    assert logged.fails("log", "verify", "--head", "6:abc") == (
        "Error: '6:abc' is not a log verification code. Copy it exactly as printed on the report: the number "
        "of airings, a colon, then 64 letters and digits, e.g. 120:3fa9..."
    )


# ---------------------------------------------------------------- report


def on_air_ms(record: dict[str, Any], entry: dict[str, Any]) -> int:
    """Milliseconds of an item that went out, from the log alone (the report's documented rule)."""
    if record["status"] not in ("completed", "interrupted"):
        return 0
    full = round(entry["duration_seconds"] * 1000)
    if entry["completed"]:
        return full
    played = round(record["duration_seconds"] * 1000) - round(entry["offset_seconds"] * 1000)
    return min(max(played, 0), full)


def test_report_json_agrees_with_the_log_to_the_second(logged: StationCLI) -> None:
    report = json.loads(logged.ok("report", "--period", "2021-Q1", "--format", "json"))
    records = log_json(logged, "--from", "2021-01-01", "--to", "2021-03-31")
    from_log = sum(on_air_ms(r, e) for r in records for e in r["items"])
    assert report["total_seconds"] == from_log / 1000 == Q1_SECONDS
    assert report["airings"] == 3
    by_code = {t["code"]: t for t in report["topics"]}
    assert [t["code"] for t in report["topics"]][:3] == ["y-nghia", "chuong-trinh", "trach-nhiem"]
    assert len(report["topics"]) == 10
    assert by_code["thu-tuc"]["name"] == "Cải cách thủ tục hành chính, chính quyền điện tử và dịch vụ công trực tuyến"
    for code in by_code:
        topic_ms = sum(on_air_ms(r, e) for r in records for e in r["items"] if e["topic"] == code)
        topic_airings = sum(any(on_air_ms(r, e) and e["topic"] == code for e in r["items"]) for r in records)
        assert (by_code[code]["seconds"], by_code[code]["airings"]) == (topic_ms / 1000, topic_airings), code
    assert (by_code["mot-cua"]["seconds"], by_code["mot-cua"]["airings"]) == (125.0, 2)
    assert (by_code["ket-qua"]["seconds"], by_code["y-nghia"]["seconds"]) == (20.0, 0)
    targets = {t["name"]: t for t in report["targets"]}
    segments = targets["Số chuyên mục CCHC mỗi tháng"]
    assert (segments["target"], segments["reached"], segments["met"]) == (8, 0, False)  # nothing aired in March
    assert [(u["label"], u["reached"]) for u in segments["units"]] == [("2021-01", 2), ("2021-02", 1), ("2021-03", 0)]
    minutes = targets["Thời lượng tin CCHC mỗi tháng (phút)"]
    assert [u["reached"] for u in minutes["units"]] == [round(127.75 / 60, 3), round(82.5 / 60, 3), 0]
    assert (minutes["target"], minutes["met"]) == (60, False)
    coverage = targets["Mỗi nội dung tuyên truyền ít nhất 1 lần mỗi quý"]
    assert coverage["met"] is False
    assert coverage["units"][0]["short_topics"] == [
        c for c in by_code if c not in ("mot-cua", "thu-tuc", "ket-qua", "nguoi-tot")
    ]
    assert report["chain_head"] == {"count": 6, "hash": log_json(logged)[-1]["hash"]}
    assert set(report) >= {"total_seconds", "airings", "topics", "targets", "chain_head"}


def test_report_periods_month_year_and_range(logged: StationCLI) -> None:
    def total(*args: str) -> float:
        return float(json.loads(logged.ok("report", "--format", "json", *args))["total_seconds"])

    assert total("--period", "2021-02") == 82.5
    assert total("--period", "2021") == Q1_SECONDS + 30.0
    assert total("--from", "2021-01-02", "--to", "2021-04-01") == Q1_SECONDS - 20.0 + 30.0
    assert total("--period", "2020") == 0


def test_report_csv_is_utf8_with_bom_one_row_per_aired_item(logged: StationCLI, tmp_path: Path) -> None:
    target = tmp_path / "q1.csv"
    out = logged.ok("report", "--period", "2021-Q1", "--format", "csv", "-o", str(target))
    assert out.startswith(f"Wrote {target} (log verification code 6:")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["airing_id"], r["item_id"], r["seconds"]) for r in rows] == [
        ("1", "5", "20.000"),
        ("2", "1", "62.500"),
        ("2", "2", "45.250"),
        ("3", "1", "62.500"),
        ("3", "4", "20.000"),
    ]
    assert sum(float(r["seconds"]) for r in rows) == Q1_SECONDS
    assert rows[1]["slot"] == "Bản tin sáng"
    assert rows[1]["topic_name"] == "Cơ chế một cửa, một cửa liên thông"
    assert (rows[0]["date"], rows[0]["time"]) == ("2021-01-01", "05:30:00")
    # To the screen (or `> file.csv`) it is the same bytes, so Excel opens it right either way.
    shown = logged("report", "--period", "2021-Q1", "--format", "csv").stdout_bytes
    assert shown == data


def test_report_text_to_screen(logged: StationCLI) -> None:
    out = logged.ok("report", "--period", "2021-Q1")
    assert "Tổng thời lượng: " in out
    assert "Tổng thời lượng: 3,5 phút (210,2 giây)" in out  # the Vietnamese decimal comma
    assert out.rstrip().endswith(f"Mã kiểm chứng nhật ký: {chain_head(logged)}")


def test_report_docx_is_the_administrative_report(logged: StationCLI, tmp_path: Path) -> None:
    import docx

    target = tmp_path / "bao-cao.docx"
    logged.ok("report", "--period", "2021-Q1", "--format", "docx", "-o", str(target))
    document = docx.Document(str(target))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    whole = "\n".join(texts)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in whole
    assert "BÁO CÁO" in texts or any(t.strip() == "BÁO CÁO" for t in whole.splitlines())
    subject = next(t for t in texts if "Kết quả công tác tuyên truyền cải cách hành chính" in t)
    assert subject.endswith("cải cách hành chính quý I năm 2021")
    assert "Nơi nhận" in whole
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.font.name}
    fonts.add(document.styles["Normal"].font.name)
    assert fonts == {"Times New Roman"}


def test_report_docx_and_png_go_to_the_reports_folder_by_default(station: StationCLI) -> None:
    reports = station.config.parent / "data" / "reports"
    out = station.ok("report", "--period", "2021-03", "--format", "png")
    png = reports / "bao-cao-2021-03.png"
    assert out.startswith(f"Wrote {png} (log verification code 6:")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    station.ok("report", "--period", "2021-03", "--format", "docx")
    assert (reports / "bao-cao-2021-03.docx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["--period", "2021-Q5"],
            "Error: '2021-Q5' is not a report period. Write a year (2021), a month (2021-03), a quarter (2021-Q1) "
            "or a date range (2021-03-05..2021-04-10).",
        ),
        (
            ["--period", "2021-13"],
            "Error: '2021-13' is not a real date or period (there is no month 13). Write a year (2021), "
            "a month (2021-03), a quarter (2021-Q1) or a date range (2021-03-05..2021-04-10).",
        ),
        (
            ["--from", "2021-03-31", "--to", "2021-03-01"],
            "Error: --to 2021-03-01 is before --from 2021-03-31. The period must end on or after its first day.",
        ),
        (
            ["--period", "2021-Q1", "--from", "2021-01-01"],
            "Error: Give either --period or --from/--to, not both. Use --period alone, or --from DATE --to DATE.",
        ),
        (
            ["--from", "2021-01-01"],
            "Error: Say which period to report. Use --period 2021-Q1, --period 2021-03, --period 2021, "
            "or --from DATE --to DATE.",
        ),
        (
            ["--from", "2021-01-01", "--to", "31/02/2021"],
            "Error: --to '31/02/2021' is not a date that exists. Check the day and month, e.g. 2021-02-28.",
        ),
    ],
)
def test_report_bad_input_is_one_line(logged: StationCLI, args: list[str], error: str) -> None:
    assert logged.fails("report", *args) == error


def test_report_on_a_station_never_initialised(tmp_path: Path) -> None:
    from tests.conftest import write_config

    station = StationCLI(write_config(tmp_path))
    line = station.fails("report", "--period", "2021")
    assert line == (
        f"Error: The station database sqlite:///{tmp_path / 'station.db'} is not set up. Run `broadcaster init` first."
    )


# ---------------------------------------------------------------- no tracebacks


DATE_RULE = " Write YYYY-MM-DD (2021-03-15) or DD/MM/YYYY, day first as usual in Vietnam (15/03/2021)."


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["report", "--from", "2021-01-01", "--to", "9999-12-31"],
            "Error: --to '9999-12-31': the year must be between 2000 and 2099." + DATE_RULE,
        ),
        (
            ["report", "--from", "0001-01-01", "--to", "9999-12-31"],
            "Error: --from '0001-01-01': the year must be between 2000 and 2099." + DATE_RULE,
        ),
        (
            ["report", "--period", "9999"],
            "Error: --period 9999 is too far in the future: reports and the log cover days up to 2100-12-31. "
            "Check the year.",
        ),
        (
            ["log", "--from", "0001-01-01"],
            "Error: --from '0001-01-01': the year must be between 2000 and 2099." + DATE_RULE,
        ),
        (
            ["log", "show", "99999999999999999999"],
            "Error: There is no airing 99999999999999999999 in the log. Run `broadcaster log` to see the airings.",
        ),
        (
            ["log", "show", "0"],
            "Error: There is no airing 0 in the log. Run `broadcaster log` to see the airings.",
        ),
    ],
)
def test_out_of_range_input_is_one_line_not_a_traceback(logged: StationCLI, args: list[str], error: str) -> None:
    assert logged.fails(*args) == error
