"""news import: .txt, .docx, .csv; all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import docx

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
        "Tin một,mot-cua,Nội dung một.,normal,2021-01-01,2021-12-31,2\n"
        '"Tin hai, có dấu phẩy",thu-tuc,"Nội dung hai.",priority,,,\n',
        encoding="utf-8-sig",
    )
    out = station_cli.ok("news", "import", str(path))
    assert "Imported 2 news item(s)" in out
    first, second = items(station_cli)
    assert (first["title"], first["airings_wanted"], first["valid_until"]) == ("Tin một", 2, "2021-12-31")
    assert (second["title"], second["priority"], second["airings_wanted"]) == ("Tin hai, có dấu phẩy", "priority", 1)


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
