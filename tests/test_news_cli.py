"""The news queue through the CLI, as the culture official uses it."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

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
        "31/03/2021",
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
    assert (item["valid_from"], item["valid_until"]) == ("2021-03-01", "2021-03-31")
    assert (item["airings_wanted"], item["airings_done"]) == (3, 0)


def test_text_is_stored_as_nfc_whatever_form_it_arrives_in(station_cli: StationCLI) -> None:
    decomposed = unicodedata.normalize("NFD", "Thủ tục hành chính một cửa")
    item_id = station_cli.add("Tin", "mot-cua", decomposed)
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
    item_id = station_cli.add("Cũ", "mot-cua", "Tin cũ.", "--from", "2020-01-01", "--until", "2020-01-31")
    assert json.loads(station_cli.ok("news", "show", str(item_id), "--json"))["status"] == "expired"


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
            "Error: --airings must be at least 1, not 0. Say how many times it should air.",
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
