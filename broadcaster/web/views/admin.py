"""The technician's pages (Người dùng, Thiết bị) and the audit trail (technician and district)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from broadcaster.errors import BroadcasterError, InputError
from broadcaster.i18n import N_, _
from broadcaster.web import labels
from broadcaster.web.errors import OlderThan, RowId, WebError, status_of
from broadcaster.web.permissions import PERMISSIONS, ROLE_PERMISSIONS, ROLES, Actor, role_label
from broadcaster.web.security import require
from broadcaster.web.templating import flash, render
from broadcaster.web.views import console_of

router = APIRouter()


class NewUser(BaseModel):
    username: str
    role: str
    full_name: str = ""
    password: str = ""


# ------------------------------------------------------------ Người dùng


def _users_context(request: Request, **extra: Any) -> dict[str, Any]:
    users = console_of(request).accounts.list()
    matrix = [
        (perm, _(label), [role in ROLES and perm in ROLE_PERMISSIONS[role] for role in ROLES])
        for perm, label in PERMISSIONS.items()
    ]
    context: dict[str, Any] = {
        "users": users,
        "roles": [(role, role_label(role)) for role in ROLES],
        "matrix": matrix,
        "form": {"username": "", "full_name": "", "role": "official"},
        "error": None,
        "one_time": None,
    }
    context.update(extra)
    return context


@router.get("/users")
def users_page(request: Request, actor: Annotated[Actor, require("users.manage")]) -> Response:
    """Người dùng: who may log in, with which role; add, disable, reset a password."""
    return render(request, "users.html", _users_context(request))


@router.post("/users")
def users_add(
    request: Request,
    actor: Annotated[Actor, require("users.manage")],
    username: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    form = {"username": username, "full_name": full_name, "role": role}
    try:
        if password != repeat:
            raise InputError(_("The two passwords differ."), _("Type the same password twice, or leave both empty."))
        user, one_time = console_of(request).accounts.add(
            username, role, password or None, full_name, actor=actor.username, address=actor.address
        )
    except BroadcasterError as exc:
        context = _users_context(request, form=form, error=exc)
        return render(request, "users.html", context, status_code=status_of(exc))
    if one_time is None:
        flash(request, _("Saved: {name} can log in now.").format(name=user.username))
        return RedirectResponse("/users", status_code=303)
    # Shown once, on this page only: never put into a cookie or the log.
    return render(request, "users.html", _users_context(request, one_time=(user.username, one_time)))


def _not_oneself(user_id: int, actor: Actor) -> None:
    if user_id == actor.user_id:
        raise WebError(
            400,
            _("You cannot do this to your own account here."),
            _("Ask another technician, or use `broadcaster users` on the station PC."),
        )


@router.post("/users/{user_id}/disable")
def users_disable(request: Request, user_id: RowId, actor: Annotated[Actor, require("users.manage")]) -> Response:
    _not_oneself(user_id, actor)
    user = console_of(request).accounts.set_active(user_id, False, actor=actor.username, address=actor.address)
    flash(request, _("{name} is disabled: they are logged out and cannot log in.").format(name=user.username))
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/enable")
def users_enable(request: Request, user_id: RowId, actor: Annotated[Actor, require("users.manage")]) -> Response:
    user = console_of(request).accounts.set_active(user_id, True, actor=actor.username, address=actor.address)
    flash(request, _("{name} can log in again.").format(name=user.username))
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/password")
def users_reset_password(
    request: Request, user_id: RowId, actor: Annotated[Actor, require("users.manage")]
) -> Response:
    """A one-time password, shown once; the user chooses their own at the next login."""
    _not_oneself(user_id, actor)
    accounts = console_of(request).accounts
    one_time = accounts.set_password(user_id, None, actor=actor.username, address=actor.address)
    user = accounts.get(user_id)
    return render(request, "users.html", _users_context(request, one_time=(user.username, one_time)))


@router.get("/api/v1/users")
def api_users(request: Request, actor: Annotated[Actor, require("users.manage")]) -> Response:
    return JSONResponse([user.to_json() for user in console_of(request).accounts.list()])


@router.post("/api/v1/users")
def api_users_add(request: Request, body: NewUser, actor: Annotated[Actor, require("users.manage")]) -> Response:
    """201 with the user's JSON, and `one_time_password` when none was given (shown only in this answer)."""
    user, one_time = console_of(request).accounts.add(
        body.username, body.role, body.password or None, body.full_name, actor=actor.username, address=actor.address
    )
    data = user.to_json()
    if one_time:
        data["one_time_password"] = one_time
    return JSONResponse(data, status_code=201)


