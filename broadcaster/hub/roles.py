"""The district hub's users: their roles, what each may do, and the pages' menu. Pure.

The same security, accounts and templates as the station's console (broadcaster/web/) serve the
hub's pages with this realm; `tests/hub/test_pages_security.py` walks every route with every role.
"""

from __future__ import annotations

from broadcaster.i18n import N_
from broadcaster.web.permissions import Realm, RealmTexts

ROLES = ("editor", "approver", "viewer")

ROLE_LABELS = {
    "editor": N_("Editor"),  # Biên tập viên: composes bulletins
    "approver": N_("Approver"),  # Lãnh đạo phòng: approves them (never their own)
    "viewer": N_("Viewer"),  # reads the pages and the reports
}

PERMISSIONS = {
    "account": N_("Log out and change one's own password"),
    "stations.view": N_("See the communes: contact, deliveries, airings, targets"),
    "bulletins.view": N_("See the district's bulletins and listen to them"),
    "bulletins.compose": N_("Compose bulletins"),
    "bulletins.approve": N_("Approve bulletins composed by someone else"),
    "report.view": N_("See and download the district report"),
}

_READ = frozenset({"account", "stations.view", "bulletins.view", "report.view"})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "editor": _READ | {"bulletins.compose"},
    # Approvers may compose too (a small office): the two-person rule stops them approving their own.
    "approver": _READ | {"bulletins.compose", "bulletins.approve"},
    "viewer": _READ,
}

NAVIGATION = (
    ("stations.view", "/", N_("Communes")),  # Các xã
    ("bulletins.view", "/bulletins", N_("Bulletins")),  # Bản tin
    ("bulletins.compose", "/bulletins/new", N_("Compose")),  # Soạn bản tin
    ("report.view", "/reports", N_("Reports")),  # Báo cáo
)

HUB = Realm(
    name="hub",
    roles=ROLES,
    role_labels=ROLE_LABELS,
    permissions=PERMISSIONS,
    role_permissions=ROLE_PERMISSIONS,
    navigation=NAVIGATION,
    texts=RealmTexts(
        not_allowed=N_("Log in with an account that may, or ask whoever runs the district hub."),
        disabled=N_("Ask whoever runs the district hub to enable it again (broadcaster hub users enable)."),
        locked=N_("Try again later, or ask whoever runs the district hub to set a new password."),
        forgot=N_("Forgot your password? Ask whoever runs the district hub to set a new one."),
        no_such_user=N_("Run `broadcaster hub users list` to see the user names."),
        bad_token=N_("The district hub's pages take no API tokens; log in with your user name and password."),
        database_down=N_("The hub database is not available"),
    ),
)
