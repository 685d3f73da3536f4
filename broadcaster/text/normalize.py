"""normalize(): administrative Vietnamese text -> the words an announcer reads.

The rules run in a fixed order, each rewriting only what it is sure of and
leaving digits for the later, more general rules: web and e-mail addresses,
hotlines and phone numbers, document codes, ranges, dates, times, Roman
numerals, abbreviations, slashes, rates, then every remaining number with its
unit; last, punctuation that would put a pause where none belongs is tidied,
and the station's pronunciation list is applied. Every rule's output is
lower-case words without digits, so running normalize() again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from broadcaster.text.abbreviations import Expander, expander
from broadcaster.text.codes import replace_codes, replace_phones
from broadcaster.text.controls import strip_controls
from broadcaster.text.dates import previous_word, replace_dates, replace_ranges, replace_times
from broadcaster.text.lazy_re import lazy
from broadcaster.text.numbers import (
    read_digits,
    read_month,
    read_number,
    read_ordinal,
    read_written_number,
    roman_to_int,
)
from broadcaster.text.pronunciations import apply_pronunciations
from broadcaster.text.punctuation import tidy_punctuation
from broadcaster.text.ranges import replace_spoken_ranges
from broadcaster.text.slashes import replace_rates, replace_slashes
from broadcaster.text.web import replace_addresses

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
_NUMBER = lazy(rf"(?P<num>\d+(?:[.,]\d+)*)(?P<unit>\s?(?:{_UNIT_ALT}))?(?(unit)(?![^\W\d_]|\d))")
_MEASURES = [u for u in UNITS if u[0].isalpha() and u not in ("đ", "đồng", "tr", "trđ", "tỷ", "tỉ", "V", "W", "l")]
# "người/km2" -> "người trên ki lô mét vuông"; "đồng/kg" -> "đồng một ki lô gam".
_MEASURE_ALT = "|".join(re.escape(u) for u in sorted(_MEASURES, key=len, reverse=True))
_PER_UNIT = lazy(rf"(?<=[^\W\d_])\s*/\s*(?P<unit>{_MEASURE_ALT})(?![^\W\d_]|\d)")
_ROMAN_CUES = (
    r"quý|khóa|khoá|đại hội|phần|chương|mục|thế kỷ|thế kỉ|kỳ họp|kỳ|lần thứ|thứ|hội nghị|giai đoạn"
    r"|phụ lục|tập|vòng|đợt|cấp|loại|hạng|nhóm|vùng|quân khu|tiểu mục|bài|nhiệm kỳ"
)
_ROMAN_AFTER_CUE = lazy(
    rf"(?i:\b(?P<cue>{_ROMAN_CUES}))\s+(?P<roman>[IVXL]+)(?![\w])(?:\s?/\s?(?P<year>\d{{4}})(?!\d))?"
)
_ROMAN_HEADING = lazy(r"(?m)^(?P<lead>[ \t]*)(?P<roman>[IVXL]+)(?P<mark>[.)])(?=\s)")

_ETC = lazy(r"(?i)(?<!\w)v\.v(?P<stop>\.)?")


def _etc(match: re.Match[str]) -> str:
    # "v.v." ending a sentence keeps the sentence's full stop.
    rest = match.string[match.end() :].lstrip(" \t")
    ends = not rest or rest[0] == "\n" or rest[0].isupper()
    return "vân vân." if match.group("stop") and ends else "vân vân"


_SPECIAL = (  # (what the text must contain, the expression, its replacement)
    ("&", lazy(r"\s*&\s*"), " và "),
    ("-", lazy(r"(?<=[^\W\d_])-(?=\d)"), " "),
)
_DIGITS = lazy(r"\d+")
_STRAY_SLASH = lazy(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])")
_SPACES = lazy(r"[ \t\u00a0\u2000-\u200b\u202f]+")
_SPACE_BEFORE_PUNCT = lazy(r" +([,.;:!?)])")


def _number(match: re.Match[str]) -> str:
    token = match.group("num")
    text = match.string
    prev = previous_word(text[: match.start()])
    if token.isdigit() and prev == "thứ":
        words = read_ordinal(int(token))
    elif token.isdigit() and prev == "tháng" and 1 <= int(token) <= 12:
        words = read_month(int(token))
    else:
        words = read_written_number(token)
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
    text = unicodedata.normalize("NFC", strip_controls(text)[0])
    text = _SPACES.sub(" ", text)
    text = replace_addresses(text)
    text = replace_phones(text)
    text = replace_codes(text, abbreviations.expansion)
    text = abbreviations.expand_context(text)
    text = replace_spoken_ranges(text)
    text = replace_dates(text)
    text = replace_ranges(text)
    text = replace_times(text)
    # A rule's expression is compiled only when the text has what it needs (lazy_re.py): a Roman numeral's
    # letters, a "/", a "&", a "-", a full stop.
    if any(letter in text for letter in "IVXL"):
        text = _ROMAN_AFTER_CUE.sub(_roman, text)
        text = _ROMAN_HEADING.sub(_roman_heading, text)
    text = abbreviations.expand(text)
    text = replace_slashes(text)
    if "." in text:
        text = _ETC.sub(_etc, text)
    for needed, pattern, replacement in _SPECIAL:
        if needed in text:
            text = pattern.sub(replacement, text)
    if "/" in text:
        text = _PER_UNIT.sub(_per_unit, text)
    text = replace_rates(text)
    text = _NUMBER.sub(_number, text)
    # Safety net: no digit may reach the speech engine.
    text = _DIGITS.sub(lambda m: " " + read_digits(m.group(0)) + " ", text)
    if "/" in text:
        text = _STRAY_SLASH.sub(" ", text)
    text = tidy_punctuation(text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return "\n".join(line.strip() for line in text.split("\n"))


@lru_cache(maxsize=16)
def _spoken_table(entries: tuple[tuple[str, str], ...], abbreviations: Expander) -> Mapping[str, str]:
    """The pronunciation list in spoken form, so "Sơn Kim 1" matches the "Sơn Kim một" it becomes."""
    return {_spoken(phrase, abbreviations): _spoken(said, abbreviations) for phrase, said in entries}


def normalize(
    text: str,
    extra_abbreviations: Mapping[str, str] | None = None,
    pronunciations: Mapping[str, str] | None = None,
) -> str:
    """The spoken form of an administrative Vietnamese text.

    `extra_abbreviations` (abbreviation -> expansion) adds to and overrides
    the station's data file, e.g. a commune's own village names.
    `pronunciations` (word or phrase -> how to say it) is applied last, to
    whole words in any case and tone placement (see apply_pronunciations);
    both sides are normalized first, so entries may be written as in a news text.
    """
    abbreviations = expander(extra_abbreviations)
    spoken = _spoken(text, abbreviations)
    if pronunciations:
        table = _spoken_table(tuple(sorted(pronunciations.items())), abbreviations)
        spoken = apply_pronunciations(spoken, table)
    return unicodedata.normalize("NFC", spoken)
