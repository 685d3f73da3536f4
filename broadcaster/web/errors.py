"""Errors as the console's users see them: JSON `{"error": "..."}` under /api/v1, Vietnamese pages elsewhere.

Every message says what is wrong and what to do next. broadcaster's own errors (BroadcasterError)
keep their message and hint; their HTTP status is the error's `http_status` if it has one, else
by kind (input 400, not found 404, database 503, anything else 500).
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from broadcaster import limits
from broadcaster.errors import BroadcasterError, InputError, NotFoundError, StoreError
from broadcaster.i18n import N_, _
from broadcaster.web.site import maybe_site

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Numbers in addresses, bounded as the database's columns are (limits.py): a larger number would fail in
# the database driver and be shown as the database being down. A bad id in the path is a page that does
# not exist (404); a bad number in the query is a wrong value (400, naming the field).
RowId = Annotated[int, Path(ge=1, le=limits.ITEM_ID_MAX)]  # news items, users: INTEGER ids
RecordSeq = Annotated[int, Path(ge=1, le=limits.RECORD_ID_MAX)]  # airings, audit entries: BIGINT
OlderThan = Annotated[int | None, Query(ge=1, le=limits.RECORD_ID_MAX)]  # `before=`: the oldest seq shown


class WebError(Exception):
    """An HTTP error with a message and what to do about it."""

    def __init__(self, status: int, message: str, hint: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.hint = hint
        self.headers = headers or {}


class LoginRequired(Exception):
    """No login: the login page for pages, 401 for the API."""


class PasswordChangeRequired(Exception):
    """Logged in with a one-time password: change it before anything else."""


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _titles(database_down: str) -> dict[int, str]:
    return {
        400: _("The request cannot be done"),
        401: _("Please log in"),
        403: _("Not allowed"),
        404: _("Page not found"),
        405: _("Not allowed"),
        409: _("Conflict"),
        413: _("File too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
        503: _(database_down),
    }


def error_response(
    request: Request,
    status: int,
    message: str,
    hint: str | None = None,
    headers: dict[str, str] | None = None,
    *,
    back: str | None = None,
) -> Response:
    """JSON for the API, a page (or the fragment an HTMX request swaps in) for the console; `back`: a page
    of this site to offer a link back to (e.g. the form whose file was too large)."""
    text = f"{message} {hint}" if hint else message
    if is_api(request):
        return JSONResponse({"error": text}, status_code=status, headers=headers)
    site = maybe_site(request)
    if site is None:  # pragma: no cover - only before the app is built
        return JSONResponse({"error": text}, status_code=status, headers=headers)
    if getattr(request.state, "actor", None) is None and "session" in request.scope:
        _show_who(request)  # a 404 never reached a permission check: still show the menu of who is logged in
    name = "error_fragment.html" if request.headers.get("hx-request") == "true" else "error.html"
    title = _titles(site.realm.texts.database_down).get(status, _("Error"))
    context = {"status": status, "title": title, "message": message, "hint": hint, "back": back}
    response: Response = site.templates.page(request, name, context, status_code=status, headers=headers)
    return response


def _show_who(request: Request) -> None:
    from broadcaster.web.security import identify

    try:
        identify(request)
    except Exception:  # an error page must render whatever is wrong with the login
        log.debug("no user shown on the error page", exc_info=True)


def same_site_referer(request: Request) -> str | None:
    """The page (path and query) the request came from, when the browser says it is on this site."""
    referer = urlsplit(request.headers.get("referer", ""))
    if not referer.path.startswith("/") or referer.netloc != request.url.netloc:
        return None
    if referer.path.startswith("//") or "\\" in referer.path or referer.path.startswith("/login"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def status_of(exc: BroadcasterError) -> int:
    explicit = getattr(exc, "http_status", None)
    if isinstance(explicit, int):
        return explicit
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, StoreError):
        return 503
    return 500


# Form and query fields as the forms label them.
FIELD_LABELS = {
    "username": N_("User name"),
    "password": N_("Password"),
    "full_name": N_("Full name"),
    "role": N_("Role"),
    "user_id": N_("User"),
    "before": N_("Older entries"),
    "limit": N_("How many"),
    "file": N_("File"),
    "item_id": N_("News item"),
    "seq": N_("Airing"),
    "days": N_("Days"),
    "title": N_("Title"),
    "topic": N_("Topic"),
    "text": N_("News text"),
    "priority": N_("Priority"),
    "valid_from": N_("First day"),
    "valid_until": N_("Last day"),
    "airings": N_("Number of airings"),
    "language": N_("Language"),
}


def _in_path(exc: RequestValidationError) -> bool:
    return any(str(error.get("loc", ("",))[0]) == "path" for error in exc.errors())


def _in_query_only(exc: RequestValidationError) -> bool:
    return all(str(error.get("loc", ("",))[0]) == "query" for error in exc.errors())


def _validation_message(exc: RequestValidationError) -> str:
    missing: list[str] = []
    wrong: list[str] = []
    for error in exc.errors():
        name = str(error.get("loc", ["", "?"])[-1])
        field = _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
        (missing if error.get("type") == "missing" else wrong).append(field)
    parts = []
    if missing:
        parts.append(_("Required field: {fields}.").format(fields=", ".join(missing)))
    if wrong:
        parts.append(_("Not a valid value: {fields}.").format(fields=", ".join(wrong)))
    return " ".join(parts) or _("The request is not valid.")


# ------------------------------------------------------------ an action sent after the login expired

NOT_DONE = "not_done"  # marks the page to open after such a login: it then says the action was not done
_ITEM_ACTION = re.compile(r"/items/(\d+)/[^/]+")
_USER_ACTION = re.compile(r"/users/\d+/[^/]+")


def login_target(request: Request) -> str:
    """Where the login page sends the user back to: the page asked for, or, for an action (a POST: the
    browser cannot open it again), the page it was done from, marked so that it says to do it again."""
    if request.method in ("GET", "HEAD"):
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    path = request.url.path
    if path == "/logout":
        return "/"  # logging out of an expired login: that is done already
    if found := _ITEM_ACTION.fullmatch(path):
        page = f"/items/{found[1]}"
    elif _USER_ACTION.fullmatch(path):
        page = "/users"
    else:
        page = same_site_referer(request) or "/"
    return page + ("&" if "?" in page else "?") + f"{NOT_DONE}=1"


class ActionNotDoneNotice:
    """After the login an expired session forced in the middle of an action: tells the user, on the page
    they land on, that the action was not done. The login starts a fresh session, so a message kept in
    the old one would be lost; the mark in the address carries it over. Sits inside the session layer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or NOT_DONE.encode() not in scope["query_string"]:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if NOT_DONE not in request.query_params or not isinstance(scope.get("session", {}).get("uid"), int):
            await self.app(scope, receive, send)
            return
        from broadcaster.web.templating import flash

        flash(request, _("Your login had expired, so what you did last was not done. Do it again now."), "error")
        # the clean address: reloading the page must not say it again
        rest = urlencode([(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k != NOT_DONE])
        await RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)(scope, receive, send)


