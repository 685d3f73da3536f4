"""Logging in and out, and changing one's own password (pages and /api/v1).

Shared by the station's console and the hub's pages: the views reach their users through
`site_of(request)`."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from broadcaster.errors import BroadcasterError, InputError
from broadcaster.i18n import N_, _
from broadcaster.web.accounts import UserInfo
from broadcaster.web.errors import WebError, status_of
from broadcaster.web.permissions import Actor
from broadcaster.web.security import client_address, csrf_token, end_session, public, require, start_session
from broadcaster.web.site import site_of
from broadcaster.web.templating import flash, render
from broadcaster.web.views import safe_next

router = APIRouter()
SEND_JSON = N_('Send {"username": "...", "password": "..."}.')


def _login_page(request: Request, next_: str, username: str = "", error: BroadcasterError | None = None) -> Response:
    status = status_of(error) if error is not None else 200
    context = {"next": safe_next(next_), "username": username, "error": error}
    return render(request, "login.html", context, status_code=status)


@router.get("/login")
def login_page(request: Request, _public: Annotated[None, public()], next: str = "/") -> Response:
    """Đăng nhập."""
    if isinstance(request.session.get("uid"), int):
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next)


@router.post("/login")
def login_form(
    request: Request,
    _public: Annotated[None, public()],
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        user = site_of(request).accounts.authenticate(username, password, client_address(request))
    except BroadcasterError as exc:
        return _login_page(request, next, username, exc)
    start_session(request, user.id, user.session_epoch)
    if user.must_change_password:
        return RedirectResponse("/account/password", status_code=303)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, actor: Annotated[Actor, require("account")]) -> Response:
    site_of(request).accounts.logout(request.state.user, actor.address)
    end_session(request)
    flash(request, _("You are logged out."))
    return RedirectResponse("/login", status_code=303)


@router.get("/account/password")
def password_page(request: Request, actor: Annotated[Actor, require("account")]) -> Response:
    """Đổi mật khẩu: after a one-time password, or at will."""
    return render(request, "password.html", {"error": None, "forced": request.state.user.must_change_password})


@router.post("/account/password")
def password_change(
    request: Request,
    actor: Annotated[Actor, require("account")],
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    try:
        if new != repeat:
            raise InputError(_("The two new passwords differ."), _("Type the same new password twice."))
        user = site_of(request).accounts.change_own_password(actor.user_id, current, new, actor.address)
    except BroadcasterError as exc:
        context = {"error": exc, "forced": request.state.user.must_change_password}
        return render(request, "password.html", context, status_code=status_of(exc))
    start_session(request, user.id, user.session_epoch)  # the change ended every other session
    flash(request, _("Saved: your new password is in use."))
    return RedirectResponse("/", status_code=303)


# ------------------------------------------------------------ API


async def _credentials(request: Request) -> tuple[str, str]:
    """username and password from a JSON body or a form."""
    content_type = request.headers.get("content-type", "")
    data: Any
    if content_type.startswith("application/json"):
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError as exc:
            raise WebError(400, _("The request body is not valid JSON."), _(SEND_JSON)) from exc
    else:
        data = dict(await request.form())
    if not isinstance(data, dict):
        raise WebError(400, _("The request body is not valid JSON."), _(SEND_JSON))
    username, password = data.get("username", ""), data.get("password", "")
    if not isinstance(username, str) or not isinstance(password, str):
        raise WebError(400, _("The user name and password must be text."), None)
    return username, password


def _me(user: UserInfo, token: str) -> dict[str, Any]:
    return {"csrf_token": token, "user": user.to_json(), "permissions": user.realm.permissions_of(user.role)}


@router.post("/api/v1/login")
async def api_login(request: Request, _public: Annotated[None, public()]) -> Response:
    """Form or JSON {username, password} -> session cookie + {"csrf_token": ...}."""
    from starlette.concurrency import run_in_threadpool

    username, password = await _credentials(request)
    user = await run_in_threadpool(site_of(request).accounts.authenticate, username, password, client_address(request))
    token = start_session(request, user.id, user.session_epoch)
    return JSONResponse(_me(user, token))


@router.post("/api/v1/logout")
def api_logout(request: Request, actor: Annotated[Actor, require("account")]) -> Response:
    site_of(request).accounts.logout(request.state.user, actor.address, end_sessions=actor.via == "session")
    end_session(request)
    return JSONResponse({"ok": True})


@router.get("/api/v1/me")
def api_me(request: Request, actor: Annotated[Actor, require("account")]) -> Response:
    """Who is logged in, what they may do, and the CSRF token for the requests that change something."""
    token = csrf_token(request) if actor.via == "session" else ""
    return JSONResponse(_me(request.state.user, token))
