"""Regular expressions compiled on first use, and the normalizer's data files read from the package.

Compiling the normalizer's ~100 expressions at import was most of the cold start of `broadcaster
normalize` (issue 9: <= 200 ms). Most texts never need many of them (legacy font text, web addresses,
Roman numerals, document codes): each rule looks for what it needs (a digit, "/", "-", "@") before its
expression is compiled at all. A LazyPattern behaves as the re.Pattern it stands for.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def data_text(name: str) -> str:
    """A file of broadcaster/text/data (the package is installed as files: no importlib.resources to load)."""
    return (DATA / name).read_text(encoding="utf-8")


class LazyPattern:
    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self._source

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[str]:
        return self.compiled.findall(string, pos, endpos)

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self.compiled.split(string, maxsplit)


_DIGIT = re.compile(r"\d")  # the one compiled at import: the check most rules start with


def has_digit(text: str) -> bool:
    """Whether `text` has a digit as \\d sees one (any Unicode decimal digit)."""
    return _DIGIT.search(text) is not None


def lazy(source: str, flags: int = 0) -> LazyPattern:
    """re.compile(source, flags), on first use."""
    return LazyPattern(source, flags)
