"""The shape of the house, checked by reading the code: front ends stay thin, layers point one way,
modules stay small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "broadcaster"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# schema migrations are declarations, read as a whole
EXEMPT_FUNCTIONS = ("migrations/",)


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_the_command_line_only_parses_calls_a_service_and_formats() -> None:
    """No database, no SQL, no session handling in cli/: that is the application core's."""
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in imports_of(path) if name.startswith(("broadcaster.store", "sqlalchemy"))
        )
        for path in modules("cli")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_speech_stands_on_the_low_level_audio_package_not_on_sound() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(n for n in imports_of(path) if n.startswith("broadcaster.sound"))
        for path in modules("speech")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_application_core_never_imports_a_front_end() -> None:
    front_ends = ("broadcaster.cli", "broadcaster.web", "broadcaster.hub.cli")
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(n for n in imports_of(path) if n.startswith(front_ends))
        for folder in ("service", "onair", "store", "speech", "sound", "media", "text", "reports")
        for path in modules(folder)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_every_module_is_short_enough_to_read() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_every_function_is_short_enough_to_read() -> None:
    long = {}
    for path in PACKAGE.rglob("*.py"):
        where = str(path.relative_to(PACKAGE))
        if where.startswith(EXEMPT_FUNCTIONS) or "/migrations/" in where:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{where}:{node.name}"] = length
    assert long == {}
