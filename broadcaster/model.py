"""Pure value types shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Priority(StrEnum):
    """Priority levels of Thông tư 39/2020/TT-BTTTT."""

    NORMAL = "normal"
    PRIORITY = "priority"
    EMERGENCY = "emergency"

    @property
    def vietnamese(self) -> str:
        return {"normal": "thường", "priority": "ưu tiên", "emergency": "khẩn cấp"}[self.value]

    @property
    def rank(self) -> int:
        """Lower airs first."""
        return {"emergency": 0, "priority": 1, "normal": 2}[self.value]


class ItemKind(StrEnum):
    """What an item sounds like on air: typed text spoken by the station's voice, or a recording."""

    SPEECH = "speech"
    RECORDING = "recording"


# ISO 639-3 code of Vietnamese: typed news is always spoken in it.
VIETNAMESE = "vie"


@dataclass(frozen=True)
class Recording:
    """The recording a recorded item airs: the original as received (its SHA-256 names it in the
    recordings archive) and the length of its mastered version."""

    sha256: str
    name: str
    seconds: float


class ItemStatus(StrEnum):
    QUEUED = "queued"
    APPROVED = "approved"
    AIRED = "aired"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True)
class NewsItem:
    id: int
    title: str
    topic: str
    priority: Priority
    text: str
    valid_from: date | None
    valid_until: date | None
    airings_wanted: int
    airings_done: int
    approved_by: str | None
    approved_at: datetime | None
    created_at: datetime
    cancelled_at: datetime | None = None
    kind: ItemKind = ItemKind.SPEECH
    language: str = VIETNAMESE  # ISO 639-3, one of config.toml's [[languages]]
    recording: Recording | None = None  # set exactly when kind is RECORDING; `text` is then its transcript
    source_id: str | None = None  # the district bulletin it came from (hub link)

    @property
    def recorded(self) -> bool:
        return self.kind is ItemKind.RECORDING

    def status(self, today: date) -> ItemStatus:
        """Status as the official sees it on `today` (station-local date)."""
        if self.cancelled_at is not None:
            return ItemStatus.CANCELLED
        if self.airings_done >= self.airings_wanted:
            return ItemStatus.AIRED
        if self.valid_until is not None and today > self.valid_until:
            return ItemStatus.EXPIRED
        if self.approved_at is not None:
            return ItemStatus.APPROVED
        return ItemStatus.QUEUED

    @property
    def airings_left(self) -> int:
        return max(0, self.airings_wanted - self.airings_done)

    def valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until
