"""Queries on the audit trail. Entries are inserted, never updated or deleted.

`record(...)` is the one function every user action goes through, in the transaction
of the action itself: an action and its audit entry are stored together or not at all.

`AuditTrail` runs on the tables it is given: the station's (`STATION`, whose methods are also
this module's functions) or the district hub's (hub/users.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from broadcaster.airlog import ChainHead
from broadcaster.auditlog import AuditDraft, AuditRecord, VerifyResult, seal, verify_chain
from broadcaster.errors import StoreError
from broadcaster.i18n import N_, _
from broadcaster.store.account_tables import AuditColumns, AuditHeadColumns
from broadcaster.store.tables_web import AuditHeadRow, AuditRow

HEAD_ID = 1


def to_record(row: AuditColumns) -> AuditRecord:
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


@dataclass(frozen=True)
class AuditTrail:
    """One schema's audit trail: its entries' table, its head row, and what to say when it is missing."""

    row: type[AuditColumns]
    head_row: type[AuditHeadColumns]
    missing: str = N_("The audit trail of the station database is not set up.")
    missing_hint: str = N_("Run `broadcaster init` first.")

    @property
    def _head_table(self) -> Table:
        table: Table = self.head_row.__table__  # type: ignore[attr-defined]
        return table

    def append(self, session: Session, draft: AuditDraft) -> AuditRecord:
        """Seal `draft` after the newest entry and store it, in the caller's transaction."""
        # Raise the head first: it takes the write lock (SQLite) or the row lock (PostgreSQL) before the
        # head is read, so two appenders take turns instead of both claiming the same number.
        head = self._head_table
        bumped = session.execute(
            update(head).where(head.c.id == HEAD_ID).values(seq=head.c.seq + 1).returning(head.c.seq, head.c.hash)
        ).first()
        if bumped is None:
            raise StoreError(_(self.missing), _(self.missing_hint))
        seq, prev = int(bumped[0]), str(bumped[1])
        entry = seal(draft, prev, seq)
        session.add(
            self.row(
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
        session.execute(update(head).where(head.c.id == HEAD_ID).values(hash=entry.hash))
        session.flush()
        return entry

    def record(
        self,
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
        draft = AuditDraft(at=at, actor=actor, action=action, target=target, details=details, address=address)
        return self.append(session, draft)

    def head(self, session: Session) -> ChainHead:
        row = session.get(self.head_row, HEAD_ID)
        if row is None:
            raise StoreError(_(self.missing), _(self.missing_hint))
        return ChainHead(hash=row.hash, count=int(row.seq))

    def entries(
        self,
        session: Session,
        *,
        limit: int = 50,
        before: int | None = None,
        actor: str | None = None,
        action: str | None = None,
        target: str | None = None,
    ) -> list[AuditRecord]:
        """Newest first: `limit` entries older than entry `before`, optionally one actor's, one target's
        or one action's (an action given as "item" matches "item.add", "item.approve" ...)."""
        row = self.row
        query = select(row).order_by(row.seq.desc()).limit(limit)
        if before is not None:
            query = query.where(row.seq < before)
        if actor:
            query = query.where(row.actor == actor)
        if target:
            query = query.where(row.target == target)
        if action:
            query = query.where((row.action == action) | row.action.startswith(action + "."))
        return [to_record(r) for r in session.scalars(query)]

    def iter_all(self, session: Session, batch: int = 2000) -> Iterator[AuditRecord]:
        """Every entry in chain order, in batches."""
        last = 0
        while True:
            rows = session.scalars(
                select(self.row).where(self.row.seq > last).order_by(self.row.seq).limit(batch)
            ).all()
            if not rows:
                return
            for row in rows:
                yield to_record(row)
            last = rows[-1].seq
            session.expunge_all()

    def verify(self, session: Session, written_down: ChainHead | None = None) -> VerifyResult:
        """Check the chain, that it ends where the head row says (newest entries not deleted) and, with
        `written_down`, that it still reaches that code from an earlier check."""
        stored = self.head(session)
        records = list(self.iter_all(session))
        result = verify_chain(records, stored)
        if result.ok and written_down is not None:
            result = verify_chain(records, written_down)
        return result


STATION = AuditTrail(AuditRow, AuditHeadRow)

# The station's trail as plain functions (what the console and the station's CLI call).
append = STATION.append
record = STATION.record
head = STATION.head
entries = STATION.entries
iter_all = STATION.iter_all
verify = STATION.verify
