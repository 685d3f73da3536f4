"""QA finding 3: the airtime CSV is opened in Excel or LibreOffice by the district. A title typed as
`=HYPERLINK(...)` must show there as the text it is, never run as a formula or a link."""

from __future__ import annotations

import csv
import dataclasses
import io

from broadcaster.reports.aggregate import Report, build_report, parse_period
from broadcaster.reports.writers import render_csv
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, head_of, item, local

LINK = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
DANGEROUS = [LINK, "+84 912 345 678 gọi ngay", "-10% phí dịch vụ công", "@SUM(1+1)", "\tThông báo", "\rThông báo"]
PLAIN = "Tin số 7: lịch tiếp dân - tháng 3"


def report_with(titles: list[str], topic_name: str = TOPICS[0][1], slot: str = "sáng") -> Report:
    items = tuple(item(10 + n, "T1", 30, offset=30 * n, title=title) for n, title in enumerate(titles))
    records = chain([draft(local(2021, 3, 5, 6, 0), items, slot=slot)])
    topics = [("T1", topic_name), *TOPICS[1:]]
    return build_report(records, parse_period("2021-03"), topics, [*SLOTS, slot], [], head_of(records), HCM)


def rows_of(report: Report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(report))))


def test_titles_that_a_spreadsheet_would_run_as_formulas_are_written_as_text() -> None:
    rows = rows_of(report_with([*DANGEROUS, PLAIN]))
    assert [r["title"] for r in rows] == [*("'" + t for t in DANGEROUS), PLAIN]
    # what the title says is all there, after the quote that makes it text
    assert rows[0]["title"] == "'" + LINK


def test_numbers_dates_and_ids_stay_numbers() -> None:
    rows = rows_of(report_with([LINK, "-5"]))
    assert [(r["item_id"], r["date"], r["time"], r["seconds"]) for r in rows] == [
        ("10", "2021-03-05", "06:00:00", "30.000"),
        ("11", "2021-03-05", "06:00:00", "30.000"),
    ]
    assert rows[1]["title"] == "'-5"  # a title is text even when it looks like a number


def test_topic_names_slots_and_transcripts_are_written_as_text_too() -> None:
    report = report_with([PLAIN], topic_name="=1+1 Chuyên mục", slot="@sáng")
    report = dataclasses.replace(report, transcripts={10: "=cmd|' /C calc'!A0"})
    row = rows_of(report)[0]
    assert (row["topic_name"], row["slot"], row["transcript"]) == ("'=1+1 Chuyên mục", "'@sáng", "'=cmd|' /C calc'!A0")
    assert (row["topic_code"], row["title"]) == ("T1", PLAIN)
