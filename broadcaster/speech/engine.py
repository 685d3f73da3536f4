"""The contract every text-to-speech engine meets.

Engines receive text that broadcaster.text has already normalized (numbers,
dates and abbreviations spelled out); they only apply Unicode NFC, because
Vietnamese typed on different keyboards arrives as composed or decomposed
tone marks and engines pronounce the two differently.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class SpeechEngine(Protocol):
    name: str
    voice: str

    @property
    def settings(self) -> Mapping[str, object]:
        """Everything besides text and voice that changes the sound (part of the render cache key)."""
        ...

    def synthesize(self, text: str, out_path: Path) -> None:
        """Write speech for `text` to `out_path` (any format ffmpeg decodes); raise SpeechError."""
        ...


def _no_problems(_settings: Any) -> list[str]:
    return []


def _no_warnings(_settings: Any, _base_dir: Path) -> list[str]:
    return []


@dataclass(frozen=True)
class EngineSpec:
    """One speech engine as the station knows it: its `[speech.NAME]` settings (a frozen dataclass read
    by the config loader), how to build it from them, and how `config check` and `doctor` look at it.
    `base_dir` is the config file's folder (relative paths in the settings resolve against it)."""

    name: str
    label: str  # what doctor calls it, e.g. "espeak-ng (offline voice)"
    settings: type  # the dataclass of [speech.NAME]
    build: Callable[[Any, Path], SpeechEngine]
    ready: str  # what doctor says when the check passes
    # for doctor: None when the engine speaks here, else what is wrong (" Fix: " before the remedy)
    check: Callable[[Any, Path], str | None]
    # what stops the file from loading (values no engine could use), beyond the ranges the dataclass declares
    problems: Callable[[Any], list[str]] = _no_problems
    # what `config check` warns about without running the engine (a missing voice file)
    warnings: Callable[[Any, Path], list[str]] = _no_warnings
    online: bool = False  # an online engine that cannot be reached is not a fault: the fallback speaks
    # not empty: the engine has no usable defaults and needs its [speech.NAME] table; how to write it
    needs_table: str = ""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@contextmanager
def atomic_output(out_path: Path) -> Iterator[Path]:
    """Yield a temp path beside `out_path`; on success rename it into place, on failure delete it.

    A reader (the cache, the player) either sees no file or a whole file, never a
    half-written or empty one left behind by a crash or a failed request.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)
