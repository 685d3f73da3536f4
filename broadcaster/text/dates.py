"""Dates, times, ranges and slashed numbers in the forms officials write.

08/6/2010 -> ngày tám tháng sáu năm hai nghìn không trăm mười; ngày 2-9 ->
ngày hai tháng chín; tháng 01/2021 -> tháng một năm ...; 14h30 -> mười bốn
giờ ba mươi phút; 2021 - 2030 -> 2021 đến 2030 (numbers are read later);
ranges and slashes that are not dates live in ranges.py and slashes.py.
"""

from __future__ import annotations

import re

from broadcaster.text.lazy_re import lazy
from broadcaster.text.numbers import read_month, read_number

_WORD = lazy(r"([^\W\d_]+)[\W_]*$")
# Words after which D/M is a date rather than a fraction.
_DAY_CUES = frozenset({"ngày", "mùng", "mồng"})
DATE_CUES = _DAY_CUES | frozenset(
    {
        "hôm",
        "sáng",
        "trưa",
        "chiều",
        "tối",
        "đêm",
        "từ",
        "đến",
        "tới",
        "trước",
        "sau",
        "vào",
        "hết",
        "hạn",
        "lễ",
        "dịp",
        "niệm",
    }
)
LIST_WORDS = frozenset({"và", "đến", "tới", "hoặc"})


def previous_word(text: str) -> str:
    match = _WORD.search(text[-30:])
    return match.group(1).lower() if match else ""


def next_word(text: str) -> str:
    match = re.match(r"\s*([^\W\d_]+)", text)
    return match.group(1).lower() if match else ""


def valid_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def read_day_month(day: int, month: int, lead: bool = True) -> str:
    """ngày mười lăm tháng ba; without `lead` when "ngày" was just said."""
    return f"{'ngày ' if lead else ''}{read_number(day)} tháng {read_month(month)}"


def _day_month(day: int, month: int, before: str) -> str:
    return read_day_month(day, month, lead=previous_word(before) not in _DAY_CUES)


_FULL_DATE = lazy(r"(?<![\w/.,-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?![\w/]|[.,-]\d)")
_MONTH_YEAR = lazy(r"(?<![\w/.,-])(\d{1,2})\s?([/-])\s?(\d{4})(?![\w/]|[.,-]\d)")
_DAY_MONTH = lazy(r"(?<![\w/.,-])(\d{1,2})([/\-.])(\d{1,2})(?![\w/]|[.,-]\d)")


def replace_dates(text: str) -> str:
    def full(match: re.Match[str]) -> str:
        day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if not valid_day_month(day, month):
            return match.group(0)
        return f"{_day_month(day, month, match.string[: match.start()])} năm {read_number(year)}"

    def month_year(match: re.Match[str]) -> str:
        number, year = int(match.group(1)), int(match.group(3))
        prev = previous_word(match.string[: match.start()])
        if match.group(2) == "-" and prev != "tháng":
            return match.group(0)  # 5-2021 is more likely a range; left to the range rule
        if prev == "tháng":
            lead = read_month(number)
        elif prev in {"quý", "số", "khóa", "khoá", "đợt", "kỳ"} or not 1 <= number <= 12:
            lead = read_number(number)
        else:
            lead = "tháng " + read_month(number)
        return f"{lead} năm {read_number(year)}"

    def day_month(match: re.Match[str]) -> str:
        day, sep, month = int(match.group(1)), match.group(2), int(match.group(3))
        prev = previous_word(match.string[: match.start()])
        cues = DATE_CUES if sep == "/" else _DAY_CUES
        if prev not in cues or not valid_day_month(day, month):
            return match.group(0)
        return _day_month(day, month, match.string[: match.start()])

    text = _FULL_DATE.sub(full, text)
    text = _MONTH_YEAR.sub(month_year, text)
    return _DAY_MONTH.sub(day_month, text)


# 7h, 14h30, 14g30', 8h05p, 14:30; "h" after a number is always "giờ" in Vietnamese text.
_TIME_H = lazy(r"(?<![\w.,:])(\d{1,2})(?:\s?[hH]|[gG](?=\d{2}))(\d{2})?(?:'|’|′|p|ph|phút)?(?![^\W\d_]|\d)")
_TIME_COLON = lazy(r"(?<![\w.,:])(\d{1,2}):(\d{2})(?![\d:])")


def _time(hour: int, minute: int) -> str:
    spoken = f"{read_number(hour)} giờ"
    return f"{spoken} {read_number(minute)} phút" if minute else spoken


def replace_times(text: str) -> str:
    def h_form(match: re.Match[str]) -> str:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 24 or minute > 59:
            return match.group(0)
        return _time(hour, minute)

    def colon(match: re.Match[str]) -> str:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 24 or minute > 59:
            return match.group(0)
        return _time(hour, minute)

    return _TIME_COLON.sub(colon, _TIME_H.sub(h_form, text))


_NUM = r"\d+(?:[.,]\d+)*(?:[hHgG]\d{0,2})?"
_RANGE = lazy(rf"(?<![\w.,/-])({_NUM})\s*[-–—]\s*({_NUM})(?![\w/]|[.,]\d)")


def replace_ranges(text: str) -> str:
    """2021 - 2030 -> 2021 đến 2030; the numbers are read by the later rules."""
    return _RANGE.sub(r"\1 đến \2", text)
