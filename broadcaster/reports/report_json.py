"""The report as JSON (`report --format json`, documented field by field in docs/json.md). Pure.

Fields are never renamed or removed; new ones may be added.
"""

from __future__ import annotations

from typing import Any

from broadcaster.reports.figures import Report, TargetResult, UnitResult
from broadcaster.reports.periods import Period
from broadcaster.reports.reasons_vi import problem_vi, reason_vi
from broadcaster.reports.relays import relay_json
from broadcaster.reports.vietnamese import partial_basis


def _unit_json(u: UnitResult, period: Period) -> dict[str, Any]:
    return {
        "label": u.label,
        "from": max(u.start, period.start).isoformat(),
        "to": min(u.end, period.end).isoformat(),
        "partial": u.partial,
        "target": round(u.expected, 3),
        "reached": round(u.value, 3),
        "met": u.met,
        "short_topics": list(u.short_topics),
        "days_in_period": u.covered_days,
        "days_in_unit": u.unit_days,
    }


def _target_json(r: TargetResult, period: Period) -> dict[str, Any]:
    basis = partial_basis(r)
    return {
        "name": r.target.name,
        "kind": r.target.kind,
        "per": r.target.per,
        "topic": r.target.topic,
        "target": r.target.value,
        "reached": round(r.reached, 3),
        "met": r.met,
        "units": [_unit_json(u, period) for u in r.units],
        # The unit the verdict rests on (the furthest from its target), with its own figures: for a
        # unit only partly inside the period, "target" is that part's share and "reached" what aired.
        "basis": None if r.worst is None else {**_unit_json(r.worst, period), "text": basis and basis.sentence()},
    }


def _verification_json(report: Report) -> dict[str, Any] | None:
    check = report.check
    if check is None:
        return None
    return {
        "verified": check.ok,
        "problems": list(check.problems),
        "problems_vi": [problem_vi(p) for p in check.problems],
        "checks": list(check.checks),
    }


def report_to_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data; seconds are exact to the millisecond."""
    return {
        "period": {
            "from": report.period.start.isoformat(),
            "to": report.period.end.isoformat(),
            "label": report.period.label,
        },
        "total_seconds": report.total_seconds,
        "airings": report.airings,
        "item_airings": report.item_airings,
        "distinct_items": report.distinct_items,
        "topics": [
            {"code": t.code, "name": t.name, "seconds": t.seconds, "airings": t.airings, "items": t.items}
            for t in report.topics
        ],
        "slots": [{"slot": s.key, "seconds": s.seconds, "airings": s.airings, "items": s.items} for s in report.slots],
        "priorities": [
            {"priority": p.key, "seconds": p.seconds, "airings": p.airings, "items": p.items} for p in report.priorities
        ],
        "languages": [
            {
                "language": lang.code,
                "name": lang.name,
                "seconds": lang.seconds,
                "airings": lang.airings,
                "items": lang.items,
            }
            for lang in report.languages
        ],
        "statuses": dict(report.statuses),
        "incidents": [
            {
                "id": i.seq,
                "when": i.when.isoformat(),
                "slot": i.slot,
                "kind": i.kind,
                "status": i.status,
                "reason": i.reason,
                "reason_vi": reason_vi(i.reason) or None,
            }
            for i in report.incidents
        ],
        "targets": [_target_json(r, report.period) for r in report.targets],
        "weekly": [{"week": p.label, "seconds": p.seconds} for p in report.weekly],
        "monthly": [{"month": p.label, "seconds": p.seconds} for p in report.monthly],
        "chain_head": {"hash": report.chain_head.hash, "count": report.chain_head.count},
        "verification": _verification_json(report),
        # relays (tiếp sóng) per source, apart from the news above: an empty list when none aired
        "relays": relay_json(report.relays),
    }
