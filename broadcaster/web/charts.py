"""The geometry of the console's small charts, drawn as SVG by the templates (no script, no image
service, no plotting library in the console's memory), and the schedule grouped by day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from itertools import groupby

from broadcaster.planning import Plan
from broadcaster.reports.figures import Report, SeriesPoint
from broadcaster.service.overview import Progress, TargetProgress

AVERAGE_DAYS = {"week": 7.0, "month": 365.2425 / 12, "quarter": 365.2425 / 4, "year": 365.2425}


@dataclass(frozen=True)
class Bar:
    """One target's progress: widths in percent of the bar's track."""

    target: TargetProgress
    needed_pct: float
    reached_pct: float


def progress_bars(progress: Progress) -> list[Bar]:
    bars = []
    for target in progress.targets:
        scale = max(target.needed, target.reached, 1e-9) * 1.15  # room past the mark of what is needed
        bars.append(Bar(target, round(100 * target.needed / scale, 1), round(100 * target.reached / scale, 1)))
    return bars


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    minutes: float


@dataclass(frozen=True)
class SeriesChart:
    width: int
    height: int
    columns: tuple[Column, ...]
    unit: str  # week | month
    target_y: float | None  # where the plan's airtime per unit falls, if it has such a target
    target_minutes: float | None
    top_minutes: float
    label_every: int


WIDTH, HEIGHT, BOTTOM = 600, 200, 170  # the viewBox; bars stand on y = BOTTOM, labels go below


def series_chart(report: Report) -> SeriesChart:
    """Airtime per week (per month beyond a year of weeks) against the plan's airtime target."""
    points: Sequence[SeriesPoint] = report.weekly if len(report.weekly) <= 60 else report.monthly
    unit = "week" if points is report.weekly else "month"
    minutes = [p.seconds / 60 for p in points]
    target = next((t.target for t in report.targets if t.target.kind == "minutes" and t.target.topic is None), None)
    per_unit = target.value * AVERAGE_DAYS[unit] / AVERAGE_DAYS[target.per] if target else None
    top = max([*minutes, per_unit or 0.0, 1.0]) * 1.1
    slot = WIDTH / max(len(points), 1)
    columns = tuple(
        Column(
            x=round(i * slot + slot * 0.15, 2),
            y=round(BOTTOM - BOTTOM * m / top, 2),
            width=round(slot * 0.7, 2),
            height=round(BOTTOM * m / top, 2),
            label=p.label,
            minutes=m,
        )
        for i, (p, m) in enumerate(zip(points, minutes, strict=True))
    )
    target_y = round(BOTTOM - BOTTOM * per_unit / top, 2) if per_unit is not None else None
    return SeriesChart(WIDTH, HEIGHT, columns, unit, target_y, per_unit, top, max(1, len(points) // 8))


def topic_widths(report: Report) -> list[tuple[str, str, float, float, int]]:
    """(code, name, minutes, width in percent of the longest, airings) per topic of the plan."""
    longest = max([t.seconds for t in report.topics] + [1e-9])
    return [(t.code, t.name, t.seconds / 60, round(100 * t.seconds / longest, 1), t.airings) for t in report.topics]


def by_day(plans: Sequence[Plan], tz: tzinfo) -> list[tuple[date, list[Plan]]]:
    """The plans grouped by their day in station time, in order."""
    return [(day, list(group)) for day, group in groupby(plans, key=lambda p: p.occurrence.at.astimezone(tz).date())]
