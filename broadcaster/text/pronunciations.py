"""The commune's own pronunciation list, applied to the spoken form.

Place names, people's names and words a speech engine says wrong: each
entry replaces a whole word or phrase wherever it appears, whatever its case
("hoà bình" matches "Hòa Bình" and "HOÀ BÌNH"), in either tone placement on
oa/oe/uy, longest phrase first, and the replacement is spoken exactly as
written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from broadcaster.text.lazy_re import lazy

# Old and new tone placement on oa/oe/uy are the same word: "hoà" and "hòa".
_PLACEMENTS = {
    new: old
    for old, new in (
        ("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
        ("oè", "òe"), ("oé", "óe"), ("oẻ", "ỏe"), ("oẽ", "õe"), ("oẹ", "ọe"),
        ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy"),
    )
}  # fmt: skip
_TO_NEW = {old: new for new, old in _PLACEMENTS.items()}
_OLD_OR_NEW = lazy("|".join(sorted([*_PLACEMENTS, *_TO_NEW], key=len, reverse=True)))
_SPACES = lazy(r"\s+")


def fold(text: str) -> str:
    """The form two spellings of one phrase share: NFC, lower case, one tone placement, single spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _OLD_OR_NEW.sub(lambda m: _TO_NEW.get(m.group(0), m.group(0)), text)
    return _SPACES.sub(" ", text).strip()


def _phrase_pattern(phrase: str) -> str:
    """A regex for a folded phrase that also matches the other tone placement and any run of spaces."""
    out = []
    last = 0
    for match in _OLD_OR_NEW.finditer(phrase):
        out.append(re.escape(phrase[last : match.start()]))
        new = match.group(0)
        out.append(f"(?:{re.escape(new)}|{re.escape(_PLACEMENTS[new])})")
        last = match.end()
    out.append(re.escape(phrase[last:]))
    return r"\s+".join("".join(out).split(r"\ "))


@lru_cache(maxsize=16)
def _compiled(entries: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    lookup: dict[str, str] = {}
    for phrase, spoken in entries:
        key = fold(phrase)
        if key:
            lookup[key] = unicodedata.normalize("NFC", spoken)
    if not lookup:
        return None, lookup
    alternation = "|".join(_phrase_pattern(k) for k in sorted(lookup, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE), lookup


def apply_pronunciations(spoken: str, table: Mapping[str, str]) -> str:
    """`spoken` with every phrase of `table` (phrase -> how to say it) replaced, whole words only."""
    if not table or not spoken:
        return spoken
    pattern, lookup = _compiled(tuple(sorted(table.items())))
    if pattern is None:
        return spoken
    return pattern.sub(lambda m: lookup[fold(m.group(0))], unicodedata.normalize("NFC", spoken))
