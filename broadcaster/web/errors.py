"""Errors as the console's users see them: JSON `{"error": "..."}` under /api/v1, Vietnamese pages elsewhere.

Every message says what is wrong and what to do next. broadcaster's own errors (BroadcasterError)
keep their message and hint; their HTTP status is the error's `http_status` if it has one, else
by kind (input 400, not found 404, database 503, anything else 500).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from broadcaster.errors import BroadcasterError, InputError, NotFoundError, StoreError
from broadcaster.i18n import N_, _
from broadcaster.web.site import maybe_site

log = logging.getLogger(__name__)

API_PREFIX = "/api/"


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
    request: Request, status: int, message: str, hint: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """JSON for the API, a page (or the fragment an HTMX request swaps in) for the console."""
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
    context = {"status": status, "title": title, "message": message, "hint": hint}
    response: Response = site.templates.page(request, name, context, status_code=status, headers=headers)
    return response


def _show_who(request: Request) -> None:
    from broadcaster.web.security import identify

    try:
        identify(request)
    except Exception:  # an error page must render whatever is wrong with the login
        log.debug("no user shown on the error page", exc_info=True)


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


def install(app: FastAPI) -> None:
    """Handlers for the errors a view raises; an unexpected exception becomes a page in app.py."""

    async def web_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        return error_response(request, exc.status, exc.message, exc.hint, exc.headers)

    async def login_required(request: Request, exc: Exception) -> Response:
        if is_api(request):
            return error_response(
                request, 401, _("You are not logged in."), _("Log in first (POST /api/v1/login) or send an API token.")
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = "/login" + (f"?next={quote(target, safe='')}" if target not in ("/", "") else "")
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": login})
        return RedirectResponse(login, status_code=303)

    async def password_change(request: Request, exc: Exception) -> Response:
        if is_api(request) or request.headers.get("hx-request") == "true":
            return error_response(
                request,
                403,
                _("You logged in with a one-time password."),
                _("Choose your own password first: open the console and log in."),
            )
        return RedirectResponse("/account/password", status_code=303)

    async def broadcaster_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BroadcasterError)
        status = status_of(exc)
        if status >= 500:
            log.error("%s %s failed: %s", request.method, request.url.path, exc)
        return error_response(request, status, exc.message, exc.hint)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, 400, _validation_message(exc), _("Check the form and send it again."))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return error_response(
                request, 404, _("There is nothing at this address."), _("Use the menu to find the page you want.")
            )
        if exc.status_code == 405:
            return error_response(request, 405, _("This address does not accept that request."), None)
        return error_response(request, exc.status_code, str(exc.detail), None)

    handlers: dict[Any, Any] = {
        WebError: web_error,
        LoginRequired: login_required,
        PasswordChangeRequired: password_change,
        BroadcasterError: broadcaster_error,
        RequestValidationError: validation_error,
        StarletteHTTPException: http_error,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
