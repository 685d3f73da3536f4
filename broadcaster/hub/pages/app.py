"""The hub's pages as a FastAPI app, on the console's security, accounts, templates and static files.

The same layers as the console (web/app.py): language and last-resort errors, security headers,
the body size limit, the session cookie, the cross-site refusal; then the routes, each declaring
its permission in the hub's realm (hub/roles.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware import Middleware

from broadcaster.hub.pages import labels
from broadcaster.hub.roles import HUB
from broadcaster.hub.service import Hub
from broadcaster.hub.users import accounts
from broadcaster.i18n import N_
from broadcaster.reports.vietnamese import period_phrase
from broadcaster.web import errors
from broadcaster.web.accounts import Accounts
from broadcaster.web.app import LanguageAndLastResort, SecurityHeaders
from broadcaster.web.permissions import Realm
from broadcaster.web.security import SameOriginOnly, SessionCookies, load_or_create_secret
from broadcaster.web.templating import STATIC, Templates, format_datetime, format_number
from broadcaster.web.uploads import BodyLimit

TEMPLATES = Path(__file__).resolve().parent / "templates"
CRASH_HINT = N_("Try again; if it happens again, tell whoever runs the district hub (details are in its log).")


@dataclass
class HubPages:
    """What the hub's views reach through `pages_of(request)` (and the shared web layer through `site_of`)."""

    hub: Hub
    accounts: Accounts
    templates: Templates
    language: str
    upload_limit: int  # bytes

    @property
    def realm(self) -> Realm:
        return HUB


def pages_of(request: Request) -> HubPages:
    pages: HubPages = request.app.state.site
    return pages


def create_pages_app(hub: Hub) -> FastAPI:
    """The district's pages for `hub` (its settings' [web] section: secret, session length, upload limit)."""
    hub.ready()
    web = hub.settings.web
    limit = int(web.upload_limit_mb * 1024 * 1024)
    pages = HubPages(
        hub=hub,
        accounts=accounts(hub),
        templates=Templates(hub.settings.tz, hub.settings.name, realm=HUB, folders=[TEMPLATES]),
        language=web.language,
        upload_limit=limit,
    )
    pages.templates.env.globals.update(
        PRIORITIES=labels.PRIORITIES,
        PRIORITY_HELP=labels.PRIORITY_HELP,
        STATES=labels.STATES,
        AIRING_STATUSES=labels.AIRING_STATUSES,
        TARGETS=labels.TARGETS,
        DAEMONS=labels.DAEMONS,
        AUDIT_ACTIONS=labels.AUDIT_ACTIONS,
        period_phrase=period_phrase,
        minutes=lambda ms: format_number((ms or 0) / 60000, 1),
    )
    # audit details are stored as canonical JSON
    tz = hub.settings.tz
    pages.templates.env.filters["audit_details"] = lambda text: labels.audit_details(
        json.loads(text), lambda at: format_datetime(at, tz)
    )
    secret = load_or_create_secret(hub.settings.web_secret_path)
    app = FastAPI(
        title="broadcaster district hub",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        middleware=[
            Middleware(LanguageAndLastResort, language=web.language, hint=CRASH_HINT),
            Middleware(SecurityHeaders),
            Middleware(SessionCookies, secret=secret, max_age=int(web.session_hours * 3600)),
            # inside the session, as the console's: a refused upload is a page of the logged-in hub
            Middleware(BodyLimit, limit_bytes=limit),
            Middleware(errors.ActionNotDoneNotice),
            Middleware(SameOriginOnly),
        ],
    )
    app.state.site = pages
    errors.install(app)
    from broadcaster.hub.pages import bulletin_pages, commune_pages, report_pages
    from broadcaster.web.views import account

    for module in (account, commune_pages, bulletin_pages, report_pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
