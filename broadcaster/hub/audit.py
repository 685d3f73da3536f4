"""The hub's audit trail: what the district's users did, chained like the airing log.

`AUDIT.record(session, actor, action, target, details, address, at=...)` in the transaction of
the action itself (a bulletin composed or approved, a station registered, its fork flag
cleared, its key replaced, a login). Actions typed on the command line appear as
`cli:<system user>` from `local`.
"""

from __future__ import annotations

from broadcaster.hub.tables import HubAuditHeadRow, HubAuditRow
from broadcaster.i18n import N_
from broadcaster.store.audit import AuditTrail

AUDIT = AuditTrail(
    HubAuditRow,
    HubAuditHeadRow,
    missing=N_("The audit trail of the hub database is not set up."),
    missing_hint=N_("Run `broadcaster hub init` (existing data is kept)."),
)
LOCAL = "local"


def station_target(code: str) -> str:
    return f"station:{code}"


def bulletin_target(bulletin_id: str) -> str:
    return f"bulletin:{bulletin_id}"


def command_line() -> str:
    """The actor of a command typed at the hub: cli:<system user>."""
    from broadcaster.web.accounts import cli_actor

    return cli_actor()
