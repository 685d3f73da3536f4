"""End to end through a real sound server: what the daemon airs is what reaches the horn sink, on time.

The test PulseAudio server (scripts/start-audio-server.sh) has a null sink named
"horn"; its monitor is recorded with parec from before the daemon starts, and the
recording is compared with the bulletin WAVs by cross-correlation. Sample times
are anchored by when parec's blocks arrived (see tests/audio_server.py), not by
when parec started.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from tests.audio_server import Recording, SinkRecorder, audio_server, read_wav, sink_recorder  # noqa: F401
from tests.onair.helpers import (
    DaemonProcess,
    add_news,
    airing_log,
    bulletin_file,
    later,
    make_station,
    opening_jingle,
    render_all,
    seconds_between,
    sleep_until,
    slot_in,
    when,
)
from tests.onair.test_daemon_recovery import LONG_TEXT

pytestmark = [pytest.mark.audio_server, pytest.mark.slow]

# The daemon's own clock against the recording's (parec block arrivals); measured ~1-5 ms here.
START_TOLERANCE_S = 0.05
MATCH = 0.9  # normalised correlation: 1.0 = the same samples


def bulletin_on_sink(recording: Recording, near: datetime, window_s: float = 3.0) -> int:
    """Sample where a bulletin's opening jingle (a sweep: one sharp peak) sounded, within `window_s` of `near`."""
    jingle = opening_jingle()
    start = max(0, recording.index_of(near) - round(window_s * recording.rate))
    end = recording.index_of(near) + round(window_s * recording.rate) + len(jingle)
    match = recording.find(jingle, start, end)
    assert match.score > MATCH, f"no bulletin on the sink near {near} (best correlation {match.score:.2f})"
    return match.index


def likeness(recording: Recording, index: int, reference: np.ndarray) -> float:
    """Normalised correlation of `reference` with the recording from `index` on: 1.0 = the same samples."""
    heard = recording.samples[index : index + len(reference)].astype(np.float64)
    ref = reference[: len(heard)].astype(np.float64)
    return float(heard @ ref / (np.sqrt(heard @ heard) * np.sqrt(ref @ ref) + 1e-9))


def loud_between(recording: Recording, a: datetime, b: datetime) -> float:
    part = recording.samples[recording.index_of(a) : recording.index_of(b)].astype(np.float64)
    return float(np.sqrt(np.mean(part * part))) / 32767 if len(part) else 0.0


def test_a_slot_airs_on_the_horns_on_time_and_an_emergency_cuts_in(
    tmp_path: Path,
    sink_recorder: SinkRecorder,  # noqa: F811
) -> None:
    cli = make_station(tmp_path, device="horn")
    add_news(cli, "Tin dài", LONG_TEXT)
    render_all(cli)
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        slot = slot_in(4)
        daemon.use_programme([slot])
        sleep_until(later(slot.at, 3))
        urgent = add_news(cli, "Thông báo khẩn", "Mất điện chiều nay.")
        cli.ok("air-now", str(urgent))
        daemon.wait_record(lambda r: r["kind"] == "emergency", timeout=20, what="the emergency airing")
        assert daemon.stop() == 0
    finally:
        daemon.close()
    recording = sink_recorder.stop()

    cut, emergency = airing_log(cli)
    assert (cut["status"], emergency["status"]) == ("interrupted", "completed")
    assert cut["output"] == "device:horn" and cut["device"] == "horn"
    # the slot's bulletin started on its second: heard on the sink, and as logged
    index = bulletin_on_sink(recording, slot.at)
    heard = recording.time_of(index)
    assert abs(seconds_between(heard, slot.at)) < START_TOLERANCE_S
    assert abs(seconds_between(when(cut["started_at"]), heard)) < START_TOLERANCE_S
    # and it was that bulletin, sample for sample, as far as it got
    bulletin, _, _ = read_wav(bulletin_file(cli, cut))
    assert likeness(recording, index, bulletin[: round((cut["duration_seconds"] - 0.3) * recording.rate)]) > MATCH
    # the horns went quiet when it was cut, until the emergency, which aired whole
    emergency_audio, _, _ = read_wav(bulletin_file(cli, emergency))
    e_index = bulletin_on_sink(recording, when(emergency["started_at"]))
    e_heard = recording.time_of(e_index)
    assert likeness(recording, e_index, emergency_audio) > MATCH
    assert len(recording.samples) - e_index >= len(emergency_audio)
    assert abs(seconds_between(e_heard, when(emergency["started_at"]))) < START_TOLERANCE_S
    assert loud_between(recording, later(when(cut["ended_at"]), 0.3), later(e_heard, -0.05)) < 0.001
    assert 0 < seconds_between(e_heard, later(slot.at, 3)) < 5.0


def test_a_crash_on_air_and_a_slot_missed_while_down_are_both_logged(
    tmp_path: Path,
    sink_recorder: SinkRecorder,  # noqa: F811
) -> None:
    cli = make_station(tmp_path, device="horn", grace_minutes=0.05)
    add_news(cli, "Tin dài", LONG_TEXT)
    render_all(cli)
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        crashed, missed = slot_in(4, "Bản tin sáng"), slot_in(9, "Bản tin trưa")
        daemon.use_programme([crashed, missed])
        sleep_until(later(crashed.at, 3.5))
        daemon.kill9()
        killed_at = datetime.now(crashed.at.tzinfo)
        sleep_until(later(missed.at, 3.5))  # past the 3 s grace
        restarted = DaemonProcess(cli)
        try:
            restarted.wait_started()
            assert restarted.stop() == 0
        finally:
            restarted.close()
    finally:
        daemon.close()
    recording = sink_recorder.stop()

    # sound really went out, on time, and stopped with the crash
    heard = recording.time_of(bulletin_on_sink(recording, crashed.at))
    assert abs(seconds_between(heard, crashed.at)) < START_TOLERANCE_S
    assert loud_between(recording, later(crashed.at, 1.0), later(crashed.at, 3.0)) > 0.01
    assert loud_between(recording, later(killed_at, 0.5), later(missed.at, 5)) < 0.001

    first, second = airing_log(cli)
    assert (first["slot"], first["status"]) == (crashed.name, "interrupted")
    assert "crash or power cut" in first["reason"]
    assert 1.9 <= first["duration_seconds"] <= 3.6
    assert (second["slot"], second["status"], second["started_at"]) == (missed.name, "missed", None)
    assert "the station was off" in second["reason"] and "3-second grace period" in second["reason"]
    assert json.loads(cli.ok("status", "--json"))["on_air"] == []
    assert "intact: 2 airings" in cli.ok("log", "verify")
