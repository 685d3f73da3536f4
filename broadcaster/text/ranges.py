"""Ranges an announcer reads with "đến": days, dates, weekdays, months, quantities.

"các ngày 15-20/3" -> các ngày mười lăm đến hai mươi tháng ba;
"15/3 - 20/4/2021" -> ngày mười lăm tháng ba đến ngày hai mươi tháng tư năm ...;
"thứ 2 - thứ 6" and "thứ 2-6" -> thứ 2 đến thứ 6; "tháng 3-5" -> tháng 3 đến tháng 5
(the cue is repeated so "5" is not heard as "năm", the year); "100 mm - 200 mm" ->
100 mm đến 200 mm. Numbers left in digits are read by the later rules.
"""

from __future__ import annotations

import re

from broadcaster.text.dates import previous_word, read_day_month
from broadcaster.text.lazy_re import lazy
from broadcaster.text.numbers import read_number

_DASH = r"\s*[-–—]\s*"
_END = r"(?![\w/]|[.,-]\d)"
_DAY_CUES = frozenset({"ngày", "mùng", "mồng"})

_DAY_RANGE = lazy(
    rf"(?<![\w/.,-])(?P<first>\d{{1,2}}){_DASH}(?P<last>\d{{1,2}})\s*/\s*(?P<month>\d{{1,2}})"
    rf"(?:\s*/\s*(?P<year>\d{{4}}))?{_END}"
)
_DATE = r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?"
_DATE_RANGE = lazy(rf"(?<![\w/.,-]){_DATE}{_DASH}{_DATE}{_END}")

_WEEKDAY_WORDS = r"[2-7]|hai|ba|tư|năm|sáu|bảy"
_WEEKDAY = rf"(?i:thứ)\s+(?i:{_WEEKDAY_WORDS})|(?i:chủ nhật)|CN"
_WEEKDAY_RANGE = lazy(rf"(?<!\w)(?P<first>{_WEEKDAY}){_DASH}(?P<last>{_WEEKDAY}|[2-7])(?!\w)")
# "tháng 3-5", "quý 1 - quý 2": a range of months or quarters, the cue said twice.
_CUED_RANGE = lazy(
    r"(?<!\w)(?P<cue>(?i:tháng|quý|tuần))\s+(?P<first>\d{1,2}|[IVX]+)"
    r"\s*[-–—]\s*(?:(?P=cue)\s+)?(?P<last>\d{1,2}|[IVX]+)(?![\w.,]\d|\w|-)"
)
# "100 mm - 200 mm", "7 giờ - 11 giờ": the same unit on both sides.
_UNIT_RANGE = lazy(
    r"(?<![\w.,])(?P<first>\d+(?:[.,]\d+)*)\s*(?P<unit>[^\W\d_]{1,5})\s*[-–—]\s*(?P<last>\d+(?:[.,]\d+)*)\s*(?P=unit)(?!\w)"
)


def _day_range(match: re.Match[str]) -> str:
    first, last, month = int(match.group("first")), int(match.group("last")), int(match.group("month"))
    if not (1 <= first < last <= 31 and 1 <= month <= 12):
        return match.group(0)
    lead = "" if previous_word(match.string[: match.start()]) in _DAY_CUES else "ngày "
    spoken = f"{lead}{read_number(first)} đến {read_day_month(last, month, lead=False)}"
    if match.group("year"):
        spoken += f" năm {read_number(int(match.group('year')))}"
    return spoken


def _date(day: str, month: str, year: str | None, lead: bool) -> str | None:
    d, m = int(day), int(month)
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    spoken = read_day_month(d, m, lead=lead)
    return f"{spoken} năm {read_number(int(year))}" if year else spoken


def _date_range(match: re.Match[str]) -> str:
    lead = previous_word(match.string[: match.start()]) not in _DAY_CUES
    first = _date(match.group(1), match.group(2), match.group(3), lead)
    last = _date(match.group(4), match.group(5), match.group(6), lead=True)
    if first is None or last is None:
        return match.group(0)
    return f"{first} đến {last}"


def _weekday(text: str) -> str:
    if text == "CN" or text.lower() == "chủ nhật":
        return "chủ nhật"
    return text if not text.isdigit() else f"thứ {text}"


def _weekday_range(match: re.Match[str]) -> str:
    return f"{_weekday(match.group('first'))} đến {_weekday(match.group('last'))}"


def _cued_range(match: re.Match[str]) -> str:
    cue = match.group("cue")
    return f"{cue} {match.group('first')} đến {cue.lower()} {match.group('last')}"


def replace_spoken_ranges(text: str) -> str:
    """Ranges of days, dates, weekdays, months and quantities; run before single dates are read."""
    if "-" not in text and "–" not in text and "—" not in text:
        return text
    text = _DAY_RANGE.sub(_day_range, text)
    text = _DATE_RANGE.sub(_date_range, text)
    text = _WEEKDAY_RANGE.sub(_weekday_range, text)
    text = _CUED_RANGE.sub(_cued_range, text)
    return _UNIT_RANGE.sub(r"\g<first> \g<unit> đến \g<last> \g<unit>", text)
