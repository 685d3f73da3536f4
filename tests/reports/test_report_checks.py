"""A report is never issued on a log or figures that fail verification, on SQLite and PostgreSQL.

Tampering is done with SQL on the real database, as someone with access to the file or the
server would: the figures reports read (airtime_sums), and the airing records themselves.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date
from pathlib import Path
from typing import Any

import docx
import pytest
from PIL import Image

from broadcaster.reports import daybook
from broadcaster.reports.log_days import DayOf
from broadcaster.service.context import Station
from tests.conftest import StationCLI
from tests.test_evidence_cli import DRAFTS, Q1_SECONDS, Database, append_airings

REFUSED = "Error: The airing log does not verify, so no report was made: "
HINT = (
    " Run `broadcaster log verify` for the details and restore the station database from a backup. To make the "
    "report anyway, marked on every page as made from a log that failed verification, add --allow-unverified."
)
AIRING_2_SECONDS = 62.5 + 45.25  # 2021-01-05, alone in the run of 4..10 January


@pytest.fixture
def station(station_cli: StationCLI) -> StationCLI:
    append_airings(station_cli.config, DRAFTS)
    return station_cli


@pytest.fixture
def sql(station: StationCLI) -> Iterator[Database]:
    database = Database(Station.open(station.config).config.database_url)
    yield database
    database.engine.dispose()


def inflate(sql: Database, day: str, factor: int = 50, *, reseal: bool = False) -> None:
    """Multiply the airtime of `day` (and of its run of days) by `factor`: the attack the issue found.

    A naive forger edits the figures; a careful one also computes the seal again with this code."""
    run = daybook.run_bounds(date.fromisoformat(day))[0].isoformat()
    for span, start in (("day", day), ("run", run)):
        ((figures, last_seq, last_hash, seal),) = sql(
            "SELECT figures, last_seq, last_hash, seal FROM airtime_sums WHERE span = :span AND start = :start",
            {"span": span, "start": start},
        )
        doc = json.loads(figures)
        doc["all"][0] *= factor
        for sums in doc["topic"].values():
            sums[0] *= factor
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if reseal:
            seal = daybook.seal(span, date.fromisoformat(start), text, last_seq, last_hash)
        sql(
            "UPDATE airtime_sums SET figures = :figures, seal = :seal WHERE span = :span AND start = :start",
            {"figures": text, "seal": seal, "span": span, "start": start},
        )


def total(station: StationCLI, *args: str) -> float:
    return float(json.loads(station.ok("report", "--period", "2021-Q1", "--format", "json", *args))["total_seconds"])


def test_inflated_figures_are_refused_by_the_report_and_named_by_log_verify(
    station: StationCLI, sql: Database, tmp_path: Path
) -> None:
    assert total(station) == Q1_SECONDS
    inflate(sql, "2021-01-05")
    target = tmp_path / "q1.docx"
    assert station.fails("report", "--period", "2021-Q1", "--format", "docx", "-o", str(target)) == (
        REFUSED + "The airtime figures of 2021-01-04..2021-01-10 were changed after they were written (they no "
        "longer match their seal). (and 1 more problem)" + HINT
    )
    assert not target.exists()
    assert station.fails("log", "verify").startswith(
        "Error: The airtime figures that reports read do not match the airing log: The airtime figures of "
        "2021-01-05 were changed after they were written (they no longer match their seal). (and 1 more) "
        "The 6 airings now in the log are chained correctly"
    )


def test_figures_forged_with_a_new_seal_are_caught_by_log_verify_then_refused(
    station: StationCLI, sql: Database
) -> None:
    """The seal is not a secret: a forger who re-seals passes the report's own checks, not `log verify`."""
    inflate(sql, "2021-01-05", reseal=True)
    assert total(station) == Q1_SECONDS + 49 * AIRING_2_SECONDS  # what the report's checks cannot see...
    assert station.fails("log", "verify").startswith(  # ...log verify sums the log again and sees
        "Error: The airtime figures that reports read do not match the airing log: The airtime figures of "
        "2021-01-05 do not match the airings of those days: they were changed and sealed again. (and 1 more)"
    )
    refused = station.fails("report", "--period", "2021-Q1")  # ...and from then on the report refuses
    assert re.fullmatch(
        re.escape(REFUSED + "The last `broadcaster log verify` (at ")
        + r"\d{4}-\d\d-\d\d \d\d:\d\d"
        + re.escape(") found: The airtime figures of 2021-01-05 do not match the airings of those days: they were ")
        + re.escape("changed and sealed again. (and 1 more)" + HINT),
        refused,
    ), refused
    # Summing the log again repairs the figures: the log itself verifies and no airing is missing.
    assert station.ok("log", "rebuild-summary").startswith(
        "Summed the airing log again: 6 airings; the airtime figures"
    )
    assert station.ok("log", "verify").startswith("The airing log is intact: 6 airings")
    assert total(station) == Q1_SECONDS


