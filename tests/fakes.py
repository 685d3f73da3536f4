"""Hand-written fakes for tests: a clock that only moves when told, a speech engine that hums.

They follow the real protocols (broadcaster.clock.Clock, broadcaster.speech.engine.SpeechEngine)
so the code under test cannot tell them apart from the real thing, except that nothing sleeps.
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
