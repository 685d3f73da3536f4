"""`news list` on SQLite opens the file with the standard library's driver (store/sqlite_direct.py): the same
file SQLAlchemy would open, and the same clear messages when the database is missing, never initialised,
at an older schema, emptied or damaged, in English and in Vietnamese."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from broadcaster import i18n
from broadcaster.config import load_config
from broadcaster.errors import StoreError
from broadcaster.service.context import Station
from broadcaster.store import sqlite_direct
from broadcaster.store.db import sqlite_file
from tests.conftest import StationCLI, write_config


@pytest.mark.parametrize(
    "database",
    [
        "sqlite:///station.db",
        "sqlite:///data/đài xã.db",
        "sqlite:///tin%231/a%20b.db",
        "sqlite:///Đài#xã/station.db",
        "sqlite:////var/lib/broadcaster/station.db",
        "sqlite:///~/station.db",
        "sqlite:///./x/../station.db",
    ],
)
def test_the_plain_file_is_the_one_sqlalchemy_opens(tmp_path: Path, database: str) -> None:
    config = load_config(write_config(tmp_path, database))
    assert sqlite_direct.plain_file(config) == sqlite_file(config.database_url)
    assert sqlite_direct.where(sqlite_direct.plain_file(config)) == f"sqlite:///{sqlite_file(config.database_url)}"


@pytest.mark.parametrize("database", ["sqlite:///station.db?timeout=3", "postgresql://u@localhost/db"])
def test_a_url_with_options_or_a_server_is_left_to_sqlalchemy(tmp_path: Path, database: str) -> None:
    assert sqlite_direct.plain_file(load_config(write_config(tmp_path, database))) is None


def test_news_list_reads_a_sqlite_url_with_options_through_sqlalchemy(tmp_path: Path) -> None:
    station = StationCLI(write_config(tmp_path, "sqlite:///station.db?timeout=3"))
    station.init()
    station.add("Tin một")
    assert station.ok("news", "list").splitlines()[1].endswith("Tin một")


def _broken_station(folder: Path, case: str) -> Path:
    """A station folder whose database is broken as `case` says; returns its config file."""
    folder.mkdir()
    database = folder / "station.db"
    if case == "emptied":
        database.touch()
    elif case == "damaged":
        database.write_bytes(b"not SQLite at all " * 500)
    elif case == "a folder":
        database.mkdir()
    elif case in ("not initialised", "an older schema"):
        with sqlite3.connect(database) as connection:
            connection.execute("CREATE TABLE notes (a)")
            if case == "an older schema":
                connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
                connection.execute("INSERT INTO alembic_version VALUES ('0003')")
        connection.close()
    url = "sqlite:///missing/station.db" if case == "in a missing folder" else "sqlite:///station.db"
    return write_config(folder, url)


def _error_through_sqlalchemy(config: Path) -> str:
    """What the station said before `news list` read without SQLAlchemy: Station.ready() on db.Database."""
    station = Station.open(config)
    try:
        station.ready()
    except StoreError as exc:
        return str(exc)
    finally:
        station.close()
    raise AssertionError("the database was ready")


CASES = ["missing", "in a missing folder", "emptied", "damaged", "a folder", "not initialised", "an older schema"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(("language", "error"), [("en", "Error: "), ("vi", "Lỗi: ")])
def test_a_broken_database_gives_the_messages_sqlalchemys_path_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, language: str, error: str
) -> None:
    direct, through_sqlalchemy = tmp_path / "direct", tmp_path / "sqlalchemy"
    monkeypatch.setenv("BROADCASTER_LANG", language)
    try:
        result = StationCLI(_broken_station(direct, case))("news", "list")
    finally:
        i18n.set_language("en")  # the CLI chose the process's language: the other tests read English
    with i18n.activate(language):
        expected = _error_through_sqlalchemy(_broken_station(through_sqlalchemy, case))
    assert result.exit_code == 1
    assert result.stderr == error + expected.replace(str(through_sqlalchemy), str(direct)) + "\n"


def test_the_messages_say_what_to_do(tmp_path: Path) -> None:
    def news_list(case: str) -> str:
        return StationCLI(_broken_station(tmp_path / case, case)).fails("news", "list")

    where = f"sqlite:///{tmp_path}"
    assert news_list("not initialised") == (
        f"Error: The station database {where}/not initialised/station.db is not set up. Run `broadcaster init` first."
    )
    assert news_list("missing") == (
        f"Error: The station database {where}/missing/station.db is not set up. Run `broadcaster init` first."
    )
    assert news_list("an older schema") == (
        f"Error: The station database {where}/an older schema/station.db is at schema 0003, this program needs "
        f"{sqlite_direct.head_revision()}. Run `broadcaster init` to upgrade it (existing records are kept)."
    )
    assert news_list("damaged").startswith(f"Error: The station database {where}/damaged/station.db is damaged (")
