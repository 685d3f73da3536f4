"""The station's side of the hub link in its database: bulletins received, refused, receipts.

Tables (migration 0008; they share the station's `Base`):

- hub_link: one row: the cursor (the hub's delivery position of the last bulletin stored),
  the hub's acknowledged position of this station's log, the last sync and its error.
- hub_inbox: every district bulletin taken, by its id (the news item it became, or
  "expired" / "held"), with the signed envelope as received: the proof it came from the hub.
- hub_refusals: what was refused and why (bad signature, replayed, addressed elsewhere...),
  once per distinct envelope, with how often it came.
- hub_receipts: the hub's signed receipts: an outside witness of this station's log.

A page of bulletins is stored with the cursor in the same transaction (`store_page`), so a
sync cut short stores all of a page or none of it, and fetching twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from broadcaster.airlog import GENESIS, AiringRecord
from broadcaster.hublink.inbox import Refused, Taken
from broadcaster.store import airings as log_store
from broadcaster.store import news as news_store
from broadcaster.store.airing_rows import to_record
from broadcaster.store.tables import AiringRow, Base, NewsItemRow, UTCDateTime

_BIG = BigInteger().with_variant(Integer, "sqlite")


class HubLinkRow(Base):
    __tablename__ = "hub_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    cursor: Mapped[int] = mapped_column(_BIG)
    acked_count: Mapped[int] = mapped_column(_BIG)
    acked_hash: Mapped[str] = mapped_column(String(64))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    hub_problem: Mapped[str | None] = mapped_column(Text)  # what the hub says is wrong with this station's log


class HubInboxRow(Base):
    __tablename__ = "hub_inbox"

    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[int] = mapped_column(_BIG)
    state: Mapped[str] = mapped_column(String(16))  # queued | expired | held
    priority: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    news_item_id: Mapped[int | None] = mapped_column(ForeignKey("news_items.id", ondelete="SET NULL"))
    audio_path: Mapped[str | None] = mapped_column(String(500))
    signed: Mapped[str] = mapped_column(Text)  # {"envelope": ..., "signature": ...} as received
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HubRefusalRow(Base):
    __tablename__ = "hub_refusals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    envelope_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_id: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(500))
    priority: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    times: Mapped[int] = mapped_column(Integer)


class HubReceiptRow(Base):
    __tablename__ = "hub_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(_BIG)
    hash: Mapped[str] = mapped_column(String(64))
    received: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signature: Mapped[str] = mapped_column(String(200))
    hub_key: Mapped[str] = mapped_column(String(100))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)


def envelope_sha256(signed: object) -> str:
    return hashlib.sha256(json.dumps(signed, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def link_row(session: Session) -> HubLinkRow:
    row = session.get(HubLinkRow, 1)
    if row is None:
        row = HubLinkRow(id=1, cursor=0, acked_count=0, acked_hash=GENESIS)
        session.add(row)
        session.flush()
    return row


def known_ids(session: Session, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.scalars(select(HubInboxRow.source_id).where(HubInboxRow.source_id.in_(list(ids)))))


def _news_item(session: Session, taken: Taken, now: datetime) -> int:
    e = taken.envelope
    row = news_store.add_row(
        session,
        now,
        title=e.title,
        topic=e.topic,
        text=e.text or e.title,
        priority=e.priority,
        valid_from=e.valid_from,
        valid_until=e.valid_until,
        airings_wanted=e.airings,
        approved_by=f"{e.approved_by} ({e.issued_by})"
        if taken.approved and e.issued_by
        else (e.approved_by if taken.approved else None),
        approved_at=now if taken.approved else None,
        source_note=f"Bản tin của huyện ({e.issued_by or 'hub'}), duyệt: {e.approved_by}"[:500],
        source_id=e.id,
    )
    return row.id


def store_page(
    session: Session, now: datetime, taken: Sequence[Taken], refused: Sequence[Refused], cursor: int
) -> list[int]:
    """Store a page's bulletins, its refusals and the new cursor in the caller's transaction;
    the ids of the news items created."""
    created = []
    for t in taken:
        item_id = _news_item(session, t, now) if t.state == "queued" else None
        if item_id is not None:
            created.append(item_id)
        session.add(
            HubInboxRow(
                source_id=t.envelope.id,
                cursor=t.cursor,
                state=t.state,
                priority=t.envelope.priority,
                title=t.envelope.title,
                news_item_id=item_id,
                audio_path=t.audio_path,
                signed=json.dumps(t.signed, ensure_ascii=False, sort_keys=True),
                received_at=now,
            )
        )
    for r in refused:
        _refusal(session, r, now)
    link_row(session).cursor = max(cursor, link_row(session).cursor)
    session.flush()
    return created


def _refusal(session: Session, refused: Refused, now: datetime) -> None:
    digest = envelope_sha256(refused.signed)
    row = session.scalar(select(HubRefusalRow).where(HubRefusalRow.envelope_sha256 == digest))
    if row is not None:
        row.last_seen, row.times = now, row.times + 1
        return
    session.add(
        HubRefusalRow(
            envelope_sha256=digest,
            source_id=(refused.source_id or "")[:64] or None,
            title=(refused.title or "")[:500] or None,
            priority=(refused.priority or "")[:16] or None,
            reason=refused.reason,
            first_seen=now,
            last_seen=now,
            times=1,
        )
    )
    session.flush()


def records_from(session: Session, first_seq: int, limit: int) -> list[AiringRecord]:
    rows = session.scalars(select(AiringRow).where(AiringRow.seq >= first_seq).order_by(AiringRow.seq).limit(limit))
    return [to_record(r) for r in rows]


def sources_for(session: Session, item_ids: set[int]) -> dict[int, str]:
    """The district bulletin each of these news items came from (only those that came from one)."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(NewsItemRow.id, NewsItemRow.source_id).where(
            NewsItemRow.id.in_(sorted(item_ids)), NewsItemRow.source_id.is_not(None)
        )
    )
    return {item_id: source for item_id, source in rows if source}


