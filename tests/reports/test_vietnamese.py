from __future__ import annotations

from datetime import date

from broadcaster.reports.aggregate import parse_period
from broadcaster.reports.vietnamese import (
    hours_minutes_text,
    minutes_text,
    number_text,
    period_phrase,
    place_date_line,
    report_subject,
    vn_short_date,
)


def test_place_and_date_follow_the_leading_zero_rule() -> None:
    assert place_date_line("Sơn Kim 1", date(2021, 4, 5)) == "Sơn Kim 1, ngày 05 tháng 4 năm 2021"
    assert place_date_line("Sơn Kim 1", date(2021, 1, 8)) == "Sơn Kim 1, ngày 08 tháng 01 năm 2021"
    assert place_date_line("Sơn Kim 1", date(2021, 2, 28)) == "Sơn Kim 1, ngày 28 tháng 02 năm 2021"
    assert place_date_line("Sơn Kim 1", date(2021, 12, 15)) == "Sơn Kim 1, ngày 15 tháng 12 năm 2021"
    assert vn_short_date(date(2021, 3, 5)) == "05/3/2021"


def test_subject_is_derived_from_the_period() -> None:
    assert report_subject(parse_period("2021-Q1")) == (
        "Kết quả công tác tuyên truyền cải cách hành chính quý I năm 2021"
    )
    assert period_phrase(parse_period("2021-Q3")) == "quý III năm 2021"
    assert period_phrase(parse_period("2021-03")) == "tháng 3 năm 2021"
    assert period_phrase(parse_period("2021-01")) == "tháng 01 năm 2021"
    assert period_phrase(parse_period("2021")) == "năm 2021"
    assert period_phrase(parse_period("2021-03-05..2021-04-10")) == (
        "từ ngày 05 tháng 3 năm 2021 đến ngày 10 tháng 4 năm 2021"
    )
    # two whole months that are not a quarter are a date range
    assert period_phrase(parse_period("2021-02-01..2021-03-31")).startswith("từ ngày 01 tháng 02")


def test_numbers_use_vietnamese_separators() -> None:
    assert minutes_text(7530) == "125,5"
    assert number_text(120) == "120"
    assert number_text(1234567) == "1.234.567"
    assert number_text(101.75) == "101,8"
    assert hours_minutes_text(13805) == "3 giờ 50 phút"
    assert hours_minutes_text(600) == "10 phút"
    # under an hour not rounded to a whole minute: 41.8 s is not "1 phút" beside "0,7 phút"
    assert hours_minutes_text(41.832) == "0,7 phút" and hours_minutes_text(3569) == "59,5 phút"


def test_the_text_reports_total_is_written_the_vietnamese_way() -> None:
    from broadcaster.reports.writers import _total_text

    assert _total_text(41.832) == "0,7 phút (41,8 giây)"  # not "41.832 giây", which reads as 41,832 seconds
    assert _total_text(12318.04) == "3 giờ 25 phút (205,3 phút; 12.318 giây)"
