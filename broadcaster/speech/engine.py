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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, runtime_checkable


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
