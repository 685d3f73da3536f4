"""What every command shares: --config, opening the station, JSON output."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from broadcaster import limits
from broadcaster.config import ENV_VAR
from broadcaster.errors import InputError, NotFoundError
from broadcaster.i18n import N_, _

if TYPE_CHECKING:
    from broadcaster.service.context import Station

F = TypeVar("F", bound=Callable[..., Any])


def _remember_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta["broadcaster.config"] = Path(value)


def config_option(func: F) -> F:
    """--config PATH on every command (also accepted before the command name)."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        help=f"Station config file (default: ${ENV_VAR} or ./config.toml).",
        expose_value=False,
        is_eager=True,
        callback=_remember_config,
    )(func)


def config_path(ctx: click.Context) -> Path:
    chosen = ctx.meta.get("broadcaster.config")
    if chosen:
        return Path(chosen)
    return Path(os.environ.get(ENV_VAR) or "config.toml")


def open_station(ctx: click.Context) -> Station:
    station = ctx.meta.get("broadcaster.station")
    if station is None:
        # here, not at the top: `broadcaster --help` must not pay for SQLAlchemy
        from broadcaster.service.context import Station

        station = Station.open(config_path(ctx))
        ctx.meta["broadcaster.station"] = station
        ctx.call_on_close(station.close)
    return station


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def notice(text: str) -> None:
    click.echo(_("Note: {text}").format(text=text), err=True)


def warn(text: str) -> None:
    click.secho(_("Warning: {text}").format(text=text), err=True, fg="yellow")


_ID = re.compile(r"^[0-9]+$")


class RecordId(click.ParamType):
    """The id of a stored record (a news item, an airing), checked before any query.

    A 20-digit id would overflow SQLite's integer (a traceback) and PostgreSQL's
    (a raw database error); such an id names no record, and the message says so
    like it does for any id that is not there. Errors are the station's own
    (exit 1, one line), not click's usage errors.
    """

    name = "id"

    def __init__(self, noun: str, list_command: str, maximum: int = limits.ITEM_ID_MAX) -> None:
        self.noun = noun
        self.list_command = list_command
        self.maximum = maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        else:
            text = str(value).strip()
        hint = _("Run `{command}` to see the ids.").format(command=self.list_command)
        if not _ID.match(text):
            raise InputError(
                _("'{value}' is not the id of a {noun}; ids are whole numbers such as 12.").format(
                    value=value, noun=_(self.noun)
                ),
                hint,
            )
        number = int(text)
        if not 1 <= number <= self.maximum:
            raise NotFoundError(_("There is no {noun} {id}.").format(noun=_(self.noun), id=text), hint)
        return number


NEWS_ITEM_ID = RecordId(N_("news item"), "broadcaster news list --status all")
AIRING_ID = RecordId(N_("airing record"), "broadcaster log", maximum=limits.RECORD_ID_MAX)


def text_argument(value: str, what: str, limit: int = limits.TEXT_MAX_CHARS) -> str:
    """A text typed on the command line: bytes a non-UTF-8 terminal sent are refused, and so is a book."""
    from broadcaster.newsinput import check_length, check_utf8

    check_utf8(value, what)
    check_length(value, what, limit, _("Split it into shorter texts."))
    return value
