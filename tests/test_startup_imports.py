"""Quick commands start quickly: `--help`, `normalize` and `topics` load no database, audio or HTTP library
(issue 9: SQLAlchemy alone is ~180 ms of a cold start; numpy, pydub and gTTS add as much again)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_config

HEAVY = ("sqlalchemy", "alembic", "numpy", "pydub", "gtts", "requests", "docx", "matplotlib", "fastapi")


def loaded_modules(config: Path, *args: str) -> set[str]:
    """The top-level packages a fresh `broadcaster` process imported (from `python -X importtime`)."""
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
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("args", [("--help",), ("normalize", "Ngày 5/3/2026, UBND xã"), ("topics",)])
def test_a_quick_command_loads_no_heavy_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    config = write_config(tmp_path)
    loaded = loaded_modules(config, *args)
    assert "broadcaster" in loaded  # the measurement sees the program's own imports
    assert sorted(loaded & set(HEAVY)) == []
