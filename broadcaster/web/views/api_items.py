"""/api/v1/items: the news queue for other systems (the district hub, a phone) and the console's player.

Items are the JSON of `broadcaster news show --json` (docs/json.md). A new item takes the fields of
`news add`, named as in that JSON (`valid_from`, `valid_until`, `airings_wanted`) or as on the
command line (`from`, `until`, `airings`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from broadcaster.i18n import _
from broadcaster.service import newsroom, onair
from broadcaster.service.queue import item_json
from broadcaster.web.errors import WebError
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.views import acting, console_of, news_desk

router = APIRouter()
# JSON field -> the form field newsroom takes
ALIASES = {
    "title": "title",
    "topic": "topic",
    "text": "text",
    "priority": "priority",
    "valid_from": "valid_from",
    "from": "valid_from",
    "valid_until": "valid_until",
    "until": "valid_until",
    "airings_wanted": "airings",
    "airings": "airings",
}
# The core names fields in its messages as the caller knows them: here, by their JSON names.
LABELS = {
    "title": "title",
    "topic": "topic",
    "text": "text",
    "priority": "priority",
    "from": "valid_from",
    "until": "valid_until",
    "airings": "airings_wanted",
}


def _values(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise WebError(400, _("The request body must be a JSON object."), _("Send the item's fields as JSON."))
    unknown = sorted(set(body) - set(ALIASES))
    if unknown:
        raise WebError(
            400,
            _("Unknown fields: {fields}.").format(fields=", ".join(unknown)),
            _("Use: {fields}.").format(fields=", ".join(ALIASES)),
        )
    values: dict[str, Any] = {}
    for key, value in body.items():
        if (value is not None and not isinstance(value, str | int)) or isinstance(value, bool):
            raise WebError(400, _("The field {field} must be text or a number.").format(field=key), None)
        values[ALIASES[key]] = None if value is None else str(value)
    return values


def _item(request: Request, item_id: int) -> dict[str, Any]:
    station = console_of(request).station
    view = newsroom.item_view(station, item_id)
    return item_json(view.item, station, view.speech)


@router.get("/api/v1/items")
def list_items(
    request: Request,
    actor: Annotated[Actor, require("items.view")],
    status: str = "all",
    topic: str = "",
    priority: str = "",
) -> Response:
    station = console_of(request).station
    items = news_desk(request, actor).list_items(status or "all", topic or None, priority or None)
    return JSONResponse([item_json(i, station) for i in items])


@router.post("/api/v1/items")
def add_item(
    request: Request,
    actor: Annotated[Actor, require("items.add")],
    background: BackgroundTasks,
    body: Annotated[Any, Body()] = None,
) -> Response:
    """201 with the new item's JSON."""
    station = console_of(request).station
    values = {"title": "", "topic": "", "text": "", **_values(body)}
    done = newsroom.queue_item(station, acting(actor), values, LABELS)
    item = done.items[0]
    background.add_task(newsroom.make_speech, station, [item.id])
    data = item_json(item, station)
    data["notices"] = list(done.notices)
    return JSONResponse(data, status_code=201, headers={"Location": f"/api/v1/items/{item.id}"})


@router.get("/api/v1/items/{item_id}")
def get_item(request: Request, item_id: int, actor: Annotated[Actor, require("items.view")]) -> Response:
    return JSONResponse(_item(request, item_id))


@router.patch("/api/v1/items/{item_id}")
def edit_item(
    request: Request,
    item_id: int,
    actor: Annotated[Actor, require("items.edit")],
    background: BackgroundTasks,
    body: Annotated[Any, Body()] = None,
) -> Response:
    """Change the fields sent; `valid_from` or `valid_until` sent as null takes that day away."""
    station = console_of(request).station
    newsroom.edit_item(station, acting(actor), item_id, _values(body), LABELS)
    background.add_task(newsroom.make_speech, station, [item_id])
    return JSONResponse(_item(request, item_id))


@router.post("/api/v1/items/{item_id}/approve")
def approve(request: Request, item_id: int, actor: Annotated[Actor, require("items.approve")]) -> Response:
    """Approved by the caller (their user name); 409 for an item they queued themselves when approval is required."""
    news_desk(request, actor).approve(item_id, actor.username)
    return JSONResponse(_item(request, item_id))


@router.post("/api/v1/items/{item_id}/cancel")
def cancel(request: Request, item_id: int, actor: Annotated[Actor, require("items.cancel")]) -> Response:
    news_desk(request, actor).cancel(item_id)
    return JSONResponse(_item(request, item_id))


@router.post("/api/v1/items/{item_id}/air-now")
def air_now(
    request: Request,
    item_id: int,
    actor: Annotated[Actor, require("items.air_now")],
    body: Annotated[Any, Body()] = None,
) -> Response:
    """Through the running daemon (503 when it is not running); `{"again": true}` airs an aired item once more."""
    again = isinstance(body, dict) and body.get("again") is True
    result = onair.air_now(console_of(request).station, item_id, again, acting(actor), here=False)
    return JSONResponse({"item_id": result.item_id, "outcome": result.outcome, "told_at_once": result.told_at_once})


@router.get("/api/v1/items/{item_id}/audio")
def audio(request: Request, item_id: int, actor: Annotated[Actor, require("items.audio")]) -> Response:
    """The item as it will air (mastered speech), as WAV; answers Range requests (206) for players."""
    path = newsroom.preview_file(console_of(request).station, item_id)
    return FileResponse(path, media_type="audio/wav", content_disposition_type="inline")
