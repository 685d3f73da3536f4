"""Hearing a recording before it is saved: the file goes through the same intake as a recorded
item (decoded, checked, trimmed, mastered) into a temporary folder, and only its mastered WAV is
kept for an hour under a random token, for the console's player. Nothing is queued and nothing
enters the recordings archive: saving the item runs the intake again (the same file masters the same).
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from broadcaster.errors import NotFoundError
from broadcaster.i18n import _
from broadcaster.recordings import accept_recording
from broadcaster.service.context import Station
from broadcaster.service.queue import NewsDesk

KEEP_S = 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class RecordingPreview:
    token: str  # names the mastered WAV for `preview_path`
    seconds: float  # the mastered length (silence before and after trimmed)
    original_seconds: float
    notices: tuple[str, ...]


def _folder(station: Station) -> Path:
    return station.config.audio_dir / "previews" / "recordings"


def _forget_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_S
    for old in folder.glob("*.wav"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            continue


def make_preview(station: Station, path: Path, name: str) -> RecordingPreview:
    """Check and master `path` (called `name` in messages) as a recorded item's file; raises as the intake does."""
    from broadcaster.service.recorded import RecordedNews

    recorded = RecordedNews(NewsDesk(station))
    folder = _folder(station)
    folder.mkdir(parents=True, exist_ok=True)
    _forget_old(folder)
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix=".master-", dir=folder) as tmp:
        accepted = accept_recording(path, Path(tmp), recorded.limits, recorded.mastering, original_name=name)
        shutil.copyfile(accepted.mastered_path, folder / f"{token}.wav")
    return RecordingPreview(token, accepted.mastered_duration_s, accepted.original_duration_s, accepted.notices)


def preview_path(station: Station, token: str) -> Path:
    """The mastered WAV of a preview made within the hour."""
    path = _folder(station) / f"{token}.wav"
    if not _TOKEN.match(token) or not path.is_file():
        raise NotFoundError(
            _("This preview is no longer kept."), _("Choose the file again and press Listen to hear it.")
        )
    return path
