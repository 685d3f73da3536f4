"""An airing as the documented JSON of `broadcaster log --json` and the console's API (docs/json.md).

Pure: no I/O.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from broadcaster.airlog import AiringRecord


def _local(dt: datetime | None, tz: tzinfo) -> str | None:
    return None if dt is None else dt.astimezone(tz).isoformat()


def to_json(record: AiringRecord, tz: tzinfo) -> dict[str, Any]:
    """One airing as a JSON-ready dict; times in the station's time zone with their offset."""
    return {
        "id": record.seq,
        "slot": record.slot,
        "kind": record.kind,
        "scheduled_at": _local(record.scheduled_at, tz),
        "started_at": _local(record.started_at, tz),
        "ended_at": _local(record.ended_at, tz),
        "duration_seconds": record.duration_seconds,
        "status": record.status,
        "reason": record.reason,
        "output": record.output,
        "device": record.device,
        "amplifier": record.amplifier,
        "audio_sha256": record.audio_sha256,
        "exemption": record.exemption,
        "prev_hash": record.prev_hash,
        "hash": record.hash,
        "version": record.version,
        "relay": dict(record.relay) if record.relay is not None else None,
        "items": [
            {
                "item_id": item.item_id,
                "title": item.title,
                "topic": item.topic,
                "priority": item.priority,
                "offset_seconds": item.offset_seconds,
                "duration_seconds": item.duration_seconds,
                "engine": item.engine,
                "voice": item.voice,
                "approved_by": item.approved_by,
                "approved_at": _local(item.approved_at, tz),
                "completed": item.completed,
                "kind": item.kind,
                "language": item.language,
                "source_id": item.source_id,
                "original_sha256": item.original_sha256,
                "audio_sha256": item.audio_sha256,
            }
            for item in record.items
        ],
    }
