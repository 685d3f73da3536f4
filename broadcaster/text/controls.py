"""Characters that cannot be spoken: NUL, other control characters, terminal colour codes.

A NUL byte ends the text for a C program such as espeak-ng, so "Xin chào\\x00bà
con." would be spoken as "Xin chào"; colour codes pasted from a terminal are
echoed raw. They are taken out before anything is stored, and counted so the
official is told. Line breaks and tabs are kept.
"""

from __future__ import annotations

import re

from broadcaster.text.lazy_re import lazy

# ESC [ ... final (CSI, colours), ESC ] ... BEL or ESC \ (OSC, titles), ESC + one char, and 8-bit CSI.
_ANSI = lazy(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
# C0 and C1 controls and DEL; tab, line feed and carriage return are line layout and stay.
_CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_CONTROL = lazy(f"[{_CONTROL_CHARS}]")
_CONTROL_RUN = lazy(f"[{_CONTROL_CHARS}]+")


def has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None


def count_controls(text: str) -> int:
    """Control characters in `text`, a terminal colour code counting as one."""
    if not has_controls(text):
        return 0
    codes = len(_ANSI.findall(text))
    return codes + len(_CONTROL.findall(_ANSI.sub("", text)))


def strip_controls(text: str) -> tuple[str, int]:
    """(`text` without control characters or colour codes, how many were removed).

    A control character between two words becomes a space, so no two words
    are glued together where a NUL separated them.
    """
    if not has_controls(text):
        return text, 0
    removed = count_controls(text)

    def gap(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        before = match.string[start - 1] if start else " "
        after = match.string[end] if end < len(match.string) else " "
        return "" if before.isspace() or after.isspace() else " "

    # A colour code sits inside a word as often as between words: it leaves no gap.
    return _CONTROL_RUN.sub(gap, _ANSI.sub("", text)), removed
