"""Security of the console in one place: the session cookie, CSRF, and the permission check.

- Every route declares exactly one of `require("permission")` (who may call it: the matrix in
  permissions.py) or `public()` (the login page and form). A test walks every route the app
  registers with every role, so a route added without one fails it.
- Sessions live in a signed cookie (HttpOnly, SameSite=Lax, Secure when the request came over
  TLS) holding the user's id, a session epoch (raised by a password change or disabling, which
  ends every older session) and the CSRF token.
- CSRF: a request that changes something and is authenticated by the cookie must carry the
  session's token, in the form field `csrf_token` or the `X-CSRF-Token` header (HTMX sends it
  from `hx-headers` on <body>); compared in constant time. Cross-site requests (by the browser's
  `Sec-Fetch-Site`) are refused before anything else, logins included. Requests authenticated
  by a bearer token carry no ambient credentials and need no CSRF token.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from broadcaster.errors import ConfigError
from broadcaster.i18n import _
from broadcaster.web.errors import LoginRequired, PasswordChangeRequired, WebError, error_response
from broadcaster.web.permissions import Actor, known_permission
from broadcaster.web.site import site_of

SESSION_COOKIE = "broadcaster_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFRESH_SECONDS = 300  # re-sign the cookie at most this often: an idle session ends after [web] session_hours


# ------------------------------------------------------------ the secret


def load_or_create_secret(path: Path) -> str:
    """The key that signs session cookies: created once (random, mode 0600) and kept in the data folder."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return load_or_create_secret(path)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text + "\n")
        return text
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            _("The console's secret key {path} cannot be read: {error}.").format(path=path, error=exc),
            _(
                "Check the file's owner and permissions (the console's user must read it), "
                "or delete it to make a new one."
            ),
        ) from exc
    if len(text) < 32:
        raise ConfigError(
            _("The console's secret key {path} is too short.").format(path=path),
            _("Delete the file; the console makes a new one when it starts (everyone logs in again)."),
        )
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # readable by others: anyone who reads it could forge a login
    return text


class SessionCookies:
    """Starlette's signed-cookie sessions, with the Secure flag on requests that came over TLS."""

    def __init__(self, app: ASGIApp, secret: str, max_age: int) -> None:
        options: dict[str, Any] = {"session_cookie": SESSION_COOKIE, "max_age": max_age, "same_site": "lax"}
        self.plain = SessionMiddleware(app, secret, **options)
        self.tls = SessionMiddleware(app, secret, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.tls if scope.get("scheme") in ("https", "wss") else self.plain
        await chosen(scope, receive, send)


class SameOriginOnly:
    """Refuses requests that change something when the browser says they come from another site."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            site = dict(scope["headers"]).get(b"sec-fetch-site", b"").decode("latin-1").lower()
            if site and site not in ("same-origin", "none"):
                response = error_response(
                    Request(scope),
                    403,
                    _("This request came from another website and was refused."),
                    _("Open the console's own page and do it again there."),
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


# ------------------------------------------------------------ sessions


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use, so the login form has one too)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def start_session(request: Request, user_id: int, epoch: int) -> str:
    """A fresh session for a user who just logged in (never reuse the one from before the login)."""
    request.session.clear()
    request.session.update({"uid": user_id, "epoch": epoch, "seen": int(time.time())})
    return csrf_token(request)


def end_session(request: Request) -> None:
    request.session.clear()


# ------------------------------------------------------------ who is asking


def identify(request: Request) -> Actor | None:
    """Who sent the request (bearer token or session cookie), or None; sets request.state.actor and .user."""
    site = site_of(request)
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _sep, token = authorization.partition(" ")
        user = site.accounts.by_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise WebError(
                401, _("The API token is not valid (or its user is disabled)."), _(site.realm.texts.bad_token)
            )
        via = "token"
    else:
        uid, epoch = request.session.get("uid"), request.session.get("epoch")
        if not isinstance(uid, int) or not isinstance(epoch, int):
            return None
        user = site.accounts.session_user(uid, epoch)
        if user is None:
            request.session.clear()  # password changed, disabled or deleted: log in again
            return None
        via = "session"
        now = int(time.time())
        if now - int(request.session.get("seen", 0)) > REFRESH_SECONDS:
            request.session["seen"] = now
    actor = Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        full_name=user.full_name,
        address=client_address(request),
        via=via,
        realm=site.realm,
    )
    request.state.actor = actor
    request.state.user = user
    return actor


async def _check_csrf(request: Request) -> None:
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # parsed once: FastAPI hands the route the same form
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(str(expected).encode(), sent.encode()):
        raise WebError(
            403,
            _("The form has expired or did not come from this console, so nothing was changed."),
            _("Reload the page and do it again."),
        )


async def _logged_in(request: Request, actor: Annotated[Actor | None, Depends(identify)]) -> Actor:
    if actor is None:
        raise LoginRequired()
    if request.method not in SAFE_METHODS and actor.via == "session":
        await _check_csrf(request)
    return actor


def require(permission: str) -> Any:
    """The dependency every non-public route declares: `actor: Actor = require("items.approve")`.

    401 (or the login page) without a login; 403 when the request changes something without the
    session's CSRF token, or when the actor's role lacks `permission` in the realm of the app
    serving the request (the console's, or the hub's)."""
    if not known_permission(permission):
        raise KeyError(f"unknown permission {permission!r}; add it to the realm's matrix (web/permissions.py)")

    async def check(request: Request, actor: Annotated[Actor, Depends(_logged_in)]) -> Actor:
        user = request.state.user
        if user.must_change_password and permission != "account":
            raise PasswordChangeRequired()
        if not actor.can(permission):
            raise WebError(
                403,
                _("Your account ({role}) may not do this.").format(role=actor.role_label),
                _(actor.realm.texts.not_allowed),
            )
        return actor

    check.permission = permission  # type: ignore[attr-defined]
    return Depends(check)


def public() -> Any:
    """The marker of a route anyone may call (the login page and form): `_: None = public()`."""

    def anyone() -> None:
        return None

    anyone.public = True  # type: ignore[attr-defined]
    return Depends(anyone)


def declared_permission(call: Callable[..., Any]) -> str | None:
    return getattr(call, "permission", None)


def console_routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, BaseRoute]]:
    """(full path, route) of every route of an app, looking into included routers (newer FastAPI keeps
    an included router whole instead of copying its routes into the app)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from console_routes(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
        else:
            yield prefix + str(getattr(route, "path", "")), route
