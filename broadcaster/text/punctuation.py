"""Punctuation that would put a pause, or a stray sound, where an announcer makes none.

The speech engines pause at every full stop and comma and may read symbols
aloud. Left over after the other rules: a full stop inside a word
("tp.vinh"; before a capital it ends a heading and gets its space),
doubled marks ("3., 4.", "./." at a document's end), bullets ("·", "•"),
a closing quote or prime with nothing opened before it (a minute mark,
"14h’"), and an "@" that was not part of an e-mail address.
"""

from __future__ import annotations

from broadcaster.text.lazy_re import lazy

_INNER_STOP = lazy(r"(?<=[^\W\d_])\.(?=[^\W\d_])")
_STOP_BEFORE_MARK = lazy(r"\.\s*(?=[,;:])")
_DOCUMENT_END = lazy(r"\./\.")
_BULLETS = lazy(r"[·•●▪◦‣⁃∙■□◆◇►▶➢✓✔*]+")
_PRIMES = lazy(r"[′″`´]")
_LONE_CLOSING = lazy(r"(?<![^\W\d_])’|’(?![^\W\d_])")
_AT = lazy(r"\s*@\s*")


def _closing_quotes(line: str) -> str:
    # ’ closes a ‘ quote, or sits inside a name (O’Neil); alone it is a minute mark or a slip.
    return line if "‘" in line else _LONE_CLOSING.sub("", line)


def tidy_punctuation(text: str) -> str:
    text = _DOCUMENT_END.sub(".", text)
    # "3.Công chức" is a heading, "ba.Công": keep the pause; inside a lower-case word it is no pause.
    text = _INNER_STOP.sub(lambda m: ". " if m.string[m.end()].isupper() else " ", text)
    text = _STOP_BEFORE_MARK.sub("", text)
    text = _BULLETS.sub(" ", text)
    text = _PRIMES.sub("", text)
    text = _AT.sub(" a còng ", text)  # an @ outside an e-mail address (a Zalo or Facebook name)
    if "’" in text:
        text = "\n".join(_closing_quotes(line) for line in text.split("\n"))
    return text
