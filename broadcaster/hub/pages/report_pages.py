"""Báo cáo: the district report for a period on a page, and as .docx, CSV, JSON or PNG."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from broadcaster.hub import report_writers
from broadcaster.hub.pages.app import pages_of
from broadcaster.hub.reports import district_report, page_period, quick_periods
from broadcaster.i18n import _
from broadcaster.web.errors import WebError
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import render

router = APIRouter()

DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "png": "image/png",
}


@router.get("/reports")
def reports(
    request: Request,
    actor: Annotated[Actor, require("report.view")],
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    hub = pages_of(request).hub
    chosen = page_period(period, start, end, hub.today())
    context = {
        "report": district_report(hub, chosen),
        "quick": quick_periods(hub.today()),
        "base_path": "/reports",
        "formats": list(DOWNLOADS),
    }
    return render(request, "hub_reports.html", context)


@router.get("/reports/download")
def download(
    request: Request,
    actor: Annotated[Actor, require("report.view")],
    fmt: Annotated[str, Query(alias="format")],
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    if fmt not in DOWNLOADS:
        raise WebError(
            404, _("There is no report as '{format}'.").format(format=fmt), _("Use the buttons on the report page.")
        )
    hub = pages_of(request).hub
    report = district_report(hub, page_period(period, start, end, hub.today()))
    body = report_writers.render(report, fmt, hub.settings.report, hub.today(), hub.settings.tz)
    name = f"bao-cao-huyen-{report.period.label.replace('..', '-den-')}.{fmt}"
    disposition = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=DOWNLOADS[fmt], headers={"Content-Disposition": disposition})
