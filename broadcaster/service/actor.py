"""Who does a user action, for the audit trail and for who queued an item.

Every front end names the person acting: the console its logged-in user (and the client's
address), the command line the computer's user as `cli:<login>` from `local`. The core writes
the audit entry in the transaction of the action itself, so an action and its entry are stored
together or not at all, whichever front end asked.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from broadcaster.store import audit

LOCAL = "local"  # the address of an action typed on the station PC itself


def cli_user() -> str:
    """How the command line appears in the audit trail: cli:<system user>."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@dataclass(frozen=True)
class Actor:
    name: str  # a console user name, or cli:<system user>
    address: str | None = None  # the client's IP address, or "local"

    @classmethod
    def command_line(cls) -> Actor:
        return cls(cli_user(), LOCAL)

    def record(
        self,
        session: Session,
        action: str,
        target: str | None,
        details: Mapping[str, Any] | None,
        at: datetime,
    ) -> None:
        """The audit entry of `action` on `target`, in the caller's transaction."""
        audit.record(session, self.name, action, target, details, self.address, at=at)
