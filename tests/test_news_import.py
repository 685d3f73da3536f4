"""news import: .txt, .docx, .csv; all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from broadcaster.service.context import Station
from tests.conftest import StationCLI


def items(station: StationCLI) -> list[dict[str, object]]:
    return json.loads(station.ok("news", "list", "--json"))


def test_txt_first_line_is_title(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "tin.txt"
    path.write_text(
        "\nDịch vụ công trực tuyến\nNgười dân có thể nộp hồ sơ qua mạng.\nKhông cần đến trụ sở.\n", encoding="utf-8"
    )
    station_cli.ok("news", "import", str(path), "--topic", "thu-tuc")
    (item,) = items(station_cli)
    assert item["title"] == "Dịch vụ công trực tuyến"
    assert item["text"] == "Người dân có thể nộp hồ sơ qua mạng.\nKhông cần đến trụ sở."
    assert item["topic"] == "thu-tuc"


def test_docx_first_paragraph_is_title(station_cli: StationCLI, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Gương người tốt việc tốt")
    document.add_paragraph("Anh Nguyễn Văn B giúp bà con làm thủ tục.")
    path = tmp_path / "tin.docx"
    document.save(str(path))
    station_cli.ok("news", "import", str(path), "--topic", "nguoi-tot", "--airings", "2")
    (item,) = items(station_cli)
    assert (item["title"], item["airings_wanted"]) == ("Gương người tốt việc tốt", 2)
    assert item["text"] == "Anh Nguyễn Văn B giúp bà con làm thủ tục."


def test_csv_imports_every_row(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "tin.csv"
    path.write_text(
        "title,topic,text,priority,from,until,airings\n"
        "Tin một,mot-cua,Nội dung một.,normal,2021-01-01,2099-12-31,2\n"
        '"Tin hai, có dấu phẩy",thu-tuc,"Nội dung hai.",priority,,,\n',
        encoding="utf-8-sig",
    )
    out = station_cli.ok("news", "import", str(path))
    assert "Imported 2 news item(s)" in out
    first, second = items(station_cli)
    assert (first["title"], first["airings_wanted"], first["valid_until"]) == ("Tin một", 2, "2099-12-31")
    assert (second["title"], second["priority"], second["airings_wanted"]) == ("Tin hai, có dấu phẩy", "priority", 1)


def test_csv_priorities_in_the_words_of_the_circular(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    """An official filling in Excel writes Thông tư 39/2020's words, with tones or without."""
    path = tmp_path / "tin.csv"
    rows = [("Khẩn cấp", "emergency"), ("ưu tiên", "priority"), ("Thường", "normal"), ("thong thuong", "normal"),
            ("KHAN CAP", "emergency"), ("Ưu  Tiên", "priority")]  # fmt: skip
    path.write_text(
        "title,topic,text,priority\n"
        + "".join(f"Tin {n},mot-cua,Nội dung.,{word}\n" for n, (word, _) in enumerate(rows)),
        encoding="utf-8",
    )
    sqlite_cli.ok("news", "import", str(path))
    assert [i["priority"] for i in items(sqlite_cli)] == [wanted for _, wanted in rows]


