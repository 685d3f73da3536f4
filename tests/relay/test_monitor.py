"""The relay's rules on a fake clock: when the stream counts as down, when the fallback airs, when the relay returns.

`Simulation` runs the session's loop without processes: a scripted stream feeds
the monitor and a buffer, and the switcher picks each 0.1 s block, as
broadcaster/relay/session.py does with real ffmpeg and pacat.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from broadcaster.relay.monitor import Backoff, Segment, StreamMonitor, Switcher, Thresholds, Tick
from broadcaster.relay.source import explain_stream_failure
from tests.fakes import FakeClock

T = Thresholds(silence_dbfs=-50, silence_s=4, stall_s=3, recover_s=2, recover_max_s=30, join_buffer_s=1, flow_gap_s=1)
LOUD, QUIET = -20.0, -90.0
STEP = 0.1


def test_a_stream_stalls_only_after_stall_s_without_bytes() -> None:
    clock = FakeClock()
    monitor = StreamMonitor(T)
    monitor.started(clock.monotonic())
    monitor.audio(clock.monotonic(), 0.1, LOUD)
    clock.advance(2.9)
    assert monitor.health(clock.monotonic()) == ("ok", "")
    clock.advance(0.1)
    assert monitor.health(clock.monotonic()) == ("stalled", "the stream stalled (no data for 3 s)")


def test_silence_is_counted_in_seconds_of_audio_so_a_silent_burst_is_known_at_once() -> None:
    clock = FakeClock()
    monitor = StreamMonitor(T)
    monitor.started(clock.monotonic())
    for _ in range(40):  # 4 s of silence, all arriving in the connection's first burst
        monitor.audio(clock.monotonic(), 0.1, QUIET)
    assert monitor.health(clock.monotonic()) == ("silent", "the stream is silent (4 s below -50 dBFS)")
    monitor.audio(clock.monotonic(), 0.1, LOUD)
    assert monitor.health(clock.monotonic())[0] == "ok"


def test_pauses_in_speech_shorter_than_silence_s_are_not_silence() -> None:
    clock = FakeClock()
    monitor = StreamMonitor(T)
    for _ in range(10):
        for level in [LOUD] * 5 + [QUIET] * 35:  # 3.5 s pauses between words
            monitor.audio(clock.monotonic(), 0.1, level)
            clock.advance(0.1)
            assert monitor.health(clock.monotonic())[0] == "ok"


def test_a_connection_that_hangs_counts_as_stalled_after_stall_s() -> None:
    monitor = StreamMonitor(T)
    monitor.started(0.0)
    assert monitor.health(2.9) == ("connecting", "no audio from the stream yet")
    assert monitor.health(3.0) == ("stalled", "no audio from the stream for 3 s")


def test_a_new_attempt_after_a_failure_reports_that_failure_until_audio_comes() -> None:
    monitor = StreamMonitor(T)
    assert monitor.health(0.0) == ("down", "not connected yet")
    monitor.started(0.0)
    assert monitor.health(0.1) == ("connecting", "no audio from the stream yet")
    monitor.ended(0.2, "the stream was not found on its server (404)")
    assert monitor.health(0.3) == ("down", "the stream was not found on its server (404)")
    monitor.started(1.0)
    assert monitor.health(1.1) == ("connecting", "the stream was not found on its server (404)")
    monitor.audio(1.2, 0.1, LOUD)
    assert monitor.health(1.3) == ("ok", "")


def test_the_recovery_clock_runs_only_while_the_stream_keeps_flowing() -> None:
    monitor = StreamMonitor(T)
    monitor.started(0.0)
    for _ in range(80):  # a frozen source's server hands a new listener 8 s of old audio at once...
        monitor.audio(0.0, 0.1, LOUD)
    assert monitor.fit_for(1.0) == pytest.approx(1.0)
    assert monitor.fit_for(1.1) == 0.0  # ...and then nothing: it never counts as back for recover_s
    monitor.audio(2.5, 0.1, LOUD)  # bytes again after a 2.5 s pause: the clock starts over
    assert monitor.fit_for(2.6) == pytest.approx(0.1)


def test_thresholds_that_would_let_a_burst_count_as_recovery_are_refused() -> None:
    with pytest.raises(ValueError, match="flow_gap_s < recover_s"):
        Thresholds(recover_s=1.0, flow_gap_s=1.0)


def test_the_recovery_time_doubles_with_each_failure_up_to_its_cap() -> None:
    assert [T.recovery_needed(n) for n in range(7)] == [2, 2, 4, 8, 16, 30, 30]


def test_reconnection_attempts_back_off_and_start_again_after_a_good_run() -> None:
    backoff = Backoff(first_s=1, max_s=10)
    assert [backoff.next_delay() for _ in range(7)] == [0, 1, 2, 4, 8, 10, 10]
    backoff.reset()
    assert backoff.next_delay() == 0


# --------------------------------------------------------------------------- switching


Stream = Callable[[float], str]  # seconds since the slot's start -> "up", "silent", "frozen", "hung" or "down"


class Simulation:
    """The session's loop, block by block, against a scripted stream; everything on a fake clock."""

    def __init__(self, stream: Stream, bulletin_s: float | None = None, preroll_s: float = 3.0) -> None:
        self.stream = stream
        self.clock = FakeClock()
        self.monitor = StreamMonitor(T)
        self.switcher = Switcher(T, bulletin_s)
        self.bulletin_s = bulletin_s
        self.buffered = 0.0
        self.piece_left = 0.0
        self.was = "down"
        self.aired: list[str] = []  # what each 0.1 s block was
        self.t = -preroll_s

    def _feed(self) -> None:
        state = self.stream(self.t)
        now = self.clock.monotonic()
        if state == "hung" and self.was != "hung":  # the connection drops, the new attempt never answers
            self.monitor.ended(now, "the stream ended")
            self.monitor.started(now)
        if state in ("up", "silent"):
            if self.was in ("down",):
                self.monitor.started(now)
            self.monitor.audio(now, STEP, LOUD if state == "up" else QUIET)
            self.buffered = min(self.buffered + STEP, 6.0)
        elif state == "down" and self.was != "down":
            self.monitor.ended(now, "the stream ended")
        self.was = state if state != "frozen" or self.was != "down" else "down"

    def run(self, seconds: float) -> list[Segment]:
        while self.t < 0:
            self._feed()
            self.clock.advance(STEP)
            self.t = round(self.t + STEP, 6)
        pos = 0.0
        while pos < seconds - 1e-9:
            self._feed()
            now = self.clock.monotonic()
            health, why = self.monitor.health(now)
            tick = Tick(now, pos, health, why, self.monitor.fit_for(now), self.buffered, self.piece_left <= 1e-9,
                        seconds - pos)  # fmt: skip
            decision = self.switcher.decide(tick)
            if decision.drop_relay:
                self.buffered = 0.0
            if decision.join:
                self.buffered = min(self.buffered, 2.0)
            if decision.new_piece:
                self.piece_left = self.bulletin_s if decision.choice == "bulletin" else 2.0  # type: ignore[assignment]
            if decision.choice == "relay":
                self.buffered = max(0.0, self.buffered - STEP)
            elif decision.choice in ("bulletin", "notice"):
                self.piece_left = max(0.0, self.piece_left - STEP)
            self.aired.append(decision.choice)
            self.clock.advance(STEP)
            self.t = round(self.t + STEP, 6)
            pos = round(pos + STEP, 6)
        return self.switcher.finish(pos, bulletin_done=self.piece_left <= 1e-9)


