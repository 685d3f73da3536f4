"""One relay slot (tiếp sóng): the stream on the horns from the slot's second to its end, never dead air.

    session = RelaySession(url, start_at, end_at, sink, fallback, clock)
    result = session.run()          # blocks; another thread may call session.stop("emergency")

run() pre-rolls `preroll_s` before the slot: the stream is connected, the
fallback is read and the player is opened, so sound starts on the second. It
then writes the slot's sound block by block in real time (a little ahead, like
the bulletin output), each block taken from whatever relay/monitor.py's
Switcher chose: the relay, the fallback bulletin, the notice, or a moment of
silence while a flowing stream catches up. The player stays open throughout,
so a switch is seamless. The relay airs `live_buffer_s` behind the stream: that
cushion rides out network hiccups, and lets a dying stream's last sound play
out before the fallback takes over.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import shutil
import tempfile
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from broadcaster.clock import Clock
from broadcaster.errors import OutputError
from broadcaster.i18n import _
from broadcaster.relay.fallback import FallbackAudio, FallbackProvider, load_fallback
from broadcaster.relay.monitor import Backoff, Decision, Segment, StreamMonitor, Switcher, Thresholds, Tick
from broadcaster.relay.result import RelayResult, RelaySegment
from broadcaster.relay.source import PcmQueue, StreamEvent, StreamReader
from broadcaster.sound.stream_out import PcmSink

log = logging.getLogger(__name__)

STOP_POLL_S = 0.05  # waits are sliced so stop() is honoured this fast


@dataclass(frozen=True)
class RelaySettings:
    thresholds: Thresholds = field(default_factory=Thresholds)
    preroll_s: float = 10.0  # connect and open the player this long before the slot
    live_buffer_s: float = 2.0  # the relay airs this far behind the live stream
    max_buffer_s: float = 6.0  # more waiting than this (clocks drifting apart) is trimmed back
    connect_timeout_s: float = 10.0
    reconnect_first_s: float = 1.0
    reconnect_max_s: float = 10.0
    notice_gap_s: float = 1.5  # pause between repetitions of the notice
    chunk_s: float = 0.02


class RelaySession:
    def __init__(
        self,
        url: str,
        start_at: datetime,
        end_at: datetime,
        sink: PcmSink,
        fallback: FallbackProvider,
        clock: Clock,
        *,
        rate: int = 44100,
        channels: int = 1,
        name: str = "",
        settings: RelaySettings | None = None,
    ) -> None:
        if start_at.tzinfo is None or end_at.tzinfo is None:
            raise ValueError("start_at and end_at must be aware datetimes")
        self.url, self.start_at, self.end_at = url, start_at, end_at
        self.sink, self.provider, self.clock = sink, fallback, clock
        self.rate, self.channels = rate, channels
        self.name = name or url
        self.settings = settings or RelaySettings()
        self.frame_bytes = 2 * channels
        self.bytes_per_s = rate * self.frame_bytes
        t = self.settings.thresholds
        self.monitor = StreamMonitor(t)
        self.reader = StreamReader(
            url, rate, channels, clock,
            stall_s=t.stall_s, connect_timeout_s=self.settings.connect_timeout_s,
            backoff=Backoff(self.settings.reconnect_first_s, self.settings.reconnect_max_s),
        )  # fmt: skip
        self.relay_audio = PcmQueue(self.bytes_per_s, self.frame_bytes)
        self._stopped = threading.Event()
        self._stop_reason = ""
        self._stopped_at = 0.0  # monotonic
        self._prepared = False
        self._workdir: Path | None = None
        self._fallback: FallbackAudio | None = None

    # ------------------------------------------------------------------ control

    def prepare(self) -> None:
        """Pre-roll: connect to the stream, ready the fallback, open the player. Raises OutputError."""
        if self._prepared:
            return
        self._prepared = True
        try:
            self.reader.start()
            self._workdir = Path(tempfile.mkdtemp(prefix="broadcaster-relay-"))
            self._fallback = load_fallback(
                self.provider, self.rate, self.channels, self._workdir, self.settings.notice_gap_s
            )
            self.sink.open(self.rate, self.channels)
        except BaseException:
            # nothing is left running; run() will try the whole pre-roll again
            self._prepared = False
            self.sink.abort()
            self.sink.finish()
            self.close()
            raise
        log.info("relay %s: pre-rolled for %s", self.name, self.start_at.isoformat())

    def stop(self, reason: str = "") -> None:
        """From any thread: the horns go quiet now and run() returns an interrupted result."""
        self._stop_reason = reason or _("stopped")
        self._stopped_at = self.clock.monotonic()
        self._stopped.set()
        self.sink.abort()

    def run(self) -> RelayResult:
        """Airs the slot; returns when it ends or stop() is called. Raises RelayFailed if the output fails."""
        try:
            if not self._prepared:
                if not self._wait_until(self.start_at - timedelta(seconds=self.settings.preroll_s)):
                    return self._nothing_aired()
                self.prepare()
            if not self._wait_until(self.start_at):
                return self._nothing_aired()
            if self.clock.now() >= self.end_at:
                return self._nothing_aired(_("the relay's slot had already ended"))
            return self._air()
        finally:
            self.close()

    def close(self) -> None:
        """Releases the stream reader, the player and the temporary files (run() does it itself)."""
        self.reader.close()
        if self._fallback is not None and self._fallback.bulletin is not None:
            self._fallback.bulletin.close()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def _wait_until(self, when: datetime) -> bool:
        """False if stop() came first. Monotonic from here on: a wall-clock step must not move the start."""
        target = self.clock.monotonic() + (when - self.clock.now()).total_seconds()
        return self._wait_monotonic(target)

    def _wait_monotonic(self, target: float) -> bool:
        while not self._stopped.is_set():
            remaining = target - self.clock.monotonic()
            if remaining <= 0.0002:
                return True
            self.clock.sleep(min(remaining, STOP_POLL_S))
        return False

    def _nothing_aired(self, why: str = "") -> RelayResult:
        self.sink.abort()
        self.sink.finish()
        now = self.clock.now()
        reason = why or self._stop_reason
        return RelayResult(self.url, self.name, now, now, False, 0.0, (), hashlib.sha256().hexdigest(), 0, reason)

    # ------------------------------------------------------------------ airing

    def _air(self) -> RelayResult:
        assert self._fallback is not None
        fallback = self._fallback
        bulletin_s = fallback.bulletin.seconds if fallback.bulletin is not None else None
        switcher = Switcher(self.settings.thresholds, bulletin_s)
        # on time (the wait ends within a millisecond of the second) the slot airs whole; late, it still ends on time
        begin = self.clock.now()
        begin = self.start_at if begin - self.start_at < timedelta(seconds=0.5) else begin
        total = round((self.end_at - begin).total_seconds() * self.rate) * self.frame_bytes
        digest = hashlib.sha256()
        t0 = self.clock.monotonic()
        started_at = self.clock.now() + timedelta(seconds=self.sink.start_offset_s)
        sent, piece_ended, failure = 0, False, None
        try:
            self.sink.begin(started_at)
            sent, piece_ended = self._feed(switcher, fallback, total, t0, digest)
            if not self._stopped.is_set():
                self.sink.finish()
        except OutputError as exc:
            failure = exc
        if self._stopped.is_set() or failure is not None:
            self.sink.abort()
            self.sink.finish()
        ended_at = self.clock.now()
        sent_s = sent / self.bytes_per_s
        # what was written ahead of a stop never sounded
        played = min(max(self._stopped_at - t0, 0.0), sent_s) if self._stopped.is_set() else sent_s
        on_bulletin_done = switcher.on_air == "bulletin" and piece_ended
        segments = self._dated(switcher.finish(played, on_bulletin_done), started_at, fallback)
        completed = sent >= total and not self._stopped.is_set() and failure is None
        result = RelayResult(
            self.url, self.name, started_at, ended_at, completed, round(played, 3), segments,
            digest.hexdigest(), sent, "" if completed else self._stop_reason, fallback.label,
            tuple(fallback.problems),
        )  # fmt: skip
        log.info("relay %s: %s", self.name, result.summary())
        if failure is not None:
            raise RelayFailed(failure, result) from failure
        return result

    def _feed(
        self, switcher: Switcher, fallback: FallbackAudio, total: int, t0: float, digest: hashlib._Hash
    ) -> tuple[int, bool]:
        """Writes the slot's sound in real time until `total` bytes or a stop: (bytes sent, fallback piece ended)."""
        chunk = max(1, round(self.rate * self.settings.chunk_s)) * self.frame_bytes
        sent, piece_ended = 0, False
        while sent < total:
            if not self._wait_monotonic(t0 + sent / self.bytes_per_s - self.sink.lead_s):
                break
            now = self.clock.monotonic()
            self._take_events()
            health, why = self.monitor.health(now)
            tick = Tick(
                now, sent / self.bytes_per_s, health, why, self.monitor.fit_for(now), self.relay_audio.seconds,
                piece_ended, (total - sent) / self.bytes_per_s,
            )  # fmt: skip
            decision = switcher.decide(tick)
            if decision.choice != "relay" or decision.join:
                log.debug("relay %s: %s at %.2f s", self.name, decision, tick.pos)
            block, piece_ended = self._block(decision, min(chunk, total - sent), fallback, piece_ended)
            if not block:
                continue
            self.sink.write(block)
            digest.update(block)
            sent += len(block)
        return sent, piece_ended

    def _take_events(self) -> None:
        """Everything the stream reader saw since the last block, in order."""
        while True:
            try:
                event: StreamEvent = self.reader.events.get_nowait()
            except queue.Empty:
                break
            if event.kind == "started":
                self.monitor.started(event.at)
            elif event.kind == "audio":
                self.monitor.audio(event.at, len(event.pcm) / self.bytes_per_s, event.rms_dbfs)
                self.relay_audio.push(event.pcm)
            else:
                self.monitor.ended(event.at, event.why)
        if self.relay_audio.seconds > self.settings.max_buffer_s:
            self.relay_audio.keep_newest(self.settings.live_buffer_s)

    def _block(self, decision: Decision, n: int, fallback: FallbackAudio, piece_ended: bool) -> tuple[bytes, bool]:
        """The next `n` bytes of sound for `decision`, and whether the fallback piece on air has ended."""
        if decision.drop_relay:
            self.relay_audio.clear()
        if decision.join:
            self.relay_audio.keep_newest(self.settings.live_buffer_s)
        if decision.choice == "relay":
            block = self.relay_audio.take(n)
            return block + b"\0" * (n - len(block)), piece_ended
        if decision.choice == "silence":
            return b"\0" * n, piece_ended
        piece = fallback.bulletin if decision.choice == "bulletin" else fallback.notice
        assert piece is not None
        if decision.new_piece:
            piece.rewind()
        block = piece.read(n)
        return block, len(block) < n

    def _dated(
        self, segments: list[Segment], started_at: datetime, fallback: FallbackAudio
    ) -> tuple[RelaySegment, ...]:
        out = []
        for s in segments:
            if s.piece == "notice" and fallback.notice.kind == "tone":
                s = replace(s, piece="tone")
            out.append(
                RelaySegment(
                    s.kind,
                    started_at + timedelta(seconds=s.start_s),
                    started_at + timedelta(seconds=s.end_s),
                    s.why,
                    s.piece,
                    s.completed,
                )
            )
        return tuple(out)


class RelayFailed(OutputError):
    """The output failed during a relay; `result` says what aired until then."""

    def __init__(self, cause: OutputError, result: RelayResult) -> None:
        super().__init__(cause.message, cause.hint)
        self.result = result
