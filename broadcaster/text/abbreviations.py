"""Administrative abbreviations, expanded from data/abbreviations.tsv.

All-caps abbreviations match case-sensitively as whole tokens, so an
already spoken text (lower case) is never expanded twice. An abbreviation
may be glued to a number (TW6, QH14): the number stays and is read later.
An abbreviation written with its full stop ("Tp.", "tx.", "P.7") takes the
stop with it, so no pause falls inside a place name ("thành phố Hà Tĩnh");
a one-letter one ("P.", "Q.") only before a number, where it cannot be
someone's initial. Abbreviations joined by hyphens ("HĐND-UBND") are each
expanded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from broadcaster.text.lazy_re import LazyPattern, data_text, lazy

_DATA_FILE = "abbreviations.tsv"
# "TT" means different things by context; it is resolved by _expand_tt.
_TT = "TT"
_STANDING_BODIES = frozenset({"HĐND", "UBND", "MTTQ", "ĐU", "HU", "TU", "HĐ", "UB", "Đảng", "đảng", "Hội", "Ủy"})
_LETTER = r"[^\W\d_]"


def parse_table(text: str) -> dict[str, str]:
    """abbreviation<TAB>expansion lines; blank lines and # comments are skipped."""
    table: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, expansion = line.partition("\t")
        if not sep or not key.strip() or not expansion.strip():
            raise ValueError(f"bad abbreviation line: {raw!r}")
        table[unicodedata.normalize("NFC", key.strip())] = unicodedata.normalize("NFC", expansion.strip())
    return table


@lru_cache(maxsize=1)
def default_table() -> Mapping[str, str]:
    return parse_table(data_text(_DATA_FILE))


def _is_caps(key: str) -> bool:
    letters = [c for c in key if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _alternation(keys: list[str]) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


def _group(name: str, keys: list[str], caps: bool) -> str:
    alternation = f"(?P<{name}>{_alternation(keys)})"
    return alternation if caps else f"(?i:{alternation})"


class Expander:
    """Compiled matcher for one abbreviation table."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = dict(table)
        self._lower = {k.lower(): v for k, v in table.items() if not _is_caps(k)}
        plain = [k for k in table if not k.endswith(".")]
        dotted = [k for k in table if k.endswith(".")]
        caps = [k for k in plain if _is_caps(k)]
        other = [k for k in plain if not _is_caps(k)]
        self._dotted = self._dotted_pattern(dotted)
        # Not after a letter, digit or joiner; not before a letter (digits may follow: TW6).
        before, after = r"(?<![\w&/-])", rf"(?!{_LETTER}|-{_LETTER}|&)"
        parts = []
        if caps:
            parts.append(f"(?P<caps>{_alternation(caps)})")
        if other:
            parts.append(f"(?i:(?P<other>{_alternation(other)}))")
        self._pattern = lazy(f"{before}(?:{'|'.join(parts)}){after}") if parts else None

    @staticmethod
    def _dotted_pattern(keys: list[str]) -> LazyPattern | None:
        caps = [k for k in keys if _is_caps(k)]
        other = [k for k in keys if not _is_caps(k)]
        parts = [_group(n, ks, c) for n, ks, c in (("dcaps", caps, True), ("dother", other, False)) if ks]
        # Only where a name or number follows on the same line: a full stop at the end is the sentence's.
        return lazy(rf"(?<![\w&/.-])(?:{'|'.join(parts)})(?=[ \t]*[^\W_])") if parts else None

    def _replace_dotted(self, match: re.Match[str]) -> str:
        key = match.group("dcaps") if "dcaps" in match.re.groupindex else None
        words = self._table[key] if key is not None else self._lower[match.group("dother").lower()]
        if key is not None and len(key) == 2 and not match.string[match.end() :].lstrip(" \t")[:1].isdigit():
            return match.group(0)  # "Nguyễn Văn P. và ..." is an initial, "P.7" a ward
        return words + " "

    def _replace_chain(self, match: re.Match[str]) -> str:
        parts = match.group(0).split("-")
        if match.group(0) in self._table or not all(_is_caps(p) and p in self._table for p in parts):
            return match.group(0)
        return ", ".join(self._table[p] for p in parts)

    def expansion(self, key: str) -> str | None:
        return self._table.get(key) or self._lower.get(key.lower())

    def expand_context(self, text: str) -> str:
        """Abbreviations whose meaning depends on the next word; run before numbers are read."""
        return text if _TT in self._table else _expand_tt(text)

    def expand(self, text: str) -> str:
        text = self.expand_context(text)
        if self._dotted is not None and "." in text:
            text = self._dotted.sub(self._replace_dotted, text)
        if "-" in text:
            text = _CHAIN.sub(self._replace_chain, text)
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        caps = match.group("caps") if "caps" in match.re.groupindex else None
        if caps is not None:
            words = self._table[caps]
        else:
            words = self._lower[match.group("other").lower()]
        end = match.end()
        if end < len(match.string) and match.string[end].isdigit():
            words += " "
        return words


_CHAIN = lazy(r"(?<![\w&/-])[A-ZĐ][A-ZĐƯ&]+(?:-[A-ZĐ][A-ZĐƯ&]+)+(?![\w-])")
# "TT." before a name is a town (thị trấn Phố Châu); "TT.HĐND" is still the standing committee.
_TT_RE = lazy(r"(?<![\w&/-])TT(?![\w&]|-\w)(?P<dot>\.(?=[ \t]*[^\W_]))?(?P<next>[ \t]*[^\s,.;:]*)")


def _expand_tt(text: str) -> str:
    return _TT_RE.sub(_tt_replace, text)


def _tt_replace(match: re.Match[str]) -> str:
    nxt = match.group("next")
    word = nxt.strip()
    if not word or word in _STANDING_BODIES or word.startswith(("HĐND", "UBND")):
        meaning = "thường trực"
    elif word[0].isdigit() or word.lower() == "số":
        meaning = "thông tư"
    elif word[0].isupper():
        meaning = "thị trấn" if match.group("dot") else "trung tâm"
    else:
        meaning = "thường trực"
    return f"{meaning} {word}" if match.group("dot") else meaning + nxt


@lru_cache(maxsize=16)
def _cached_expander(extra: tuple[tuple[str, str], ...]) -> Expander:
    table = dict(default_table())
    table.update(extra)
    return Expander(table)


def expander(extra: Mapping[str, str] | None = None) -> Expander:
    """The file's table, overridden by the station's extra abbreviations."""
    items = tuple(sorted((unicodedata.normalize("NFC", k), v) for k, v in (extra or {}).items()))
    return _cached_expander(items)
