"""What the relay tests listen for: which tone sounds when, in a recording of the horns."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from broadcaster.clock import SystemClock
from broadcaster.relay import Fallback, RelayResult, RelaySegment, RelaySession, RelaySettings, Thresholds
from broadcaster.sound.stream_out import PcmSink
from tests.audio_server import Recording, tone, write_wav

RELAY_HZ = 880.0  # what the test streams play
NOTICE_HZ = 440.0  # the stand-in for the recorded notice
BULLETIN_HZ = 660.0  # the stand-in for the station's own bulletin
STEP_S = 0.1

# Quick to react and to retry, so a scenario fits in a slot of a few seconds.
FAST = RelaySettings(
    thresholds=Thresholds(silence_s=3.0, stall_s=2.5, recover_s=1.5, recover_max_s=4.0),
    preroll_s=3.0,
    reconnect_first_s=0.5,
    reconnect_max_s=1.0,
    notice_gap_s=0.3,
)


def notice_wav(folder: Path, seconds: float = 1.5) -> Path:
    return write_wav(folder / "notice.wav", tone(seconds, NOTICE_HZ, 0.5))


def bulletin_wav(folder: Path, seconds: float = 2.0) -> Path:
    return write_wav(folder / "bulletin.wav", tone(seconds, BULLETIN_HZ, 0.5))


def whole_second(ahead_s: float) -> datetime:
    now = SystemClock().now()
    return (now + timedelta(seconds=ahead_s + 1)).replace(microsecond=0)


def session(
    url: str,
    sink: PcmSink,
    start_at: datetime,
    seconds: float,
    fallback: Fallback,
    settings: RelaySettings = FAST,
) -> RelaySession:
    return RelaySession(
        url, start_at, start_at + timedelta(seconds=seconds), sink, lambda: fallback, SystemClock(),
        name="Đài Truyền thanh huyện", settings=settings,
    )  # fmt: skip


class Running:
    """A session's run() in a thread of its own, so the test can act on the source meanwhile."""

    def __init__(self, relay: RelaySession) -> None:
        self.relay = relay
        self.result: RelayResult | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="relay-under-test")
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = self.relay.run()
        except BaseException as exc:
            self.error = exc

    def wait(self, timeout: float = 60.0) -> RelayResult:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the relay did not end"
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


def sleep_until(when: datetime) -> None:
    SystemClock().sleep((when - SystemClock().now()).total_seconds())


def at(start: datetime, seconds: float) -> datetime:
    return start + timedelta(seconds=seconds)


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    # zero-padded: a few tens of ms of a pure tone still give its frequency to a few Hz
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64), 1 << 16))
    return float(np.argmax(spectrum) * rate / (1 << 16))


def label(samples: np.ndarray, rate: int) -> str:
    """'relay', 'notice', 'bulletin', 'quiet' or 'other' for a short window of the recording."""
    # the test signals peak at half of full scale; less than 20 ms of one at a window's edge counts as quiet
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 0.1 * 32767)
    if len(loud) == 0 or loud[-1] - loud[0] < 0.02 * rate:
        return "quiet"
    hz = dominant_hz(samples[loud[0] : loud[-1] + 1], rate)
    for name, target in (("relay", RELAY_HZ), ("notice", NOTICE_HZ), ("bulletin", BULLETIN_HZ)):
        if abs(hz - target) < 25:
            return name
    return "other"


def timeline(recording: Recording, start: datetime, end: datetime, step_s: float = STEP_S) -> list[str]:
    """What sounded in each `step_s` window from `start` to `end`."""
    out = []
    t = start
    while t < end:
        a, b = recording.index_of(t), recording.index_of(t + timedelta(seconds=step_s))
        out.append(label(recording.samples[max(a, 0) : max(b, 0)], recording.rate))
        t += timedelta(seconds=step_s)
    return out


def first_sound(recording: Recording, after: datetime, threshold: float = 0.05) -> datetime:
    """When the first loud sample after `after` sounded."""
    start = recording.index_of(after)
    loud = np.flatnonzero(np.abs(recording.samples[start:].astype(np.int32)) > threshold * 32767)
    assert len(loud), f"nothing loud on the sink after {after}"
    return recording.time_of(start + int(loud[0]))


def last_sound(recording: Recording, before: datetime, threshold: float = 0.05) -> datetime:
    end = recording.index_of(before)
    loud = np.flatnonzero(np.abs(recording.samples[:end].astype(np.int32)) > threshold * 32767)
    assert len(loud), f"nothing loud on the sink before {before}"
    return recording.time_of(int(loud[-1]))


def longest_quiet_s(labels: list[str], step_s: float = STEP_S) -> float:
    run = best = 0
    for name in labels:
        run = run + 1 if name == "quiet" else 0
        best = max(best, run)
    return best * step_s


def heard_during(recording: Recording, segment: RelaySegment, margin_s: float = 0.2) -> set[str]:
    """What the horns played inside a segment of the result (its edges left out)."""
    inner_start = segment.started_at + timedelta(seconds=margin_s)
    inner_end = segment.ended_at - timedelta(seconds=margin_s)
    return set(timeline(recording, inner_start, inner_end)) if inner_end > inner_start else set()


def matches_record(recording: Recording, result: RelayResult) -> None:
    """Every segment of the result is what was heard then: the record does not lie."""
    expected = {"relay": {"relay"}, "bulletin": {"bulletin"}, "notice": {"notice", "quiet"}, "silence": {"quiet"}}
    for segment in result.segments:
        heard = heard_during(recording, segment)
        assert heard <= expected[segment.piece or segment.kind], (segment, heard)