def save_receipt(session: Session, doc: dict[str, Any], signature: str, hub_key: str, now: datetime) -> None:
    issued = datetime.fromisoformat(str(doc["issued_at"]).replace("Z", "+00:00"))
    session.add(
        HubReceiptRow(
            count=doc["count"],
            hash=doc["hash"],
            received=doc["received"],
            issued_at=issued,
            signature=signature,
            hub_key=hub_key,
            stored_at=now,
        )
    )
    row = link_row(session)
    row.acked_count, row.acked_hash = doc["count"], doc["hash"]


def last_receipt(session: Session) -> HubReceiptRow | None:
    return session.scalar(select(HubReceiptRow).order_by(HubReceiptRow.id.desc()).limit(1))


def finish(session: Session, now: datetime, error: str | None, hub_problem: str | None = None) -> None:
    row = link_row(session)
    row.last_attempt_at = now
    row.last_error = error
    if error is None:
        row.last_success_at = now
    row.hub_problem = hub_problem


def reset(session: Session) -> None:
    """Start afresh with another hub (or under another code): its positions mean nothing here.
    What was received and the receipts of the old hub are kept."""
    row = link_row(session)
    row.cursor, row.acked_count, row.acked_hash, row.hub_problem = 0, 0, GENESIS, None


def set_acknowledged(session: Session, count: int, head_hash: str) -> None:
    session.execute(update(HubLinkRow).where(HubLinkRow.id == 1).values(acked_count=count, acked_hash=head_hash))


def refusals(session: Session, limit: int = 50) -> list[HubRefusalRow]:
    return list(session.scalars(select(HubRefusalRow).order_by(HubRefusalRow.last_seen.desc()).limit(limit)))


def inbox(session: Session, limit: int = 50) -> list[HubInboxRow]:
    return list(session.scalars(select(HubInboxRow).order_by(HubInboxRow.cursor.desc()).limit(limit)))


def head(session: Session) -> tuple[int, str]:
    return log_store.head(session)
