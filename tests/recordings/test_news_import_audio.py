"""news import of recordings: a folder or .zip with a CSV describing them, all or nothing, unpacked safely."""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import StationCLI, write_config
from tests.recordings.test_news_audio import folder_files, news, sha256

HEADER = "title,topic,audio,language,priority,from,until,airings,text\n"


def bundle(folder: Path, recordings: dict[str, Path], rows: str, files: dict[str, str] | None = None) -> Path:
    """A folder as an official prepares it: the recordings (by the names given) and tin.csv."""
    folder.mkdir(parents=True)
    wanted = files or {"bai-1.m4a": "zalo.m4a", "ghi-am/bai-2.ogg": "thong-bao.ogg", "bai-3.mp3": "tin.mp3"}
    for name, source in wanted.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(recordings[source], folder / name)
    (folder / "tin.csv").write_text(HEADER + rows, encoding="utf-8-sig")
    return folder


GOOD_ROWS = (
    "Lịch tiêm phòng,mot-cua,bai-1.m4a,tyz,priority,,,2,Lịch tiêm phòng đọc bằng tiếng Tày\n"
    "Thông báo họp thôn,thu-tuc,ghi-am/bai-2.ogg,hmn,,,,,\n"
    '"Tin thứ ba, tiếng Việt",mot-cua,bai-3.mp3,,normal,2021-01-01,2099-12-31,1,\n'
)


def zipped(folder: Path, zip_path: Path, top: str = "") -> Path:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, top + path.relative_to(folder).as_posix())
    return zip_path


def check_imported(station: StationCLI, recordings: dict[str, Path]) -> list[dict[str, Any]]:
    first, second, third = news(station)
    assert (first["title"], first["language"], first["priority"], first["airings_wanted"]) == (
        "Lịch tiêm phòng", "tyz", "priority", 2
    )  # fmt: skip
    assert first["text"] == "Lịch tiêm phòng đọc bằng tiếng Tày"
    assert first["recording"]["sha256"] == sha256(recordings["zalo.m4a"])
    assert first["recording"]["name"] == "bai-1.m4a"
    assert (second["topic"], second["language"], second["recording"]["name"]) == ("thu-tuc", "hmn", "bai-2.ogg")
    assert (third["title"], third["language"], third["valid_until"]) == ("Tin thứ ba, tiếng Việt", "vie", "2099-12-31")
    assert {i["kind"] for i in (first, second, third)} == {"recording"}
    assert len([f for f in folder_files(station) if f.startswith("originals/")]) == 3
    return [first, second, third]


def test_a_folder_of_recordings_with_its_csv_is_imported(
    recordings: dict[str, Path], station_cli: StationCLI, tmp_path: Path
) -> None:
    folder = bundle(tmp_path / "tin-thang-5", recordings, GOOD_ROWS)
    result = station_cli("news", "import", str(folder))
    assert result.exit_code == 0, result.output
    assert "Imported 3 news item(s)" in result.stdout
    assert "tin.csv row 2: Trimmed" in result.stderr  # what intake did to each file, by row
    check_imported(station_cli, recordings)


@pytest.mark.parametrize("top", ["", "tin-thang-5/"])
def test_a_zip_of_recordings_with_its_csv_is_imported_and_unpacked_only_for_the_import(
    top: str, recordings: dict[str, Path], station_cli: StationCLI, tmp_path: Path
) -> None:
    archive = zipped(bundle(tmp_path / "in", recordings, GOOD_ROWS), tmp_path / "tin.zip", top)
    station_cli.ok("news", "import", str(archive))
    check_imported(station_cli, recordings)
    data = station_cli.config.parent / "data"
    assert [p.name for p in data.iterdir() if p.name.startswith(".import-")] == []