def _nothing_here(request: Request) -> Response:
    return error_response(
        request, 404, _("There is nothing at this address."), _("Use the menu to find the page you want.")
    )


async def _web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return error_response(request, exc.status, exc.message, exc.hint, exc.headers)


async def _login_required(request: Request, exc: Exception) -> Response:
    if is_api(request):
        return error_response(
            request, 401, _("You are not logged in."), _("Log in first (POST /api/v1/login) or send an API token.")
        )
    target = login_target(request)
    login = "/login" + (f"?next={quote(target, safe='')}" if target not in ("/", "") else "")
    if request.headers.get("hx-request") == "true":
        return Response(status_code=401, headers={"HX-Redirect": login})
    return RedirectResponse(login, status_code=303)


async def _password_change(request: Request, exc: Exception) -> Response:
    if is_api(request) or request.headers.get("hx-request") == "true":
        return error_response(
            request,
            403,
            _("You logged in with a one-time password."),
            _("Choose your own password first: open the console and log in."),
        )
    return RedirectResponse("/account/password", status_code=303)


async def _broadcaster_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BroadcasterError)
    status = status_of(exc)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
    return error_response(request, status, exc.message, exc.hint_on_pages)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _in_path(exc):  # /items/abc, /users/99999999999999999999/disable: no such page
        return _nothing_here(request)
    if _in_query_only(exc):  # a link or a typed address, not a form
        hint = _("Open the page again from the menu, or correct the address.")
        return error_response(request, 400, _validation_message(exc), hint)
    return error_response(request, 400, _validation_message(exc), _("Check the form and send it again."))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return _nothing_here(request)
    if exc.status_code == 405:
        return error_response(request, 405, _("This address does not accept that request."), None)
    return error_response(request, exc.status_code, str(exc.detail), None)


def install(app: FastAPI) -> None:
    """Handlers for the errors a view raises; an unexpected exception becomes a page in app.py."""
    handlers: dict[Any, Any] = {
        WebError: _web_error,
        LoginRequired: _login_required,
        PasswordChangeRequired: _password_change,
        BroadcasterError: _broadcaster_error,
        RequestValidationError: _validation_error,
        StarletteHTTPException: _http_error,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
