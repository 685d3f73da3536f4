"""Hand-written fakes for tests: a clock that only moves when told, a speech engine that hums,
an output with no sound card, an amplifier that remembers being switched.

They follow the real protocols (broadcaster.clock.Clock, broadcaster.speech.engine.SpeechEngine,
broadcaster.sound.outputs.Output, broadcaster.sound.amplifier.Amplifier) so the code under test
cannot tell them apart from the real thing, except that nothing sleeps. The outputs' contract
(tests/sound/test_output_contract.py) runs on the fake and on every real output alike.
"""

from __future__ import annotations

import threading
import wave
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np


class FakeClock:
    """A wall clock and a monotonic clock that advance only on sleep() or advance()."""

    def __init__(self, start: datetime = datetime(2021, 3, 1, 1, 0, tzinfo=UTC)) -> None:
        assert start.tzinfo is not None
        self._now = start
        self._mono = 1000.0
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.slept.append(seconds)
            self.advance(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._mono += seconds

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._mono += (moment - self._now).total_seconds()
            self._now = moment


class ToneEngine:
    """Speaks any text as a tone: 0.05 s per character, 440 Hz; no espeak, no network."""

    name = "tone"
    voice = "a4"

    def __init__(self, seconds_per_char: float = 0.05, rate: int = 22050) -> None:
        self.seconds_per_char = seconds_per_char
        self.rate = rate
        self.spoken: list[str] = []

    @property
    def settings(self) -> Mapping[str, object]:
        return {"seconds_per_char": self.seconds_per_char}

    def synthesize(self, text: str, out_path: Path) -> None:
        self.spoken.append(text)
        n = max(1, round(len(text) * self.seconds_per_char * self.rate))
        t = np.arange(n) / self.rate
        samples = (0.3 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
        with wave.open(str(out_path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate)
            w.writeframes(samples.tobytes())


class FakeOutput:
    """An output with no sound card: plays a source at the pace of the clock it is given (a FakeClock
    makes an airing instant), keeps every PCM byte it "sent", honours stop() like the real outputs."""

    name = "fake:horns"
    device = "fake"

    def __init__(self, clock: FakeClock, chunk_s: float = 0.05) -> None:
        self.clock = clock
        self.chunk_s = chunk_s
        self.played: list[bytes] = []  # one entry per airing
        self._stopped = threading.Event()
        self._armed = False

    def prepare(self, audio: object) -> None:
        self._stopped.clear()
        self._armed = True

    def play(self, audio: object, start_at: datetime | None, on_started: object = None) -> object:
        import hashlib

        from broadcaster.sound.outputs import PlaybackResult, as_source

        source = as_source(audio)  # type: ignore[arg-type]
        if not self._armed:
            self._stopped.clear()
        self._armed = False
        if start_at is not None:
            self.clock.sleep((start_at - self.clock.now()).total_seconds())
        started, sent, digest = self.clock.now(), bytearray(), hashlib.sha256()
        if not self._stopped.is_set() and callable(on_started):
            on_started(started)
        bytes_per_s = source.rate * 2 * source.channels
        for block in source.chunks(max(1, round(source.rate * self.chunk_s))):
            if self._stopped.is_set():
                break
            sent += block
            digest.update(block)
            self.clock.sleep(len(block) / bytes_per_s)
        self.played.append(bytes(sent))
        completed = not self._stopped.is_set()
        return PlaybackResult(
            started, self.clock.now(), completed, round(len(sent) / bytes_per_s, 3), digest.hexdigest()
        )

    def stop(self) -> None:
        self._stopped.set()


class FakeAmplifier:
    """An amplifier that remembers being switched, and can be told to fail like a dead relay
    or to take `switch_s` on `clock` to answer, like a relay command on a busy PC."""

    warmup_s = 0.0

    def __init__(self, fail_on: bool = False, clock: FakeClock | None = None, switch_s: float = 0.0) -> None:
        self.fail_on = fail_on
        self.clock, self.switch_s = clock, switch_s
        self.switched: list[str] = []
        self.switched_on_at: list[datetime] = []
        self.state = "off"

    def switch_on(self) -> None:
        from broadcaster.errors import AmplifierError

        if self.clock is not None:
            self.clock.sleep(self.switch_s)
            self.switched_on_at.append(self.clock.now())
        if self.fail_on:
            raise AmplifierError("The amplifier relay did not answer.", "Check its USB cable.")
        self.switched.append("on")
        self.state = "on"

    def switch_off(self) -> None:
        self.switched.append("off")
        self.state = "off"
