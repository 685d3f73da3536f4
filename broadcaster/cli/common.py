"""What every command shares: --config, opening the station, JSON output."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from broadcaster.config import ENV_VAR

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
        ctx.call_on_close(station.db.dispose)
    return station


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def notice(text: str) -> None:
    click.echo(f"Note: {text}", err=True)


def warn(text: str) -> None:
    click.secho(f"Warning: {text}", err=True, fg="yellow")