def test_one_bad_file_imports_nothing_and_names_the_row_and_the_file(
    recordings: dict[str, Path], bad: dict[str, Path], station_cli: StationCLI, tmp_path: Path
) -> None:
    rows = GOOD_ROWS + "Tin hỏng,mot-cua,ghiam.m4a,tyz,,,,,\n"
    folder = bundle(tmp_path / "in", recordings, rows)
    shutil.copyfile(bad["ghiam.m4a"], folder / "ghiam.m4a")
    line = station_cli.fails("news", "import", str(folder))
    assert line.startswith("Error: tin.csv row 5: ghiam.m4a is 0.3 s long; a news item must be at least 1 s."), line
    assert (news(station_cli), folder_files(station_cli)) == ([], [])
    # the same from a .zip: the row, the file, and the CSV inside the .zip
    line = station_cli.fails("news", "import", str(zipped(folder, tmp_path / "tin.zip")))
    assert line.startswith("Error: tin.zip/tin.csv row 5: ghiam.m4a is 0.3 s long"), line
    assert (news(station_cli), folder_files(station_cli)) == ([], [])


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("T,mot-cua,bai-1.m4a,tay,,,,,", "Error: tin.csv row 2: column 'language' 'tay' is not a language of this "
                                          "station. Did you mean 'tyz' (Tày)?"),
        ("T,mot-cua,bai-1.m4a,vie,,,,0,", "Error: tin.csv row 2: column 'airings' must be between 1 and 1000"),
        ("T,mot-coa,bai-1.m4a,vie,,,,,", "Error: tin.csv row 2: column 'topic': Unknown topic 'mot-coa'."),
        (",mot-cua,bai-1.m4a,vie,,,,,", "Error: tin.csv row 2: column 'title' is empty."),
        ("T,mot-cua,,vie,,,,,", "Error: tin.csv row 2: column 'audio' is empty."),
        ("T,mot-cua,bai-l.m4a,vie,,,,,", "Error: tin.csv row 2: column 'audio': there is no file bai-l.m4a in in. "
                                         "Did you mean bai-1.m4a?"),
        ("T,mot-cua,../bai-1.m4a,vie,,,,,", "Error: tin.csv row 2: column 'audio': ../bai-1.m4a is not inside in."),
        ("T,mot-cua,/etc/passwd,vie,,,,,", "Error: tin.csv row 2: column 'audio': /etc/passwd is not inside in."),
        ("T,mot-cua,tin.csv,vie,,,,,", "Error: tin.csv row 2: tin.csv is not audio ffmpeg can decode"),
    ],
)  # fmt: skip
def test_a_bad_row_imports_nothing_and_says_which(
    row: str, error: str, recordings: dict[str, Path], station_cli: StationCLI, tmp_path: Path
) -> None:
    folder = bundle(tmp_path / "in", recordings, row + "\n" + GOOD_ROWS)
    line = station_cli.fails("news", "import", str(folder))
    assert line.startswith(error), line
    assert (news(station_cli), folder_files(station_cli)) == ([], [])


def test_several_bad_rows_are_named_at_once_and_nothing_is_imported(
    recordings: dict[str, Path], sqlite_cli: StationCLI, tmp_path: Path
) -> None:
    """One correction of the spreadsheet, not one import per wrong row: every row whose fields or file name
    are wrong at once; then, the rows right, every file that is not fit to air at once."""
    rows = (
        "Tin 1,mot-cua,bai-1.m4a,tay,,,,,\n"  # row 2: not a language of the station
        "Tin 2,mot-cua,bai-l.m4a,vie,,,,,\n"  # row 3: no such file
        "Tin 3,mot-cua,tin.csv,vie,,,,,\n"  # row 4: not audio, found once the rows are right (decoding is slow)
        "Tin 4,mot-cua,bai-3.mp3,vie,,,,,\n"  # row 5: good
    )
    line = sqlite_cli.fails("news", "import", str(bundle(tmp_path / "in", recordings, rows)))
    assert line.startswith("Error: tin.csv: 2 rows cannot be imported, so nothing was: "), line
    assert "tin.csv row 2: " in line and "tin.csv row 3: " in line and "row 4" not in line, line
    assert "Did you mean 'tyz'" not in line  # the list, not every hint

    rows = "Tin 1,mot-cua,tin.csv,vie,,,,,\nTin 2,mot-cua,bai-3.mp3,vie,,,,,\nTin 3,mot-cua,tin.csv,vie,,,,,\n"
    line = sqlite_cli.fails("news", "import", str(bundle(tmp_path / "again", recordings, rows)))
    assert line.startswith("Error: tin.csv: 2 rows cannot be imported, so nothing was: "), line
    assert "tin.csv row 2: tin.csv is not audio" in line and "tin.csv row 4: tin.csv is not audio" in line, line
    assert (news(sqlite_cli), folder_files(sqlite_cli)) == ([], [])


def test_a_link_out_of_the_folder_is_refused(
    recordings: dict[str, Path], sqlite_cli: StationCLI, tmp_path: Path
) -> None:
    folder = bundle(tmp_path / "in", recordings, "T,mot-cua,loi-tat.mp3,vie,,,,,\n")
    os.symlink(recordings["tin.mp3"], folder / "loi-tat.mp3")
    line = sqlite_cli.fails("news", "import", str(folder))
    assert line.startswith("Error: tin.csv row 2: column 'audio': loi-tat.mp3 is a link to a file outside in."), line
    assert (news(sqlite_cli), folder_files(sqlite_cli)) == ([], [])


