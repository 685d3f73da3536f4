"""Every command explains itself: `--help` works everywhere and says something useful."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from broadcaster.cli import cli

# Options whose help text is still to be written, by the file that owns them; empty this list, never grow it.
OPTIONS_WITHOUT_HELP_YET: set[tuple[str, ...]] = set()


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):  # the top group loads its commands when asked (cli/__init__.py)
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(cli))


def test_the_tree_is_the_one_the_official_uses() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    for expected in (
        "init",
        "config check",
        "config show",
        "topics",
        "doctor",
        "news add",
        "news import",
        "log",
        "log show",
        "log verify",
        "report",
        "run",
        "status",
        "schedule",
        "air-now",
        "devices",
    ):
        assert expected in names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "broadcaster" for p, _ in COMMANDS])
def test_every_command_has_help(path: tuple[str, ...], command: click.Command) -> None:
    summary = (command.help or "").strip()
    assert summary, f"`broadcaster {' '.join(path)}` has no docstring/help"
    first_line = summary.splitlines()[0]
    assert len(first_line) >= 15 and not first_line.endswith(":"), first_line
    assert command.get_short_help_str(limit=300).strip()
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {' '.join(path)}".rstrip() + " ")
    assert first_line[:40] in " ".join(result.output.split())
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden and param.help is None:
            flag = max(param.opts, key=len)
            assert (*path, flag) in OPTIONS_WITHOUT_HELP_YET, f"`broadcaster {' '.join(path)} {flag}` has no help"


def test_help_is_reachable_with_h_too() -> None:
    result = CliRunner().invoke(cli, ["log", "verify", "-h"])
    assert result.exit_code == 0
    assert "--head" in result.output
