"""Các xã: every commune at a glance, and one commune's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from broadcaster.hub.communes import commune_page, overview
from broadcaster.hub.pages.app import pages_of
from broadcaster.hub.reports import page_period, quick_periods
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import render

router = APIRouter()


@router.get("/")
def communes(
    request: Request, actor: Annotated[Actor, require("stations.view")], period: str | None = None
) -> Response:
    """Các xã: contact, the period's airings, the targets of the district's bulletins, broken logs."""
    hub = pages_of(request).hub
    chosen = page_period(period, None, None, hub.today())
    context = {"overview": overview(hub, chosen), "quick": quick_periods(hub.today()), "base_path": "/"}
    return render(request, "hub_communes.html", context)


@router.get("/communes/{code}")
def commune(
    request: Request,
    code: str,
    actor: Annotated[Actor, require("stations.view")],
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """One commune: last contact and health, deliveries and targets, what aired, what went wrong."""
    hub = pages_of(request).hub
    chosen = page_period(period, start, end, hub.today())
    page = commune_page(hub, code, chosen)
    context = {"page": page, "quick": quick_periods(hub.today()), "base_path": f"/communes/{page.station.code}"}
    return render(request, "hub_commune.html", context)
