"""Who may do what: the roles, the permissions and the one matrix between them.

Every console page and API route declares one permission (`security.require(...)`);
this table is the only place that says which roles hold it. Pure: no web imports,
so the command line can read the roles too.

A `Realm` bundles one such matrix with its menu and the words its pages use for "who to
ask": the station's console is `CONSOLE` (below); the district hub's pages are another
realm (broadcaster/hub/roles.py) served by the same security, accounts and templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from broadcaster.i18n import N_, _

ROLES = ("official", "approver", "technician", "district")

ROLE_LABELS = {
    "official": N_("Culture and social affairs officer"),  # Công chức Văn hóa – xã hội
    "approver": N_("Chairman of the commune People's Committee"),  # Chủ tịch UBND xã
    "technician": N_("Technician"),  # Kỹ thuật viên
    "district": N_("District culture and information office"),  # Phòng Văn hóa – Thông tin huyện
}

# permission -> what it allows (shown to the technician on the users page)
PERMISSIONS = {
    "account": N_("Log out and change one's own password"),
    "dashboard.view": N_("See the overview"),
    "items.view": N_("See the news items"),
    "items.add": N_("Queue news items"),
    "items.edit": N_("Edit news items"),
    "items.import": N_("Import news items from a file"),
    "items.audio": N_("Listen to a news item before it airs"),
    "items.approve": N_("Approve news items"),
    "items.cancel": N_("Cancel news items"),
    "items.air_now": N_("Air an item now (emergency)"),
    "schedule.view": N_("See the broadcast schedule"),
    "status.view": N_("See the station's status"),
    "log.view": N_("See the airing log"),
    "log.verify": N_("Verify the airing log"),
    "report.view": N_("See and download reports"),
    "users.manage": N_("Manage users"),
    "devices.view": N_("See the sound devices"),
    "doctor.run": N_("Run the station checks"),
    "config.view": N_("See the configuration"),
    "audit.view": N_("See the audit trail"),
}

_OFFICIAL = frozenset(
    {
        "account",
        "dashboard.view",
        "items.view",
        "items.add",
        "items.edit",
        "items.import",
        "items.audio",
        "items.cancel",
        "items.air_now",
        "schedule.view",
        "status.view",
        "log.view",
        "log.verify",
        "report.view",
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # văn hóa: queue, edit, import, listen, air now, reports (and sees what airs and when)
    "official": _OFFICIAL,
    # the chairman: everything the official can, plus approve
    "approver": _OFFICIAL | {"items.approve"},
    # kỹ thuật: the machine and the people, not the news
    "technician": frozenset(
        {
            "account",
            "dashboard.view",
            "status.view",
            "devices.view",
            "doctor.run",
            "users.manage",
            "config.view",
            "audit.view",
        }
    ),
    # huyện: read-only evidence
    "district": frozenset(
        {"account", "dashboard.view", "schedule.view", "log.view", "log.verify", "report.view", "audit.view"}
    ),
}


# The console's menu: (permission, path, label), in the order shown.
NAVIGATION = (
    ("dashboard.view", "/", N_("Overview")),  # Tổng quan
    ("items.view", "/items", N_("News items")),  # Bản tin
    ("schedule.view", "/schedule", N_("Schedule")),  # Lịch phát
    ("log.view", "/log", N_("Airing log")),  # Nhật ký phát
    ("report.view", "/reports", N_("Reports")),  # Báo cáo
    ("users.manage", "/users", N_("Users")),  # Người dùng
    ("devices.view", "/devices", N_("Devices")),  # Thiết bị
    ("audit.view", "/audit", N_("Audit trail")),  # Nhật ký thao tác
)


@dataclass(frozen=True)
class RealmTexts:
    """What a realm's pages and errors say about who can help (N_ texts, translated where shown)."""

    not_allowed: str  # a role lacks a permission
    disabled: str  # a disabled account tries to log in
    locked: str  # logging in is paused after wrong passwords
    forgot: str  # under the login form
    no_such_user: str  # the command line names a user that does not exist
    bad_token: str  # an API token that is not valid
    database_down: str  # the title of a 503 page


_REALMS: dict[str, Realm] = {}


@dataclass(frozen=True)
class Realm:
    """One set of users and what they may do: roles, permissions, the matrix, the menu."""

    name: str
    roles: tuple[str, ...]
    role_labels: Mapping[str, str]
    permissions: Mapping[str, str]  # permission -> what it allows (N_)
    role_permissions: Mapping[str, frozenset[str]]
    navigation: tuple[tuple[str, str, str], ...]  # (permission, path, label)
    texts: RealmTexts = field(repr=False)

    def __post_init__(self) -> None:
        for role, held in self.role_permissions.items():
            unknown = held - set(self.permissions)
            assert not unknown, f"{self.name}: role {role} holds unknown permissions {unknown}"
        _REALMS[self.name] = self

    def allowed(self, role: str, permission: str) -> bool:
        if permission not in self.permissions:
            raise KeyError(f"unknown permission {permission!r} in the {self.name} realm")
        return permission in self.role_permissions.get(role, frozenset())

    def roles_with(self, permission: str) -> frozenset[str]:
        return frozenset(role for role in self.roles if self.allowed(role, permission))

    def role_label(self, role: str) -> str:
        return _(self.role_labels[role]) if role in self.role_labels else role

    def permissions_of(self, role: str) -> list[str]:
        return sorted(p for p in self.permissions if p in self.role_permissions.get(role, frozenset()))


def known_permission(permission: str) -> bool:
    """Whether any realm defines `permission` (routes are checked when they are declared)."""
    return any(permission in realm.permissions for realm in _REALMS.values())


CONSOLE = Realm(
    name="console",
    roles=ROLES,
    role_labels=ROLE_LABELS,
    permissions=PERMISSIONS,
    role_permissions=ROLE_PERMISSIONS,
    navigation=NAVIGATION,
    texts=RealmTexts(
        not_allowed=N_("Log in with an account that may, or ask the station's technician."),
        disabled=N_("Ask the station's technician to enable it again."),
        locked=N_("Try again later, or ask the station's technician to set a new password."),
        forgot=N_("Forgot your password? Ask the station's technician to set a new one."),
        no_such_user=N_("Run `broadcaster users list` to see the user names."),
        bad_token=N_("Ask the technician for a new one: broadcaster users token NAME."),
        database_down=N_("The station database is not available"),
    ),
)

# The console's realm as plain functions (the console's code and tests use these).
allowed = CONSOLE.allowed
roles_with = CONSOLE.roles_with
role_label = CONSOLE.role_label


@dataclass(frozen=True)
class Actor:
    """Who is asking: what every route gets from `require(...)` and passes to the core."""

    user_id: int
    username: str
    role: str
    full_name: str = ""
    address: str | None = None  # the client's IP address
    via: str = "session"  # session | token
    realm: Realm = field(default=CONSOLE, compare=False, repr=False)

    def can(self, permission: str) -> bool:
        return self.realm.allowed(self.role, permission)

    @property
    def role_label(self) -> str:
        return self.realm.role_label(self.role)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