def test_a_report_is_not_made_after_log_verify_failed(station: StationCLI, sql: Database, tmp_path: Path) -> None:
    """The issue: `report` wrote a .docx with a verification code while `log verify` said the log was broken."""
    sql("UPDATE airings SET duration_ms = duration_ms + 60000 WHERE seq = 3")
    assert station.fails("log", "verify").startswith("Error: The airing log is NOT intact: Airing #3 was changed")
    target = tmp_path / "q1.docx"
    refused = station.fails("report", "--period", "2021-Q1", "--format", "docx", "-o", str(target))
    assert refused.startswith(REFUSED + "The last `broadcaster log verify` (at ")
    assert refused.endswith(
        "found: Airing #3 was changed after it was written (its hash does not match its contents)." + HINT
    )
    assert not target.exists()


def test_a_deleted_airing_is_refused_without_running_log_verify(station: StationCLI, sql: Database) -> None:
    sql("DELETE FROM aired_items WHERE airing_seq = 4")
    sql("DELETE FROM airings WHERE seq = 4")
    # The chain has a gap, and the figures of its week count an airing the log no longer holds.
    assert station.fails("report", "--period", "2021-03") == (
        REFUSED + "Airing #4 is missing from the log: it was deleted. (and 1 more problem)" + HINT
    )
    # Summing again would hide the deletion: the figures still count airing #4.
    assert station.fails("log", "rebuild-summary") == (
        "Error: The airing log itself does not verify (Airing #4 is missing from the log: it was deleted.), so its "
        "figures were not summed again. Restore the station database from a backup."
    )


def test_a_changed_status_no_longer_matches_the_sealed_counts(station: StationCLI, sql: Database) -> None:
    """Hiding a missed airing by calling it completed: the figures counted it as missed."""
    sql("UPDATE airings SET status = 'completed' WHERE seq = 4")
    assert station.fails("report", "--period", "2021-Q1") == (
        REFUSED + "The log lists 0 missed airings in this period but the figures count 1: a record's status was "
        "changed, or records were deleted or added." + HINT
    )


def test_allow_unverified_marks_every_format(station: StationCLI, sql: Database, tmp_path: Path) -> None:
    inflate(sql, "2021-01-05")
    args = ["report", "--period", "2021-Q1", "--allow-unverified"]
    result = station(*args)
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "Warning: this report is made from a log that FAILED verification: The airtime figures of 2021-01-04..2021"
    )
    text = result.stdout
    assert text.startswith("CẢNH BÁO: BÁO CÁO LẬP TỪ NHẬT KÝ PHÁT THANH KHÔNG QUA KIỂM TRA TOÀN VẸN\n")
    assert "Lỗi phát hiện: Số liệu thời lượng các ngày 04/01/2021 - 10/01/2021 đã bị sửa sau khi ghi" in text
    assert "(NHẬT KÝ KHÔNG QUA KIỂM TRA TOÀN VẸN)" in text
    data = json.loads(station.ok(*args, "--format", "json"))
    assert data["verification"]["verified"] is False
    assert data["verification"]["problems"][0].startswith("The airtime figures of 2021-01-04..2021-01-10 were changed")
    assert data["verification"]["problems_vi"][0].startswith("Số liệu thời lượng các ngày 04/01/2021")
    rows = station.ok(*args, "--format", "csv").removeprefix("\ufeff").splitlines()
    assert rows[0].endswith(",log_verification")
    assert all(",FAILED: The airtime figures of 2021-01-04..2021-01-10" in row for row in rows[1:]) and len(rows) > 1
    station.ok(*args, "--format", "docx", "-o", str(tmp_path / "q1.docx"))
    document = docx.Document(str(tmp_path / "q1.docx"))
    section = document.sections[0]
    for header in (section.first_page_header, section.header):  # every page: the first has its own header
        assert "CẢNH BÁO: BÁO CÁO LẬP TỪ NHẬT KÝ PHÁT THANH KHÔNG QUA KIỂM TRA TOÀN VẸN" in [
            p.text for p in header.paragraphs
        ]
    body = [p.text for p in document.paragraphs]
    assert any(t.startswith("Lỗi phát hiện: Số liệu thời lượng các ngày 04/01/2021") for t in body)
    assert any("NHẬT KÝ KHÔNG QUA KIỂM TRA TOÀN VẸN khi lập báo cáo" in t for t in body)
    png = tmp_path / "q1.png"
    station.ok(*args, "--format", "png", "-o", str(png))
    assert red_pixels_at_top(png.read_bytes()) > 500


