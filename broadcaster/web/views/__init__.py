"""The console's routes, one module per area; each route declares its permission (security.require)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:  # the hub's pages import the shared views without the station's app
    from broadcaster.web.app import Console


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path on this console (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