# ------------------------------------------------------------ Thiết bị

CHECK_LABELS = {
    "config": N_("Configuration file"),
    "database": N_("Station database"),
    "ffmpeg": N_("ffmpeg (sound processing)"),
    "espeak-ng (offline voice)": N_("Offline voice (espeak-ng)"),
    "gTTS (online voice)": N_("Online voice (Google)"),
    "disk space": N_("Disk space"),
    "audio output": N_("Sound output"),
    "amplifier control": N_("Amplifier control"),
}


def _devices() -> list[dict[str, str]]:
    from broadcaster.sound.devices import list_devices

    return [{"name": d.name, "description": d.description, "backend": d.backend} for d in list_devices()]


def _checks(request: Request) -> list[dict[str, Any]]:
    from broadcaster.service.doctor import run_checks

    checks = run_checks(console_of(request).config.path)
    return [
        {
            "name": c.name,
            "label": _(CHECK_LABELS[c.name]) if c.name in CHECK_LABELS else c.name,
            "ok": c.ok,
            "detail": c.detail,
            "fix": c.fix,
        }
        for c in checks
    ]


@router.get("/devices")
def devices_page(request: Request, actor: Annotated[Actor, require("devices.view")]) -> Response:
    """Thiết bị: the sound devices, and the station checks (loaded after the page: some take seconds)."""
    output = console_of(request).config.output
    context = {"devices": _devices(), "output": output, "can_check": actor.can("doctor.run")}
    return render(request, "devices.html", context)


@router.get("/devices/checks")
def devices_checks(request: Request, actor: Annotated[Actor, require("doctor.run")]) -> Response:
    checks = _checks(request)
    name = "checks_fragment.html" if request.headers.get("hx-request") == "true" else "checks.html"
    return render(request, name, {"checks": checks, "problems": sum(not c["ok"] for c in checks)})


@router.get("/api/v1/devices")
def api_devices(request: Request, actor: Annotated[Actor, require("devices.view")]) -> Response:
    return JSONResponse(_devices())


@router.get("/api/v1/doctor")
def api_doctor(request: Request, actor: Annotated[Actor, require("doctor.run")]) -> Response:
    return JSONResponse(_checks(request))


# ------------------------------------------------------------ Nhật ký thao tác (audit trail)

ACTION_LABELS = {
    "login": N_("Logged in"),
    "login.failed": N_("Wrong password"),
    "login.locked": N_("Logging in paused (too many wrong passwords)"),
    "login.refused": N_("Login refused (account disabled)"),
    "logout": N_("Logged out"),
    "user.add": N_("Added a user"),
    "user.password": N_("Changed a password"),
    "user.disable": N_("Disabled a user"),
    "user.enable": N_("Enabled a user"),
    "user.token": N_("API token"),
    "item.add": N_("Queued a news item"),
    "item.edit": N_("Edited a news item"),
    "item.import": N_("Imported news items"),
    "item.approve": N_("Approved a news item"),
    "item.cancel": N_("Cancelled a news item"),
    "item.air_now": N_("Aired an item now"),
}
PAGE = 50
# The details an audit entry keeps (service/queue.py, service/onair.py, web/accounts.py), in the order the
# page lists them; a key not named here is shown after them as it is stored.
DETAIL_LABELS = {
    "title": N_("Title"),
    "topic": N_("Topic"),
    "priority": N_("Priority"),
    "fields": N_("Fields changed"),
    "approval_removed": N_("Approval removed"),
    "approved_by": N_("Approved by"),
    "outcome": N_("Result"),
    "file": N_("File"),
    "items": N_("News items"),
    "role": N_("Role"),
    "full_name": N_("Full name"),
    "one_time": N_("One-time password"),
    "own": N_("Changed by the user themself"),
    "issued": N_("Token issued"),
    "failures": N_("Wrong passwords"),
    "minutes": N_("Paused (minutes)"),
    "reason": N_("Reason"),
}
# Values stored in English (they are hashed as written), as the page says them.
DETAIL_VALUES = {
    "on air already": N_("it was on air already"),
    "asked the daemon": N_("the station was asked to air it"),
    "aired by this process": N_("aired from the station PC"),
    "disabled": N_("the account is disabled"),
}
# An edit lists the item's columns that changed; the recording's three columns are one thing to the user.
CHANGED_FIELDS = {
    **labels.ITEM_FIELDS,
    "valid_from": labels.ITEM_FIELDS["from"],
    "valid_until": labels.ITEM_FIELDS["until"],
    "airings_wanted": labels.ITEM_FIELDS["airings"],
    "kind": N_("Kind of news item"),
    "language": N_("Language"),
    "recording_sha256": N_("Recording"),
    "recording_name": N_("Recording"),
    "recording_seconds": N_("Recording"),
}


