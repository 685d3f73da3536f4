"""Users of the console: adding them, their passwords and tokens, and logging in with throttling.

The command line (`broadcaster users ...`) and the console's pages call these same functions;
every change is written to the audit trail in the same transaction. The district hub's users
(`broadcaster hub users ...`, the hub's pages) are the same code on the hub's own tables, audit
trail and roles: an `Accounts` is given its `UserDirectory`.

The values and rules (UserInfo, the errors, password checks, hashing) are in account_rules.py.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from broadcaster.clock import Clock, SystemClock
from broadcaster.errors import InputError, NotFoundError
from broadcaster.i18n import _
from broadcaster.store.account_tables import UserColumns
from broadcaster.store.users import login_key
from broadcaster.web.account_rules import (
    CONSOLE_USERS,
    FAILURE_WINDOW,
    HASHER,
    LOCK_FOR,
    MAX_FAILURES,
    TOKEN_PREFIX,
    USERNAME_MAX,
    LoginRefused,
    LoginThrottled,
    NotAllowed,
    Sessions,
    UserDirectory,
    UserExists,
    UserInfo,
    check_password,
    check_role,
    check_username,
    cli_actor,
    dummy_hash,
    one_time_password,
    token_hash,
    user_info,
)
from broadcaster.web.account_rules import verify_password as _verify

__all__ = [
    "FAILURE_WINDOW",
    "HASHER",
    "LOCK_FOR",
    "MAX_FAILURES",
    "Accounts",
    "LoginRefused",
    "LoginThrottled",
    "NotAllowed",
    "UserDirectory",
    "UserExists",
    "UserInfo",
    "check_password",
    "check_role",
    "check_username",
    "cli_actor",
]

log = logging.getLogger(__name__)


class Accounts:
    """The users of one station (or of the district hub, with the hub's `directory`)."""

    def __init__(self, db: Sessions, clock: Clock | None = None, directory: UserDirectory = CONSOLE_USERS) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.directory = directory
        self.realm = directory.realm
        self.users = directory.queries
        self.audit = directory.audit

    def _info(self, row: UserColumns, locked_until: datetime | None = None) -> UserInfo:
        return user_info(row, self.realm, locked_until)

    # ------------------------------------------------------------ reading

    def list(self) -> list[UserInfo]:
        with self.db.session() as session:
            locks = self.users.locks_in_force(session, self.clock.now())
            return [self._info(row, locks.get(row.login_key)) for row in self.users.all_users(session)]

    def get(self, user_id: int) -> UserInfo:
        with self.db.session() as session:
            return self._info(self._row_by_id(session, user_id))

    def find(self, username: str) -> UserInfo:
        with self.db.session() as session:
            return self._info(self._row_by_name(session, username))

    def session_user(self, user_id: int, epoch: int) -> UserInfo | None:
        """The user a session cookie names, if still active and not logged out by a password change."""
        with self.db.session() as session:
            row = self.users.by_id(session, user_id)
            if row is None or not row.active or row.session_epoch != epoch:
                return None
            return self._info(row)

    def by_token(self, token: str) -> UserInfo | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        with self.db.session() as session:
            row = self.users.by_token_hash(session, token_hash(token))
            return self._info(row) if row is not None and row.active else None

    # ------------------------------------------------------------ changes

    def add(
        self,
        username: str,
        role: str,
        password: str | None = None,
        full_name: str = "",
        *,
        actor: str,
        address: str | None = None,
    ) -> tuple[UserInfo, str | None]:
        """Add a user; without a password one is generated, returned once, and must be changed at first login."""
        name = check_username(username)
        check_role(role, self.realm)
        one_time = None
        if password is None:
            password = one_time = one_time_password()
        else:
            check_password(password, name)
        hashed = HASHER.hash(password)
        now = self.clock.now()
        full_name = unicodedata.normalize("NFC", full_name).strip()[:200]
        with self.db.session() as session:
            if self.users.by_name(session, name) is not None:
                raise UserExists(
                    _("There is already a user named '{name}'.").format(name=name), _("Choose another user name.")
                )
            row = self.users.new_user(
                username=name,
                login_key=login_key(name),
                full_name=full_name,
                role=role,
                password_hash=hashed,
                must_change_password=one_time is not None,
                active=True,
                session_epoch=0,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            self.audit.record(
                session, actor, "user.add", f"user:{name}", {"role": role, "full_name": full_name}, address, at=now
            )
            return self._info(row), one_time

    def set_password(
        self, user_id: int, password: str | None = None, *, actor: str, address: str | None = None
    ) -> str | None:
        """Set a user's password (None: a generated one-time password, returned). Their sessions end;
        a lock from wrong passwords is lifted."""
        now = self.clock.now()
        with self.db.session() as session:
            row = self._row_by_id(session, user_id)
            one_time = None
            if password is None:
                password = one_time = one_time_password()
            else:
                check_password(password, row.username)
            row.password_hash = HASHER.hash(password)
            row.must_change_password = one_time is not None
            row.session_epoch += 1
            row.updated_at = now
            self.users.clear_failures(session, row.login_key)
            self.users.clear_lock(session, row.login_key)
            self.audit.record(
                session,
                actor,
                "user.password",
                f"user:{row.username}",
                {"one_time": one_time is not None},
                address,
                at=now,
            )
            return one_time

    def change_own_password(self, user_id: int, current: str, new: str, address: str | None = None) -> UserInfo:
        """The user changes their own password (after a one-time password, or at will)."""
        with self.db.session() as session:
            row = self._row_by_id(session, user_id)
            stored = row.password_hash
            username = row.username
        if not _verify(stored, current):
            raise InputError(_("The current password is wrong."), _("Type the password you logged in with."))
        check_password(new, username)
        if new == current:
            raise InputError(_("The new password is the same as the current one."), _("Choose a new password."))
        now = self.clock.now()
        with self.db.session() as session:
            row = self._row_by_id(session, user_id)
            row.password_hash = HASHER.hash(new)
            row.must_change_password = False
            row.session_epoch += 1
            row.updated_at = now
            self.audit.record(
                session, row.username, "user.password", f"user:{row.username}", {"own": True}, address, at=now
            )
            return self._info(row)

    def set_active(self, user_id: int, active: bool, *, actor: str, address: str | None = None) -> UserInfo:
        """Disable (their sessions and token stop working at once) or enable a user."""
        now = self.clock.now()
        with self.db.session() as session:
            row = self._row_by_id(session, user_id)
            if row.active == active:
                return self._info(row)
            row.active = active
            row.session_epoch += 1
            row.updated_at = now
            action = "user.enable" if active else "user.disable"
            self.audit.record(session, actor, action, f"user:{row.username}", None, address, at=now)
            return self._info(row)

    def issue_token(self, user_id: int, *, actor: str, address: str | None = None) -> str:
        """A new API token for the user (replacing any earlier one); only its hash is stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.clock.now()
        with self.db.session() as session:
            row = self._row_by_id(session, user_id)
            row.token_hash = token_hash(token)
            row.token_created_at = now
            row.updated_at = now
            self.audit.record(session, actor, "user.token", f"user:{row.username}", {"issued": True}, address, at=now)
        return token

    def revoke_token(self, user_id: int, *, actor: str, address: str | None = None) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            row = self._row_by_id(session, user_id)
            if row.token_hash is None:
                return
            row.token_hash = None
            row.token_created_at = None
            row.updated_at = now
            self.audit.record(session, actor, "user.token", f"user:{row.username}", {"issued": False}, address, at=now)

    # ------------------------------------------------------------ logging in

    def authenticate(self, username: str, password: str, address: str | None = None) -> UserInfo:
        """Check a login; throttled per login name (10 wrong passwords in 15 minutes lock it for 15 minutes).

        Raises LoginThrottled (429), LoginRefused (401), NotAllowed (403: a disabled account)."""
        if not username.strip() or not password:
            raise InputError(_("Enter your user name and password."), None)
        typed = unicodedata.normalize("NFC", username).strip()[:USERNAME_MAX]
        key = login_key(typed)
        now = self.clock.now()
        with self.db.session() as session:
            lock = self.users.lock(session, key)
            if lock is not None and lock.locked_until > now:
                raise self._throttled(lock.locked_until)
            row = self.users.by_name(session, typed)
            found = (row.id, row.password_hash, row.active) if row is not None else None
            lock_end = lock.locked_until if lock is not None else None
        # The slow hash runs outside any transaction; an unknown name costs the same time as a known one.
        ok = _verify(found[1] if found else dummy_hash(), password) and found is not None
        if not ok:
            self._failed(typed, key, address, now, lock_end)
            raise LoginRefused(
                _("Wrong user name or password."),
                _("Check them (mind the Vietnamese keyboard and Caps Lock) and try again."),
            )
        assert found is not None
        user_id, stored, active = found
        if not active:
            with self.db.session() as session:
                row = self._row_by_id(session, user_id)
                self.audit.record(
                    session,
                    row.username,
                    "login.refused",
                    f"user:{row.username}",
                    {"reason": "disabled"},
                    address,
                    at=now,
                )
            # Raised after the commit: the refusal stays in the audit trail.
            raise NotAllowed(_("This account is disabled."), _(self.realm.texts.disabled))
        with self.db.session() as session:
            row = self._row_by_id(session, user_id)
            if HASHER.check_needs_rehash(stored):
                row.password_hash = HASHER.hash(password)
            row.last_login_at = now
            self.users.clear_failures(session, key)
            self.users.clear_lock(session, key)
            self.audit.record(
                session, row.username, "login", f"user:{row.username}", {"role": row.role}, address, at=now
            )
            return self._info(row)

    def logout(self, user: UserInfo, address: str | None = None, *, end_sessions: bool = True) -> None:
        """Ends every session of the user, on the server: a copy of the cookie (a shared station PC,
        a lost phone) stops working too, not only the one this browser drops. A caller with an API
        token has no session: its logout leaves the person's browsers logged in."""
        now = self.clock.now()
        with self.db.session() as session:
            if end_sessions:
                self._row_by_id(session, user.id).session_epoch += 1
            self.audit.record(session, user.username, "logout", f"user:{user.username}", None, address, at=now)

    def _failed(self, typed: str, key: str, address: str | None, now: datetime, lock_end: datetime | None) -> None:
        since = now - FAILURE_WINDOW
        if lock_end is not None and lock_end > since:
            since = lock_end  # wrong passwords before the last lock ended were paid for by that lock
        with self.db.session() as session:
            self.users.forget_failures_before(session, now - timedelta(days=1))
            self.users.add_failure(session, key, now, address)
            failures = self.users.failures_since(session, key, since - timedelta(microseconds=1))
            self.audit.record(session, typed, "login.failed", f"user:{typed}", {"failures": failures}, address, at=now)
            if failures >= MAX_FAILURES:
                until = now + LOCK_FOR
                self.users.set_lock(session, key, now, until)
                self.audit.record(
                    session,
                    typed,
                    "login.locked",
                    f"user:{typed}",
                    {"failures": failures, "minutes": int(LOCK_FOR.total_seconds() // 60)},
                    address,
                    at=now,
                )
                log.warning(
                    "login name %r locked until %s after %d wrong passwords (last from %s)",
                    typed,
                    until.isoformat(),
                    failures,
                    address or "?",
                )

    def _throttled(self, until: datetime) -> LoginThrottled:
        return LoginThrottled(
            _("Too many wrong passwords: logging in with this name is paused for {minutes} minutes.").format(
                minutes=int(LOCK_FOR.total_seconds() // 60)
            ),
            _(self.realm.texts.locked),
            until,
        )

    # ------------------------------------------------------------ helpers

    def _row_by_id(self, session: Session, user_id: int) -> Any:
        row = self.users.by_id(session, user_id)
        if row is None:
            raise NotFoundError(_("There is no such user."), _("Open the users page again to see who there is."))
        return row

    def _row_by_name(self, session: Session, username: str) -> Any:
        row = self.users.by_name(session, username)
        if row is None:
            raise NotFoundError(
                _("There is no user named '{name}'.").format(name=username.strip()),
                _(self.realm.texts.no_such_user),
            )
        return row
