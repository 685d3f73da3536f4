"""Report charts as PNG: airtime per week against the target, per topic, and per language.

Uses matplotlib's object API with the Agg canvas directly (no pyplot global state, works
without a display). DejaVu Sans ships with matplotlib and has the Vietnamese glyphs.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from broadcaster.reports.figures import Report, SeriesPoint, Target
from broadcaster.reports.reasons_vi import unverified_lines
from broadcaster.reports.vietnamese import period_phrase
from broadcaster.reports.writers import write_atomic

AVERAGE_DAYS = {"week": 7.0, "month": 365.2425 / 12, "quarter": 365.2425 / 4, "year": 365.2425}
MAX_WEEK_BARS = 60  # beyond about a year of weeks the bars become unreadable; use months
FONT = "DejaVu Sans"


def _airtime_target(report: Report) -> Target | None:
    """The station-wide airtime target, if the plan has one."""
    for result in report.targets:
        if result.target.kind == "minutes" and result.target.topic is None:
            return result.target
    return None


def _series(report: Report) -> tuple[tuple[SeriesPoint, ...], str, float]:
    if len(report.weekly) <= MAX_WEEK_BARS:
        return report.weekly, "tuần", AVERAGE_DAYS["week"]
    return report.monthly, "tháng", AVERAGE_DAYS["month"]


def render_png(report: Report, dpi: int = 100) -> bytes:
    points, unit, unit_days = _series(report)
    topics, languages = report.topics, report.languages
    with matplotlib.rc_context({"font.family": FONT, "font.size": 10}):
        rows_high = 0.45 * (max(len(topics), 1) + max(len(languages), 1))
        fig = Figure(figsize=(11, 6.5 + rows_high), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        if report.unverified and report.check is not None:
            warning = unverified_lines(report.check.problems)
            text = "\n".join([warning[0], *(textwrap.shorten(w, 150) for w in warning[1:3])])
            fig.suptitle(text, color="#c00000", fontweight="bold", fontsize=11)
        top, bottom, by_language = fig.subplots(
            3, 1, height_ratios=[1, max(len(topics), 1) * 0.14 + 0.4, max(len(languages), 1) * 0.14 + 0.4]
        )

        minutes = [p.seconds / 60 for p in points]
        positions = list(range(len(points)))
        top.bar(positions, minutes, color="#2b6cb0", label=f"Thời lượng phát (phút/{unit})")
        target = _airtime_target(report)
        if target is not None:
            per_unit = target.value * unit_days / AVERAGE_DAYS[target.per]
            top.axhline(
                per_unit,
                color="#c53030",
                linewidth=2,
                linestyle="--",
                label=f"Chỉ tiêu ≈ {per_unit:.0f} phút/{unit}",
            )
        step = max(1, len(points) // 20)
        top.set_xticks(positions[::step], [p.label for p in points][::step], rotation=45, ha="right")
        top.set_ylabel("Phút")
        # A from..to period phrase is long: on its own line it stays inside the figure.
        top.set_title(f"Thời lượng tuyên truyền CCHC theo {unit}\n{period_phrase(report.period)}")
        top.legend(loc="upper right")
        top.grid(axis="y", alpha=0.3)

        labels = ["\n".join(textwrap.wrap(f"{t.code}. {t.name}", 60)[:2]) for t in topics]
        values = [t.seconds / 60 for t in topics]
        rows = list(range(len(topics)))
        bars = bottom.barh(rows, values, color="#2f855a")
        bottom.set_yticks(rows, labels, fontsize=8)
        bottom.invert_yaxis()
        bottom.set_xlabel("Phút")
        bottom.set_title("Thời lượng theo nội dung tuyên truyền (số buổi phát ghi ở cuối thanh)")
        for bar, t in zip(bars, topics, strict=True):
            bottom.annotate(
                f"{t.airings} buổi",
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        bottom.margins(x=0.15)
        _language_bars(by_language, report)

        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


def _language_bars(axes: Axes, report: Report) -> None:
    """Airtime per language: Vietnamese and each minority language that aired (Nghị định 49/2024)."""
    languages = report.languages
    rows = list(range(len(languages)))
    bars = axes.barh(rows, [g.seconds / 60 for g in languages], color="#b7791f")
    axes.set_yticks(rows, [f"{g.name} ({g.code})" for g in languages], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("Phút")
    axes.set_title("Thời lượng theo ngôn ngữ (số lượt tin ghi ở cuối thanh)")
    for bar, g in zip(bars, languages, strict=True):
        axes.annotate(
            f"{g.items} lượt tin",
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    axes.margins(x=0.15)


def write_png(report: Report, path: Path) -> Path:
    return write_atomic(path, render_png(report))
