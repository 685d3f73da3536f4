"""Bản tin: the district's bulletins; composing one (text or a recording); one bulletin with what
became of it at each commune; approving it (never by the one who composed it)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from broadcaster.errors import BroadcasterError, InputError
from broadcaster.hub import bulletins, progress
from broadcaster.hub.bulletins import BulletinInput
from broadcaster.hub.compose import choices
from broadcaster.hub.pages.app import pages_of
from broadcaster.i18n import _
from broadcaster.web.errors import status_of
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import flash, render
from broadcaster.web.uploads import AUDIO, save_upload

router = APIRouter()

AUDIO_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".oga": "audio/ogg"}
AUDIO_TYPES |= {".opus": "audio/ogg", ".flac": "audio/flac", ".m4a": "audio/mp4"}


@router.get("/bulletins")
def bulletin_list(request: Request, actor: Annotated[Actor, require("bulletins.view")]) -> Response:
    """Bản tin: newest first, with what became of each."""
    return render(request, "hub_bulletins.html", {"bulletins": bulletins.list_bulletins(pages_of(request).hub)})


def _compose_page(request: Request, form: dict[str, Any], error: BroadcasterError | None = None) -> Response:
    context = {"choices": choices(pages_of(request).hub), "form": form, "error": error}
    return render(request, "hub_compose.html", context, status_code=status_of(error) if error else 200)


EMPTY_FORM: dict[str, Any] = {
    "title": "",
    "topic": "",
    "priority": "normal",
    "text": "",
    "valid_from": "",
    "valid_until": "",
    "airings": "1",
    "to": [],
}


@router.get("/bulletins/new")
def compose_page(request: Request, actor: Annotated[Actor, require("bulletins.compose")]) -> Response:
    """Soạn bản tin."""
    return _compose_page(request, dict(EMPTY_FORM))


def _airings(text: str) -> int:
    """The number typed; a number out of range is reported by the service, in the command line's words."""
    typed = text.strip()
    try:
        return int(typed)
    except ValueError:
        raise InputError(
            _("The number of airings must be a whole number from 1 to 1000, not '{text}'.").format(text=typed)
            if typed
            else _("The number of airings is missing."),
            _("Say how many times each commune should air it."),
        ) from None


@router.post("/bulletins")
def compose(
    request: Request,
    actor: Annotated[Actor, require("bulletins.compose")],
    title: Annotated[str, Form()] = "",
    topic: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "normal",
    text: Annotated[str, Form()] = "",
    valid_from: Annotated[str, Form()] = "",
    valid_until: Annotated[str, Form()] = "",
    airings: Annotated[str, Form()] = "1",
    to: Annotated[list[str] | None, Form()] = None,
    audio: Annotated[UploadFile | None, File()] = None,
) -> Response:
    chosen = [code for code in to or [] if code]
    form = {
        "title": title,
        "topic": topic,
        "priority": priority,
        "text": text,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "airings": airings,
        "to": chosen,
    }
    pages = pages_of(request)
    recording = audio if audio is not None and audio.filename else None
    try:
        with tempfile.TemporaryDirectory(prefix="hub-upload-") as folder:
            stored = save_upload(recording, Path(folder), AUDIO, pages.upload_limit) if recording else None
            given = BulletinInput(
                title=title,
                topic=topic,
                priority=priority,
                to="all" if "all" in chosen else ",".join(chosen),
                text=text if text.strip() or stored is None else None,
                audio=stored.path if stored else None,
                audio_name=stored.original_name if stored else None,
                valid_from=valid_from,
                valid_until=valid_until,
                airings=_airings(airings),
                created_by=actor.username,
            )
            info = bulletins.create(pages.hub, given, actor=actor.username, address=actor.address or "")
    except BroadcasterError as exc:
        return _compose_page(request, form, exc)
    flash(request, _("Saved: the bulletin waits for an approver."))
    return RedirectResponse(f"/bulletins/{info.id}", status_code=303)


@router.get("/bulletins/{bulletin_id}")
def bulletin_page(request: Request, bulletin_id: str, actor: Annotated[Actor, require("bulletins.view")]) -> Response:
    """One bulletin: its content, who composed and approved it, and per commune: received, aired, target."""
    hub = pages_of(request).hub
    detail = progress.bulletin_detail(hub, bulletin_id)
    return render(request, "hub_bulletin.html", {"detail": detail, "today": hub.today()})


@router.post("/bulletins/{bulletin_id}/approve")
def approve(request: Request, bulletin_id: str, actor: Annotated[Actor, require("bulletins.approve")]) -> Response:
    """Phê duyệt: signs the bulletin with the approver's name and sends it to its communes."""
    info = bulletins.approve(
        pages_of(request).hub,
        bulletin_id,
        actor.display_name,
        user=actor.username,
        actor=actor.username,
        address=actor.address or "",
    )
    flash(request, _("Approved: the bulletin is sent to {n} commune(s).").format(n=info.addressed))
    return RedirectResponse(f"/bulletins/{info.id}", status_code=303)


@router.get("/bulletins/{bulletin_id}/audio")
def bulletin_audio(request: Request, bulletin_id: str, actor: Annotated[Actor, require("bulletins.view")]) -> Response:
    """Nghe thử: the recording, to listen to before approving it."""
    data, name = progress.bulletin_audio(pages_of(request).hub, bulletin_id)
    kind = AUDIO_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
    return Response(data, media_type=kind, headers={"Content-Disposition": "inline"})
