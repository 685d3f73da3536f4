"""The district's users and the hub's audit trail: the station console's account code on the hub's tables.

`accounts(hub)` gives the `Accounts` of the hub (`broadcaster hub users ...` and the hub's pages);
their logins and changes go to the hub's audit trail (hub/audit.py).
"""

from __future__ import annotations

from broadcaster.hub.audit import AUDIT
from broadcaster.hub.roles import HUB
from broadcaster.hub.service import Hub
from broadcaster.hub.tables import HubLoginFailureRow, HubLoginLockRow, HubUserRow
from broadcaster.store.users import UserQueries
from broadcaster.web.accounts import Accounts, UserDirectory

USERS = UserDirectory(HUB, UserQueries(HubUserRow, HubLoginFailureRow, HubLoginLockRow), AUDIT)


def accounts(hub: Hub) -> Accounts:
    hub.ready()
    return Accounts(hub.db, hub.clock, USERS)
