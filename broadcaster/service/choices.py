"""A topic or a priority as an official names it, checked against the station's plan.

Kept apart from drafting.py (which checks whole items, and loads the text checks) so that
listing the queue can check its --topic without loading them.
"""

from __future__ import annotations

import difflib
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


def check_priority(value: str | None, what: str = "--priority") -> Priority:
    try:
        return Priority((value or "normal").strip().lower())
    except ValueError:
        raise InputError(
            _("{what} '{value}' is not a priority.").format(what=what, value=value),
            _("Use normal, priority or emergency (Thông tư 39/2020)."),
        ) from None
