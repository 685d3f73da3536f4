"""Shared fixtures: a station folder with a real config file and a real database.

Store tests run on SQLite and, where .ci/run started it, on a real PostgreSQL
server (BROADCASTER_TEST_PG_URL); see scripts/start-postgres.sh.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from broadcaster.cli import cli

# The tests pin the English texts; the Vietnamese catalog is tested on its own (tests/web/test_i18n.py).
os.environ["BROADCASTER_LANG"] = "en"

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BROADCASTER_TEST_PG_URL")


def write_config(
    folder: Path,
    database: str = "sqlite:///station.db",
    *,
    replace: dict[str, str] | None = None,
    append: str = "",
    render_on_add: bool = False,
) -> Path:
    """The shipped config.toml with this station's database, offline voice, output to files, and any changes.

    Speech is not rendered on `news add` unless asked: most tests are about the queue, not the voice."""
    text_ = (REPO / "config.toml").read_text(encoding="utf-8")
    text_ = text_.replace('database = "sqlite:///station.db"', f'database = "{database}"')
    text_ = text_.replace('kind = "device"              #', 'kind = "file"              #')
    text_ = text_.replace('engine = "gtts"              #', 'engine = "espeak"            #')
    text_ = text_.replace('fallback = ["espeak"]        #', "fallback = []        #")
    if not render_on_add:
        text_ = text_.replace("render_on_add = true ", "render_on_add = false")
    for old, new in (replace or {}).items():
        assert old in text_, old
        text_ = text_.replace(old, new)
    path = folder / "config.toml"
    path.write_text(text_ + append, encoding="utf-8")
    return path


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return "sqlite:///station.db"
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    reset_postgres(PG_URL)
    return PG_URL


class StationCLI:
    """Runs broadcaster commands against one station folder, as the official would."""

    def __init__(self, config: Path) -> None:
        self.config = config
        try:
            self.runner = CliRunner(mix_stderr=False)  # click 8.1
        except TypeError:
            self.runner = CliRunner()  # click >= 8.2 keeps stderr apart already

    def __call__(self, *args: str, input: str | bytes | None = None) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args], input=input, catch_exceptions=False)

    def ok(self, *args: str, input: str | bytes | None = None) -> str:
        result = self(*args, input=input)
        assert result.exit_code == 0, result.output
        return result.stdout

    def fails(self, *args: str, input: str | bytes | None = None) -> str:
        """Exit status 1 and a one-line error; returns that line."""
        result = self(*args, input=input)
        assert result.exit_code == 1, result.output
        lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert len(lines) == 1, result.stderr
        return lines[0]

    def add(
        self,
        title: str = "Tin CCHC",
        topic: str = "mot-cua",
        text_: str = "Bộ phận một cửa làm việc cả thứ bảy.",
        *extra: str,
    ) -> int:
        out = self.ok("news", "add", "--title", title, "--topic", topic, "--text", text_, *extra)
        return int(re.findall(r"^\d+$", out, flags=re.M)[-1])


@pytest.fixture
def station_cli(tmp_path: Path, db_url: str) -> StationCLI:
    config = write_config(tmp_path, db_url)
    station = StationCLI(config)
    station.ok("init")
    return station


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> StationCLI:
    station = StationCLI(write_config(tmp_path))
    station.ok("init")
    return station


# ------------------------------------------------------------ a real browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright, one for the whole run: Playwright's sync API runs once per
    thread, so the console's and the hub's browser tests share it (never `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