def action_label(action: str) -> str:
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def _detail_value(key: str, value: Any, topic_names: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return _("(left empty)")  # not a bare "Full name:", which reads as a fault of the page
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "fields" and isinstance(value, list):
        return ", ".join(dict.fromkeys(labels.label(CHANGED_FIELDS, str(field)) for field in value))
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    if key == "topic":
        return topic_names.get(str(value), str(value))
    if key == "priority":
        return labels.label(labels.PRIORITIES, str(value))
    if key == "role":
        return role_label(str(value))
    return _(DETAIL_VALUES[value]) if isinstance(value, str) and value in DETAIL_VALUES else str(value)


def detail_lines(details: dict[str, Any], topic_names: dict[str, str]) -> list[tuple[str, str]]:
    """An audit entry's details as (label, value) in the station's language; unknown keys as stored."""
    known = [key for key in DETAIL_LABELS if key in details]
    return [
        (labels.label(DETAIL_LABELS, key), _detail_value(key, details[key], topic_names))
        for key in known + sorted(set(details) - set(known))
    ]


@router.get("/audit")
def audit_page(
    request: Request,
    actor: Annotated[Actor, require("audit.view")],
    before: OlderThan = None,
    actor_name: str = "",
    action: str = "",
) -> Response:
    """Nhật ký thao tác: who did what, when, from where (newest first)."""
    from broadcaster.store import audit

    console = console_of(request)
    with console.station.db.session() as session:
        entries = audit.entries(session, limit=PAGE, before=before, actor=actor_name or None, action=action or None)
        head = audit.head(session)
    topics = console.config.topic_names()
    rows = [
        {"entry": e, "label": action_label(e.action), "details": detail_lines(e.details_dict(), topics)}
        for e in entries
    ]
    context = {
        "rows": rows,
        "head": head,
        "older": entries[-1].seq if len(entries) == PAGE else None,
        "filters": {"actor_name": actor_name, "action": action},
        "actions": sorted({key.split(".")[0] for key in ACTION_LABELS}),
    }
    return render(request, "audit.html", context)


def _verify(request: Request) -> dict[str, Any]:
    from broadcaster.store import audit

    with console_of(request).station.db.session() as session:
        result = audit.verify(session)
    return {
        "ok": result.ok,
        "count": result.count,
        "code": result.code,
        "first_bad": result.first_bad_seq,
        "problem": result.problem,
    }


@router.get("/audit/verify")
def audit_verify(request: Request, actor: Annotated[Actor, require("audit.view")]) -> Response:
    """Kiểm tra tính toàn vẹn of the audit trail, with its verification code (Mã kiểm chứng)."""
    name = "verify_fragment.html" if request.headers.get("hx-request") == "true" else "verify.html"
    return render(request, name, {"result": _verify(request)})


@router.get("/api/v1/audit")
def api_audit(
    request: Request, actor: Annotated[Actor, require("audit.view")], before: OlderThan = None, limit: int = 100
) -> Response:
    from broadcaster.auditlog import to_json
    from broadcaster.store import audit

    console = console_of(request)
    with console.station.db.session() as session:
        entries = audit.entries(session, limit=max(1, min(limit, 1000)), before=before)
    return JSONResponse([to_json(e, console.config.tz) for e in entries])


@router.get("/api/v1/audit/verify")
def api_audit_verify(request: Request, actor: Annotated[Actor, require("audit.view")]) -> Response:
    return JSONResponse(_verify(request))
