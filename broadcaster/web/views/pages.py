"""Tổng quan, and the pages the second round fills (Bản tin, Lịch phát, Nhật ký phát, Báo cáo).

The placeholders already carry the permission their page will have, so the menu and the
route × role test are right from the start; the second round replaces their bodies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from broadcaster.i18n import N_, _
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import render
from broadcaster.web.views import console_of

router = APIRouter()


@router.get("/")
def dashboard(request: Request, actor: Annotated[Actor, require("dashboard.view")]) -> Response:
    """Tổng quan: on air now, next slot, the daemon's health, items needing attention, targets (second round)."""
    config = console_of(request).config
    return render(request, "dashboard.html", {"commune": config.station.commune})


def _coming(request: Request, title: str) -> Response:
    return render(request, "coming.html", {"title": _(title)})


@router.get("/items")
def items_page(request: Request, actor: Annotated[Actor, require("items.view")]) -> Response:
    return _coming(request, N_("News items"))


@router.get("/schedule")
def schedule_page(request: Request, actor: Annotated[Actor, require("schedule.view")]) -> Response:
    return _coming(request, N_("Schedule"))


@router.get("/log")
def log_page(request: Request, actor: Annotated[Actor, require("log.view")]) -> Response:
    return _coming(request, N_("Airing log"))


@router.get("/reports")
def reports_page(request: Request, actor: Annotated[Actor, require("report.view")]) -> Response:
    return _coming(request, N_("Reports"))
