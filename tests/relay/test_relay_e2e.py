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
    matches_record,
    notice_wav,
    session,
    sleep_until,
    timeline,
    whole_second,
)
from tests.relay.stream_server import Sources, silence_inputs, tone_inputs

pytestmark = [pytest.mark.audio_server, pytest.mark.icecast, pytest.mark.slow]

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


def test_a_source_that_dies_gets_the_fallback_within_5_s_and_the_relay_resumes_when_it_returns(
    tmp_path: Path, sources: Sources, private_sink_recorder: SinkRecorder
) -> None:
    source = sources.source(tone_inputs(880)).start()
    start = whole_second(3.5)
    relay = session(source.url, sink_for(private_sink_recorder), start, 16, Fallback(notice=notice_wav(tmp_path)))
    running = Running(relay)
    sleep_until(at(start, 3))
    source.kill()
    killed = SystemClock().now()
    sleep_until(at(start, 8))
    source.start()
    back = SystemClock().now()
    result = running.wait()
    recording = private_sink_recorder.stop()

    labels = timeline(recording, start, at(start, 16))
    fallback_from = labels.index("notice", 30)
    assert set(labels[:30]) == {"relay"}, labels
    # what was already received plays out, then the notice follows: at most 5 s from the death, and no dead air
    assert (at(start, fallback_from * 0.1) - killed).total_seconds() <= 5.0
    assert longest_quiet_s(labels) <= 0.5, labels
    # the relay comes back within the slot and holds to its end
    resumed = labels.index("relay", fallback_from)
    assert (at(start, resumed * 0.1) - back).total_seconds() <= 6.0, labels
    assert set(labels[resumed:-1]) == {"relay"}, labels

    # the buffer may run dry a moment before the end of the stream is noticed (a busy machine): that
    # moment is a short "silence" segment, already bounded by the quiet check above
    segments = [s for s in result.segments if s.kind != "silence" or s.seconds > 0.5]
    kinds = [(s.kind, s.piece) for s in segments]
    assert kinds == [("relay", None), ("fallback", "notice"), ("relay", None)], result.summary()
    down, again = segments[1], segments[2]
    assert down.why in ("the stream ended", "the stream was not found on its server (404)")
    assert again.why == "the relay stream is back"
    matches_record(recording, result)
    assert result.completed and sum(s.seconds for s in result.segments) == pytest.approx(16, abs=0.01)


def test_a_stream_down_before_the_slot_gets_the_fallback_from_the_first_second(
    tmp_path: Path, sources: Sources, private_sink_recorder: SinkRecorder
) -> None:
    url = sources.server.url + sources.mount()  # nobody streams there
    start = whole_second(3.5)
    fallback = Fallback(bulletin=bulletin_wav(tmp_path, 2.0), notice=notice_wav(tmp_path), bulletin_label="bulletin 7")
    result = session(url, sink_for(private_sink_recorder), start, 5, fallback).run()
    recording = private_sink_recorder.stop()

    heard = first_sound(recording, at(start, -1.5))
    assert abs((heard - start).total_seconds()) < START_TOLERANCE_S
    # the station's own bulletin first, whole, then the notice
    labels = timeline(recording, start, at(start, 5))
    assert labels[:20] == ["bulletin"] * 20 and labels[20] == "notice", labels
    assert [(s.kind, s.piece, s.completed) for s in result.segments] == [
        ("fallback", "bulletin", True),
        ("fallback", "notice", None),
    ]
    assert result.segments[0].why == "the stream was not found on its server (404)"
    matches_record(recording, result)
    assert result.bulletin_completed and result.fallback_label == "bulletin 7"
    assert result.relay_seconds == 0 and result.completed


def test_a_silent_stream_counts_as_down(tmp_path: Path, sources: Sources, private_sink_recorder: SinkRecorder) -> None:
    source = sources.source(silence_inputs()).start()
    start = whole_second(3.5)
    result = session(source.url, sink_for(private_sink_recorder), start, 4, Fallback(notice=notice_wav(tmp_path))).run()
    recording = private_sink_recorder.stop()

    labels = timeline(recording, start, at(start, 4))
    assert labels[0] == "notice" and set(labels) <= {"notice", "quiet"}, labels
    assert [s.kind for s in result.segments] == ["fallback"]
    assert result.segments[0].why.startswith("the stream is silent")
    matches_record(recording, result)


def test_stop_cuts_the_relay_to_silence_at_once_and_reports_it_interrupted(
    tmp_path: Path, sources: Sources, private_sink_recorder: SinkRecorder
) -> None:
    source = sources.source(tone_inputs(880)).start()
    start = whole_second(3.5)
    relay = session(source.url, sink_for(private_sink_recorder), start, 10, Fallback(notice=notice_wav(tmp_path)))
    stopped: list[object] = []

    def emergency() -> None:
        sleep_until(at(start, 2))
        stopped.append(SystemClock().now())
        relay.stop("emergency item 12")

    stopper = threading.Thread(target=emergency)
    stopper.start()
    result = relay.run()
    returned = SystemClock().now()
    stopper.join()
    SystemClock().sleep(0.5)
    recording = private_sink_recorder.stop()

    stopped_at = stopped[0]
    assert isinstance(stopped_at, type(start))
    silent_from = last_sound(recording, at(start, 6))
    assert (silent_from - stopped_at).total_seconds() < 0.1
    assert (returned - stopped_at).total_seconds() < 1.0  # the emergency can air
    assert not result.completed and result.stop_reason == "emergency item 12"
    assert result.played_seconds == pytest.approx(2.0, abs=0.1)
    end_of_record = result.started_at + timedelta(seconds=result.played_seconds)
    assert abs((result.segments[-1].ended_at - end_of_record).total_seconds()) < 0.002


def test_a_stalled_stream_gets_the_fallback_within_5_s(
    tmp_path: Path, sources: Sources, private_sink_recorder: SinkRecorder
) -> None:
    source = sources.source(tone_inputs(880)).start()
    start = whole_second(3.5)
    relay = session(source.url, sink_for(private_sink_recorder), start, 9, Fallback(notice=notice_wav(tmp_path)))
    running = Running(relay)
    sleep_until(at(start, 2))
    source.freeze()  # connected, but no more bytes: the hang that left LibreTime stations in dead air
    frozen = SystemClock().now()
    result = running.wait()
    recording = private_sink_recorder.stop()

    labels = timeline(recording, start, at(start, 9))
    # what had arrived plays out; the horns wait at most a moment for more, then the notice
    assert [(s.kind, s.piece) for s in result.segments] == [("relay", None), ("silence", None), ("fallback", "notice")]
    relay, gap, fallback = result.segments
    assert gap.seconds <= 1.5 and gap.why == "waiting for the stream's next data"
    assert fallback.why.startswith("the stream stalled (no data for")
    assert (fallback.started_at - frozen).total_seconds() <= 5.0
    assert longest_quiet_s(labels) <= 1.5, labels
    matches_record(recording, result)
