"""Build sealed airing records for report tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from broadcaster.airlog import GENESIS, AiredItem, AiringDraft, AiringRecord, ChainHead, seal

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

# The ten content topics of the commune's 2021 plan (section III), shortened.
TOPICS = [
    ("T1", "Tầm quan trọng, ý nghĩa, mục tiêu của cải cách hành chính"),
    ("T2", "Chương trình tổng thể cải cách hành chính 2021 - 2030"),
    ("T3", "Vai trò, trách nhiệm của cấp ủy và người đứng đầu"),
    ("T4", "Cải cách thủ tục hành chính, dịch vụ công trực tuyến mức độ 3, 4"),
    ("T5", "Kết quả, tồn tại và thái độ phục vụ của cán bộ, công chức"),
    ("T6", "Đổi mới phương thức làm việc, chính quyền số"),
    ("T7", "Quan hệ giữa Nhà nước và nhân dân"),
    ("T8", "Cải cách tổ chức bộ máy"),
    ("T9", "Cải cách chế độ công vụ"),
    ("T10", "Cải cách tài chính công"),
]
SLOTS = ["sáng", "chiều"]


def item(
    item_id: int,
    topic: str,
    seconds: float,
    *,
    offset: float = 0.0,
    completed: bool = True,
    priority: str = "normal",
    title: str | None = None,
) -> AiredItem:
    return AiredItem(
        item_id=item_id,
        title=title or f"Tin số {item_id}: hướng dẫn thủ tục hành chính",
        topic=topic,
        priority=priority,
        offset_seconds=offset,
        duration_seconds=seconds,
        engine="gtts",
        voice="vi",
        approved_by="Trần Thị Bình",
        approved_at=None,
        completed=completed,
    )


def draft(
    at: datetime,
    items: tuple[AiredItem, ...],
    *,
    slot: str = "sáng",
    status: str = "completed",
    duration: float | None = None,
    reason: str | None = None,
    kind: str = "slot",
) -> AiringDraft:
    if duration is None:
        duration = max((i.offset_seconds + i.duration_seconds for i in items), default=0.0)
    aired = status in ("completed", "interrupted")
    return AiringDraft(
        slot=slot,
        kind=kind,
        scheduled_at=at,
        started_at=at if aired else None,
        ended_at=at + timedelta(seconds=duration) if aired else None,
        duration_seconds=duration if aired else 0.0,
        status=status,
        reason=reason,
        output="soundcard",
        device="default",
        amplifier="none",
        audio_sha256=None,
        exemption=None,
        items=items,
    )


def chain(drafts: list[AiringDraft]) -> list[AiringRecord]:
    records = []
    prev = GENESIS
    for seq, d in enumerate(drafts, start=1):
        rec = seal(d, prev, seq)
        records.append(rec)
        prev = rec.hash
    return records


def head_of(records: list[AiringRecord]) -> ChainHead:
    return ChainHead(records[-1].hash if records else GENESIS, len(records))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HCM)  # type: ignore[misc]