def shape(segments: list[Segment]) -> list[tuple[str, float, float]]:
    return [(s.piece or s.kind, round(s.start_s, 1), round(s.end_s, 1)) for s in segments]


def always(state: str) -> Stream:
    return lambda t: state


def between(state: str, start: float, end: float, otherwise: str = "up") -> Stream:
    return lambda t: state if start <= t < end else otherwise


def test_a_healthy_stream_is_on_air_from_the_first_block_to_the_last() -> None:
    segments = Simulation(always("up")).run(10)
    assert shape(segments) == [("relay", 0, 10)]
    assert segments[0].why == "the relay is on air"


def test_a_stream_down_before_the_slot_gets_the_bulletin_then_the_notice_from_the_first_block() -> None:
    segments = Simulation(always("down"), bulletin_s=3).run(10)
    assert shape(segments) == [("bulletin", 0, 3), ("notice", 3, 10)]
    assert segments[0].why == "not connected yet"
    assert segments[0].completed is True


def test_a_bulletin_longer_than_what_is_left_of_the_slot_is_not_started() -> None:
    assert shape(Simulation(always("down"), bulletin_s=30).run(10)) == [("notice", 0, 10)]


def test_a_dying_stream_plays_out_what_it_sent_then_the_fallback_follows_without_a_gap() -> None:
    simulation = Simulation(between("down", 5, 99))
    segments = simulation.run(12)
    # 2 s were waiting (less the block just taken) when it died at 5 s: they air, then the notice at once
    assert shape(segments) == [("relay", 0, 6.9), ("notice", 6.9, 12)]
    assert segments[1].why == "the stream ended"
    assert "silence" not in simulation.aired


def test_a_stream_that_goes_silent_is_left_at_once_its_waiting_silence_dropped() -> None:
    segments = Simulation(between("silent", 5, 99)).run(12)
    # silent audio from 5 s: at 8.9 s 4 s of it have arrived; 2 s of it aired, the rest is dropped
    assert shape(segments) == [("relay", 0, 8.9), ("notice", 8.9, 12)]
    assert segments[1].why == "the stream is silent (4 s below -50 dBFS)"


