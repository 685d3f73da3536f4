"""Slashes that are not dates or document codes: ratios, shares, house numbers, rates.

"12/12 chỉ tiêu", "6/6 thôn", "37,5/60 điểm" -> mười hai trên mười hai ...
(a count out of a total); "2/3 số hộ" -> hai phần ba số hộ (a share of
something); "số 12/3 đường Trần Phú" -> số mười hai trên ba (a house number);
"20.000 đồng/người/năm" -> hai mươi nghìn đồng một người một năm (a rate).
A slash is never dropped between numbers and never read as a date without a
reason to.
"""

from __future__ import annotations

import re

from broadcaster.text.dates import DATE_CUES, LIST_WORDS, next_word, previous_word, read_day_month, valid_day_month
from broadcaster.text.lazy_re import lazy
from broadcaster.text.numbers import read_month, read_number, read_written_number

_SLASH = lazy(r"(?<![\w/.,-])(?P<top>\d+(?:[.,]\d+)?)\s?/\s?(?P<bottom>\d+(?:[.,]\d+)?)(?![\w/]|[.,]\d)")
_DAY_CUES = frozenset({"ngày", "mùng", "mồng"})
# Words after N/M that name a share of something: "2/3 số hộ", "3/4 diện tích".
_SHARE_OF = frozenset(
    {"số", "diện", "tổng", "dân", "lượng", "phần", "kinh", "giá", "thời", "quãng", "chiều", "khối", "trong",
     "quỹ", "ngân", "vốn", "kế", "chi", "khoảng", "quân"}
)  # fmt: skip
# Words after N/M that name what is counted: "12/12 chỉ tiêu", "6/6 thôn", "8/10 điểm".
_COUNTED = frozenset(
    {"chỉ", "tiêu", "thôn", "xã", "xóm", "bản", "làng", "ấp", "tổ", "khu", "phường", "huyện", "tỉnh", "hộ",
     "người", "điểm", "hồ", "đơn", "cán", "công", "lao", "học", "đại", "trường", "lớp", "phiếu", "câu", "nội",
     "nhiệm", "mục", "cơ", "thủ", "ban", "ngành", "đoàn", "gia", "em", "cháu", "trẻ", "cá", "doanh", "dự", "mô",
     "sản", "tuyến", "cuộc", "buổi", "lần", "vụ", "việc", "thành", "đảng", "hội", "hợp", "giải", "bàn", "ván",
     "trận", "bài", "tiết", "phòng", "đường", "chi", "gói", "tập", "ý", "kiến", "vòng"}
)  # fmt: skip
# Before N/M: a result out of a total ("đạt 12/12", "hoàn thành 19/19").
_RATIO_BEFORE = frozenset({"đạt", "thành", "được", "tỷ", "tỉ"})
# Before or after N/M: an address or a class ("số 12/3", "hẻm 5/7", "12/3 đường Trần Phú", "lớp 9/2").
_ADDRESS_BEFORE = frozenset({"số", "nhà", "hẻm", "ngõ", "ngách", "kiệt", "kiốt", "lô", "căn", "phòng", "lớp"})
_ADDRESS_AFTER = frozenset({"đường", "phố", "ngõ", "hẻm", "kiệt", "ngách", "khóm", "quốc", "tỉnh"})


def _share(top: int, bottom: int, after: str) -> str:
    if (top, bottom) == (1, 2) and next_word(after) == "":
        return "một nửa"
    # a quarter is "một phần tư", as April is "tháng tư"
    return f"{read_number(top)} phần {read_month(bottom)}"


def _slash(match: re.Match[str]) -> str:
    top_text, bottom_text = match.group("top"), match.group("bottom")
    before, after = match.string[: match.start()], match.string[match.end() :]
    prev, nxt = previous_word(before), next_word(after)
    ratio = f"{read_written_number(top_text)} trên {read_written_number(bottom_text)}"
    if not (top_text.isdigit() and bottom_text.isdigit()) or prev in _ADDRESS_BEFORE or nxt in _ADDRESS_AFTER:
        return ratio
    top, bottom = int(top_text), int(bottom_text)
    a_date = valid_day_month(top, bottom) and len(top_text) <= 2
    if a_date and prev in _DAY_CUES:
        return read_day_month(top, bottom, lead=False)
    if nxt in _SHARE_OF:  # a share of something is never a date: "2/3 số hộ", "5/5 số thôn"
        return _share(top, bottom, after) if 0 < top < bottom else ratio
    if a_date and prev in DATE_CUES:
        return read_day_month(top, bottom)
    if a_date and prev in LIST_WORDS and "tháng" in before[-30:]:
        return read_day_month(top, bottom)
    if (top, bottom) == (24, 7):
        return "hai mươi bốn trên bảy"  # "mở cửa 24/7": all day, every day
    small = 0 < top < bottom <= 10
    if nxt in _COUNTED or (prev in _RATIO_BEFORE and not small):
        return ratio
    if small:
        return _share(top, bottom, after)
    if a_date:
        return read_day_month(top, bottom)
    return ratio


def replace_slashes(text: str) -> str:
    """N/M left after codes and dates: a date, a share (phần) or a ratio (trên), never dropped."""
    return _SLASH.sub(_slash, text) if "/" in text else text


# Rates: "đồng/người/năm", "lượt/ngày", "con/hộ" after a number are read with "một" (per).
_PER_WORDS = frozenset(
    {"người", "khẩu", "nhân", "hộ", "suất", "lượt", "lần", "năm", "tháng", "ngày", "đêm", "tuần", "quý", "giờ",
     "phút", "buổi", "ca", "vụ", "đợt", "kỳ", "khóa", "khoá", "học", "cháu", "trẻ", "em", "con", "cây", "sào",
     "mẫu", "thửa", "chiếc", "cái", "bộ", "hồ", "xã", "thôn", "lớp", "trường", "bao", "gói", "bình", "phần"}
)  # fmt: skip
_WORD_SLASH = lazy(r"(?<=[^\W\d_])\s*/\s*(?=(?P<right>[^\W\d_]+))")
_LAST_WORD = lazy(r"[^\W\d_]+$")
_AFTER_NUMBER = lazy(r"\d(?P<tail>[^\d]*)$")
_CLAUSE_BREAK = lazy(r"[;:!?]|[.,]\s")


def _after_a_quantity(before: str) -> bool:
    """A number comes earlier in the same clause: "20.000 đồng/" but not "ngày/tháng/năm sinh"."""
    match = _AFTER_NUMBER.search(before[-40:])
    return match is not None and not _CLAUSE_BREAK.search(match.group("tail"))


def _rate(match: re.Match[str]) -> str:
    before = match.string[: match.start()]
    last = _LAST_WORD.search(before[-20:])
    left = last.group(0).lower() if last else ""
    if left in ("đồng", "đ") or (match.group("right").lower() in _PER_WORDS and _after_a_quantity(before)):
        return " một "
    return match.group(0)


def replace_rates(text: str) -> str:
    """word/word after a quantity: a rate, read with "một"; run before numbers are read."""
    return _WORD_SLASH.sub(_rate, text) if "/" in text else text
