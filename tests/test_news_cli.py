"""The news queue through the CLI, as the culture official uses it."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from broadcaster.service.context import Station
from tests.conftest import StationCLI


def windows_1258(text: str) -> bytes:
    """What Windows-1258 Notepad writes: precomposed where the code page has it, else base + tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tone = next(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def snapshot(station: StationCLI) -> list[dict[str, object]]:
    return json.loads(station.ok("news", "list", "--json"))


def station_today(station: StationCLI) -> date:
    """Today in the station's time zone (Vietnam is ahead of the test machine's UTC)."""
    return Station.open(station.config).today()


def set_column(station: StationCLI, item_id: int, column: str, value: Any) -> None:
    """Change a stored item behind the CLI's back, as days passing would."""
    engine = create_engine(Station.open(station.config).config.database_url)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE news_items SET {column} = :v WHERE id = :id"), {"v": value, "id": item_id})
    engine.dispose()


def test_add_prints_id_and_show_returns_every_documented_field(station_cli: StationCLI) -> None:
    first = station_cli.add(
        "Lịch tiếp dân",
        "mot-cua",
        "UBND xã tiếp dân vào thứ 5 hằng tuần.",
        "--priority",
        "priority",
        "--from",
        "2021-03-01",
        "--until",
        "31/03/2099",
        "--airings",
        "3",
    )
    second = station_cli.add()
    assert second == first + 1
    item = json.loads(station_cli.ok("news", "show", str(first), "--json"))
    for key in (
        "id",
        "title",
        "topic",
        "priority",
        "status",
        "text",
        "valid_from",
        "valid_until",
        "airings_wanted",
        "airings_done",
        "approved_by",
        "approved_at",
        "created_at",
    ):
        assert key in item
    assert item["title"] == "Lịch tiếp dân"
    assert item["priority"] == "priority"
    assert (item["valid_from"], item["valid_until"]) == ("2021-03-01", "2099-03-31")
    assert (item["airings_wanted"], item["airings_done"]) == (3, 0)


def test_text_is_stored_as_nfc_whatever_form_it_arrives_in(station_cli: StationCLI) -> None:
    decomposed = unicodedata.normalize("NFD", "Thủ tục hành chính một cửa")
    added = station_cli("news", "add", "--title", "Tin", "--topic", "mot-cua", "--text", decomposed)
    assert added.stderr.startswith("Note: --text: "), added.stderr  # named as typed, not as a column "text"
    item_id = int(added.stdout.split()[-1])
    item = json.loads(station_cli.ok("news", "show", str(item_id), "--json"))
    assert item["text"] == "Thủ tục hành chính một cửa"
    assert unicodedata.is_normalized("NFC", item["text"])


def test_text_from_file_and_from_standard_input(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "tin.txt"
    path.write_text("Người dân nộp hồ sơ trực tuyến.", encoding="utf-8")
    out = station_cli.ok("news", "add", "--title", "A", "--topic", "thu-tuc", "--file", str(path))
    from_file = json.loads(station_cli.ok("news", "show", out.split()[-1], "--json"))
    out = station_cli.ok(
        "news", "add", "--title", "B", "--topic", "thu-tuc", "--file", "-", input="Tin từ bàn phím.".encode()
    )
    from_stdin = json.loads(station_cli.ok("news", "show", out.split()[-1], "--json"))
    assert from_file["text"] == "Người dân nộp hồ sơ trực tuyến."
    assert from_stdin["text"] == "Tin từ bàn phím."


def test_list_filters_by_status_and_topic(station_cli: StationCLI) -> None:
    keep = station_cli.add("Một cửa", "mot-cua")
    other = station_cli.add("Thủ tục", "thu-tuc")
    gone = station_cli.add("Hủy", "mot-cua")
    station_cli.ok("news", "cancel", str(gone))
    station_cli.ok("news", "approve", str(other), "--by", "Nguyễn Văn An")
    queued = [i["id"] for i in json.loads(station_cli.ok("news", "list", "--status", "queued", "--json"))]
    approved = json.loads(station_cli.ok("news", "list", "--status", "approved", "--json"))
    cancelled = [i["id"] for i in json.loads(station_cli.ok("news", "list", "--status", "cancelled", "--json"))]
    by_topic = [i["id"] for i in json.loads(station_cli.ok("news", "list", "--topic", "mot-cua", "--json"))]
    assert queued == [keep]
    assert [i["id"] for i in approved] == [other]
    assert approved[0]["approved_by"] == "Nguyễn Văn An" and approved[0]["approved_at"]
    assert cancelled == [gone]
    assert by_topic == [keep, gone]


def test_expired_when_validity_window_has_passed(station_cli: StationCLI) -> None:
    today = station_today(station_cli)
    item_id = station_cli.add("Cũ", "mot-cua", "Tin cũ.", "--from", "2020-01-01", "--until", today.isoformat())
    assert json.loads(station_cli.ok("news", "show", str(item_id), "--json"))["status"] == "queued"
    # days go by: its last day is now in the past
    set_column(station_cli, item_id, "valid_until", today - timedelta(days=1))
    assert json.loads(station_cli.ok("news", "show", str(item_id), "--json"))["status"] == "expired"
    # it can still be corrected, and a new last day must not be in the past
    station_cli.ok("news", "edit", str(item_id), "--title", "Cũ hơn")
    assert station_cli.fails("news", "edit", str(item_id), "--until", "2020-02-01") == (
        f"Error: --until 2020-02-01 is in the past (today is {today}): the item could never air. "
        "Give its last day from today on, or leave it out."
    )


def test_edit_changes_only_what_is_given(station_cli: StationCLI) -> None:
    item_id = station_cli.add("Tiêu đề", "mot-cua", "Nội dung.")
    station_cli.ok("news", "edit", str(item_id), "--title", "Tiêu đề mới", "--airings", "4")
    item = json.loads(station_cli.ok("news", "show", str(item_id), "--json"))
    assert (item["title"], item["text"], item["airings_wanted"]) == ("Tiêu đề mới", "Nội dung.", 4)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["--title", "T", "--topic", "mot-cua", "--text", "   "],
            "Error: The news text is empty. Give the text with --text, or --file PATH.",
        ),
        (
            ["--title", "T", "--topic", "mot-cuaa", "--text", "x"],
            "Error: Unknown topic 'mot-cuaa'. Did you mean 'mot-cua'? Run `broadcaster topics` to see the codes.",
        ),
        (
            ["--title", "T", "--topic", "mot-cua", "--text", "x", "--from", "2021-03-10", "--until", "2021-03-01"],
            "Error: --until 2021-03-01 is before --from 2021-03-10. "
            "The validity window must end on or after its first day.",
        ),
        (
            ["--title", "T", "--topic", "mot-cua", "--text", "x", "--from", "2021-02-30"],
            "Error: --from '2021-02-30' is not a date that exists. Check the day and month, e.g. 2021-02-28.",
        ),
        (
            ["--title", "T", "--topic", "mot-cua", "--text", "x", "--airings", "0"],
            "Error: --airings must be between 1 and 1000, not 0. Say how many times it should air.",
        ),
        (
            ["--title", "T", "--topic", "mot-cua", "--file", "/nonexistent/tin.txt"],
            "Error: File /nonexistent/tin.txt does not exist. Check the path and the file name.",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_changes_nothing(station_cli: StationCLI, args: list[str], error: str) -> None:
    station_cli.add()
    before = snapshot(station_cli)
    assert station_cli.fails("news", "add", *args) == error
    assert snapshot(station_cli) == before


def test_file_that_is_not_utf8_names_its_encoding(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "tin.txt"
    path.write_bytes(windows_1258("Thông báo về việc tiếp dân của Ủy ban"))
    before = snapshot(station_cli)
    error = station_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--file", str(path))
    assert "tin.txt" in error and "UTF-8" in error
    assert "1258" in error
    assert snapshot(station_cli) == before


def test_unknown_item_id(station_cli: StationCLI) -> None:
    assert station_cli.fails("news", "show", "999") == (
        "Error: There is no news item 999. Run `broadcaster news list --status all` to see the ids."
    )
    assert station_cli.fails("news", "cancel", "999").startswith("Error: There is no news item 999.")


def test_approval_needs_a_name(station_cli: StationCLI) -> None:
    item_id = station_cli.add()
    assert station_cli.fails("news", "approve", str(item_id), "--by", " ").startswith("Error: --by is empty.")


def test_locked_database_is_a_clear_message(sqlite_cli: StationCLI) -> None:
    import sqlite3

    holder = sqlite3.connect(sqlite_cli.config.parent / "station.db", timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        from broadcaster.store import db as store_db

        original = store_db.BUSY_TIMEOUT_MS
        store_db.BUSY_TIMEOUT_MS = 200
        try:
            error = sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--text", "x")
        finally:
            store_db.BUSY_TIMEOUT_MS = original
    finally:
        holder.rollback()
        holder.close()
    assert error.startswith("Error: The station database") and "locked by another program" in error


def test_unreachable_database_is_a_clear_message(tmp_path: Path) -> None:
    from tests.conftest import write_config

    station = StationCLI(write_config(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/none"))
    error = station.fails("news", "list")
    assert error.startswith(
        "Error: The station database postgresql+psycopg://nobody@127.0.0.1:1/none cannot be reached"
    )


def test_commands_before_init_say_to_run_init(tmp_path: Path) -> None:
    from tests.conftest import write_config

    station = StationCLI(write_config(tmp_path))
    assert station.fails("news", "list") == (
        f"Error: The station database sqlite:///{tmp_path}/station.db is not set up. Run `broadcaster init` first."
    )


# ---------------------------------------------------------------- issue 8: sizes, ids, dates, files


@pytest.mark.parametrize("command", [["show"], ["cancel"], ["edit", "--title", "T"], ["approve", "--by", "An"]])
@pytest.mark.parametrize("item_id", ["99999999999999999999", "2147483648"])
def test_an_id_too_big_for_the_database_is_an_item_that_is_not_there(
    station_cli: StationCLI, command: list[str], item_id: str
) -> None:
    station_cli.add()
    before = snapshot(station_cli)
    assert station_cli.fails("news", command[0], item_id, *command[1:]) == (
        f"Error: There is no news item {item_id}. Run `broadcaster news list --status all` to see the ids."
    )
    assert snapshot(station_cli) == before


def test_an_id_that_is_not_a_number(sqlite_cli: StationCLI) -> None:
    assert sqlite_cli.fails("news", "show", "12a") == (
        "Error: '12a' is not the id of a news item; ids are whole numbers such as 12. "
        "Run `broadcaster news list --status all` to see the ids."
    )


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("99999999999999999999", "Error: --airings must be between 1 and 1000, not 99999999999999999999."),
        ("1001", "Error: --airings must be between 1 and 1000, not 1001."),
    ],
)
def test_airings_are_limited(station_cli: StationCLI, value: str, error: str) -> None:
    before = snapshot(station_cli)
    args = ("--title", "T", "--topic", "mot-cua", "--text", "x", "--airings", value)
    assert station_cli.fails("news", "add", *args) == error + " Say how many times it should air."
    assert snapshot(station_cli) == before


def test_a_title_too_long_for_the_column_is_refused_the_same_on_both_databases(station_cli: StationCLI) -> None:
    before = snapshot(station_cli)
    error = station_cli.fails("news", "add", "--title", "Tin " * 2500, "--topic", "mot-cua", "--text", "x")
    assert error == (
        "Error: --title is 9,999 characters long; the limit is 500. Give a short title; the news goes in the text."
    )
    assert snapshot(station_cli) == before
    station_cli.add("T" * 500)  # the limit itself fits the column


def test_a_text_longer_than_any_slot_is_refused_at_add_time(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "dai.txt"
    path.write_text("Bà con chú ý lắng nghe thông báo của xã. " * 700, encoding="utf-8")  # ~29,000 characters
    before = snapshot(station_cli)
    # the Chuyên mục slot (15 minutes) is the only one that takes priority items on this station
    station_cli.config.write_text(
        station_cli.config.read_text(encoding="utf-8").replace("max_minutes = 30", "max_minutes = 10"),
        encoding="utf-8",
    )
    error = station_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--file", str(path))
    assert error.startswith("Error: dai.txt is about ")
    assert error.endswith(
        " minutes of speech; the longest slot it can air in, 'Chuyên mục Cải cách hành chính', is 15 minutes. "
        "Split it into shorter news items, or make that slot longer (max_minutes in config.toml)."
    )
    assert snapshot(station_cli) == before
    # an emergency airs at once, outside the slots
    station_cli.ok("news", "add", "--title", "T", "--topic", "mot-cua", "--file", str(path), "--priority", "emergency")


def test_a_book_is_refused_before_it_is_read(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    big = tmp_path / "sach.txt"
    with big.open("wb") as f:
        f.write((b"Tin tuc. " * 2_300_000)[:20_000_000])
    before = snapshot(sqlite_cli)
    assert sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--file", str(big)) == (
        "Error: sach.txt is 20.0 MB; a news file can be at most 5 MB. "
        "A news text is at most 30,000 characters: split the file into smaller ones."
    )
    text_100k = "Bà con chú ý. " * 7200
    assert sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--text", text_100k) == (
        "Error: --text is 100,799 characters long; the limit is 30,000. Split it into several news items."
    )
    assert snapshot(sqlite_cli) == before


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (
            "3-1-21",
            "Error: --from '3-1-21' is not a date in a form broadcaster reads. Write YYYY-MM-DD (2021-03-15) "
            "or DD/MM/YYYY, day first as usual in Vietnam (15/03/2021).",
        ),
        (
            "01.03.21",
            "Error: --from '01.03.21' is not a date in a form broadcaster reads. Write YYYY-MM-DD (2021-03-15) "
            "or DD/MM/YYYY, day first as usual in Vietnam (15/03/2021).",
        ),
        (
            "12/25/2021",
            "Error: --from '12/25/2021' is written month first; broadcaster reads DD/MM/YYYY, day first. "
            "Write 25/12/2021 or 2021-12-25.",
        ),
        (
            "0001-01-01",
            "Error: --from '0001-01-01': the year must be between 2000 and 2099. Write YYYY-MM-DD (2021-03-15) "
            "or DD/MM/YYYY, day first as usual in Vietnam (15/03/2021).",
        ),
    ],
)
def test_dates_in_forms_that_are_not_accepted(sqlite_cli: StationCLI, value: str, error: str) -> None:
    assert sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--text", "x", "--from", value) == (
        error
    )
    assert snapshot(sqlite_cli) == []


def test_a_day_first_date_is_read_day_first_and_says_so(sqlite_cli: StationCLI) -> None:
    result = sqlite_cli("news", "add", "--title", "T", "--topic", "mot-cua", "--text", "x", "--from", "03/01/2021")
    assert result.exit_code == 0
    assert "Note: --from 03/01/2021 is read day first: 2021-01-03." in result.stderr.splitlines()
    assert snapshot(sqlite_cli)[0]["valid_from"] == "2021-01-03"
    help_text = " ".join(sqlite_cli.ok("news", "add", "--help").split())
    assert "YYYY-MM-DD or DD/MM/YYYY (day first: 03/01/2021 is 3 January)" in help_text


def test_until_in_the_past_is_refused(station_cli: StationCLI) -> None:
    today = station_today(station_cli)
    yesterday = today - timedelta(days=1)
    args = ("--title", "T", "--topic", "mot-cua", "--text", "x", "--until", yesterday.strftime("%d/%m/%Y"))
    assert station_cli.fails("news", "add", *args) == (
        f"Error: --until {yesterday} is in the past (today is {today}): the item could never air. "
        "Give its last day from today on, or leave it out."
    )
    assert snapshot(station_cli) == []


def test_a_word_file_given_to_file_says_to_import_it(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Tiêu đề")
    path = tmp_path / "tin.docx"
    document.save(str(path))
    assert sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--file", str(path)) == (
        "Error: tin.docx is a Word document, not plain text. --file reads plain text; import a Word file with "
        "`broadcaster news import tin.docx --topic CODE` (its first paragraph is the title)."
    )
    stdin = sqlite_cli("news", "add", "--title", "T", "--topic", "mot-cua", "--file", "-", input=path.read_bytes())
    assert stdin.exit_code == 1
    assert stdin.stderr.startswith("Error: standard input is a Word document, not plain text.")
    assert snapshot(sqlite_cli) == []


def test_text_from_a_terminal_that_is_not_utf8_is_refused(sqlite_cli: StationCLI) -> None:
    # Python hands bytes it cannot decode from argv over as lone surrogates (here a TCVN3 'Th«ng')
    assert sqlite_cli.fails("news", "add", "--title", "Th\udcabng b\udcb9o", "--topic", "mot-cua", "--text", "x") == (
        "Error: --title contains bytes that are not UTF-8 text. "
        "Set the terminal to UTF-8, or save the text in a UTF-8 file and give it with --file."
    )
    assert snapshot(sqlite_cli) == []


def test_an_empty_file_is_named(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "rong.txt"
    path.write_bytes(b"\n \n")
    assert sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--file", str(path)) == (
        "Error: rong.txt is empty. Put the news text in it, or give it with --text."
    )


@pytest.mark.postgres
def test_a_value_postgresql_refuses_is_named_like_the_station_names_it(tmp_path: Path) -> None:
    """Past the desk's own checks (e.g. a caller building a Draft itself), the database's refusal is translated."""
    from broadcaster.errors import StoreError
    from broadcaster.model import Priority
    from broadcaster.service.queue import Draft, NewsDesk
    from tests.conftest import PG_URL, reset_postgres, write_config

    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    reset_postgres(PG_URL)
    StationCLI(write_config(tmp_path, PG_URL)).init()
    desk = NewsDesk(Station.open(tmp_path / "config.toml"))
    draft = Draft("T" * 501, "mot-cua", "x", Priority.NORMAL, None, None, 1)
    with pytest.raises(StoreError) as refused:
        desk.add(draft)
    assert str(refused.value) == "The title is too long for the station database: at most 500 characters. Shorten it."
    with pytest.raises(StoreError) as refused:
        desk.add(Draft("T", "mot-cua", "x", Priority.NORMAL, None, None, 2**40))
    assert str(refused.value) == (
        "The number of airings is too large for the station database. Check the number you typed."
    )
    desk.station.db.dispose()