def test_a_hiccup_shorter_than_the_buffer_is_not_heard_and_a_stall_becomes_the_fallback() -> None:
    assert shape(Simulation(between("frozen", 5, 6.5)).run(10)) == [("relay", 0, 10)]
    segments = Simulation(between("frozen", 5, 99)).run(12)
    # the 2 s buffer airs, then silence until the stall is certain (3 s without bytes), then the notice
    assert shape(segments) == [("relay", 0, 6.9), ("silence", 6.9, 7.9), ("notice", 7.9, 12)]
    assert segments[1].why == "waiting for the stream's next data"
    assert segments[2].why == "the stream stalled (no data for 3 s)"


def test_a_reconnection_that_hangs_is_waited_for_only_stall_s() -> None:
    segments = Simulation(between("hung", 5, 99)).run(12)
    assert shape(segments) == [("relay", 0, 6.9), ("silence", 6.9, 8.0), ("notice", 8.0, 12)]
    assert segments[2].why == "no audio from the stream for 3 s"


def test_the_relay_comes_back_once_the_stream_has_flowed_for_recover_s_cutting_the_notice() -> None:
    segments = Simulation(between("down", 3, 8)).run(20)
    # back at 8 s, on air at 10 s
    assert shape(segments) == [("relay", 0, 4.9), ("notice", 4.9, 10), ("relay", 10, 20)]
    assert segments[2].why == "the relay stream is back"


def test_a_bulletin_plays_to_its_end_before_the_relay_comes_back() -> None:
    segments = Simulation(between("down", 3, 6), bulletin_s=8).run(25)
    assert shape(segments) == [("relay", 0, 4.9), ("bulletin", 4.9, 12.9), ("relay", 12.9, 25)]
    assert segments[1].completed is True


def test_a_stream_down_from_the_start_joins_once_it_has_flowed_for_recover_s() -> None:
    segments = Simulation(between("down", -3, 4)).run(10)
    assert shape(segments) == [("notice", 0, 6), ("relay", 6, 10)]
    assert segments[1].why == "the relay stream became ready"


def test_a_flapping_stream_does_not_make_the_horns_flap() -> None:
    def flapping(t: float) -> str:
        return "up" if t < 5 or (t - 5) % 5 < 3 else "down"  # from 5 s: up 3 s, down 2 s, for ever

    simulation = Simulation(flapping)
    segments = simulation.run(120)
    # the first failure asks 2 s of flow, the second 4 s: longer than the stream ever stays up
    assert [s.piece or s.kind for s in segments] == ["relay", "notice", "relay", "notice"]
    assert segments[-1].start_s < 20 and segments[-1].end_s == 120


def test_the_segments_cover_the_slot_end_to_end() -> None:
    segments = Simulation(between("frozen", 3, 9), bulletin_s=2).run(30)
    assert segments[0].start_s == 0 and segments[-1].end_s == 30
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(segments))
    assert sum(s.seconds for s in segments) == pytest.approx(30)


def test_a_bulletin_cut_by_the_end_of_the_slot_is_recorded_as_not_completed() -> None:
    switcher = Switcher(T, bulletin_seconds=5)
    tick = Tick(0.0, 0.0, "down", "the stream ended", 0.0, 0.0, remaining_s=10)
    assert switcher.decide(tick).choice == "bulletin"
    [segment] = switcher.finish(3.0, bulletin_done=False)
    assert (segment.piece, segment.completed, segment.end_s) == ("bulletin", False, 3.0)


@pytest.mark.parametrize(
    ("stderr", "returncode", "why"),
    [
        ("http://x/a.mp3: Connection refused", 1, "the stream's server refused the connection"),
        ("[http @ 0x1] HTTP error 404 Not Found\nhttp://x: Server returned 404 Not Found", 1,
         "the stream was not found on its server (404)"),
        ("Failed to resolve hostname vov.vn: Name or service not known", 1,
         "the stream's server name could not be found (check the address and the Internet connection)"),
        ("http://x: Connection timed out", 1, "the stream's server did not answer in time"),
        ("/tmp/x.mp3: No such file or directory", 1, "the stream's file was not found"),
        ("x.txt: Invalid data found when processing input", 1, "the address does not give audio that can be decoded"),
        ("", 0, "the stream ended"),
        ("Error while decoding stream #0:0: something odd", 1, "reading the stream failed: Error while decoding "
         "stream #0:0: something odd"),
    ],
)  # fmt: skip
def test_ffmpeg_failures_are_told_in_plain_words(stderr: str, returncode: int, why: str) -> None:
    assert explain_stream_failure(stderr, returncode) == why


def test_what_was_decided_but_never_heard_before_a_stop_is_not_in_the_record() -> None:
    switcher = Switcher(T, bulletin_seconds=2)
    switcher.decide(Tick(0.0, 0.0, "down", "the stream ended", 0.0, 0.0, remaining_s=10))
    # the bulletin's end and the notice were decided 0.4 s ahead of the sound; the stop came at 1.9 s
    switcher.decide(Tick(2.0, 2.0, "down", "the stream ended", 0.0, 0.0, piece_ended=True, remaining_s=8))
    [segment] = switcher.finish(1.9, bulletin_done=False)
    assert (segment.piece, segment.end_s, segment.completed) == ("bulletin", 1.9, False)
