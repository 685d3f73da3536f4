"""The demo station's console users: one per role, with generated passwords written to a file in the
demo folder, so whoever ran `broadcaster demo` can open the console on it and look around."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from broadcaster.i18n import _
from broadcaster.service.actor import cli_user
from broadcaster.service.context import Station
from broadcaster.web.accounts import Accounts
from broadcaster.web.permissions import role_label

FILE_NAME = "nguoi-dung-demo.txt"
# (user name, role, full name): the people of a commune station
DEMO_USERS = (
    ("vanhoa", "official", "Nguyễn Thị Hoa"),
    ("chutich", "approver", "Trần Văn Nam"),
    ("kythuat", "technician", "Lê Văn Kỹ"),
    ("huyen", "district", "Phòng VH-TT huyện"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str


def create_demo_users(station: Station, folder: Path) -> tuple[list[DemoLogin], Path]:
    """Add the demo users with fresh passwords (real ones: no change is asked at the first login) and
    write them, readable by this computer's user only, to FILE_NAME in `folder`."""
    accounts = Accounts(station.db, station.clock)
    logins = []
    for username, role, full_name in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        accounts.add(username, role, password, full_name, actor=cli_user(), address="local")
        logins.append(DemoLogin(username, role, password))
    path = folder / FILE_NAME
    lines = [_("Users of the demo station's web console (a demo only: never use these on a real station)."), ""]
    lines += [f"{login.username:<10} {login.password:<14} {role_label(login.role)}" for login in logins]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return logins, path


def console_address(station: Station) -> str:
    web = station.config.web
    host = "127.0.0.1" if web.host in ("0.0.0.0", "::") else web.host  # noqa: S104 (compared, not bound)
    return f"http://{host}:{web.port}/"
