"""What one news item sounds like on air: its parts (title and text speech, or a recording), ready to play."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.model import ItemKind, NewsItem
from broadcaster.sound.bulletin import PartKind

if TYPE_CHECKING:
    from broadcaster.recordings import AcceptedRecording
    from broadcaster.speech import CachedRender


@dataclass(frozen=True)
class AudioPart:
    kind: PartKind
    path: Path
    seconds: float
    sha256: str


@dataclass(frozen=True)
class ItemAudio:
    """What one news item sounds like on air: its parts in order (a pause between them), ready to play."""

    item_id: int
    parts: tuple[AudioPart, ...]
    engine: str  # what made it: a speech engine, or "recording"
    voice: str  # a speech engine's voice, or a recording's language
    fallback_notes: tuple[str, ...] = ()
    kind: ItemKind = ItemKind.SPEECH
    original_sha256: str | None = None  # a recording: the file as received

    @property
    def audio_sha256(self) -> str:
        """The item's main audio as it airs: the text's speech, or the mastered recording."""
        return self.parts[-1].sha256

    def seconds(self, pause_s: float) -> float:
        return sum(p.seconds for p in self.parts) + pause_s * (len(self.parts) - 1)

    @classmethod
    def spoken(cls, item_id: int, title: CachedRender, text: CachedRender) -> ItemAudio:
        return cls(
            item_id,
            (
                AudioPart(PartKind.TITLE, title.path, title.duration_s, title.sha256),
                AudioPart(PartKind.TEXT, text.path, text.duration_s, text.sha256),
            ),
            text.engine,
            text.voice,
            tuple(dict.fromkeys(title.fallback_notes + text.fallback_notes)),
        )

    @classmethod
    def recorded(cls, item: NewsItem, kept: AcceptedRecording) -> ItemAudio:
        part = AudioPart(PartKind.RECORDING, kept.mastered_path, kept.mastered_duration_s, kept.mastered_sha256)
        return cls(item.id, (part,), "recording", item.language, (), ItemKind.RECORDING, kept.original_sha256)
