"""The airing log's rows and its records, both ways: what `airings.append` stores and what it reads back."""

from __future__ import annotations

import json

from broadcaster.airlog import AiredItem, AiringRecord
from broadcaster.canonical_json import dump_reference
from broadcaster.store.tables import AiredItemRow, AiringRow


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def to_record(row: AiringRow) -> AiringRecord:
    return AiringRecord(
        seq=row.seq,
        slot=row.slot,
        kind=row.kind,
        scheduled_at=row.scheduled_at,
        started_at=row.started_at,
        ended_at=row.ended_at,
        duration_seconds=row.duration_ms / 1000,
        status=row.status,
        reason=row.reason,
        output=row.output,
        device=row.device,
        amplifier=row.amplifier,
        audio_sha256=row.audio_sha256,
        exemption=row.exemption,
        items=tuple(
            AiredItem(
                item_id=i.item_id,
                title=i.title,
                topic=i.topic,
                priority=i.priority,
                offset_seconds=i.offset_ms / 1000,
                duration_seconds=i.duration_ms / 1000,
                engine=i.engine,
                voice=i.voice,
                approved_by=i.approved_by,
                approved_at=i.approved_at,
                completed=i.completed,
                kind=i.kind,
                language=i.language,
                source_id=i.source_id,
                original_sha256=i.original_sha256,
                audio_sha256=i.audio_sha256,
            )
            for i in row.items
        ),
        prev_hash=row.prev_hash,
        hash=row.hash,
        relay=json.loads(row.relay_json) if row.relay_json is not None else None,
        version=row.canonical_version,
    )


def airing_row(record: AiringRecord) -> AiringRow:
    return AiringRow(
        seq=record.seq,
        kind=record.kind,
        slot=record.slot,
        scheduled_at=record.scheduled_at,
        started_at=record.started_at,
        ended_at=record.ended_at,
        duration_ms=_ms(record.duration_seconds),
        status=record.status,
        reason=record.reason,
        output=record.output,
        device=record.device,
        amplifier=record.amplifier,
        audio_sha256=record.audio_sha256,
        exemption=record.exemption,
        prev_hash=record.prev_hash,
        hash=record.hash,
        canonical_version=record.version,
        relay_json=None if record.relay is None else dump_reference(dict(record.relay)).decode("utf-8"),
    )


def item_rows(record: AiringRecord) -> list[AiredItemRow]:
    return [
        AiredItemRow(
            airing_seq=record.seq,
            position=n,
            item_id=i.item_id,
            title=i.title,
            topic=i.topic,
            priority=i.priority,
            offset_ms=_ms(i.offset_seconds),
            duration_ms=_ms(i.duration_seconds),
            engine=i.engine,
            voice=i.voice,
            approved_by=i.approved_by,
            approved_at=i.approved_at,
            completed=i.completed,
            kind=i.kind,
            language=i.language,
            source_id=i.source_id,
            original_sha256=i.original_sha256,
            audio_sha256=i.audio_sha256,
        )
        for n, i in enumerate(record.items)
    ]
