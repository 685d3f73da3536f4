"""Bản tin forms: add, edit (each showing, while typing, what the loudspeaker will say) and import a file.

Registered before items.py, so /items/new and /items/import are not taken for an item's id.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _
from broadcaster.service import newsroom
from broadcaster.web.errors import RowId, WebError, status_of
from broadcaster.web.labels import field_labels
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import flash, render
from broadcaster.web.uploads import DOCUMENTS, safe_file_name, save_upload
from broadcaster.web.views import acting, console_of, wants_fragment
from broadcaster.web.views.item_recordings import no_file, received, sent_file

router = APIRouter()
_DAY_FIRST = re.compile(r"^\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*$")
EMPTY = {
    "title": "",
    "topic": "",
    "text": "",
    "priority": "normal",
    "valid_from": "",
    "valid_until": "",
    "airings": "1",
    "kind": "text",
    "language": "vie",
}
FIELDS = ("title", "topic", "text", "priority", "valid_from", "valid_until", "airings")


class ItemForm(BaseModel):
    """The add and edit forms' fields (a field not sent is empty)."""

    title: str = ""
    topic: str = ""
    text: str = ""
    priority: str = ""
    valid_from: str = ""
    valid_until: str = ""
    airings: str = ""
    kind: str = "text"  # "text" or "recording"
    language: str = ""

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(self, name) for name in FIELDS}
        return {**values, "kind": self.kind, "language": self.language}


def _day(text: str) -> str:
    """The form asks for dd/mm/yyyy: the same day as YYYY-MM-DD for the core (which checks it), so it does
    not remark that a day like 03/01 was read day first. Anything else goes as typed, to be explained."""
    found = _DAY_FIRST.match(text)
    if found is None:
        return text
    try:
        day = date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return text  # 31/02/2026: refused quoting what was typed, not a rewritten 2026-02-31
    return day.isoformat()


def _days(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _day(v) if k in ("valid_from", "valid_until") else v for k, v in values.items()}


def _shown_day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _form_page(request: Request, values: dict[str, Any], item_id: int | None = None, **extra: Any) -> Response:
    config = console_of(request).config
    context = {
        "values": values,
        "item_id": item_id,
        "topics": config.topics,
        "languages": config.language_names(),
        "recorded": None,
        "limit_mb": console_of(request).upload_limit // (1024 * 1024),
        "error": None,
        "notices": (),
        **extra,
    }
    error = extra.get("error")
    status = 200 if error is None else error.status if isinstance(error, WebError) else status_of(error)
    return render(request, "item_form.html", context, status_code=status)


@router.get("/items/new")
def new_item_page(request: Request, actor: Annotated[Actor, require("items.add")]) -> Response:
    """Thêm bản tin."""
    return _form_page(request, dict(EMPTY))


