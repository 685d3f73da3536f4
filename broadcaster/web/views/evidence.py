"""Nhật ký phát (the airing log, one airing, the integrity check) and its API: /api/v1/log, /api/v1/log/verify."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from broadcaster.i18n import language
from broadcaster.reports.airing_json import to_json
from broadcaster.reports.reasons_vi import problem_vi
from broadcaster.reports.verification import LogVerdict
from broadcaster.service.evidence import Evidence, LogQuery, date_range
from broadcaster.web.errors import OlderThan, RecordSeq
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import render
from broadcaster.web.views import console_of, day_fields, wants_fragment

router = APIRouter()
PAGE = 50
STATUSES = ("completed", "interrupted", "failed", "missed", "empty")


def _evidence(request: Request) -> Evidence:
    return Evidence(console_of(request).station)


@router.get("/log")
def log_page(
    request: Request,
    actor: Annotated[Actor, require("log.view")],
    start: Annotated[str, Query(alias="from")] = "",
    end: Annotated[str, Query(alias="to")] = "",
    status: str = "",
    before: OlderThan = None,
) -> Response:
    """Nhật ký phát: newest first, 50 to a page, filtered by days and outcome."""
    evidence = _evidence(request)
    query = LogQuery(*date_range(start or None, end or None, day_fields()), status if status in STATUSES else None)
    records = evidence.newest(query, PAGE, before)
    context = {
        "records": records,
        "filters": {"from": start, "to": end, "status": status},
        "statuses": STATUSES,
        "older": records[-1].seq if len(records) == PAGE else None,
        "head": evidence.head(),
        "can_verify": actor.can("log.verify"),
    }
    return render(request, "log.html", context)


def _verdict(verdict: LogVerdict) -> dict[str, Any]:
    """The verdict as the page and the API show it; problems in the station's language."""
    problem = verdict.problem
    return {
        "ok": verdict.ok,
        "count": verdict.count,
        "code": f"{verdict.count}:{verdict.head_hash}",
        "first_bad": verdict.first_bad_seq,
        "problem": problem_vi(problem) if problem and language() == "vi" else problem,
    }


@router.get("/log/verify")
def log_verify(request: Request, actor: Annotated[Actor, require("log.verify")], head: str = "") -> Response:
    """Kiểm tra tính toàn vẹn: every airing re-hashed and linked, the figures summed again; `head`: the
    verification code printed on an earlier report (COUNT:HASH), to check nothing since was deleted."""
    result = _verdict(_evidence(request).verify(head.strip() or None))
    name = "log_verify_fragment.html" if wants_fragment(request) else "log_verify.html"
    return render(request, name, {"result": result, "head": head})


@router.get("/log/{seq}")
def airing_page(request: Request, seq: RecordSeq, actor: Annotated[Actor, require("log.view")]) -> Response:
    """One airing: when, what, how it went, each item with its approver, and its place in the chain."""
    record = _evidence(request).record(seq)
    return render(request, "airing.html", {"record": record, "sees_items": actor.can("items.view")})


@router.get("/api/v1/log")
def api_log(
    request: Request,
    actor: Annotated[Actor, require("log.view")],
    start: Annotated[str, Query(alias="from")] = "",
    end: Annotated[str, Query(alias="to")] = "",
    status: str = "",
    before: OlderThan = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Airings as `broadcaster log --json`, newest first; page with `before` (the smallest id of the page)."""
    evidence = _evidence(request)
    query = LogQuery(*date_range(start or None, end or None), status or None)
    tz = evidence.station.config.tz
    return JSONResponse([to_json(r, tz) for r in evidence.newest(query, limit, before)])


@router.get("/api/v1/log/verify")
def api_log_verify(request: Request, actor: Annotated[Actor, require("log.verify")], head: str = "") -> Response:
    """As `broadcaster log verify`: `ok`, `count`, `code` (the verification code), `problem`."""
    return JSONResponse(_verdict(_evidence(request).verify(head.strip() or None)))
