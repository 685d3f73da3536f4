"""Where a bulletin goes at air time: the sound card feeding the amplifier, or a folder.

Every output follows one small protocol so the daemon, the CLI and the tests
treat a loudspeaker and a dry-run folder alike. `play` blocks until the sound
ends or `stop` is called from another thread (emergency pre-emption, SIGTERM).
The result says when sound really started and how much aired, with the
sha256 of the exact PCM bytes sent, for the airing log.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from broadcaster.clock import Clock, SystemClock
from broadcaster.errors import OutputError
from broadcaster.sound.devices import (
    PACKAGE_OF,
    Backend,
    Player,
    ResolvedBackend,
    player_command,
    resolve_backend,
)
from broadcaster.sound.stream import PcmSource, WavSource

log = logging.getLogger(__name__)

# Waits are sliced so stop() is honoured within this many seconds.
STOP_POLL_S = 0.05


@dataclass(frozen=True)
class PlaybackResult:
    started_at: datetime  # when sound actually started (aware UTC)
    ended_at: datetime
    completed: bool  # False when stopped before the end
    played_seconds: float
    sha256: str  # of the PCM bytes sent to the output (not the WAV header)


Playable = PcmSource | Path  # a source of PCM, or a WAV file


class Output(Protocol):
    name: str

    def prepare(self, audio: Playable) -> None: ...

    def play(
        self, audio: Playable, start_at: datetime | None, on_started: Callable[[datetime], None] | None = None
    ) -> PlaybackResult: ...

    def stop(self) -> None: ...


def as_source(audio: Playable) -> PcmSource:
    return WavSource(audio) if isinstance(audio, Path) else audio


class StopAwareWait:
    """Waits on the injected clock for a wall-clock instant, giving up when stopped."""

    def __init__(self, clock: Clock, stopped: threading.Event) -> None:
        self.clock = clock
        self.stopped = stopped

    def until(self, start_at: datetime | None) -> bool:
        """False if stop() came first."""
        if start_at is None:
            return not self.stopped.is_set()
        # monotonic from here on: a wall-clock step (NTP) must not move the start
        target = self.clock.monotonic() + (start_at - self.clock.now()).total_seconds()
        return self.until_monotonic(target)

    def until_monotonic(self, target: float) -> bool:
        while not self.stopped.is_set():
            remaining = target - self.clock.monotonic()
            if remaining <= 0.0002:
                return True
            self.clock.sleep(min(remaining, STOP_POLL_S))
        return False


class StoppableOutput:
    """stop() cuts the airing in progress, or the one prepared and about to start.

    prepare() opens a new airing, so a stop() meant for the one before it is
    forgotten; play() without prepare() does the same itself.
    """

    _stopped: threading.Event
    _armed: bool = False

    def _arm(self) -> None:
        self._stopped.clear()
        self._armed = True

    def _take_arming(self) -> bool:
        """False when stop() came between prepare() and play()."""
        if not self._armed:
            self._stopped.clear()
        self._armed = False
        return not self._stopped.is_set()


# --------------------------------------------------------------------------- device


class DeviceOutput(StoppableOutput):
    """Plays to a sound card through PulseAudio/PipeWire (pacat) or ALSA (aplay).

    prepare() starts the player early with its stdin open; play() writes the
    first `lead_s` of PCM at start_at (sound starts with the first bytes: both
    players start as soon as their small buffer fills) and then keeps `lead_s`
    ahead of real time, so stop() cuts the sound at once and the bytes sent are
    close to what was heard. `start_offset_s` is the card's measured output
    latency, added to the reported start time.
    """

    def __init__(
        self,
        device: str,
        backend: Backend = "auto",
        clock: Clock | None = None,
        *,
        latency_ms: int = 200,
        lead_s: float = 0.4,
        chunk_s: float = 0.02,
        start_offset_s: float = 0.0,
        ready_timeout_s: float = 5.0,
    ) -> None:
        self.device = device
        self.backend = backend
        self.clock: Clock = clock or SystemClock()
        self.name = f"device:{device}"
        self.latency_ms = latency_ms
        # aplay starts only once its buffer is full: the pre-buffer must fill it at once
        self.lead_s = max(lead_s, latency_ms / 1000 + 0.1)
        self.chunk_s = chunk_s
        self.start_offset_s = start_offset_s
        self.ready_timeout_s = ready_timeout_s
        self._resolved: ResolvedBackend | None = None
        self._lock = threading.Lock()
        self._player: Player | None = None
        self._stopped = threading.Event()

    def _backend(self) -> ResolvedBackend:
        if self._resolved is None:
            self._resolved = resolve_backend(self.backend)
            log.info("output %s uses the %s backend", self.name, self._resolved)
        return self._resolved

    def _start_player(self, key: tuple[int, int]) -> Player:
        backend = self._backend()
        command = player_command(backend, self.device, key[0], key[1], self.latency_ms)
        if shutil.which(command[0]) is None:
            package = PACKAGE_OF[command[0]]
            raise OutputError(
                f"Cannot play sound: {command[0]} is not installed.",
                f"Is {package} installed? apt-get install {package}",
            )
        log.debug("starting player: %s", command)
        return Player(command, backend, self.device, key)

    def prepare(self, audio: Playable) -> None:
        """Pre-roll: open the device now so play() only has to write."""
        source = as_source(audio)
        key = (source.rate, source.channels)
        self._arm()
        with self._lock:
            old = self._player
            if old is not None and old.alive() and old.key == key:
                return
            self._player = None
        if old is not None:
            old.kill()
        player = self._start_player(key)
        with self._lock:
            self._player = player

    def _take_player(self, key: tuple[int, int]) -> Player:
        with self._lock:
            player, self._player = self._player, None
        if player is not None and player.alive() and player.key == key:
            return player
        if player is not None:
            player.kill()
        player = self._start_player(key)
        with self._lock:
            self._player = player
        return player

    def play(
        self, audio: Playable, start_at: datetime | None, on_started: Callable[[datetime], None] | None = None
    ) -> PlaybackResult:
        if not self._take_arming():
            now = self.clock.now()
            return PlaybackResult(now, now, False, 0.0, hashlib.sha256().hexdigest())
        source = as_source(audio)
        player = self._take_player((source.rate, source.channels))
        with self._lock:
            self._player = player
        try:
            player.wait_ready(self.ready_timeout_s)
            return self._feed(player, source, start_at, on_started)
        finally:
            player.kill()
            with self._lock:
                if self._player is player:
                    self._player = None

    def _feed(
        self,
        player: Player,
        source: PcmSource,
        start_at: datetime | None,
        on_started: Callable[[datetime], None] | None,
    ) -> PlaybackResult:
        waiter = StopAwareWait(self.clock, self._stopped)
        digest = hashlib.sha256()
        chunk_frames = max(1, round(source.rate * self.chunk_s))
        # the first chunk is read before the start second: a part read late would delay the first sound
        upcoming = source.chunks(chunk_frames)
        first = next(upcoming, None)
        chunks = itertools.chain([first] if first is not None else [], upcoming)
        if not waiter.until(start_at):
            now = self.clock.now()
            return PlaybackResult(now, now, False, 0.0, digest.hexdigest())
        stdin = player.proc.stdin
        assert stdin is not None
        bytes_per_s = source.rate * 2 * source.channels
        t0 = self.clock.monotonic()
        started_at = self.clock.now() + timedelta(seconds=self.start_offset_s)
        sent = 0
        started_reported = False
        try:
            for block in chunks:
                ahead = sent / bytes_per_s - (self.clock.monotonic() - t0)
                if ahead > self.lead_s and not waiter.until_monotonic(t0 + sent / bytes_per_s - self.lead_s):
                    break
                if self._stopped.is_set():
                    break
                stdin.write(block)
                stdin.flush()
                digest.update(block)
                sent += len(block)
                if not started_reported:
                    started_reported = True
                    if on_started is not None:
                        on_started(started_at)
            if not self._stopped.is_set():
                stdin.close()
                # the player drains its buffer to the card and exits
                while player.proc.poll() is None and not self._stopped.is_set():
                    try:
                        player.proc.wait(STOP_POLL_S)
                    except subprocess.TimeoutExpired:
                        continue
        except (BrokenPipeError, ValueError, OSError) as exc:
            if not self._stopped.is_set():
                raise player.failure() from exc
        elapsed = self.clock.monotonic() - t0
        ended_at = self.clock.now()
        if self._stopped.is_set():
            player.kill()
            played = min(max(elapsed, 0.0), sent / bytes_per_s)
            return PlaybackResult(started_at, ended_at, False, round(played, 3), digest.hexdigest())
        if player.proc.returncode != 0:
            raise player.failure()
        return PlaybackResult(started_at, ended_at, True, round(sent / bytes_per_s, 3), digest.hexdigest())

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            player = self._player
        if player is not None and player.alive():
            # killing the player drops its buffer: the horns go quiet now, not after the buffer drains
            player.interrupt()

    def close(self) -> None:
        """Releases a pre-rolled player that will not be used."""
        with self._lock:
            player, self._player = self._player, None
        if player is not None:
            player.kill()


# --------------------------------------------------------------------------- file
