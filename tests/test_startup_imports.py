"""Quick commands start quickly: `--help`, `normalize` and `topics` load no database, audio or HTTP library
(issue 9: SQLAlchemy alone is ~180 ms of a cold start; numpy, pydub and gTTS add as much again);
`news list` reads the queue without the ORM's ~300 ms and without Alembic: with SQLAlchemy Core on PostgreSQL,
and on SQLite without importing SQLAlchemy at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import StationCLI, write_config

HEAVY = ("sqlalchemy", "alembic", "numpy", "pydub", "gtts", "requests", "docx", "matplotlib", "fastapi")


def run_importing(config: Path, *args: str) -> tuple[str, set[str]]:
    """What a fresh `broadcaster` process printed, and every module it imported (from `python -X importtime`)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "broadcaster", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return done.stdout, names


def loaded_modules(config: Path, *args: str) -> set[str]:
    """The top-level packages a fresh `broadcaster` process imported."""
    return {name.split(".")[0] for name in run_importing(config, *args)[1]}


@pytest.mark.parametrize("args", [("--help",), ("normalize", "Ngày 5/3/2026, UBND xã"), ("topics",)])
def test_a_quick_command_loads_no_heavy_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    config = write_config(tmp_path)
    loaded = loaded_modules(config, *args)
    assert "broadcaster" in loaded  # the measurement sees the program's own imports
    assert sorted(loaded & set(HEAVY)) == []


def test_news_list_reads_the_queue_without_the_orm_or_alembic(station_cli: StationCLI) -> None:
    first = station_cli.add("Tin một")
    second = station_cli.add("Tin hai", "nguoi-tot", "Gọi 113 khi có cháy.", "--priority", "emergency")
    station_cli.ok("news", "cancel", str(first))
    listing, loaded = run_importing(station_cli.config, "news", "list")
    assert sorted(n for n in loaded if n.startswith(("sqlalchemy.orm", "alembic"))) == []
    assert listing == station_cli.ok("news", "list")
    lines = listing.splitlines()
    assert lines[1].split()[:2] == [str(first), "cancelled"] and lines[1].endswith("Tin một")
    assert lines[2].split()[:3] == [str(second), "queued", "emergency"] and lines[2].endswith("Tin hai")
    topic, loaded = run_importing(station_cli.config, "news", "list", "--topic", "nguoi-tot", "--json")
    assert "sqlalchemy.orm" not in loaded
    assert [item["title"] for item in json.loads(topic)] == ["Tin hai"]


LISTINGS = [
    ("news", "list"),
    ("news", "list", "--topic", "nguoi-tot", "--json"),
    ("news", "list", "--status", "queued"),
]


@pytest.mark.parametrize("args", LISTINGS)
def test_news_list_on_sqlite_does_not_import_sqlalchemy(sqlite_cli: StationCLI, args: tuple[str, ...]) -> None:
    """Issue 9: `import sqlalchemy` was two thirds of the command's start. On SQLite it runs the SQL that Core
    compiles through the standard library's driver (store/news_read_sqlite.py); PostgreSQL still uses Core."""
    sqlite_cli.add("Tin một")
    sqlite_cli.add("Tin hai", "nguoi-tot", "Gọi 113 khi có cháy.", "--priority", "emergency")
    listing, loaded = run_importing(sqlite_cli.config, *args)
    assert "sqlite3" in loaded  # it did read the database, with the standard library's driver
    assert sorted(n for n in loaded if n.split(".")[0] in ("sqlalchemy", "alembic")) == []
    assert "Tin hai" in listing
    assert listing == sqlite_cli.ok(*args)


def test_normalize_compiles_only_the_expressions_a_text_needs() -> None:
    """Issue 9: compiling all ~100 of the normalizer's expressions was most of `normalize`'s start-up.
    A plain sentence with a date and a number compiles none of those for legacy fonts, web addresses,
    Roman numerals or document codes; the spoken form is the same."""
    probe = (
        "import sys\n"
        "from broadcaster.text import normalize\n"
        "from broadcaster.text import codes, legacy, web\n"
        "n = sys.modules['broadcaster.text.normalize']  # the package's `normalize` is the function\n"
        "print(normalize('Ngày 15/3/2021, 1.234 hồ sơ'))\n"
        "rare = {'legacy': [legacy._VNI_RE, legacy.VNI_PAIR_RE], 'web': [web._URL, web._EMAIL, web._HANDLE],\n"
        "        'roman': [n._ROMAN_AFTER_CUE, n._ROMAN_HEADING], 'codes': [codes.PARTY_RE, codes._TYPE_ISSUER]}\n"
        "print(sorted(k for k, ps in rare.items() if any(p._compiled is not None for p in ps)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    spoken, compiled = done.stdout.splitlines()
    assert spoken == "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi mốt, một nghìn hai trăm ba mươi tư hồ sơ"
    assert compiled == "[]"


def test_news_list_loads_only_its_own_commands(sqlite_cli: StationCLI) -> None:
    """The commands are loaded when named (broadcaster/cli/__init__.py COMMAND_MODULES): `news list` imports
    neither the web console's roles, the hub nor the other commands."""
    sqlite_cli.add("Tin một")
    _, loaded = run_importing(sqlite_cli.config, "news", "list")
    assert "broadcaster.cli.news_commands" in loaded
    others = {m for m in loaded if m.startswith(("broadcaster.cli.", "broadcaster.hub", "broadcaster.web"))}
    # its own output helpers, and the console's words for statuses and priorities so both say the same
    its_own = {"broadcaster.cli.news_commands", "broadcaster.cli.news_output", "broadcaster.cli.words"}
    # cli.help: the command classes whose --help is translated
    shared = {"broadcaster.cli.click_texts", "broadcaster.cli.common", "broadcaster.cli.help"}
    shared |= {"broadcaster.web", "broadcaster.web.labels"}
    assert sorted(others - its_own - shared) == []
    assert not any(m.startswith(("fastapi", "starlette", "jinja2")) for m in loaded)


def test_the_command_table_names_every_command_of_its_modules() -> None:
    """COMMAND_MODULES is what `--help` lists and what a command name loads: it must match the modules."""
    import importlib

    from broadcaster.cli import COMMAND_MODULES, cli

    for module_name, names in COMMAND_MODULES.items():
        module = importlib.import_module(module_name)
        commands = getattr(module, "COMMANDS", None) or [module.hub_group]
        assert tuple(command.name for command in commands) == names, module_name
    assert sorted(cli.list_commands(None)) == sorted(n for names in COMMAND_MODULES.values() for n in names)  # type: ignore[arg-type]
