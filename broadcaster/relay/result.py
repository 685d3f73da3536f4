"""What a relay slot aired, for the airing record: when sound ran, and every switch with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal


@dataclass(frozen=True)
class RelaySegment:
    kind: Literal["relay", "fallback", "silence"]
    started_at: datetime  # aware UTC, when this stretch was heard
    ended_at: datetime
    why: str  # why it began: "the relay is on air", "the stream's server refused the connection", ...
    piece: Literal["bulletin", "notice", "tone"] | None = None  # for kind "fallback": what aired
    completed: bool | None = None  # for a fallback bulletin: aired to its end (its items aired whole)

    @property
    def seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "seconds": round(self.seconds, 3),
            "why": self.why,
            "piece": self.piece,
            "completed": self.completed,
        }


@dataclass(frozen=True)
class RelayResult:
    url: str
    name: str  # relay_name, e.g. "Đài Truyền thanh huyện"
    started_at: datetime  # when sound started (aware UTC, the card's start offset included)
    ended_at: datetime
    completed: bool  # False when stopped before the slot's end (or nothing could air)
    played_seconds: float
    segments: tuple[RelaySegment, ...]
    sha256: str  # of the PCM bytes fed to the output: relay and fallback alike
    bytes_sent: int
    stop_reason: str = ""  # why it ended early ("" when completed)
    fallback_label: str = ""  # the provider's label of the fallback bulletin
    problems: tuple[str, ...] = ()  # what was wrong with the fallback's files (the generated signal aired instead)

    def seconds_of(self, kind: str) -> float:
        return round(sum(s.seconds for s in self.segments if s.kind == kind), 3)

    @property
    def relay_seconds(self) -> float:
        """Airtime of the relayed programme: reported apart from the commune's own news."""
        return self.seconds_of("relay")

    @property
    def fallback_seconds(self) -> float:
        return self.seconds_of("fallback")

    @property
    def silence_seconds(self) -> float:
        return self.seconds_of("silence")

    @property
    def bulletin_completed(self) -> bool | None:
        """Whether the station's fallback bulletin aired whole; None when it did not air."""
        runs = [s.completed for s in self.segments if s.piece == "bulletin"]
        return bool(runs[-1]) if runs else None

    def summary(self) -> str:
        parts = [f"{s.kind}{'/' + s.piece if s.piece else ''} {s.seconds:.1f} s ({s.why})" for s in self.segments]
        state = "completed" if self.completed else f"interrupted ({self.stop_reason})"
        return f"{state}; " + "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the airing record's details."""
        return {
            "url": self.url,
            "name": self.name,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "completed": self.completed,
            "played_seconds": self.played_seconds,
            "relay_seconds": self.relay_seconds,
            "fallback_seconds": self.fallback_seconds,
            "silence_seconds": self.silence_seconds,
            "sha256": self.sha256,
            "bytes_sent": self.bytes_sent,
            "stop_reason": self.stop_reason,
            "fallback_label": self.fallback_label,
            "problems": list(self.problems),
            "segments": [s.as_dict() for s in self.segments],
        }
