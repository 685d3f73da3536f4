"""Tổng quan (the dashboard) and Lịch phát (the schedule), with their API: /api/v1/status, /api/v1/schedule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from broadcaster.service import onair
from broadcaster.service.overview import overview
from broadcaster.web import charts
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import render
from broadcaster.web.views import console_of

router = APIRouter()
SCHEDULE_DAYS = 7
WAITING_SHOWN = 5  # per reason, in each slot: the rest are counted
NEWS_FIELDS = ("title", "topic")  # what the news says, left out for a role without items.view


@router.get("/")
def dashboard(request: Request, actor: Annotated[Actor, require("dashboard.view")]) -> Response:
    """Tổng quan: on air now, the next slot, the station's health, what needs attention, the targets.

    What a role may not see (the news, for the technician) is left out, not only hidden."""
    station = console_of(request).station
    found = overview(station)
    context = {
        "o": found,
        "sees_items": actor.can("items.view"),
        "sees_status": actor.can("status.view"),
        "charts": [charts.progress_bars(p) for p in found.progress],
        "commune": station.config.station.commune,
        "topic_name": station.config.topic_names().get,  # the official reads a topic by its name, not its code
    }
    return render(request, "dashboard.html", context)


@router.get("/schedule")
def schedule_page(
    request: Request,
    actor: Annotated[Actor, require("schedule.view")],
    days: Annotated[int, Query(ge=1, le=31)] = SCHEDULE_DAYS,
) -> Response:
    """Lịch phát: each slot of the coming days with its items and durations, and what waits and why."""
    station = console_of(request).station
    found = onair.agenda(station, days)
    days_list = charts.by_day(found.plans, station.config.tz)
    context = {
        "agenda": found,
        "days": days_list,
        "ndays": days,
        "waiting_shown": WAITING_SHOWN,
        "sees_items": actor.can("items.view"),
    }
    return render(request, "schedule.html", context)


@router.get("/api/v1/schedule")
def api_schedule(
    request: Request,
    actor: Annotated[Actor, require("schedule.view")],
    days: Annotated[int, Query(ge=1, le=60)] = 2,
) -> Response:
    """As `broadcaster schedule --json` (docs/json.md)."""
    station = console_of(request).station
    return JSONResponse([onair.plan_json(station, p) for p in onair.schedule(station, days)])


@router.get("/api/v1/status")
def api_status(request: Request, actor: Annotated[Actor, require("status.view")]) -> Response:
    """As `broadcaster status --json` (docs/json.md); without the news items' titles and topics for a
    role that may not see the news (the technician), as on the dashboard."""
    station = console_of(request).station
    found = onair.status_json(station, onair.status(station))
    if not actor.can("items.view") and found["next_slot"] is not None:
        items = found["next_slot"]["items"]
        found["next_slot"]["items"] = [{k: v for k, v in i.items() if k not in NEWS_FIELDS} for i in items]
    return JSONResponse(found)
