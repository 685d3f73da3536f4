"""Vietnamese wording for reports: dates, periods, durations and labels. Pure.

Dates follow Nghị định 30/2020/NĐ-CP: days below 10 and months 1 and 2 take a leading
zero ("ngày 05 tháng 01", "ngày 15 tháng 4"), which stops "tháng 1" being turned into
"tháng 11" by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from broadcaster.reports.figures import TargetResult
from broadcaster.reports.periods import Period, month_end

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

STATUS_LABELS = {
    "completed": "Phát đầy đủ",
    "interrupted": "Bị gián đoạn",
    "failed": "Lỗi, không phát được",
    "missed": "Bỏ lỡ",
    "empty": "Không có tin",
}

PRIORITY_LABELS = {"normal": "Thường", "priority": "Ưu tiên", "emergency": "Khẩn cấp"}

UNIT_LABELS = {"week": "tuần", "month": "tháng", "quarter": "quý", "year": "năm"}

KIND_LABELS = {
    "minutes": "phút",
    "segments": "chuyên mục",
    "topic_coverage": "lượt mỗi chủ đề",
}


def day_text(d: date) -> str:
    return f"{d.day:02d}"


def month_text(month: int) -> str:
    return f"{month:02d}" if month <= 2 else str(month)


def vn_date(d: date) -> str:
    """'ngày 05 tháng 4 năm 2021'."""
    return f"ngày {day_text(d)} tháng {month_text(d.month)} năm {d.year}"


def vn_short_date(d: date) -> str:
    """'05/4/2021', same leading-zero rules, for tables."""
    return f"{day_text(d)}/{month_text(d.month)}/{d.year}"


def place_date_line(place: str, d: date) -> str:
    """'Sơn Kim 1, ngày 05 tháng 4 năm 2021' for the header."""
    return f"{place}, {vn_date(d)}"


def period_phrase(period: Period) -> str:
    """'tháng 3 năm 2021', 'quý I năm 2021', 'năm 2021' or 'từ ngày … đến ngày …'."""
    start, end = period.start, period.end
    if start.day == 1 and start.year == end.year and end == month_end(end.year, end.month):
        if start.month == 1 and end.month == 12:
            return f"năm {start.year}"
        if start.month == end.month:
            return f"tháng {month_text(start.month)} năm {start.year}"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"quý {ROMAN[(start.month - 1) // 3 + 1]} năm {start.year}"
    return f"từ {vn_date(start)} đến {vn_date(end)}"


def report_subject(period: Period) -> str:
    return f"Kết quả công tác tuyên truyền cải cách hành chính {period_phrase(period)}"


def minutes_text(seconds: float) -> str:
    """Minutes with one decimal, Vietnamese decimal comma: '125,5'."""
    return f"{seconds / 60:.1f}".replace(".", ",")


def number_text(value: float) -> str:
    """Whole numbers without decimals, others with one decimal and a comma."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


UNDER_AN_HOUR_S = 3570  # what rounds to less than an hour


def hours_minutes_text(seconds: float) -> str:
    """'3 giờ 25 phút' (rounded to the minute); under an hour '45 phút' or '0,7 phút', never
    rounded to a whole minute more or less than the figures beside it say."""
    if seconds < UNDER_AN_HOUR_S:
        return f"{number_text(round(seconds / 60, 1))} phút"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} giờ {minutes} phút"


def unit_phrase(per: str, start: date, end: date) -> str:
    """'tháng 12 năm 2021', 'quý IV năm 2021', 'năm 2021', 'tuần 05 năm 2021 (01/02 - 07/02/2021)'."""
    if per == "week":
        iso = start.isocalendar()
        return f"tuần {iso.week:02d} năm {iso.year} ({vn_short_date(start)} - {vn_short_date(end)})"
    if per == "month":
        return f"tháng {month_text(start.month)} năm {start.year}"
    if per == "quarter":
        return f"quý {ROMAN[(start.month - 1) // 3 + 1]} năm {start.year}"
    return f"năm {start.year}"


def _amount(kind: str, value: float, decimals: int) -> str:
    if kind == "minutes":
        return f"{value:.{decimals}f}".replace(".", ",") + " phút"
    whole = abs(value - round(value)) < 1e-9  # a count of airings or segments: "1", never "1,000"
    shown = number_text(value) if decimals <= 1 or whole else f"{value:.{decimals}f}".replace(".", ",")
    return f"{shown} {KIND_LABELS[kind]}"


def expected_reached(kind: str, expected: float, reached: float) -> tuple[str, str]:
    """Both amounts with one decimal, or more (up to three) when one decimal would print two different
    amounts alike, or a share that is needed as nothing ("cần 0,0, đạt 0 — CHƯA ĐẠT")."""
    decimals = 1
    while decimals < 3 and (_alike(expected, reached, decimals) or (expected > 0 and round(expected, decimals) == 0)):
        decimals += 1
    return _amount(kind, expected, decimals), _amount(kind, reached, decimals)


def _alike(a: float, b: float, decimals: int) -> bool:
    return abs(a - b) > 1e-9 and f"{a:.{decimals}f}" == f"{b:.{decimals}f}"


@dataclass(frozen=True, slots=True)
class PartialBasis:
    """A target judged on a unit only partly inside the period, in words: what was expected of that part."""

    scope: str  # 'kỳ báo cáo gồm 1/31 ngày của tháng 12 năm 2021'
    expected: str  # '1,9 phút'
    reached: str  # '2,0 phút'

    def sentence(self) -> str:
        return f"{self.scope}: cần {self.expected}, đạt {self.reached}"


def partial_basis(result: TargetResult) -> PartialBasis | None:
    """How to print a target whose verdict rests on a partial unit (None when it rests on a whole unit).

    A one-day report against a monthly target must not print the month's target next to a
    figure scaled up to a month: it prints the day's share of the target and what was aired."""
    unit = result.worst
    if unit is None or not unit.partial:
        return None
    expected, reached = expected_reached(result.target.kind, unit.expected, unit.value)
    scope = (
        f"kỳ báo cáo gồm {unit.covered_days}/{unit.unit_days} ngày của "
        f"{unit_phrase(result.target.per, unit.start, unit.end)}"
    )
    return PartialBasis(scope, expected, reached)
