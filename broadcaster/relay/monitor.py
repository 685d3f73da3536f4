"""PURE: is the relayed stream fit to air, what goes on air next, and the record of every switch.

No I/O and no clock: every call takes `now` (monotonic seconds) or the position
in the slot's sound (seconds since sound started), so the rules are tested in
a line each on a fake clock.

The rules, chosen so the horns are never left in dead air:
- The stream is unfit when it is down (ffmpeg ended or never connected), stalled
  (no bytes for `stall_s`) or silent (`silence_s` of decoded audio below
  `silence_dbfs`). Silence is judged on the audio's content, stalls on the wall
  clock: a burst of silent audio on connecting is known to be silent at once.
- On relay, audio already received still plays out when the stream ends or
  stalls (it is the programme, not dead air); the fallback starts the moment the
  buffer runs dry. A silent stream is left at once, its buffered silence dropped.
  A buffer that runs dry while the stream still counts as flowing plays silence
  (a "silence" segment), which a stall turns into the fallback after `stall_s`.
- Back to the relay only once the stream has been fit for `recover_s`, doubled
  for each failure in the slot (up to `recover_max_s`): a flapping source does
  not make the horns flap with it.
- The fallback is the station's own bulletin (at most once per relay, and only
  if it fits in what is left of the slot), then the notice, looped. A bulletin
  plays to its end before the relay comes back, so each of its items airs whole
  and the record can say so; the notice is cut at once when the relay is fit,
  because every second of notice is a second of the programme lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from broadcaster.i18n import _

Health = Literal["ok", "connecting", "down", "stalled", "silent"]
# what the next block of sound is taken from
Choice = Literal["relay", "silence", "bulletin", "notice"]
SegmentKind = Literal["relay", "fallback", "silence"]


@dataclass(frozen=True)
class Thresholds:
    silence_dbfs: float = -50.0  # decoded audio quieter than this counts as silence
    silence_s: float = 4.0  # this much silent audio in a row and the stream counts as down
    stall_s: float = 3.0  # no bytes for this long and the stream counts as down
    recover_s: float = 2.0  # fit for this long before the relay comes back after a failure
    recover_max_s: float = 30.0  # the cap on the doubled recovery time of a flapping stream
    join_buffer_s: float = 1.0  # audio that must be waiting before the relay goes (back) on air
    # a pause in the bytes longer than this restarts the recovery clock: only a stream that keeps flowing
    # counts as back, not the burst of old audio a frozen source's server hands every new listener
    # (which is why it must be shorter than recover_s: a burst then nothing never adds up to recover_s)
    flow_gap_s: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.flow_gap_s < self.recover_s <= self.recover_max_s:
            raise ValueError("relay thresholds need 0 < flow_gap_s < recover_s <= recover_max_s")

    def recovery_needed(self, failures: int) -> float:
        """Seconds of fitness asked before going back to the relay after `failures` failures in this slot."""
        return float(min(self.recover_s * 2.0 ** max(failures - 1, 0), self.recover_max_s))


class StreamMonitor:
    """Judges the stream from what the reader reports: processes started, audio blocks, ends."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.t = thresholds
        self._started_at: float | None = None  # the reading process in use, if any
        self._last_bytes_at: float | None = None
        self._silent_run_s = 0.0
        self._fit_since: float | None = None
        self._down_why: str | None = None  # why the last connection ended

    def started(self, now: float) -> None:
        """A new reading process was started (a connection attempt)."""
        self._started_at = now
        self._last_bytes_at = None
        self._silent_run_s = 0.0
        self._fit_since = None

    def audio(self, now: float, seconds: float, rms_dbfs: float) -> None:
        """A block of decoded audio arrived."""
        if self._started_at is None:
            self._started_at = now
        if self._last_bytes_at is not None and now - self._last_bytes_at > self.t.flow_gap_s:
            self._fit_since = None
        self._last_bytes_at = now
        if rms_dbfs < self.t.silence_dbfs:
            self._silent_run_s += seconds
            if self._silent_run_s >= self.t.silence_s:
                self._fit_since = None
        else:
            self._silent_run_s = 0.0
            if self._fit_since is None:
                self._fit_since = now

    def ended(self, now: float, why: str) -> None:
        """The reading process ended; `why` says why in the listener's words."""
        self._started_at = None
        self._last_bytes_at = None
        self._silent_run_s = 0.0
        self._fit_since = None
        self._down_why = why

    def health(self, now: float) -> tuple[Health, str]:
        """How the stream is now, and why in words for the airing record."""
        if self._started_at is None:
            return "down", self._down_why or _("not connected yet")
        if self._last_bytes_at is None:
            waited = now - self._started_at
            if waited >= self.t.stall_s:
                # a connection that hangs is a stall too: the horns must not wait for its timeout
                return "stalled", _("no audio from the stream for {seconds} s").format(seconds=f"{waited:.0f}")
            # while a new attempt connects, the last one's failure is the news
            return "connecting", self._down_why or _("no audio from the stream yet")
        quiet_for = now - self._last_bytes_at
        if quiet_for >= self.t.stall_s:
            return "stalled", _("the stream stalled (no data for {seconds} s)").format(seconds=f"{quiet_for:.0f}")
        if self._silent_run_s >= self.t.silence_s:
            return "silent", _("the stream is silent ({seconds} s below {dbfs} dBFS)").format(
                seconds=f"{self._silent_run_s:.0f}", dbfs=f"{self.t.silence_dbfs:g}"
            )
        return "ok", ""

    def fit_for(self, now: float) -> float:
        """Seconds the stream has been fit and flowing without a break (0 when it is not)."""
        if self._fit_since is None or self.health(now)[0] != "ok":
            return 0.0
        if self._last_bytes_at is None or now - self._last_bytes_at > self.t.flow_gap_s:
            return 0.0
        return now - self._fit_since


