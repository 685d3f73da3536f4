"""A news item as JSON (`news show --json`, `news list --json`, the console): docs/json.md. Pure.

Fields are never renamed or removed; new ones may be added.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from broadcaster.model import NewsItem
from broadcaster.service.context import Station


def item_json(item: NewsItem, station: Station, speech: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The documented, stable JSON shape of a news item (docs/json.md); times in station time."""
    today = station.today()
    topic_names = station.config.topic_names()

    def iso(moment: datetime | None) -> str | None:
        return station.local(moment).isoformat() if moment else None

    recording = item.recording
    return {
        "id": item.id,
        "title": item.title,
        "topic": item.topic,
        "topic_name": topic_names.get(item.topic, item.topic),
        "priority": item.priority.value,
        "status": item.status(today).value,
        "text": item.text,
        "valid_from": item.valid_from.isoformat() if item.valid_from else None,
        "valid_until": item.valid_until.isoformat() if item.valid_until else None,
        "airings_wanted": item.airings_wanted,
        "airings_done": item.airings_done,
        "approved_by": item.approved_by,
        "approved_at": iso(item.approved_at),
        "created_at": iso(item.created_at),
        "cancelled_at": iso(item.cancelled_at),
        "speech": speech or [],
        "kind": item.kind.value,
        "language": item.language,
        "language_name": station.config.language_names().get(item.language, item.language),
        "recording": None
        if recording is None
        else {"sha256": recording.sha256, "name": recording.name, "seconds": round(recording.seconds, 3)},
    }
