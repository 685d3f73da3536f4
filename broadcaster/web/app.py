"""The console's FastAPI application: `create_app(config_path)` builds it for one station.

Layers, outermost first: language and last-resort errors, security headers, the session cookie,
the body size limit (inside the session: its refusal is a page of the logged-in console), the notice
after a login that interrupted an action, the cross-site refusal; then the routes, each declaring its
permission (security.py). Views are thin: they parse the request, call one function of the
application core (or web/accounts.py) and render a template or JSON.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from broadcaster import i18n
from broadcaster.config import Config
from broadcaster.i18n import N_, _
from broadcaster.service.context import Station
from broadcaster.web import errors
from broadcaster.web.accounts import Accounts
from broadcaster.web.errors import error_response
from broadcaster.web.permissions import CONSOLE, Realm
from broadcaster.web.security import SameOriginOnly, SessionCookies, load_or_create_secret
from broadcaster.web.templating import STATIC, Templates
from broadcaster.web.uploads import BodyLimit

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


@dataclass
class Console:
    """What every view reaches through `request.app.state.console`."""

    station: Station
    accounts: Accounts
    templates: Templates
    language: str
    upload_limit: int  # bytes

    @property
    def config(self) -> Config:
        return self.station.config

    @property
    def realm(self) -> Realm:
        return CONSOLE


CRASH_HINT = N_("Try again; if it happens again, tell the station's technician (details are in the console's log).")


class LanguageAndLastResort:
    """Speaks the site's language for the whole request, and turns an unexpected error into a page.

    `hint`: who to tell (an N_ text; the hub's pages name whoever runs the hub)."""

    def __init__(self, app: ASGIApp, language: str, hint: str = CRASH_HINT) -> None:
        self.app = app
        self.language = language
        self.hint = hint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with i18n.activate(self.language):
            try:
                await self.app(scope, receive, watching_send)
            except Exception:
                log.exception("%s %s failed", scope.get("method"), scope.get("path"))
                if started:
                    raise
                response = error_response(
                    Request(scope),
                    500,
                    _("Something went wrong inside the console; nothing more was changed."),
                    _(self.hint),
                )
                await response(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if static:
                    headers.append((b"cache-control", b"public, max-age=31536000, immutable"))
                else:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, add_headers)


def create_app(config_path: Path | None = None, *, station: Station | None = None) -> FastAPI:
    """The console for the station of `config_path` (or an already opened `station`, e.g. with a test clock).

    Fails with a BroadcasterError when the config is wrong or the database is not set up."""
    station = station or Station.open(config_path)
    station.ready()
    config = station.config
    secret = load_or_create_secret(config.web_secret_path)
    limit = int(config.web.upload_limit_mb * 1024 * 1024)
    language = config.station.language
    console = Console(
        station=station,
        accounts=Accounts(station.db, station.clock),
        templates=Templates(config.tz, config.station.name),
        language=language,
        upload_limit=limit,
    )
    app = FastAPI(
        title="broadcaster",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        middleware=[
            Middleware(LanguageAndLastResort, language=language),
            Middleware(SecurityHeaders),
            Middleware(SessionCookies, secret=secret, max_age=int(config.web.session_hours * 3600)),
            # the session is read from the cookie alone: the body is still refused before it is read
            Middleware(BodyLimit, limit_bytes=limit),
            Middleware(errors.ActionNotDoneNotice),
            Middleware(SameOriginOnly),
        ],
    )
    app.state.console = console
    app.state.site = console  # what security, errors and templates reach (web/site.py)
    errors.install(app)
    from broadcaster.web.views import (
        account,
        admin,
        api_items,
        evidence,
        item_forms,
        item_recordings,
        items,
        onair,
        reports,
    )

    # item_forms before items: /items/new and /items/import are not an item's id
    for module in (account, onair, item_forms, item_recordings, items, api_items, evidence, reports, admin):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