def test_csv_with_several_bad_rows_names_them_all_at_once(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    """One correction of the spreadsheet, not one import per wrong row."""
    path = tmp_path / "tin.csv"
    path.write_text(
        "title,topic,text,priority,airings\n"
        "Tin đúng,mot-cua,Nội dung.,normal,1\n"
        "Tin chủ đề sai,khong-co,Nội dung.,normal,1\n"
        "Tin ưu tiên sai,mot-cua,Nội dung.,gap,1\n"
        "Tin trống,mot-cua,,normal,1\n"
        "Tin số lần sai,mot-cua,Nội dung.,normal,nhiều\n",
        encoding="utf-8",
    )
    error = sqlite_cli.fails("news", "import", str(path))
    assert error.startswith("Error: tin.csv: 4 rows cannot be imported, so nothing was: "), error
    for row in (3, 4, 5, 6):
        assert f"tin.csv row {row}: " in error, error
    assert error.endswith("Correct these rows and import the file again.")
    assert items(sqlite_cli) == []


def test_news_queued_twice_is_pointed_out(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    """The same file imported twice, or a row copied in the spreadsheet, would air twice as often."""
    path = tmp_path / "tin.csv"
    path.write_text(
        "title,topic,text\nLịch tiếp dân,mot-cua,Thứ năm hằng tuần.\nTin khác,mot-cua,Nội dung khác.\n"
        "Lịch tiếp dân,mot-cua,Thứ  năm hằng tuần.\n",
        encoding="utf-8",
    )
    first = sqlite_cli("news", "import", str(path))
    assert "News item 3 repeats news item 1, which is still waiting to air" in first.stderr, first.stderr
    again = sqlite_cli("news", "import", str(path))
    assert again.exit_code == 0 and [n for n in (4, 5, 6) if f"News item {n} repeats" in again.stderr] == [4, 5, 6]
    sqlite_cli.ok("news", "cancel", "1")
    typed = sqlite_cli("news", "add", "--title", "Lịch tiếp dân", "--topic", "mot-cua", "--text", "Thứ năm hằng tuần.")
    assert "News item 7 repeats news item 3," in typed.stderr, typed.stderr  # the cancelled one no longer counts
    other = sqlite_cli("news", "add", "--title", "Tin mới", "--topic", "mot-cua", "--text", "Chưa có.")
    assert "repeats" not in other.stderr


def test_csv_with_one_bad_row_imports_nothing_and_names_row_and_column(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "tin.csv"
    path.write_text(
        "title,topic,text,priority,from,until,airings\n"
        "Tin một,mot-cua,Nội dung một.,normal,,,1\n"
        "Tin hai,mot-cua,Nội dung hai.,normal,2021-13-01,,1\n",
        encoding="utf-8",
    )
    error = station_cli.fails("news", "import", str(path))
    assert error == (
        "Error: tin.csv row 3: column 'from' '2021-13-01' is not a date that exists. "
        "Check the day and month, e.g. 2021-02-28."
    )
    assert items(station_cli) == []


def test_csv_unknown_topic_names_row(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "tin.csv"
    path.write_text("title,topic,text\nA,mot-cua,x\nB,motcua,y\n", encoding="utf-8")
    error = station_cli.fails("news", "import", str(path))
    assert error.startswith("Error: tin.csv row 3: column 'topic': Unknown topic 'motcua'. Did you mean 'mot-cua'?")
    assert items(station_cli) == []


def test_csv_bad_header(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "tin.csv"
    path.write_text("tieu_de,topic,text\nA,mot-cua,x\n", encoding="utf-8")
    error = station_cli.fails("news", "import", str(path))
    assert "missing column(s) title" in error and "unknown column(s) tieu_de" in error


def test_legacy_tcvn3_file_is_converted_with_a_notice(station_cli: StationCLI, tmp_path: Path) -> None:
    from broadcaster.text.legacy import to_tcvn3

    title, text = "Thông báo lịch tiếp dân", "Bộ phận một cửa làm việc cả sáng thứ bảy hằng tuần."
    path = tmp_path / "tin-cu.txt"
    path.write_bytes((to_tcvn3(title) + "\n" + to_tcvn3(text) + "\n").encode("cp1252"))
    result = station_cli("news", "import", str(path), "--topic", "mot-cua")
    assert result.exit_code == 0, result.output
    assert "TCVN3" in result.stderr
    (item,) = items(station_cli)
    assert (item["title"], item["text"]) == (title, text)


def test_vni_text_typed_on_the_command_line_is_converted(station_cli: StationCLI) -> None:
    from broadcaster.text.legacy import to_vni

    result = station_cli(
        "news",
        "add",
        "--title",
        "Tin",
        "--topic",
        "mot-cua",
        "--text",
        to_vni("Ủy ban nhân dân xã thông báo lịch tiếp công dân"),
    )
    assert result.exit_code == 0, result.output
    assert "VNI" in result.stderr
    (item,) = items(station_cli)
    assert item["text"] == "Ủy ban nhân dân xã thông báo lịch tiếp công dân"


# ---------------------------------------------------------------- issue 8


def write_csv(tmp_path: Path, content: str, name: str = "tin.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            "title,topic,text,title\nA,mot-cua,x,B\n",
            "Error: tin.csv: the header row has the column 'title' 2 times. "
            "Keep one column of each name: title,topic,text,priority,from,until,airings.",
        ),
        (
            "title,topic,text\nA,mot-cua,x\nB,mot-cua,Nội dung, có dấu phẩy,y\n",
            "Error: tin.csv row 3 has 5 cells, but the header has 3 columns. "
            "A text that contains the separator must be in double quotes; or remove the extra cells.",
        ),
        (
            'title,topic,text\nA,mot-cua,"x\nB,mot-cua,y\n',
            'Error: tin.csv row 2: a double quote (") opened there is never closed. '
            "Close the quote, or remove it: only texts that contain the separator need quotes.",
        ),
        (
            'title,topic,text\n"Tin" hay,mot-cua,x\n',
            'Error: tin.csv row 2: there is text after a closing double quote ("). '
            'Inside a quoted text write a double quote twice (""), or remove the quotes.',
        ),
        (
            "title,topic,text\nA,mot-cua," + "x" * 131_073 + "\n",
            "Error: tin.csv row 2: a cell is longer than 131,072 characters. "
            'A news text is at most 30,000 characters; check for a double quote (") that is never closed.',
        ),
        (
            "title,topic,text\nA,mot-cua," + "x" * 30_001 + "\n",
            "Error: tin.csv row 2: column 'text' is 30,001 characters long; the limit is 30,000. "
            "Split it into several news items.",
        ),
        (
            "title,topic,text,airings\nA,mot-cua,x,2.0\n",
            "Error: tin.csv row 2: column 'airings' '2.0' is not a whole number. Use a number from 1 to 1000.",
        ),
        (
            "title,topic,text,from\nA,mot-cua,x,3/1/21\n",
            "Error: tin.csv row 2: column 'from' '3/1/21' is not a date in a form broadcaster reads. "
            "Write YYYY-MM-DD (2021-03-15) or DD/MM/YYYY, day first as usual in Vietnam (15/03/2021).",
        ),
        (
            "title,topic,text,until\nA,mot-cua,x,2020-12-31\n",
            "Error: tin.csv row 2: column 'until' 2020-12-31 is in the past (today is {today}): "
            "the item could never air. Give its last day from today on, or leave it out.",
        ),
    ],
    ids=["duplicate-column", "extra-cells", "open-quote", "text-after-quote", "huge-cell", "long-text",
         "airings-not-whole", "two-digit-year", "until-past"],
)  # fmt: skip
def test_csv_faults_are_named_and_nothing_is_stored(
    station_cli: StationCLI, tmp_path: Path, content: str, error: str
) -> None:
    station_cli.add()
    before = items(station_cli)
    today = Station.open(station_cli.config).today().isoformat()
    assert station_cli.fails("news", "import", str(write_csv(tmp_path, content))) == error.format(today=today)
    assert items(station_cli) == before


def test_csv_separated_by_semicolons_as_excel_saves_it_in_vietnam(station_cli: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "tin.csv"
    rows = ["title;topic;text;airings", "Tin một;mot-cua;Nội dung, có dấu phẩy.;2", "Tin hai;thu-tuc;Nội dung hai.;"]
    path.write_bytes("\r\n".join([*rows, ""]).encode("utf-8-sig"))
    station_cli.ok("news", "import", str(path))
    first, second = items(station_cli)
    assert (first["title"], first["text"], first["airings_wanted"]) == ("Tin một", "Nội dung, có dấu phẩy.", 2)
    assert (second["title"], second["topic"]) == ("Tin hai", "thu-tuc")


def test_csv_separated_by_tabs(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    sqlite_cli.ok("news", "import", str(write_csv(tmp_path, "title\ttopic\ttext\nTin\tmot-cua\tNội dung, một.\n")))
    assert [(i["title"], i["text"]) for i in items(sqlite_cli)] == [("Tin", "Nội dung, một.")]


def test_csv_trailing_empty_cells_from_excel_are_not_an_error(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    sqlite_cli.ok("news", "import", str(write_csv(tmp_path, "title,topic,text,,\nTin,mot-cua,Nội dung.,,\n")))
    assert [i["title"] for i in items(sqlite_cli)] == ["Tin"]


def test_docx_table_is_read_in_reading_order_with_a_notice(station_cli: StationCLI, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Lịch tiếp công dân tháng 3")
    document.add_paragraph("UBND xã tiếp công dân theo lịch sau:")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("Ngày", "Người tiếp", "Nơi tiếp"),
                                       ("Thứ 2", "Chủ tịch UBND xã", "Phòng tiếp dân"),
                                       ("Thứ 5", "Phó Chủ tịch", "Phòng tiếp dân")], strict=True):  # fmt: skip
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    table.cell(2, 1).merge(table.cell(2, 2))  # a merged cell is read once
    table.cell(2, 1).text = "Phó Chủ tịch, tại Phòng tiếp dân"
    document.add_paragraph("Bà con lưu ý mang theo giấy tờ.")
    path = tmp_path / "lich.docx"
    document.save(str(path))
    result = station_cli("news", "import", str(path), "--topic", "mot-cua")
    assert result.exit_code == 0, result.output
    assert (
        "Note: lich.docx: table 1 (3 rows) is read row by row, its cells separated by commas; "
        "listen to it with `broadcaster preview ID` before it airs."
    ) in result.stderr.splitlines()
    (item,) = items(station_cli)
    assert item["title"] == "Lịch tiếp công dân tháng 3"
    assert item["text"] == (
        "UBND xã tiếp công dân theo lịch sau:\n"
        "Ngày, Người tiếp, Nơi tiếp\n"
        "Thứ 2, Chủ tịch UBND xã, Phòng tiếp dân\n"
        "Thứ 5, Phó Chủ tịch, tại Phòng tiếp dân\n"
        "Bà con lưu ý mang theo giấy tờ."
    )


def test_docx_with_only_a_table(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "Thông báo"
    table.cell(1, 0).text = "Xã tạm dừng tiếp dân chiều nay."
    path = tmp_path / "bang.docx"
    document.save(str(path))
    sqlite_cli.ok("news", "import", str(path), "--topic", "mot-cua")
    assert [(i["title"], i["text"]) for i in items(sqlite_cli)] == [("Thông báo", "Xã tạm dừng tiếp dân chiều nay.")]


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_a_title_only_file_is_named(sqlite_cli: StationCLI, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"tieu-de{suffix}"
    if suffix == ".txt":
        path.write_text("Chỉ có tiêu đề\n\n", encoding="utf-8")
    else:
        document = docx.Document()
        document.add_paragraph("Chỉ có tiêu đề")
        document.save(str(path))
    assert sqlite_cli.fails("news", "import", str(path), "--topic", "mot-cua") == (
        f"Error: tieu-de{suffix} has a title but no news text. "
        "Put the title on the first line and the news text below it."
    )
    assert items(sqlite_cli) == []


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        (
            "tin.txt",
            "docx",
            "Error: tin.txt is a Word document, not plain text. "
            "Rename it to end in .docx and import it with `broadcaster news import`.",
        ),
        (
            "tin.csv",
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
            "Error: tin.csv is a picture (PNG), not plain text. "
            "Type the news as text; broadcaster reads .txt, .docx and .csv files.",
        ),
        (
            "tin.txt",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            "Error: tin.txt is a PDF document, not plain text. "
            "Copy its text into a Word document or a .txt file (UTF-8) and use that.",
        ),
        (
            "tin.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "Error: tin.docx is not a readable Word (.docx) file: Package not found at '{path}'. "
            "Open it in Word or LibreOffice and save it again as .docx.",
        ),
        (
            "tin.xlsx",
            b"PK\x03\x04",
            "Error: tin.xlsx: cannot import '.xlsx' files. "
            "Save the sheet as CSV UTF-8 (File > Save As) and import the .csv file.",
        ),
    ],
    ids=["docx-named-txt", "png-named-csv", "pdf-named-txt", "doc-named-docx", "xlsx"],
)
def test_files_that_are_not_text_are_refused(
    sqlite_cli: StationCLI, tmp_path: Path, name: str, content: bytes | str, error: str
) -> None:
    path = tmp_path / name
    if content == "docx":
        document = docx.Document()
        document.add_paragraph("Tiêu đề")
        document.add_paragraph("Nội dung.")
        document.save(str(path))
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    topic = [] if name.endswith(".csv") else ["--topic", "mot-cua"]
    assert sqlite_cli.fails("news", "import", str(path), *topic) == error.format(path=path)
    assert items(sqlite_cli) == []
