"""A target judged on a unit only partly inside the period says what was expected of that part.

The issue: a one-day report against a monthly target printed "kế hoạch 60 phút/tháng, đạt 60,6 -
ĐẠT" after 2 minutes on air (the 2 minutes scaled up to a month), which a district reader takes
for 60 minutes aired.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document

from broadcaster.reports.aggregate import Report, Target, build_report, period_between, report_to_json
from broadcaster.reports.docx_report import write_docx
from broadcaster.reports.vietnamese import expected_reached
from broadcaster.reports.writers import render_text
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, head_of, item, local
from tests.reports.test_docx_report import HEADER

MONTHLY = Target("Thời lượng tin CCHC mỗi tháng (phút)", "minutes", 60, "month")
SEGMENTS = Target("Số chuyên mục CCHC mỗi tháng", "segments", 8, "month")


def one_day_report() -> Report:
    records = chain([draft(local(2021, 12, 15, 6, 0), (item(1, "T4", 120),))])  # 2 minutes on air
    day = date(2021, 12, 15)
    return build_report(records, period_between(day, day), TOPICS, SLOTS, [MONTHLY, SEGMENTS], head_of(records), HCM)


def test_text_prints_the_share_of_the_target_and_what_aired() -> None:
    text = render_text(one_day_report())
    assert (
        "  Thời lượng tin CCHC mỗi tháng (phút): kế hoạch 60 phút/tháng; kỳ báo cáo gồm 1/31 ngày của "
        "tháng 12 năm 2021: cần 1,9 phút, đạt 2,0 phút — ĐẠT"
    ) in text.splitlines()
    assert (
        "  Số chuyên mục CCHC mỗi tháng: kế hoạch 8 chuyên mục/tháng; kỳ báo cáo gồm 1/31 ngày của "
        "tháng 12 năm 2021: cần 0,3 chuyên mục, đạt 1 chuyên mục — ĐẠT"
    ) in text.splitlines()
    assert "đạt 62" not in text and "đạt 31" not in text  # no figure scaled up to a whole month


def test_json_adds_the_basis_of_the_verdict() -> None:
    (minutes, _) = report_to_json(one_day_report())["targets"]
    assert minutes["reached"] == 62.0  # unchanged meaning: scaled to a whole month (fields are never renamed)
    assert minutes["basis"] == {
        "label": "2021-12",
        "from": "2021-12-15",
        "to": "2021-12-15",
        "partial": True,
        "target": round(60 / 31, 3),
        "reached": 2.0,
        "met": True,
        "short_topics": [],
        "days_in_period": 1,
        "days_in_unit": 31,
        "text": "kỳ báo cáo gồm 1/31 ngày của tháng 12 năm 2021: cần 1,9 phút, đạt 2,0 phút",
    }
    assert minutes["units"][0]["days_in_period"] == 1 and minutes["units"][0]["days_in_unit"] == 31


def test_docx_target_row_says_what_was_expected_of_the_day(tmp_path: Path) -> None:
    path = write_docx(one_day_report(), HEADER, tmp_path / "r.docx", issued_on=date(2021, 12, 16))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in Document(str(path)).tables]
    targets = next(t for t in tables if t[0][1] == "Chỉ tiêu")
    assert targets[1][2:] == [
        "60 phút/tháng; kỳ báo cáo gồm 1/31 ngày của tháng 12 năm 2021: cần 1,9 phút",
        "2,0 phút",
        "Đạt",
    ]


def test_whole_units_keep_the_plain_line(q1_report: Report) -> None:
    text = render_text(q1_report)
    assert "  Thời lượng tuyên truyền CCHC: kế hoạch 120 phút/tháng, đạt 8,3 - CHƯA ĐẠT" in text.splitlines()


def test_a_period_ending_inside_a_month_rests_on_its_weakest_part() -> None:
    drafts = [draft(local(2021, 1, d, 6, 0), (item(d, "T4", 600),)) for d in range(4, 20)]  # 10 min a day
    records = chain(drafts)
    period = period_between(date(2021, 1, 1), date(2021, 2, 3))  # all of January, 3 days of February
    report = build_report(records, period, TOPICS, SLOTS, [MONTHLY], head_of(records), HCM)
    line = next(x for x in render_text(report).splitlines() if x.startswith("  Thời lượng tin CCHC"))
    assert line.endswith("kỳ báo cáo gồm 3/28 ngày của tháng 02 năm 2021: cần 6,4 phút, đạt 0,0 phút — CHƯA ĐẠT")
    assert "      2021-02 (3/28 ngày): 0 / 6,4 - chưa đạt" in render_text(report).splitlines()


def test_amounts_that_would_print_alike_get_more_decimals() -> None:
    assert expected_reached("minutes", 1.96, 1.98) == ("1,96 phút", "1,98 phút")
    assert expected_reached("minutes", 1.9355, 2.0) == ("1,9 phút", "2,0 phút")
    assert expected_reached("segments", 0.258, 1) == ("0,3 chuyên mục", "1 chuyên mục")


def test_a_share_needed_is_never_printed_as_nothing() -> None:
    """A one-day report on a once-a-quarter target needs 1/92 of an airing: 'cần 0,0, đạt 0 — CHƯA ĐẠT'
    read as a fault of the report."""
    assert expected_reached("topic_coverage", 1 / 92, 0) == ("0,01 lượt mỗi chủ đề", "0 lượt mỗi chủ đề")
    assert expected_reached("topic_coverage", 1 / 365, 1) == ("0,003 lượt mỗi chủ đề", "1 lượt mỗi chủ đề")
    assert expected_reached("minutes", 0.02, 0.0) == ("0,02 phút", "0,00 phút")
