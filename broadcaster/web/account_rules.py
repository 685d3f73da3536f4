"""What an account is and the rules its values follow: the user's view, the errors, password and name
checks, one-time passwords and tokens. Pure of the database; accounts.py applies them.

Passwords are hashed with argon2id. The cost is OWASP's recommendation for argon2id
(19 MiB, 2 passes, 1 lane): about 30 ms on a station PC and light on memory, which the
console's 100 MB budget needs; hashes carry their parameters, so raising them later
re-hashes each password at its next login.
"""

from __future__ import annotations

import getpass
import hashlib
import secrets
import unicodedata
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from broadcaster.errors import BroadcasterError, InputError
from broadcaster.i18n import _
from broadcaster.store import audit
from broadcaster.store import users as store
from broadcaster.store.account_tables import UserColumns
from broadcaster.store.audit import AuditTrail
from broadcaster.store.users import UserQueries
from broadcaster.web.permissions import CONSOLE, Realm

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
PASSWORD_MIN = 8
PASSWORD_MAX = 256
USERNAME_MAX = 64
MAX_FAILURES = 10  # wrong passwords for one login name ...
FAILURE_WINDOW = timedelta(minutes=15)  # ... within this long lock it ...
LOCK_FOR = timedelta(minutes=15)  # ... for this long
TOKEN_PREFIX = "bct_"  # noqa: S105 (a prefix that marks broadcaster API tokens, not a secret)
_ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud over the phone


class LoginRefused(BroadcasterError):
    """Wrong user name or password (or a disabled account)."""

    http_status = 401


class LoginThrottled(BroadcasterError):
    """Too many wrong passwords: the login name is locked for a while."""

    http_status = 429

    def __init__(self, message: str, hint: str | None, until: datetime) -> None:
        super().__init__(message, hint)
        self.until = until


class UserExists(InputError):
    http_status = 409


class NotAllowed(BroadcasterError):
    http_status = 403


class Sessions(Protocol):
    """A database that opens one transaction at a time (the station's `Database`, the hub's `HubDB`)."""

    def session(self) -> AbstractContextManager[Session]: ...


@dataclass(frozen=True)
class UserDirectory:
    """Whose users: the tables they live in, the audit trail their changes go to, and their realm."""

    realm: Realm
    queries: UserQueries[Any]
    audit: AuditTrail


CONSOLE_USERS = UserDirectory(CONSOLE, store.STATION, audit.STATION)


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    role: str
    active: bool
    must_change_password: bool
    has_token: bool
    session_epoch: int
    created_at: datetime
    last_login_at: datetime | None
    locked_until: datetime | None = None  # logging in is paused after too many wrong passwords
    realm: Realm = field(default=CONSOLE, compare=False, repr=False)

    @property
    def role_label(self) -> str:
        return self.realm.role_label(self.role)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "full_name": self.full_name,
            "role": self.role,
            "active": self.active,
            "must_change_password": self.must_change_password,
            "has_token": self.has_token,
            "created_at": self.created_at.isoformat(),
            "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
        }


def user_info(row: UserColumns, realm: Realm, locked_until: datetime | None = None) -> UserInfo:
    return UserInfo(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=row.role,
        active=row.active,
        must_change_password=row.must_change_password,
        has_token=row.token_hash is not None,
        session_epoch=row.session_epoch,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
        locked_until=locked_until,
        realm=realm,
    )


def cli_actor() -> str:
    """How the command line appears in the audit trail: cli:<system user>."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def one_time_password() -> str:
    """12 letters and digits in three groups (about 58 bits), easy to read out: k7pm-3xqa-9fze."""
    groups = ("".join(secrets.choice(_ONE_TIME_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


def token_hash(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 is enough and lets a request find its user by index.
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


@cache
def dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(16))


def check_username(username: str) -> str:
    name = unicodedata.normalize("NFC", username).strip()
    if not name:
        raise InputError(_("The user name is empty."), _("Type a user name, e.g. vanhoa."))
    if len(name) > USERNAME_MAX:
        raise InputError(
            _("The user name is longer than {n} characters.").format(n=USERNAME_MAX), _("Choose a shorter one.")
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise InputError(_("The user name contains invisible characters."), _("Type it again by hand."))
    return name


def check_password(password: str, username: str = "") -> str:
    if len(password) < PASSWORD_MIN:
        raise InputError(
            _("The password is too short: it needs at least {n} characters.").format(n=PASSWORD_MIN),
            _("Choose a longer password."),
        )
    if len(password) > PASSWORD_MAX:
        raise InputError(
            _("The password is longer than {n} characters.").format(n=PASSWORD_MAX), _("Choose a shorter one.")
        )
    if username and store.login_key(password) == store.login_key(username):
        raise InputError(_("The password must not be the user name."), _("Choose another password."))
    return password


def check_role(role: str, realm: Realm = CONSOLE) -> str:
    if role not in realm.roles:
        raise InputError(
            _("Unknown role '{role}'.").format(role=role),
            _("Use one of: {roles}.").format(roles=", ".join(realm.roles)),
        )
    return role


def verify_password(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
