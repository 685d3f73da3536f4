"""Every bad input in tests/bad_inputs.py, on SQLite and PostgreSQL: one clear line, the right exit, nothing written.

One station per database serves the whole table: each case is run against it
and a snapshot of every row of every table, taken before and after, proves the
case changed nothing; a case that wrote anything would fail here (and would
show in the next case's snapshot too). A traceback is a failure of its own:
the CLI runs with its exceptions caught, and any exception other than the exit
is reported with the case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import MetaData, create_engine, select

from broadcaster.cli import cli
from broadcaster.service.context import Station
from tests.bad_inputs import Case, cases
from tests.conftest import PG_URL, reset_postgres, seed_database, write_config

CASES = cases()


@dataclass
class Shared:
    folder: Path
    config: Path
    url: str  # the database, as another config in another folder names it
    today: date
    snapshot: Snapshot | None = None

    def run(self, args: list[str], config: Path | None = None, stdin: bytes | None = None) -> Result:
        try:
            runner = CliRunner(mix_stderr=False)  # click 8.1
        except TypeError:
            runner = CliRunner()
        return runner.invoke(cli, ["--config", str(config or self.config), *args], input=stdin, catch_exceptions=True)


class Snapshot:
    """Every row of every table, in key order; the tables are read once, the rows at each call."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.metadata = MetaData()
        self.metadata.reflect(self.engine)

    def __call__(self) -> dict[str, list[tuple[Any, ...]]]:
        with self.engine.connect() as connection:
            return {
                name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
                for name, table in sorted(self.metadata.tables.items())
            }


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    folder = tmp_path_factory.mktemp(f"bad-input-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'station.db'}"
    else:
        if not PG_URL:
            pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
        reset_postgres(PG_URL)
        url = PG_URL
    station = Shared(folder, write_config(folder, url), url, date.min)
    seed_database(station.config)  # `init` then runs on a copy of the schema migrated once per run
    for args in (
        ["init"],
        ["news", "add", "--title", "Tin một", "--topic", "mot-cua", "--text", "Bộ phận một cửa làm việc thứ bảy."],
        ["news", "add", "--title", "Tin hai", "--topic", "thu-tuc", "--text", "Nộp hồ sơ trực tuyến."],
        ["news", "cancel", "2"],
        ["news", "add", "--title", "Tin ba", "--topic", "nguoi-tot", "--text", "Gương người tốt.", "--airings", "3"],
        ["news", "approve", "3", "--by", "Nguyễn Văn An"],
    ):
        result = station.run(args)
        assert result.exit_code == 0, result.output
    station.today = Station.open(station.config).today()
    station.snapshot = Snapshot(url)
    yield station
    station.snapshot.engine.dispose()


def fill(text: str, shared: Shared, file: Path | None, config: Path) -> str:
    return (
        text.replace("{file}", str(file))
        .replace("{dirname}", shared.folder.name)
        .replace("{dir}", str(shared.folder))
        .replace("{config}", str(config))
        .replace("{today}", shared.today.isoformat())
        .replace("{yesterday}", (shared.today - timedelta(days=1)).isoformat())
    )


def params() -> list[Any]:
    return [pytest.param(case, id=case.id) for case in CASES]


def test_the_table_names_each_case_once() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 150


@pytest.mark.parametrize("case", params())
def test_bad_input(shared: Shared, case: Case, tmp_path: Path) -> None:
    file = None
    if case.file is not None:
        name, content = case.file
        file = tmp_path / name
        file.write_bytes(fill_bytes(content() if callable(content) else content, shared))
    config = shared.config
    if case.config:
        changes = dict(case.config)
        config = write_config(tmp_path, changes.pop("database", shared.url), replace=changes)
    args = [fill(a, shared, file, config) for a in case.args]
    assert shared.snapshot is not None
    before = shared.snapshot()
    result = shared.run(args, config, case.stdin)
    after = shared.snapshot()

    crash = result.exception if not isinstance(result.exception, SystemExit | None) else None
    assert crash is None, f"traceback: {crash!r}"
    assert result.exit_code == case.exit, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    if case.config and not case.message.startswith("Error: "):  # refused for the config, one problem named
        assert errors[0] == f"Error: {config} has 1 problem:", result.stderr
        assert f"  - {fill(case.message, shared, file, config)}" in result.stderr.splitlines(), result.stderr
    else:
        assert errors[0] == fill(case.message, shared, file, config)
    assert after == before, "the database changed"


def fill_bytes(content: bytes, shared: Shared) -> bytes:
    """Dates relative to today inside a file (a .csv with an --until that is already past)."""
    for key, value in (("{today}", shared.today), ("{yesterday}", shared.today - timedelta(days=1))):
        content = content.replace(key.encode(), value.isoformat().encode())
    return content
