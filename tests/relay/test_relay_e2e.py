"""Relays through real processes: Icecast fed by ffmpeg, the session's ffmpeg and pacat, the 'horn' sink recorded.

Each test streams a tone (880 Hz) to a mount of its own, relays it to the
test's own PulseAudio null sink and records that sink with parec, so what is
asserted is what the loudspeakers would have played: when sound started,
what it was (the stream's tone, the notice's 440 Hz, the bulletin's 660 Hz),
how long the horns were quiet, and what the result records.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from broadcaster.clock import SystemClock
from broadcaster.relay import Fallback
from broadcaster.sound.stream_out import PlayerSink
from tests.audio_server import SinkRecorder
from tests.relay.helpers import (
    Running,
    at,
    bulletin_wav,
    first_sound,
    last_sound,
    longest_quiet_s,
    notice_wav,
    session,
    sleep_until,
    timeline,
    whole_second,
)
from tests.relay.stream_server import Sources, silence_inputs, tone_inputs

pytestmark = [pytest.mark.audio_server, pytest.mark.icecast]

START_TOLERANCE_S = 0.05


def sink_for(recorder: SinkRecorder) -> PlayerSink:
    return PlayerSink(recorder.sink, "pulse")


def test_the_relay_starts_on_the_slots_second_with_the_streams_sound(
    tmp_path: Path, sources: Sources, private_sink_recorder: SinkRecorder
) -> None:
    source = sources.source(tone_inputs(880)).start()
    start = whole_second(3.5)
    result = session(source.url, sink_for(private_sink_recorder), start, 5, Fallback(notice=notice_wav(tmp_path))).run()
    recording = private_sink_recorder.stop()

    heard = first_sound(recording, at(start, -1.5))
    assert abs((heard - start).total_seconds()) < START_TOLERANCE_S, f"sound began {heard - start} off the second"
    assert abs((result.started_at - start).total_seconds()) < START_TOLERANCE_S
    # the stream's tone, all through the slot, and nothing after it
    labels = timeline(recording, at(start, 0.05), at(start, 4.95))
    assert labels == ["relay"] * len(labels), labels
    assert abs((last_sound(recording, at(start, 6)) - at(start, 5)).total_seconds()) < 0.1
    assert result.completed and result.stop_reason == ""
    assert [(s.kind, s.why) for s in result.segments] == [("relay", "the relay is on air")]
    assert result.relay_seconds == pytest.approx(5.0, abs=0.01)
    assert result.bytes_sent == 5 * 44100 * 2 and len(result.sha256) == 64
