"""normalize(): administrative Vietnamese text -> the words an announcer reads.

The rules run in a fixed order, each rewriting only what it is sure of and
leaving digits for the later, more general rules: phone numbers, document
codes, dates, ranges, times, Roman numerals, abbreviations, slashed numbers,
then every remaining number with its unit. Every rule's output is lower-case
words without digits, so running normalize() again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from broadcaster.text.abbreviations import Expander, expander
from broadcaster.text.codes import replace_codes, replace_phones
from broadcaster.text.dates import (
    previous_word,
    replace_dates,
    replace_ranges,
    replace_slashes,
    replace_times,
)
from broadcaster.text.numbers import (
    read_digits,
    read_fraction_part,
    read_integer_text,
    read_month,
    read_number,
    read_ordinal,
    roman_to_int,
)

UNITS = {
    "km/h": "ki lô mét trên giờ",
    "m/s": "mét trên giây",
    "km2": "ki lô mét vuông",
    "km²": "ki lô mét vuông",
    "km": "ki lô mét",
    "m2": "mét vuông",
    "m²": "mét vuông",
    "m3": "mét khối",
    "m³": "mét khối",
    "cm": "xăng ti mét",
    "mm": "mi li mét",
    "m": "mét",
    "ha": "héc ta",
    "kg": "ki lô gam",
    "g": "gam",
    "ml": "mi li lít",
    "l": "lít",
    "kWh": "ki lô oát giờ",
    "kW": "ki lô oát",
    "MW": "mê ga oát",
    "W": "oát",
    "V": "vôn",
    "°C": "độ xê",
    "°": "độ",
    "%": "phần trăm",
    "đ": "đồng",
    "đồng": "đồng",
    "VNĐ": "đồng",
    "VND": "đồng",
    "vnđ": "đồng",
    "USD": "đô la mỹ",
    "$": "đô la",
    "tr": "triệu",
    "trđ": "triệu đồng",
    "tỷ": "tỷ",
    "tỉ": "tỷ",
}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_NUMBER = re.compile(rf"(?P<num>\d+(?:[.,]\d+)*)(?P<unit>\s?(?:{_UNIT_ALT}))?(?(unit)(?![^\W\d_]|\d))")
_MEASURES = [u for u in UNITS if u[0].isalpha() and u not in ("đ", "đồng", "tr", "trđ", "tỷ", "tỉ", "V", "W", "l")]
# "người/km2" -> "người trên ki lô mét vuông"; "đồng/kg" -> "đồng một ki lô gam".
_MEASURE_ALT = "|".join(re.escape(u) for u in sorted(_MEASURES, key=len, reverse=True))
_PER_UNIT = re.compile(rf"(?<=[^\W\d_])\s*/\s*(?P<unit>{_MEASURE_ALT})(?![^\W\d_]|\d)")
_GROUPED_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_GROUPED_COMMAS = re.compile(r"\d{1,3}(?:,\d{3}){2,}")

_ROMAN_CUES = (
    r"quý|khóa|khoá|đại hội|phần|chương|mục|thế kỷ|thế kỉ|kỳ họp|kỳ|lần thứ|thứ|hội nghị|giai đoạn"
    r"|phụ lục|tập|vòng|đợt|cấp|loại|hạng|nhóm|vùng|quân khu|tiểu mục|bài|nhiệm kỳ"
)
_ROMAN_AFTER_CUE = re.compile(
    rf"(?i:\b(?P<cue>{_ROMAN_CUES}))\s+(?P<roman>[IVXL]+)(?![\w])(?:\s?/\s?(?P<year>\d{{4}})(?!\d))?"
)
_ROMAN_HEADING = re.compile(r"(?m)^(?P<lead>[ \t]*)(?P<roman>[IVXL]+)(?P<mark>[.)])(?=\s)")

_SPECIAL = (
    (re.compile(r"(?i)(?<!\w)v\.v\.?"), "vân vân"),
    (re.compile(r"\s*&\s*"), " và "),
    (re.compile(r"(?<=[^\W\d_])-(?=\d)"), " "),
)
_PER = re.compile(r"(?<=đồng)\s*/\s*(?=[^\W\d_])")
_STRAY_SLASH = re.compile(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?)])")


def _read_number_token(token: str) -> str:
    """One written number: 1.250.000, 98,5, 2.105, 3.5, 1,250,000, 0239."""
    if "." in token and "," in token:
        whole, _, frac = token.rpartition(",")
        if _GROUPED_DOTS.fullmatch(whole) and frac.isdigit():
            return f"{read_integer_text(whole.replace('.', ''))} phẩy {read_fraction_part(frac)}"
    if _GROUPED_DOTS.fullmatch(token):
        return read_integer_text(token.replace(".", ""))
    if _GROUPED_COMMAS.fullmatch(token):
        return read_integer_text(token.replace(",", ""))
    if token.isdigit():
        return read_integer_text(token)
    parts = re.split(r"([.,])", token)
    if len(parts) == 3:
        point = "phẩy" if parts[1] == "," else "chấm"
        return f"{read_integer_text(parts[0])} {point} {read_fraction_part(parts[2])}"
    # Section numbers such as 1.2.3: each part in turn.
    return " ".join(read_integer_text(p) if p.isdigit() else ("chấm" if p == "." else "phẩy") for p in parts)


def _number(match: re.Match[str]) -> str:
    token = match.group("num")
    text = match.string
    prev = previous_word(text[: match.start()])
    if token.isdigit() and prev == "thứ":
        words = read_ordinal(int(token))
    elif token.isdigit() and prev == "tháng" and 1 <= int(token) <= 12:
        words = read_month(int(token))
    else:
        words = _read_number_token(token)
    unit = match.group("unit")
    if unit:
        words += " " + UNITS[unit.strip()]
    start, end = match.start(), match.end()
    if start > 0 and text[start - 1].isalpha():
        words = " " + words
    if end < len(text) and (text[end].isalpha() or text[end].isdigit()):
        words += " "
    return words


def _per_unit(match: re.Match[str]) -> str:
    link = "một" if match.string[: match.start()].endswith(("đồng", "đ")) else "trên"
    return f" {link} {UNITS[match.group('unit')]}"


def _roman(match: re.Match[str]) -> str:
    value = roman_to_int(match.group("roman"))
    if value is None:
        return match.group(0)
    cue = match.group("cue")
    words = read_ordinal(value) if cue.lower().endswith("thứ") else read_number(value)
    spoken = f"{cue} {words}"
    if match.group("year"):
        spoken += f" năm {read_number(int(match.group('year')))}"
    return spoken


def _roman_heading(match: re.Match[str]) -> str:
    value = roman_to_int(match.group("roman"))
    if value is None:
        return match.group(0)
    return f"{match.group('lead')}{read_number(value)}{match.group('mark')}"


def _spoken(text: str, abbreviations: Expander) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = replace_phones(text)
    text = replace_codes(text, abbreviations.expansion)
    text = abbreviations.expand_context(text)
    text = replace_dates(text)
    text = replace_ranges(text)
    text = replace_times(text)
    text = _ROMAN_AFTER_CUE.sub(_roman, text)
    text = _ROMAN_HEADING.sub(_roman_heading, text)
    text = abbreviations.expand(text)
    text = replace_slashes(text)
    for pattern, replacement in _SPECIAL:
        text = pattern.sub(replacement, text)
    text = _PER_UNIT.sub(_per_unit, text)
    text = _NUMBER.sub(_number, text)
    # Safety net: no digit may reach the speech engine.
    text = re.sub(r"\d+", lambda m: " " + read_digits(m.group(0)) + " ", text)
    text = _PER.sub(" một ", text)
    text = _STRAY_SLASH.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def normalize(text: str, extra_abbreviations: Mapping[str, str] | None = None) -> str:
    """The spoken form of an administrative Vietnamese text.

    `extra_abbreviations` (abbreviation -> expansion) adds to and overrides
    the station's data file, e.g. a commune's own village names.
    """
    return _spoken(text, expander(extra_abbreviations))
