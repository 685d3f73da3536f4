"""Recorded news items: received audio files checked, mastered and kept as evidence.

The application calls `accept_recording` (or `inspect_recording` to check a
file without storing it) when a recording arrives, and `kept_recording` for
the audio of an item about to air; everything else here serves those three.
"""

from broadcaster.recordings.figures import RecordingLimits
from broadcaster.recordings.intake import (
    AcceptedRecording,
    RecordingInfo,
    StagedRecording,
    accept_recording,
    inspect_recording,
    kept_recording,
    recording_mastering,
    remaster,
    stage_recording,
)

__all__ = [
    "AcceptedRecording",
    "RecordingInfo",
    "RecordingLimits",
    "StagedRecording",
    "accept_recording",
    "inspect_recording",
    "kept_recording",
    "recording_mastering",
    "remaster",
    "stage_recording",
]
