"""TCVN3 (ABC) and VNI font encodings, as text pasted from old Word files.

Both were 8-bit font tricks: the bytes are Latin-1/cp1252 characters that a
special font drew as Vietnamese letters. Pasted into a Unicode program they
look like "Uû ban nh©n d©n x·" (TCVN3) or "UÛy ban nhaân daân xaõ" (VNI).
Here the characters are mapped back through their byte values.
"""

from __future__ import annotations

import re
import unicodedata

from broadcaster.text.lazy_re import lazy

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng
_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")


def letter(base: str, tone: int) -> str:
    return unicodedata.normalize("NFC", base + _TONES[tone])


def vietnamese_letters() -> list[str]:
    """The 67 lower-case letters that carry Vietnamese diacritics (and đ); upper-case doubles them."""
    letters = [letter(v, t) for v in _VOWELS for t in range(6) if v in "ăâêôơư" or t]
    return [*letters, "đ"]


# TCVN3: byte -> lower-case letter, tones in order huyền, hỏi, ngã, sắc, nặng.
_TCVN3_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_PLAIN = {
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
    0xA8: "ă",
    0xA9: "â",
    0xAA: "ê",
    0xAB: "ô",
    0xAC: "ơ",
    0xAD: "ư",
    0xAE: "đ",
}
_TONE_ORDER = (1, 3, 4, 2, 5)  # TCVN3 lists huyền, hỏi, ngã, sắc, nặng

TCVN3: dict[int, str] = dict(_TCVN3_PLAIN)
for _base, _codes in _TCVN3_TONED.items():
    for _tone, _code in zip(_TONE_ORDER, _codes, strict=True):
        TCVN3[_code] = letter(_base, _tone)
# Only these bytes are TCVN3 letters that ordinary Western text would never put inside a word.
TCVN3_SIGNATURE = frozenset(chr(b) for b in TCVN3 if 0xA1 <= b <= 0xBE)

# VNI: a base letter followed by mark characters (upper-case marks for upper-case letters).
_VNI_TONE_MARKS = {"ù": 2, "ø": 1, "û": 3, "õ": 4, "ï": 5}
_VNI_HAT = {"â": 0, "á": 2, "à": 1, "å": 3, "ã": 4, "ä": 5}  # â/ê/ô, then with a tone
_VNI_BREVE = {"ê": 0, "é": 2, "è": 1, "ú": 3, "ü": 4, "ë": 5}  # ă, then with a tone
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_sequences() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(seq: str, out: str) -> None:
        table[seq] = out
        table[seq.upper()] = out.upper()
        # Title-case words sometimes carry a lower-case mark after an upper-case base.
        table[seq[0].upper() + seq[1:]] = out.upper()

    for base in "aeouy":
        for mark, tone in _VNI_TONE_MARKS.items():
            add(base + mark, letter(base, tone))
    for base, hat in (("a", "â"), ("e", "ê"), ("o", "ô")):
        for mark, tone in _VNI_HAT.items():
            add(base + mark, letter(hat, tone))
    for mark, tone in _VNI_BREVE.items():
        add("a" + mark, letter("ă", tone))
    for single, out in (("ô", "ơ"), ("ö", "ư")):
        for mark, tone in _VNI_TONE_MARKS.items():
            add(single + mark, letter(out, tone))
    for single, out in _VNI_SINGLE.items():
        table[single] = out
        table[single.upper()] = out.upper()
    table["yï"], table["YÏ"] = "ỵ", "Ỵ"
    return table


VNI = _vni_sequences()
_VNI_RE = lazy("|".join(re.escape(s) for s in sorted(VNI, key=len, reverse=True)))
# Pairs of a plain vowel and a VNI mark: the evidence that a text is VNI.
VNI_PAIR_RE = lazy(
    "|".join(re.escape(s) for s in sorted(VNI, key=len, reverse=True) if len(s) == 2 and s[0].lower() in "aeouy")
)


def char_byte(ch: str) -> int | None:
    """The byte a font-encoded character was typed as (cp1252, else Latin-1)."""
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(ch) if ord(ch) < 256 else None


def _mostly_upper(line: str) -> bool:
    letters = [c for c in line if c.isascii() and c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


# Every TCVN3 code is 0xA1 or above, where cp1252 and Latin-1 agree: the character is chr(code).
_FROM_TCVN3 = str.maketrans({chr(code): letter for code, letter in TCVN3.items()})
_FROM_TCVN3_UPPER = str.maketrans({chr(code): letter.upper() for code, letter in TCVN3.items()})


def from_tcvn3(text: str) -> str:
    """TCVN3 characters -> Unicode; a line typed in capitals (the .VnTimeH font) comes out in capitals."""
    lines = [line.translate(_FROM_TCVN3_UPPER if _mostly_upper(line) else _FROM_TCVN3) for line in text.split("\n")]
    return unicodedata.normalize("NFC", "\n".join(lines))


def from_vni(text: str) -> str:
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda m: VNI[m.group(0)], text))


def _to_tcvn3_table() -> dict[str, str]:
    table = {v: chr(k) for k, v in TCVN3.items()}
    for k, v in list(TCVN3.items()):
        table.setdefault(v.upper(), chr(k))  # the font has no toned capitals; they share the code
    return table


_TO_TCVN3 = _to_tcvn3_table()
_TO_VNI = {v: k for k, v in VNI.items() if not (len(k) == 2 and k[0].isupper() and k[1].islower())}


def to_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 as pasted text; used to test round trips."""
    return "".join(_TO_TCVN3.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    """Unicode -> VNI as pasted text; used to test round trips."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in ("í", "ì", "Í", "Ì"):
            out.append(ch)
        else:
            out.append(_TO_VNI.get(ch, ch))
    return "".join(out)
