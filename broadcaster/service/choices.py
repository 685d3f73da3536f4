"""A topic or a priority as an official names it, checked against the station's plan.

Kept apart from drafting.py (which checks whole items, and loads the text checks) so that
listing the queue can check its --topic without loading them.
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import TYPE_CHECKING

from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.model import Priority

if TYPE_CHECKING:
    from broadcaster.config import Config


def check_topic(config: Config, code: str | None, where: str = "") -> str:
    """`where` names the place in a file (e.g. "news.csv row 3: column 'topic': ")."""
    codes = [t.code for t in config.topics]
    if not code or not code.strip():
        raise InputError(
            _("{where}The topic is missing.").format(where=where),
            _("Give one of the topic codes: {codes}.").format(codes=", ".join(codes)),
        )
    code = code.strip()
    if code not in codes:
        close = difflib.get_close_matches(code, codes, n=1, cutoff=0.5)
        hint = _("Did you mean '{code}'? ").format(code=close[0]) if close else ""
        raise InputError(
            _("{where}Unknown topic '{code}'.").format(where=where, code=code),
            hint + _("Run `broadcaster topics` to see the codes."),
        )
    return code


# The words of Thông tư 39/2020 an official writes in a spreadsheet, with or without their tones.
PRIORITY_WORDS = {
    "thuong": Priority.NORMAL,
    "thong thuong": Priority.NORMAL,
    "binh thuong": Priority.NORMAL,
    "uu tien": Priority.PRIORITY,
    "khan cap": Priority.EMERGENCY,
}


def _without_tones(word: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return " ".join(bare.replace("đ", "d").replace("Đ", "D").casefold().split())


def check_priority(value: str | None, what: str = "--priority") -> Priority:
    given = (value or "normal").strip()
    if (word := _without_tones(given)) in PRIORITY_WORDS:
        return PRIORITY_WORDS[word]
    try:
        return Priority(given.lower())
    except ValueError:
        raise InputError(
            _("{what} '{value}' is not a priority.").format(what=what, value=value),
            _("Use normal, priority or emergency (Thông tư 39/2020)."),
        ) from None