def test_a_folder_needs_exactly_one_csv(recordings: dict[str, Path], sqlite_cli: StationCLI, tmp_path: Path) -> None:
    folder = bundle(tmp_path / "in", recordings, GOOD_ROWS)
    shutil.copyfile(folder / "tin.csv", folder / "tin-cu.csv")
    line = sqlite_cli.fails("news", "import", str(folder))
    assert line.startswith("Error: in has several .csv files (tin-cu.csv, tin.csv); an import reads one."), line
    (folder / "tin.csv").unlink()
    (folder / "tin-cu.csv").unlink()
    assert sqlite_cli.fails("news", "import", str(folder)).startswith(
        "Error: in has no .csv file describing its recordings. Put a .csv in it with the columns "
        "title,topic,audio,language,priority,from,until,airings."
    )
    assert sqlite_cli.fails("news", "import", str(tmp_path / "in"), "--topic", "mot-cua").startswith(
        "Error: --topic cannot be used with a .csv file."
    )
    assert news(sqlite_cli) == []


def test_a_csv_of_recordings_given_alone_says_to_import_its_folder(
    recordings: dict[str, Path], sqlite_cli: StationCLI, tmp_path: Path
) -> None:
    folder = bundle(tmp_path / "in", recordings, GOOD_ROWS)
    line = sqlite_cli.fails("news", "import", str(folder / "tin.csv"))
    assert "unknown column(s) audio, language" in line
    assert line.endswith("A CSV of recordings is imported with its folder or .zip: `broadcaster news import FOLDER`.")


# ---------------------------------------------------------------- .zip files that must not be unpacked


def entry(name: str, mode: int = stat.S_IFREG | 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2021, 5, 1, 8, 0, 0))
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def hostile_zip(path: Path, recordings: dict[str, Path], name: str, mode: int = stat.S_IFREG | 0o644) -> Path:
    """A .zip that looks like an import (a CSV naming bai-1.m4a) plus one entry that is not what it seems."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(entry("tin.csv"), HEADER + "T,mot-cua,bai-1.m4a,vie,,,,,\n")
        archive.writestr(entry("bai-1.m4a"), recordings["zalo.m4a"].read_bytes())
        archive.writestr(entry(name, mode), b"/etc/passwd" if stat.S_ISLNK(mode) else b"#!/bin/sh\necho owned\n")
    return path


@pytest.mark.parametrize(
    ("name", "mode", "problem"),
    [
        ("../../.bashrc", stat.S_IFREG | 0o644, "points outside the .zip (../)"),
        ("ghi-am/../../../tmp/x.mp3", stat.S_IFREG | 0o644, "points outside the .zip (../)"),
        ("/etc/cron.d/x", stat.S_IFREG | 0o644, "has an absolute path"),
        ("ghi-am\\..\\..\\x.mp3", stat.S_IFREG | 0o644, "points outside the .zip (../)"),
        ("C:/Windows/x.mp3", stat.S_IFREG | 0o644, "has an absolute path"),
        ("lien-ket.mp3", stat.S_IFLNK | 0o777, "is not a regular file (a link or a device)"),
    ],
)
def test_a_zip_with_an_entry_outside_it_or_a_link_is_refused_whole(
    name: str, mode: int, problem: str, recordings: dict[str, Path], station_cli: StationCLI, tmp_path: Path
) -> None:
    archive = hostile_zip(tmp_path / "tin.zip", recordings, name, mode)
    line = station_cli.fails("news", "import", str(archive))
    assert line.startswith(f"Error: tin.zip: the entry {name} {problem}; nothing was imported."), line
    assert (news(station_cli), folder_files(station_cli)) == ([], [])
    written = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert "x.mp3" not in written and ".bashrc" not in written


def test_a_zip_bomb_is_refused_before_it_is_unpacked(recordings: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "station").mkdir()
    station = StationCLI(write_config(tmp_path / "station", append="\n[recordings]\nmax_upload_mb = 1\n"))
    station.init()
    archive = tmp_path / "tin.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        bomb.writestr(entry("tin.csv"), HEADER + "T,mot-cua,bai-1.wav,vie,,,,,\n")
        bomb.writestr(entry("bai-1.wav"), bytes(50_000_000))  # 50 MB of zeros in about 50 KB
    assert archive.stat().st_size < 200_000
    line = station.fails("news", "import", str(archive))
    assert line.startswith("Error: tin.zip unpacks to more than 1 MB, the most an import may hold."), line
    assert (news(station), folder_files(station)) == ([], [])


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"PK\x03\x04 not really a zip", "Error: tin.zip is not a readable .zip file"),
        (None, "Error: tin.zip has no .csv file describing its recordings."),
    ],
)
def test_a_zip_that_is_not_one_or_has_no_csv(
    content: bytes | None, error: str, recordings: dict[str, Path], sqlite_cli: StationCLI, tmp_path: Path
) -> None:
    archive = tmp_path / "tin.zip"
    if content is None:
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr(entry("bai-1.m4a"), recordings["zalo.m4a"].read_bytes())
    else:
        archive.write_bytes(content)
    assert sqlite_cli.fails("news", "import", str(archive)).startswith(error)
    assert json.loads(sqlite_cli.ok("news", "list", "--json")) == []
