"""Vietnamese number words: cardinals, digits, decimals, ordinals, Roman numerals.

The spoken rules a commune announcer follows: "mốt" for 1 after "mươi"
(21 hai mươi mốt, never after "mười": 11 mười một), "lăm" for 5 after
"mươi"/"mười" (15 mười lăm, 25 hai mươi lăm), "tư" for 4 after "mươi"
(24 hai mươi tư, but 14 mười bốn), "linh" for a zero tens digit inside a
hundred (205 hai trăm linh năm), and "không trăm" for an inner group below
one hundred (2010 hai nghìn không trăm mười).
"""

from __future__ import annotations

import re

from broadcaster.text.lazy_re import lazy

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Each scale word covers three more digits; "nghìn tỷ" follows from recursion.
_SCALES = ((10**9, "tỷ"), (10**6, "triệu"), (10**3, "nghìn"))
MAX_CARDINAL = 10**15 - 1

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
ROMAN_RE = lazy(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def _tens_units(n: int, inner: bool) -> list[str]:
    """Words for 0..99; `inner` means a hundreds word came before (so 5 -> linh năm)."""
    tens, units = divmod(n, 10)
    if tens == 0:
        if units == 0:
            return []
        return ["linh", DIGITS[units]] if inner else [DIGITS[units]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 4:
        words.append("bốn" if tens == 1 else "tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _hundreds(n: int, full: bool) -> list[str]:
    """Words for 0..999; `full` reads an inner group with "không trăm" (..., 050 -> không trăm năm mươi)."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0 and not full:
        return _tens_units(rest, inner=False)
    words = [DIGITS[hundreds], "trăm"]
    if rest:
        words.extend(_tens_units(rest, inner=True))
    return words


def _cardinal_words(n: int, full: bool) -> list[str]:
    for scale, name in _SCALES:
        if n >= scale:
            head, rest = divmod(n, scale)
            words = [*_cardinal_words(head, full), name]
            if rest:
                words.extend(_cardinal_words(rest, full=True))
            return words
    return _hundreds(n, full)


def read_number(n: int) -> str:
    """Cardinal words for 0 <= n < 10**15: 1250000 -> một triệu hai trăm năm mươi nghìn."""
    if n < 0:
        return "âm " + read_number(-n)
    if n == 0:
        return DIGITS[0]
    if n > MAX_CARDINAL:
        return read_digits(str(n))
    return " ".join(_cardinal_words(n, full=False))


def read_digits(digits: str) -> str:
    """Digit by digit, as phone numbers and codes are read: 0239 -> không hai ba chín."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def read_integer_text(digits: str) -> str:
    """An integer as written: long zero-led strings (codes, ID numbers) digit by digit."""
    if len(digits) > 15 or (len(digits) > 2 and digits.startswith("0")):
        return read_digits(digits)
    return read_number(int(digits))


def read_fraction_part(digits: str) -> str:
    """The digits after a decimal comma: 25 -> hai mươi lăm, 05 -> không năm."""
    if digits.startswith("0") or len(digits) > 3:
        return read_digits(digits)
    return read_number(int(digits))


def read_decimal(whole: str, fraction: str, point: str = "phẩy") -> str:
    """98,5 -> chín mươi tám phẩy năm."""
    return f"{read_integer_text(whole)} {point} {read_fraction_part(fraction)}"


_GROUPED_DOTS = lazy(r"\d{1,3}(?:\.\d{3})+")
_GROUPED_COMMAS = lazy(r"\d{1,3}(?:,\d{3}){2,}")


def read_written_number(token: str) -> str:
    """One number as written: 1.250.000, 98,5, 2.105, 3.5, 1,250,000, 0239, 1.2.3 (a section number)."""
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
        return read_decimal(parts[0], parts[2], "phẩy" if parts[1] == "," else "chấm")
    return " ".join(read_integer_text(p) if p.isdigit() else ("chấm" if p == "." else "phẩy") for p in parts if p)


def read_ordinal(n: int) -> str:
    """The word after "thứ": thứ nhất, thứ hai, thứ tư, thứ mười."""
    if n == 1:
        return "nhất"
    if n == 4:
        return "tư"
    return read_number(n)


def read_month(n: int) -> str:
    """Month names are read with "tư" for April: tháng tư, tháng mười hai."""
    return "tư" if n == 4 else read_number(n)


def roman_to_int(text: str) -> int | None:
    """Value of an upper-case Roman numeral, None when it is not a well-formed one."""
    if not text or ROMAN_RE.fullmatch(text) is None:
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(text) and _ROMAN_VALUES[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total