def red_pixels_at_top(png: bytes) -> int:
    with Image.open(io.BytesIO(png)) as img:
        rgb = img.convert("RGB")
        width, height = rgb.size
        top = rgb.crop((0, 0, width, height // 12))
        return sum(
            n for n, (r, g, b) in top.getcolors(maxcolors=1_000_000) or [] if r > 150 and g < 25 and b < 25
        )  # the warning's red, not the target line's


def test_a_verified_report_carries_no_mark(station: StationCLI, tmp_path: Path) -> None:
    data: dict[str, Any] = json.loads(station.ok("report", "--period", "2021-Q1", "--format", "json"))
    assert data["verification"] == {
        "verified": True,
        "problems": [],
        "problems_vi": [],
        "checks": [
            "figures: every day and run read matches its seal and the airing it names",
            "chain: airings 1..N without gaps, each linked to the one before",
            "counts: the figures count every airing of the period, and every incident listed",
            "last full verification (broadcaster log verify) did not fail",
        ],
    }
    assert "CẢNH BÁO" not in station.ok("report", "--period", "2021-Q1")
    assert "log_verification" not in station.ok("report", "--period", "2021-Q1", "--format", "csv")
    png = tmp_path / "q1.png"
    station.ok("report", "--period", "2021-Q1", "--format", "png", "-o", str(png))
    assert red_pixels_at_top(png.read_bytes()) == 0


# --- log verify in two processes gives the verdict of one scan -----------------------------------


TAMPERING = {
    "intact": [],
    "first part edited": ["UPDATE airings SET reason = 'sửa' WHERE seq = 1"],
    "second part edited": ["UPDATE airings SET duration_ms = duration_ms + 1 WHERE seq = 5"],
    "deleted at the split": ["DELETE FROM aired_items WHERE airing_seq = 3", "DELETE FROM airings WHERE seq = 3"],
    "deleted after the split": ["DELETE FROM aired_items WHERE airing_seq = 4", "DELETE FROM airings WHERE seq = 4"],
    "newest deleted": ["DELETE FROM aired_items WHERE airing_seq = 6", "DELETE FROM airings WHERE seq = 6"],
    "figures forged and sealed again": [],  # the figures summed in two parts and joined are compared
}


@pytest.mark.slow  # a child process checks half the chain
@pytest.mark.parametrize("case", list(TAMPERING))
def test_log_verify_in_two_processes_says_what_one_scan_says(
    station: StationCLI, sql: Database, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """A child checks and sums airings 1..3 while this process checks and sums 4..6: through the command
    (on SQLite without the ORM, store/log_sqlite.py) and through the ORM (`Evidence.verify`, the console's)."""
    import broadcaster.service.log_check as log_check
    import broadcaster.store.log_orm as log_orm
    from broadcaster.service.evidence import Evidence
    from broadcaster.service.log_verify import verify_log
    from broadcaster.store.log_sqlite import SqliteLog
    from broadcaster.verify_process import ChainJob

    started = []
    real_start = ChainJob.start.__func__  # type: ignore[attr-defined]

    def start(cls: type[ChainJob], *args: Any) -> ChainJob | None:
        job = real_start(cls, *args)
        started.append(job is not None)
        return job

    monkeypatch.setattr(ChainJob, "start", classmethod(start))
    # Threads other tests left in this pytest process (servers, pools) would keep the check in one
    # process, as they must in a real one (test_a_threaded_process_checks_in_one_process).
    monkeypatch.setattr("broadcaster.verify_process.threading.active_count", lambda: 1)
    heads = [json.loads(station.ok("report", "--period", "2021", "--format", "json"))["chain_head"]]
    codes = [f"{h['count']}:{h['hash']}" for h in heads] + ["2:" + "a" * 64, "0:" + "0" * 64, heads[0]["hash"]]
    for statement in TAMPERING[case]:
        sql(statement)
    if case == "figures forged and sealed again":
        inflate(sql, "2021-01-05", reseal=True)
    answers, verdicts = {}, {}
    opened = Station.open(station.config)
    monkeypatch.setattr(log_orm, "CHILD_SHARE", 0.5)
    monkeypatch.setattr(log_orm, "CHILD_SHARE_POSTGRESQL", 0.5)
    monkeypatch.setattr(SqliteLog, "child_share", 0.5)
    try:
        for split_from in (10**9, 1):  # one process, then two
            monkeypatch.setattr(log_check, "MIN_SPLIT", split_from)
            runs = [station("log", "verify"), *(station("log", "verify", "--head", code) for code in codes)]
            answers[split_from] = [(r.exit_code, r.stdout, r.stderr) for r in runs]
            heads_asked = [None, *codes]
            verdicts[split_from] = [(verify_log(opened, h), Evidence(opened).verify(h)) for h in heads_asked]
    finally:
        opened.close()
    assert answers[1] == answers[10**9]
    assert verdicts[1] == verdicts[10**9]
    assert all(command == orm for command, orm in verdicts[1])
    assert [command.ok for command, _ in verdicts[1]] == [code == 0 for code, _, _ in answers[1]]
    assert started == [True] * (3 * len(answers[1]))  # the second round did run in two processes


def test_a_threaded_process_checks_in_one_process() -> None:
    """Forking a process that runs other threads can copy a lock they hold: no second process then."""
    import threading

    from broadcaster.verify_process import ChainJob

    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert ChainJob.start(lambda _checker, _add: None, None, 1, UTC) is None
    finally:
        release.set()
        worker.join()


@pytest.mark.parametrize("whole", [True, False])
@pytest.mark.parametrize("through", ["orm", "sqlite3"])
def test_airings_logged_while_log_verify_runs_are_summed_too(station: StationCLI, whole: bool, through: str) -> None:
    """The figures compared are those of the log as it stands at the end. A book joined from two parts
    holds only the items' days the join needed (`whole=False`), so it is summed again from the start."""
    from broadcaster.reports.daybook import Daybook
    from broadcaster.service.log_check import LogSource, stored_when_summed
    from broadcaster.store import sqlite_direct, summary
    from broadcaster.store.log_orm import OrmLog
    from broadcaster.store.log_sqlite import SqliteLog

    opened = Station.open(station.config)
    try:
        source: LogSource = OrmLog(opened.db)
        if through == "sqlite3":
            path = sqlite_direct.plain_file(opened.config)
            if path is None:
                pytest.skip("the standard library's driver reads the station's SQLite file only")
            source = SqliteLog(path)
        with opened.db.session() as session:
            book = summary.sum_log(session, opened.config.tz)
            expected = book.all_rows()
            partial = Daybook()  # airings 1..3 summed, with items' days it cannot go on from (as a joined book)
            for seq, record_hash, at, slot, status, played, items in list(summary.log_items(session))[:3]:
                partial.add(seq, record_hash, DayOf(opened.config.tz).of_text(at), slot, status, played, items)
            partial.items = {item_id: {date(2020, 1, 1): ("", 0, 0)} for item_id in range(1, 1000)}
        summed, stored = stored_when_summed(source, opened.config.tz, partial, whole=whole)
        assert summed.count == 6
        if not whole:
            assert summed.all_rows() == expected
        assert {(row.span, row.start): row for row, _hash in stored} == expected
    finally:
        opened.db.dispose()
