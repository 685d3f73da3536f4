"""The console's routes, one module per area; each route declares its permission (security.require)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:  # the hub's pages import the shared views without the station's app
    from broadcaster.service.actor import Actor as CoreActor
    from broadcaster.service.queue import NewsDesk
    from broadcaster.web.app import Console
    from broadcaster.web.permissions import Actor


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path on this console (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def acting(actor: Actor) -> CoreActor:
    """The console's user as the core audits them: their user name, from their address."""
    from broadcaster.service.actor import Actor as CoreActor

    return CoreActor(actor.username, actor.address)


def news_desk(request: Request, actor: Actor) -> NewsDesk:
    from broadcaster.service.queue import NewsDesk

    return NewsDesk(console_of(request).station, acting(actor))


def wants_fragment(request: Request) -> bool:
    """An htmx request: answer with the part of the page it swaps in."""
    return request.headers.get("hx-request") == "true"


def day_fields() -> tuple[str, str]:
    """The first and last day of a period as the log's and the report's forms label them: what a message
    about them names, instead of the command line's --from and --to."""
    from broadcaster.i18n import _

    return _("From day"), _("To day")
