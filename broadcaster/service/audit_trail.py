"""The audit trail as the command line reads it: the newest entries, and the check of its hash chain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broadcaster.service.context import Station

if TYPE_CHECKING:
    from broadcaster.airlog import ChainHead
    from broadcaster.auditlog import AuditRecord, VerifyResult


def entries(
    station: Station, limit: int = 50, actor: str | None = None, action: str | None = None
) -> list[AuditRecord]:
    """Newest first; `actor` one user's, `action` one kind (login, user, item) or one action (item.approve)."""
    from broadcaster.store import audit as store

    station.ready()
    with station.db.session() as session:
        return store.entries(session, limit=limit, actor=actor, action=action)


def verify(station: Station, written_down: ChainHead | None = None) -> VerifyResult:
    """The chain checked from its first entry (and against a verification code written down earlier)."""
    from broadcaster.store import audit as store

    station.ready()
    with station.db.session() as session:
        return store.verify(session, written_down)
