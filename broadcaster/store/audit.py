"""Queries on the audit trail. Entries are inserted, never updated or deleted.

`record(...)` is the one function every user action goes through, in the transaction
of the action itself: an action and its audit entry are stored together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from broadcaster.airlog import ChainHead
from broadcaster.auditlog import AuditDraft, AuditRecord, VerifyResult, seal, verify_chain
from broadcaster.errors import StoreError
from broadcaster.i18n import _
from broadcaster.store.tables_web import AuditHeadRow, AuditRow

HEAD_ID = 1


def to_record(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        target=row.target,
        details=row.details,
        address=row.address,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def append(session: Session, draft: AuditDraft) -> AuditRecord:
    """Seal `draft` after the newest entry and store it, in the caller's transaction."""
    # Raise the head first: it takes the write lock (SQLite) or the row lock (PostgreSQL) before the
    # head is read, so two appenders take turns instead of both claiming the same number.
    bumped = session.execute(
        update(AuditHeadRow.__table__)  # type: ignore[arg-type]
        .where(AuditHeadRow.__table__.c.id == HEAD_ID)
        .values(seq=AuditHeadRow.__table__.c.seq + 1)
        .returning(AuditHeadRow.__table__.c.seq, AuditHeadRow.__table__.c.hash)
    ).first()
    if bumped is None:
        raise StoreError(
            _("The audit trail of the station database is not set up."), _("Run `broadcaster init` first.")
        )
    seq, prev = int(bumped[0]), str(bumped[1])
    entry = seal(draft, prev, seq)
    session.add(
        AuditRow(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            details=entry.details,
            address=entry.address,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )
    )
    session.execute(
        update(AuditHeadRow.__table__)  # type: ignore[arg-type]
        .where(AuditHeadRow.__table__.c.id == HEAD_ID)
        .values(hash=entry.hash)
    )
    session.flush()
    return entry


def record(
    session: Session,
    actor: str,
    action: str,
    target: str | None = None,
    details: Mapping[str, Any] | None = None,
    address: str | None = None,
    *,
    at: datetime,
) -> AuditRecord:
    """Write down that `actor` did `action` to `target` from `address` at `at` (in this transaction).

    actor: a user name, or "cli:<system user>" for the command line. action: dotted words, e.g.
    "item.approve". target: e.g. "item:12". details: JSON values (what changed, the old and new values).
    """
    return append(
        session, AuditDraft(at=at, actor=actor, action=action, target=target, details=details, address=address)
    )


def head(session: Session) -> ChainHead:
    row = session.get(AuditHeadRow, HEAD_ID)
    if row is None:
        raise StoreError(
            _("The audit trail of the station database is not set up."), _("Run `broadcaster init` first.")
        )
    return ChainHead(hash=row.hash, count=int(row.seq))


def entries(
    session: Session,
    *,
    limit: int = 50,
    before: int | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> list[AuditRecord]:
    """Newest first: `limit` entries older than entry `before`, optionally one actor's or one action's
    (an action given as "item" matches "item.add", "item.approve" ...)."""
    query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditRow.seq < before)
    if actor:
        query = query.where(AuditRow.actor == actor)
    if action:
        query = query.where((AuditRow.action == action) | AuditRow.action.startswith(action + "."))
    return [to_record(r) for r in session.scalars(query)]


def iter_all(session: Session, batch: int = 2000) -> Iterator[AuditRecord]:
    """Every entry in chain order, in batches."""
    last = 0
    while True:
        rows = session.scalars(select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield to_record(row)
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session, written_down: ChainHead | None = None) -> VerifyResult:
    """Check the chain, that it ends where the head row says (newest entries not deleted) and, with
    `written_down`, that it still reaches that code from an earlier check."""
    stored = head(session)
    records = list(iter_all(session))
    result = verify_chain(records, stored)
    if result.ok and written_down is not None:
        result = verify_chain(records, written_down)
    return result