@router.post("/items")
def add_item(
    request: Request,
    actor: Annotated[Actor, require("items.add")],
    background: BackgroundTasks,
    form: Annotated[ItemForm, Form()],
    audio: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A typed item, or a recorded one (kind "recording": the uploaded or browser-recorded file)."""
    values = form.values()
    console = console_of(request)
    station = console.station
    try:
        if form.kind != "recording":
            done = newsroom.queue_item(station, acting(actor), _days(values), field_labels())
        else:
            upload = sent_file(audio)
            if upload is None:
                raise no_file()
            with received(console, upload) as path:
                done = newsroom.queue_recording(
                    station, acting(actor), _days(values), path, form.language, field_labels()
                )
    except (BroadcasterError, WebError) as exc:
        return _form_page(request, values, error=exc)
    item = done.items[0]
    if not item.recorded:
        background.add_task(newsroom.make_speech, station, [item.id])
    flash(request, _("Saved: news item {id} is in the queue.").format(id=item.id))
    for notice in done.notices:
        flash(request, notice)
    return RedirectResponse(f"/items/{item.id}", status_code=303)


@router.post("/items/spoken")
def spoken(
    request: Request,
    actor: Annotated[Actor, require("items.add")],
    title: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    """What the loudspeaker will say for the title and text being typed (the forms ask as one types)."""
    spoken_title, spoken_text = newsroom.spoken(console_of(request).station, title, text)
    name = "item_spoken.html" if wants_fragment(request) else "item_spoken_page.html"
    return render(request, name, {"spoken_title": spoken_title, "spoken_text": spoken_text})


@router.get("/items/{item_id}/edit")
def edit_item_page(request: Request, item_id: RowId, actor: Annotated[Actor, require("items.edit")]) -> Response:
    item = newsroom.item_view(console_of(request).station, item_id).item
    values = {
        "title": item.title,
        "topic": item.topic,
        "text": item.text,
        "priority": item.priority.value,
        "valid_from": _shown_day(item.valid_from),
        "valid_until": _shown_day(item.valid_until),
        "airings": str(item.airings_wanted),
        "kind": "recording" if item.recorded else "text",
        "language": item.language,
    }
    return _form_page(request, values, item_id, recorded=item.recording)


@router.post("/items/{item_id}/edit")
def edit_item(
    request: Request,
    item_id: RowId,
    actor: Annotated[Actor, require("items.edit")],
    background: BackgroundTasks,
    form: Annotated[ItemForm, Form()],
    audio: Annotated[UploadFile | None, File()] = None,
) -> Response:
    values = form.values()
    console = console_of(request)
    station = console.station
    recorded = newsroom.item_view(station, item_id).item.recording
    upload = sent_file(audio)
    try:
        if form.kind != "recording" and recorded is None:
            done = newsroom.edit_item(station, acting(actor), item_id, _days(values), field_labels())
        elif upload is None:
            if recorded is None:
                raise no_file()
            done = newsroom.edit_recording(
                station, acting(actor), item_id, _days(values), None, form.language, field_labels()
            )
        else:
            with received(console, upload) as path:
                done = newsroom.edit_recording(
                    station, acting(actor), item_id, _days(values), path, form.language, field_labels()
                )
    except (BroadcasterError, WebError) as exc:
        return _form_page(request, values, item_id, error=exc, recorded=recorded)
    if not done.items[0].recorded:
        background.add_task(newsroom.make_speech, station, [item_id])
    flash(request, _("Saved: news item {id} is changed.").format(id=item_id))
    for notice in done.notices:
        flash(request, notice)
    return RedirectResponse(f"/items/{item_id}", status_code=303)


# ------------------------------------------------------------ Nhập từ tệp


def _import_page(request: Request, **extra: Any) -> Response:
    context = {
        "topics": console_of(request).config.topics,
        "values": {"topic": "", "priority": "", "airings": ""},
        "error": None,
        "limit_mb": console_of(request).upload_limit // (1024 * 1024),
        **extra,
    }
    error = extra.get("error")
    status = 200 if error is None else error.status if isinstance(error, WebError) else status_of(error)
    return render(request, "item_import.html", context, status_code=status)


@router.get("/items/import")
def import_page(request: Request, actor: Annotated[Actor, require("items.import")]) -> Response:
    """Nhập từ tệp (.docx, .csv, .txt)."""
    return _import_page(request)


@router.post("/items/import")
def import_items(
    request: Request,
    actor: Annotated[Actor, require("items.import")],
    background: BackgroundTasks,
    file: UploadFile,
    topic: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "",
    airings: Annotated[str, Form()] = "",
) -> Response:
    console = console_of(request)
    values = {"topic": topic, "priority": priority, "airings": airings}
    uploads = console.config.data_dir / "uploads"
    try:
        stored = save_upload(file, uploads, DOCUMENTS, console.upload_limit)
        with tempfile.TemporaryDirectory(dir=uploads) as tmp:
            # Under the name the person gave it (made safe): the messages about the file name it so.
            named = Path(tmp) / safe_file_name(stored.original_name, stored.extension)
            shutil.move(stored.path, named)
            done = newsroom.import_file(console.station, acting(actor), named, topic, priority, airings)
    except (BroadcasterError, WebError) as exc:
        return _import_page(request, values=values, error=exc)
    background.add_task(newsroom.make_speech, console.station, [i.id for i in done.items])
    count = len(done.items)
    flash(request, _("Imported {count} news items from {name}.").format(count=count, name=stored.original_name))
    for notice in done.notices:
        flash(request, notice)
    return RedirectResponse("/items", status_code=303)
