"""Who may do what: the roles, the permissions and the one matrix between them.

Every console page and API route declares one permission (`security.require(...)`);
this table is the only place that says which roles hold it. Pure: no web imports,
so the command line can read the roles too.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def allowed(role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}; add it to broadcaster/web/permissions.py")
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def roles_with(permission: str) -> frozenset[str]:
    return frozenset(role for role in ROLES if allowed(role, permission))


def role_label(role: str) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


@dataclass(frozen=True)
class Actor:
    """Who is asking: what every console route gets from `require(...)` and passes to the core."""

    user_id: int
    username: str
    role: str
    full_name: str = ""
    address: str | None = None  # the client's IP address
    via: str = "session"  # session | token

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


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