@dataclass(frozen=True)
class Segment:
    """One stretch of the slot's sound, by position in seconds from the start of sound."""

    kind: SegmentKind
    start_s: float
    end_s: float
    why: str  # why this stretch began
    piece: Literal["bulletin", "notice", "tone"] | None = None  # which fallback, for kind "fallback"
    completed: bool | None = None  # for a fallback bulletin: did it air to its end

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


@dataclass
class _Open:
    choice: Choice
    start_s: float
    why: str


@dataclass(frozen=True)
class Tick:
    """What the switcher knows when the next block of sound is due."""

    now: float  # monotonic seconds
    pos: float  # seconds of sound sent so far
    health: Health
    why: str  # the health's reason, "" when ok
    fit_for: float  # seconds the stream has been fit without a break
    buffered_s: float  # relay audio received and waiting
    piece_ended: bool = False  # the fallback piece on air has played out
    remaining_s: float = float("inf")  # sound left in the slot


@dataclass(frozen=True)
class Decision:
    choice: Choice
    join: bool = False  # relay (re)starts: drop all but the newest audio so it stays live
    drop_relay: bool = False  # the waiting relay audio is silence: throw it away
    new_piece: bool = False  # a fallback piece starts from its beginning


@dataclass
class Switcher:
    """Decides, block by block, what airs; keeps the segments for the airing record."""

    thresholds: Thresholds
    bulletin_seconds: float | None = None  # the station's own fallback bulletin, if it has one
    failures: int = 0  # times the relay went off air in this slot
    bulletin_started: bool = False
    _open: _Open | None = None
    _done: list[Segment] = field(default_factory=list)

    @property
    def on_air(self) -> Choice | None:
        return self._open.choice if self._open else None

    def decide(self, tick: Tick) -> Decision:
        current = self.on_air
        if current in (None, "relay", "silence"):
            return self._from_relay(tick, current)
        if current == "bulletin" and not tick.piece_ended:
            return Decision("bulletin")
        if self._relay_ready(tick):
            why = _("the relay stream is back") if self.failures else _("the relay stream became ready")
            return self._switch(tick.pos, "relay", why, join=True)
        if current == "bulletin":
            return self._fallback(tick, _("the station's bulletin ended and the relay stream is still down"))
        return Decision("notice", new_piece=tick.piece_ended)

    def _from_relay(self, tick: Tick, current: Choice | None) -> Decision:
        t = self.thresholds
        if current is None:
            if tick.health == "ok" and tick.buffered_s >= t.join_buffer_s:
                return self._switch(tick.pos, "relay", _("the relay is on air"), join=True)
            return self._fallback(tick, tick.why or _("too little audio from the stream yet"))
        if tick.health == "silent":
            self.failures += 1
            return self._fallback(tick, tick.why, drop_relay=True)
        if tick.buffered_s > 0:
            return self._switch(tick.pos, "relay", _("the stream is flowing again"))
        if tick.health in ("ok", "connecting"):
            return self._switch(tick.pos, "silence", _("waiting for the stream's next data"))
        self.failures += 1
        return self._fallback(tick, tick.why)

    def _relay_ready(self, tick: Tick) -> bool:
        return (
            tick.health == "ok"
            and tick.buffered_s >= self.thresholds.join_buffer_s
            and tick.fit_for >= self.thresholds.recovery_needed(self.failures)
        )

    def _fallback(self, tick: Tick, why: str, drop_relay: bool = False) -> Decision:
        fits = self.bulletin_seconds is not None and self.bulletin_seconds <= tick.remaining_s
        if fits and not self.bulletin_started:
            self.bulletin_started = True
            self._switch(tick.pos, "bulletin", why)
            return Decision("bulletin", drop_relay=drop_relay, new_piece=True)
        self._switch(tick.pos, "notice", why)
        return Decision("notice", drop_relay=drop_relay, new_piece=True)

    def _switch(self, pos: float, choice: Choice, why: str, join: bool = False) -> Decision:
        if self._open is None or self._open.choice != choice:
            self._close(pos, completed=True)
            self._open = _Open(choice, pos, why)
        return Decision(choice, join=join)

    def _close(self, pos: float, completed: bool) -> None:
        if self._open is None:
            return
        o, self._open = self._open, None
        if o.choice == "bulletin":
            self._done.append(Segment("fallback", o.start_s, pos, o.why, "bulletin", completed))
        elif o.choice == "notice":
            self._done.append(Segment("fallback", o.start_s, pos, o.why, "notice"))
        else:
            self._done.append(Segment(o.choice, o.start_s, pos, o.why))

    def finish(self, pos: float, bulletin_done: bool) -> list[Segment]:
        """Closes the segment on air at the end of sound; `bulletin_done`: a bulletin on air had ended.

        Decisions are made a little ahead of the sound: after a stop, what was decided but never heard
        is cut from the record at `pos`."""
        self._close(pos, completed=bulletin_done)
        heard = []
        for s in self._done:
            if s.end_s > pos:
                s = replace(s, end_s=pos, completed=False if s.piece == "bulletin" else s.completed)
            if s.end_s > s.start_s:
                heard.append(s)
        return heard


@dataclass
class Backoff:
    """Delays between connection attempts: doubling from `first_s` to `max_s`, reset after a good run."""

    first_s: float = 1.0
    max_s: float = 10.0
    _next: float = 0.0

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self.max_s, max(self.first_s, self._next * 2))
        return delay

    def reset(self) -> None:
        self._next = 0.0
