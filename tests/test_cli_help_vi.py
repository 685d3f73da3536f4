"""`broadcaster --help` and every command's `--help` in Vietnamese: descriptions and option help included.

The English stays as written in the code (tests/test_cli_help.py pins it); broadcaster/cli/help.py
translates it when shown, and broadcaster/cli/help_texts.py lists every text for the catalog.
After adding or changing a command's help: `python -m tests.test_cli_help_vi` rewrites help_texts.py
(then `ruff format` it), then `bash scripts/i18n.sh update`, translate, `bash scripts/i18n.sh compile`.
"""

from __future__ import annotations

import inspect
import json
import textwrap
from pathlib import Path

import click
import pytest

from broadcaster import i18n
from broadcaster.cli import cli, click_texts, help_texts
from broadcaster.cli.help import TranslatedHelp
from tests.english import english_run
from tests.test_cli_help import COMMANDS
from tests.test_vietnamese_messages import run_vi

HELP_TEXTS_FILE = Path(help_texts.__file__)


pytestmark = pytest.mark.usefixtures("keep_the_process_language")  # tests/conftest.py


def texts_of_the_tree() -> list[str]:
    """Every command's description and option's help, as click shows them (click's own texts left out)."""
    found: dict[str, None] = {}
    for _path, command in COMMANDS:
        if command.help:
            found[inspect.cleandoc(command.help)] = None
        if command.short_help:
            found[inspect.cleandoc(command.short_help)] = None
        for param in command.params:
            help_text = getattr(param, "help", None)
            if help_text and help_text not in click_texts.TEXTS:
                found[help_text] = None
    return sorted(found)


def literal(text: str) -> str:
    """`text` as a Python literal, split into adjacent literals of at most 100 characters (Babel joins them)."""
    pieces = [
        piece
        for line in text.splitlines(keepends=True)
        for piece in textwrap.wrap(line, 100, replace_whitespace=False, drop_whitespace=False) or [line]
    ]
    if len(pieces) == 1 and len(text) < 100:
        return f"N_({json.dumps(text, ensure_ascii=False)}),"
    joined = "\n        ".join(json.dumps(piece, ensure_ascii=False) for piece in pieces)
    return f"N_(\n        {joined}\n    ),"


def render_help_texts() -> str:
    head, _sep, _rest = HELP_TEXTS_FILE.read_text(encoding="utf-8").partition("TEXTS = (\n")
    body = "".join(f"    {literal(text)}\n" for text in texts_of_the_tree())
    return f"{head}TEXTS = (\n{body})\n"


def test_every_command_translates_its_help() -> None:
    plain = [" ".join(path) or "broadcaster" for path, command in COMMANDS if not isinstance(command, TranslatedHelp)]
    assert plain == [], "define them with cls=Command / cls=Group from broadcaster.cli.help"


def test_the_catalog_list_has_every_help_text() -> None:
    missing = [text for text in texts_of_the_tree() if text not in help_texts.TEXTS]
    assert missing == [], "run `python -m tests.test_cli_help_vi`, then scripts/i18n.sh update and translate"
    assert sorted(help_texts.TEXTS) == texts_of_the_tree(), "help_texts.py lists texts no command has any more"


def test_every_help_text_has_vietnamese() -> None:
    vietnamese = i18n.translations("vi")
    untranslated = [text for text in help_texts.TEXTS if vietnamese.gettext(text) == text]
    assert untranslated == []


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) or "broadcaster" for p, _ in COMMANDS])
def test_help_is_vietnamese(path: tuple[str, ...]) -> None:
    result = run_vi([*path, "--help"])
    assert result.exit_code == 0, result.output
    for line in result.stdout.splitlines():
        found = english_run(line)
        assert found is None, f"`broadcaster {' '.join(path)} --help`: English {found!r} in {line!r}"


def test_the_english_help_is_as_written() -> None:
    result = click.testing.CliRunner().invoke(cli, ["news", "add", "--help"], env={"BROADCASTER_LANG": "en"})
    assert "  Queue a news item; prints its id." in result.output
    assert "Short title, read before the text." in result.output
    assert "The news queue: add, list, show" in click.testing.CliRunner().invoke(cli, ["--help"]).output


if __name__ == "__main__":
    HELP_TEXTS_FILE.write_text(render_help_texts(), encoding="utf-8")
