"""Jinja2 for the console: autoescaped HTML, gettext, and the Vietnamese ways of writing dates and numbers.

A page is a template that extends "base.html" and fills `{% block content %}`; a view returns
`render(request, "name.html", {...})`. Every template gets `actor` (who is logged in, or None),
`nav` (the menu entries this actor may open), `csrf_token`, `flashes`, `station` and `lang`.
The district hub's pages use the same class with their realm and their own template folder
searched first (base.html, login.html and the error pages come from here).

Dates are dd/mm/yyyy and times 24-hour, in the station's time zone; weeks start on Monday
("Thứ 2" ... "Chủ nhật"); numbers use "." for thousands and "," for decimals (1.234,5).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from broadcaster import i18n, limits
from broadcaster.i18n import N_, _
from broadcaster.web import labels
from broadcaster.web.permissions import CONSOLE, Actor, Realm
from broadcaster.web.security import csrf_token
from broadcaster.web.site import site_of

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# Monday first, as on a Vietnamese calendar.
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))


def local(moment: datetime, tz: tzinfo) -> datetime:
    return moment.astimezone(tz) if moment.tzinfo is not None else moment


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 -> "1.234,5" in Vietnamese, "1,234.5" in English; nothing for no value."""
    return "" if value is None else i18n.format_number(value, decimals)


def format_date(value: date | datetime | None, tz: tzinfo) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value, tz)
    return f"{value:%d/%m/%Y}"


def format_datetime(value: datetime | None, tz: tzinfo, seconds: bool = False) -> str:
    if value is None:
        return ""
    return f"{local(value, tz):%d/%m/%Y %H:%M:%S}" if seconds else f"{local(value, tz):%d/%m/%Y %H:%M}"


def format_time(value: datetime | None, tz: tzinfo) -> str:
    return "" if value is None else f"{local(value, tz):%H:%M}"


def weekday(value: date | datetime, tz: tzinfo | None = None) -> str:
    if isinstance(value, datetime) and tz is not None:
        value = local(value, tz)
    return _(WEEKDAYS[value.weekday()])


def _file_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


class Templates:
    """The templates of one site: the console of a station, or the hub's pages (its time zone and name).

    `folders` are searched before the console's own templates."""

    def __init__(self, tz: tzinfo, station_name: str, *, realm: Realm = CONSOLE, folders: Sequence[Path] = ()) -> None:
        self.tz = tz
        self.station_name = station_name
        self.realm = realm
        self.env = Environment(
            loader=FileSystemLoader([*folders, TEMPLATES]),
            autoescape=select_autoescape(["html"], default_for_string=True, default=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            gettext=lambda message: i18n._(message),
            ngettext=lambda singular, plural, n: i18n.ngettext(singular, plural, n),
            newstyle=True,
        )
        # Static files are served with their content hash in the URL, so browsers may keep them.
        versions = {p.name: _file_version(p) for p in STATIC.iterdir() if p.is_file()}
        self.env.globals.update(
            static=lambda name: f"/static/{name}?v={versions.get(name, '0')}",
            role_label=realm.role_label,
            realm=realm,
            priority_label=lambda code: labels.label(labels.PRIORITIES, code),
            item_status_label=lambda code: labels.label(labels.ITEM_STATUSES, code),
            airing_status_label=lambda code: labels.label(labels.AIRING_STATUSES, code),
            airing_kind_label=lambda code: labels.label(labels.AIRING_KINDS, code),
            amplifier_label=lambda code: labels.label(labels.AMPLIFIER_STATES, code),
            wait_label=lambda code: labels.label(labels.WAIT_REASONS, code),
            target_kind_label=lambda code: labels.label(labels.TARGET_KINDS, code),
            period_label=lambda code: labels.label(labels.PERIODS, code),
            reason_text=labels.reason_text,
            limits=limits,
        )
        self.env.filters.update(
            date=lambda v: format_date(v, tz),
            datetime=lambda v, seconds=False: format_datetime(v, tz, seconds),
            time=lambda v: format_time(v, tz),
            weekday=lambda v: weekday(v, tz),
            number=format_number,
            duration=labels.duration,
        )

    def render_text(self, name: str, context: Mapping[str, Any]) -> str:
        return self.env.get_template(name).render(context)

    def page(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        actor: Actor | None = getattr(request.state, "actor", None)
        session = request.scope.get("session")
        flashes = session.pop("flash", []) if session is not None else []
        user = getattr(request.state, "user", None)
        # Someone who must choose a password first gets no menu: every page would send them back here.
        menu = actor is not None and not (user is not None and user.must_change_password)
        full: dict[str, Any] = {
            "request": request,
            "actor": actor,
            "nav": [
                (path, _(label)) for perm, path, label in self.realm.navigation if menu and actor and actor.can(perm)
            ],
            "path": request.url.path,
            "csrf_token": csrf_token(request) if session is not None else "",
            "flashes": flashes,
            "station": self.station_name,
            "lang": i18n.language(),
            "htmx": request.headers.get("hx-request") == "true",
        }
        full.update(context or {})
        return HTMLResponse(self.render_text(name, full), status_code=status_code, headers=dict(headers or {}))


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a template of the site serving `request` (see the module's docstring)."""
    return site_of(request).templates.page(request, name, context, status_code, headers)


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """A message shown once on the next page (kind: ok | error)."""
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], [kind, text]]
