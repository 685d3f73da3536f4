"""Báo cáo: the period picker, the figures and the chart on the page, and the downloads (/api/v1/report)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _
from broadcaster.reports.periods import Period
from broadcaster.service.evidence import Evidence, ReportRefused
from broadcaster.service.report_files import CHILD_FORMATS, write_in_child
from broadcaster.web import charts
from broadcaster.web.errors import WebError, status_of
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import render
from broadcaster.web.views import console_of, day_fields

router = APIRouter()
KINDS = ("month", "quarter", "year", "range")
DOWNLOADS = ("docx", "csv", "json", "png")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
}


def _chosen(kind: str, month: str, quarter: str, year: str, start: str, end: str) -> dict[str, str]:
    """The picker's fields as `Evidence.period` takes them: a period code, or the two days."""
    if kind == "range":
        return {"period": "", "start": start, "end": end}
    code = {"month": month, "quarter": f"{year}-Q{quarter}" if year and quarter else "", "year": year}[kind]
    return {"period": code, "start": "", "end": ""}


@router.get("/reports")
def reports_page(
    request: Request,
    actor: Annotated[Actor, require("report.view")],
    kind: str = "month",
    month: str = "",
    quarter: str = "",
    year: str = "",
    start: Annotated[str, Query(alias="from")] = "",
    end: Annotated[str, Query(alias="to")] = "",
) -> Response:
    """Báo cáo: this month until another period is chosen; a log that does not verify is refused here too."""
    station = console_of(request).station
    today = station.today()
    kind = kind if kind in KINDS else "month"
    picked = {
        "kind": kind,
        "month": month or f"{today:%Y-%m}",
        "quarter": quarter or str((today.month - 1) // 3 + 1),
        "year": year or str(today.year),
        "from": start,
        "to": end,
    }
    chosen = _chosen(kind, picked["month"], picked["quarter"], picked["year"], start, end)
    context: dict[str, Any] = {"picked": picked, "report": None, "error": None, "query": ""}
    status = 200
    try:
        evidence = Evidence(station)
        period = evidence.period(chosen["period"] or None, chosen["start"] or None, chosen["end"] or None, day_fields())
        report = evidence.checked_report(period)
    except BroadcasterError as exc:
        context["error"], context["refused"] = exc, isinstance(exc, ReportRefused)
        status = status_of(exc)
    else:
        context.update(_figures(report, period))
    return render(request, "reports.html", context, status_code=status)


def _figures(report: Any, period: Period) -> dict[str, Any]:
    code = period.label if ".." not in period.label else f"{period.start.isoformat()}..{period.end.isoformat()}"
    return {
        "report": report,
        "period": period,
        "query": code,
        "series": charts.series_chart(report),
        "topic_bars": charts.topic_widths(report),
        "downloads": DOWNLOADS,
    }


@router.get("/api/v1/report")
def api_report(
    request: Request,
    actor: Annotated[Actor, require("report.view")],
    period: str = "",
    start: Annotated[str, Query(alias="from")] = "",
    end: Annotated[str, Query(alias="to")] = "",
    format: str = "json",
) -> Response:
    """`?period=2021-Q1` (or `from`/`to`) `&format=json|csv|docx|png`: as `broadcaster report`; 409 when the
    log does not verify."""
    if format not in MEDIA:
        raise WebError(400, _("Unknown report format '{fmt}'.").format(fmt=format), _("Use json, csv, docx or png."))
    station = console_of(request).station
    evidence = Evidence(station)
    chosen = evidence.period(period or None, start or None, end or None)
    name = f"bao-cao-{chosen.label}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format in CHILD_FORMATS:
        return _document(station, chosen, format, name)
    report = evidence.checked_report(chosen, with_records=format == "csv")
    text = evidence.render(report, format)
    # like `broadcaster report -o`: UTF-8, with the mark Excel needs to read a CSV as UTF-8
    body = text.encode("utf-8-sig" if format == "csv" else "utf-8")
    return Response(body, media_type=MEDIA[format], headers=headers)


def _document(station: Any, period: Period, fmt: str, name: str) -> Response:
    station.reports_dir.mkdir(parents=True, exist_ok=True)
    handle, path = tempfile.mkstemp(prefix=".console-", suffix=f".{fmt}", dir=station.reports_dir)
    os.close(handle)
    out = Path(path)
    try:
        write_in_child(station, period, fmt, out)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return FileResponse(out, media_type=MEDIA[fmt], filename=name, background=BackgroundTask(out.unlink, True))
