"""What the shared web layer needs from the app it serves: the station's console or the hub's pages.

Security (sessions, CSRF, `require`), errors, templates and the account views reach the app
through `site_of(request)` (`app.state.site`), never through the console itself, so the
district hub's pages run on the same code with their own users, roles and templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from fastapi import Request

if TYPE_CHECKING:
    from broadcaster.web.accounts import Accounts
    from broadcaster.web.permissions import Realm
    from broadcaster.web.templating import Templates


class Site(Protocol):
    accounts: Accounts
    templates: Templates
    language: str
    upload_limit: int  # bytes

    @property
    def realm(self) -> Realm: ...


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def maybe_site(request: Request) -> Site | None:
    """The site, or None before the app is built (an error in a middleware during start-up)."""
    return getattr(request.app.state, "site", None)
