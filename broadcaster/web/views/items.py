"""Bản tin: the queue, one item, and what may be done to it (approve, cancel, air now)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _
from broadcaster.model import ItemStatus
from broadcaster.service import newsroom, onair
from broadcaster.web.errors import RowId
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import flash, render
from broadcaster.web.views import acting, console_of, news_desk

router = APIRouter()
PAGE = 50


def _back(item_id: int) -> Response:
    return RedirectResponse(f"/items/{item_id}", status_code=303)


@router.get("/items")
def items_page(
    request: Request,
    actor: Annotated[Actor, require("items.view")],
    status: str = "",
    topic: str = "",
    priority: str = "",
    page: str = "1",
) -> Response:
    """Danh sách bản tin: newest first, filtered by status, topic and priority, 50 to a page."""
    station = console_of(request).station
    items = news_desk(request, actor).list_items(status or "all", topic or None, priority or None)
    items.reverse()
    pages = max(1, -(-len(items) // PAGE))
    # a page number from a link: a wrong one shows the first page (nothing was typed to correct)
    number = int(page) if page.isascii() and page.isdigit() else 1
    number = min(max(number, 1), pages)
    context = {
        "items": items[(number - 1) * PAGE : number * PAGE],
        "total": len(items),
        "page": number,
        "pages": pages,
        "today": station.today(),
        "filters": {"status": status, "topic": topic, "priority": priority},
        "statuses": [s.value for s in ItemStatus],
        "topics": station.config.topics,
        "topic_names": station.config.topic_names(),
        "language_names": station.config.language_names(),
        "require_approval": station.config.station.require_approval,
    }
    return render(request, "items.html", context)


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: RowId, actor: Annotated[Actor, require("items.view")]) -> Response:
    """One item: its fields, what the loudspeaker will say, its speech, a player, and the actions."""
    station = console_of(request).station
    view = newsroom.item_view(station, item_id)
    context = {
        "view": view,
        "item": view.item,
        "status": view.item.status(station.today()).value,
        "topic_name": station.config.topic_names().get(view.item.topic, view.item.topic),
        "language_name": station.config.language_names().get(view.item.language, view.item.language),
        "language_names": station.config.language_names(),
        "require_approval": station.config.station.require_approval,
    }
    return render(request, "item.html", context)


@router.post("/items/{item_id}/approve")
def item_approve(request: Request, item_id: RowId, actor: Annotated[Actor, require("items.approve")]) -> Response:
    """Phê duyệt: the approver recorded on the item (and in the airing log) is the logged-in user."""
    try:
        item = news_desk(request, actor).approve(item_id, actor.username)
    except BroadcasterError as exc:
        flash(request, exc.said_on_pages(), "error")
        return _back(item_id)
    flash(request, _("Approved: news item {id} may air.").format(id=item.id))
    return _back(item_id)


@router.post("/items/{item_id}/cancel")
def item_cancel(request: Request, item_id: RowId, actor: Annotated[Actor, require("items.cancel")]) -> Response:
    desk = news_desk(request, actor)
    try:
        item = desk.cancel(item_id)
    except BroadcasterError as exc:
        flash(request, exc.said_on_pages(), "error")
        return _back(item_id)
    flash(request, _("Cancelled: news item {id} will not air.").format(id=item.id))
    return _back(item_id)


@router.get("/items/{item_id}/air-now")
def air_now_page(request: Request, item_id: RowId, actor: Annotated[Actor, require("items.air_now")]) -> Response:
    """Phát ngay asks first: it cuts whatever is on air."""
    station = console_of(request).station
    view = newsroom.item_view(station, item_id)
    context = {
        "view": view,
        "item": view.item,
        "status": view.item.status(station.today()).value,
        "require_approval": station.config.station.require_approval,
    }
    return render(request, "air_now.html", context)


@router.post("/items/{item_id}/air-now")
def air_now(
    request: Request,
    item_id: RowId,
    actor: Annotated[Actor, require("items.air_now")],
    again: Annotated[str, Form()] = "",
) -> Response:
    station = console_of(request).station
    try:
        result = onair.air_now(station, item_id, again == "yes", acting(actor), here=False)
    except BroadcasterError as exc:
        flash(request, exc.said_on_pages(), "error")
        return _back(item_id)
    if result.outcome == "on air already":
        flash(request, _("News item {id} is on air now; it is not started again.").format(id=item_id))
    else:
        flash(request, _("News item {id} goes on air within seconds.").format(id=item_id))
    return _back(item_id)
