"""A recorded item's audio: its mastered file in the recordings folder, as the voicing sees it.

Recordings are checked and mastered when they arrive (service/recorded.py); here they are only
found again. Planning asks for every item's audio, so `ready` only looks the file up (a manifest
read, no hashing of a 30-minute file); preparing ahead checks the mastered file against its
SHA-256 and, when the mastering settings changed or the file was damaged, masters the kept
original again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

from broadcaster.config import Config
from broadcaster.errors import AudioError, NotFoundError
from broadcaster.media.mastering import MasteringSettings
from broadcaster.model import NewsItem, Recording
from broadcaster.recordings import (
    AcceptedRecording,
    RecordingLimits,
    kept_recording,
    recording_mastering,
    remaster,
)
from broadcaster.recordings.archive import settings_key

log = logging.getLogger(__name__)

CLIPPED_NOTICE_PERCENT = 10.0


def recording_limits(config: Config) -> RecordingLimits:
    """What the station accepts as a recording (`[recordings]`)."""
    r = config.recordings
    return RecordingLimits(
        min_seconds=max(r.min_seconds, 0.01),  # 0 in config.toml: any length; intake needs some sound
        max_seconds=r.max_minutes * 60,
        max_bytes=round(r.max_upload_mb * 1_000_000),
        silent_below_dbfs=r.silent_below_dbfs,
        clipped_refuse_percent=r.clipped_refuse_percent,
        clipped_notice_percent=min(CLIPPED_NOTICE_PERCENT, r.clipped_refuse_percent),
    )


def recording_settings(config: Config, speech: MasteringSettings) -> MasteringSettings:
    """The speech mastering chain at the speaker's own pace (unless `[recordings] tempo` says otherwise)."""
    r = config.recordings
    return replace(recording_mastering(speech, r.tempo), trim_silence=r.trim_silence)


class RecordingAudio:
    """The mastered recordings of the station's recorded items."""

    def __init__(self, config: Config, speech: MasteringSettings) -> None:
        self.folder = config.recordings_dir
        self.limits = recording_limits(config)
        self.mastering = recording_settings(config, speech)
        self.key = settings_key(self.mastering)

    def ready(self, recording: Recording) -> AcceptedRecording | None:
        """The mastered recording if it is there for the current settings, never reading it whole."""
        try:
            return kept_recording(self.folder, recording.sha256, self.mastering, check_hash=False)
        except NotFoundError:
            return None

    def prepare(self, item: NewsItem) -> AcceptedRecording:
        """The mastered recording checked against its SHA-256; mastered again from the kept original
        when the settings changed or the file was damaged."""
        recording = item.recording
        assert recording is not None, f"item {item.id} has no recording"
        try:
            return kept_recording(self.folder, recording.sha256, self.mastering)
        except (NotFoundError, AudioError) as exc:
            log.warning("recording of item %s is mastered again from its kept original: %s", item.id, exc.message)
        return remaster(self.folder, recording.sha256, self.limits, self.mastering, name=recording.name)

    def version(self, recording: Recording) -> str:
        """What names the mastered version the station airs now (the renderings' cache key)."""
        return hashlib.sha256(f"{recording.sha256}-{self.key}".encode("ascii")).hexdigest()
