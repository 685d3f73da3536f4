"""Web and e-mail addresses, spoken so a villager can type them.

"https://dichvucong.gov.vn" -> "dịch vụ công chấm gốp chấm vê en": the scheme
is left out, dots are "chấm", "@" is "a còng" (also in a name such as "@ubndsonkim"). A part of an address is read
from data/web_words.tsv when listed, else as unaccented Vietnamese syllables
("sonkim" -> "son kim"), else letter by letter ("ubnd" -> "u bê en đê");
digits one by one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from broadcaster.text.abbreviations import parse_table
from broadcaster.text.lazy_re import data_text, lazy
from broadcaster.text.numbers import read_digits
from broadcaster.text.syllables import is_ascii_syllable

LETTERS = {
    "a": "a", "b": "bê", "c": "xê", "d": "đê", "e": "e", "f": "ép", "g": "giê", "h": "hát", "i": "i",
    "j": "gi", "k": "ca", "l": "e lờ", "m": "em", "n": "en", "o": "o", "p": "pê", "q": "quy", "r": "e rờ",
    "s": "ét", "t": "tê", "u": "u", "v": "vê", "w": "vê kép", "x": "ích", "y": "i dài", "z": "dét",
}  # fmt: skip
SYMBOLS = {".": "chấm", "-": "gạch ngang", "_": "gạch dưới", "/": "gạch chéo", "@": "a còng", "+": "cộng"}

_TLDS = "vn|com|net|org|gov|edu|info|int|biz|asia|io|tv|xyz|online|site|me"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}\.)+(?i:{_TLDS})(?![A-Za-z0-9-])"
_PATH = r"(?:/[^\s,;()\[\]\"'“”<>]*)?"
_EMAIL = lazy(rf"(?<![\w.+-])(?P<user>[A-Za-z0-9](?:[A-Za-z0-9._+-]*[A-Za-z0-9])?)@(?P<host>{_DOMAIN})")
_URL = lazy(
    rf"(?<![\w@./-])(?:(?i:https?|ftp)://)?(?P<host>{_DOMAIN})(?::(?P<port>\d{{1,5}}))?(?P<path>{_PATH})"
    rf"|(?<![\w@./-])(?i:https?|ftp)://(?P<anyhost>{_LABEL}(?:\.{_LABEL})*)(?::(?P<anyport>\d{{1,5}}))?(?P<anypath>{_PATH})"
)
_HANDLE = lazy(r"(?<![\w.@])@(?P<name>[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)")
_PIECES = lazy(r"[A-Za-z]+|\d+|[^\W\d_]+|.", re.DOTALL)
_MAX_SYLLABLE = 8
_SYLLABLE_COST, _VOWEL_SYLLABLE_COST, _WORD_COST, _LETTER_COST = 2, 3, 1, 5


@lru_cache(maxsize=1)
def web_words() -> Mapping[str, str]:
    return parse_table(data_text("web_words.tsv"))


def _segment_cost(piece: str) -> int | None:
    if len(piece) >= 3 and piece in web_words():
        return _WORD_COST
    if is_ascii_syllable(piece):
        return _SYLLABLE_COST if piece[0] not in "aeiouy" else _VOWEL_SYLLABLE_COST
    return _LETTER_COST if len(piece) == 1 else None


@lru_cache(maxsize=1024)
def read_letters(run: str) -> str:
    """A run of ASCII letters from an address: a listed word, else syllables, else letter names."""
    run = run.lower()
    words = web_words()
    if run in words:
        return words[run]
    # Cheapest split into listed words, syllables and single letters (dynamic programming).
    best: list[tuple[int, list[str]] | None] = [(0, [])] + [None] * len(run)
    for end in range(1, len(run) + 1):
        for start in range(max(0, end - max(_MAX_SYLLABLE, 16)), end):
            prior, piece = best[start], run[start:end]
            cost = _segment_cost(piece) if prior is not None else None
            if prior is None or cost is None:
                continue
            total = prior[0] + cost
            current = best[end]
            if current is None or total < current[0]:
                best[end] = (total, [*prior[1], piece])
    found = best[-1]
    pieces = found[1] if found is not None else list(run)
    return " ".join(words.get(p) or (LETTERS[p] if len(p) == 1 and not is_ascii_syllable(p) else p) for p in pieces)


def read_address_part(text: str) -> str:
    """A host, user name or path: letters, digits and symbols each in their spoken form."""
    spoken = []
    for piece in _PIECES.findall(text):
        if piece.isdigit():
            spoken.append(read_digits(piece))
        elif piece.isascii() and piece.isalpha():
            spoken.append(read_letters(piece))
        elif piece.isalpha():
            spoken.append(piece)  # a Vietnamese word in a path is read as it is written
        elif piece in SYMBOLS:
            spoken.append(SYMBOLS[piece])
    return " ".join(spoken)


def _trailing_punctuation(path: str) -> tuple[str, str]:
    """A sentence's full stop after an address is not part of the address."""
    stripped = path.rstrip(".,;:!?")
    return stripped, path[len(stripped) :]


def _url(match: re.Match[str]) -> str:
    host = match.group("host") or match.group("anyhost")
    port = match.group("port") or match.group("anyport")
    path, tail = _trailing_punctuation(match.group("path") or match.group("anypath") or "")
    spoken = read_address_part(host)
    if port:
        spoken += " hai chấm " + read_digits(port)
    # A query or fragment (?q=1, #top) is never read out; an announcer gives the page, not the search.
    path = path.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if path:
        spoken += " " + read_address_part(path)
    return spoken + tail


def _email(match: re.Match[str]) -> str:
    return f"{read_address_part(match.group('user'))} a còng {read_address_part(match.group('host'))}"


_HINT = lazy(rf"://|\.(?i:{_TLDS})(?![A-Za-z0-9-])")


def replace_addresses(text: str) -> str:
    """E-mail and web addresses in their spoken form; run before numbers and dates are read."""
    if "@" in text:
        text = _EMAIL.sub(_email, text)
        text = _HANDLE.sub(lambda m: "a còng " + read_address_part(m.group("name")), text)
    # Most sentences have no address: a cheap look for "://" or ".vn" first.
    if ("." in text or "://" in text) and _HINT.search(text):
        text = _URL.sub(_url, text)
    return text
