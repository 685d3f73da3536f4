"""Users and logging in (web/accounts.py) on SQLite and PostgreSQL: throttling kept in the database,
passwords, tokens, and the audit entries each change leaves."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from broadcaster.errors import InputError, NotFoundError
from broadcaster.service.context import Station
from broadcaster.store import audit
from broadcaster.web.accounts import (
    FAILURE_WINDOW,
    LOCK_FOR,
    MAX_FAILURES,
    Accounts,
    LoginRefused,
    LoginThrottled,
    NotAllowed,
    UserExists,
)
from tests.conftest import StationCLI, write_config
from tests.fakes import FakeClock


def test_passwords_are_hashed_with_argon2id_at_owasps_cost(station_password_hasher: Any) -> None:
    # 19 MiB, 2 passes, 1 lane (the other tests hash at argon2id's lightest, see tests/conftest.py)
    stored = station_password_hasher.hash("mat-khau-cua-huyen")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert station_password_hasher.verify(stored, "mat-khau-cua-huyen")


@pytest.fixture
def station(tmp_path: Path, db_url: str) -> Station:
    config = write_config(tmp_path, db_url)
    StationCLI(config).init()
    opened = Station.open(config, clock=FakeClock())
    yield opened
    opened.db.dispose()


def actions(station: Station) -> list[tuple[str, str, str | None]]:
    with station.db.session() as session:
        return [(e.actor, e.action, e.target) for e in reversed(audit.entries(session, limit=1000))]


def test_ten_wrong_passwords_lock_the_name_for_fifteen_minutes_even_across_a_restart(
    station: Station, caplog: pytest.LogCaptureFixture
) -> None:
    clock = station.clock
    assert isinstance(clock, FakeClock)
    accounts = Accounts(station.db, clock)
    accounts.add("Chủ Tịch", "approver", "mat-khau-dung-1", actor="cli:test")
    for attempt in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            accounts.authenticate("chủ tịch", f"sai-{attempt}", "10.0.0.9")
        clock.advance(30)
    assert "locked until" in caplog.text and "'chủ tịch'" in caplog.text
    assert any(r.levelno == logging.WARNING for r in caplog.records)

    restarted = Accounts(Station.open(station.config.path, clock=clock).db, clock)  # a new process: same database
    with pytest.raises(LoginThrottled) as throttled:
        restarted.authenticate("CHỦ TỊCH", "mat-khau-dung-1", "10.0.0.9")  # even the right password
    assert "15 phút" not in throttled.value.message  # the process speaks English in tests
    assert "paused for 15 minutes" in throttled.value.message
    assert throttled.value.until == clock.now() - timedelta(seconds=30) + LOCK_FOR
    assert restarted.list()[0].locked_until == throttled.value.until  # the users page shows it
    clock.advance(LOCK_FOR.total_seconds())
    assert restarted.list()[0].locked_until is None
    user = restarted.authenticate("chủ tịch", "mat-khau-dung-1", "10.0.0.9")
    assert user.username == "Chủ Tịch" and user.last_login_at == clock.now()

    log = actions(station)
    assert log.count(("chủ tịch", "login.failed", "user:chủ tịch")) == MAX_FAILURES
    assert ("chủ tịch", "login.locked", "user:chủ tịch") in log
    assert log[-1] == ("Chủ Tịch", "login", "user:Chủ Tịch")
    with station.db.session() as session:
        locked = list(audit.entries(session, action="login.locked"))
        assert locked[0].details_dict() == {"failures": MAX_FAILURES, "minutes": 15} and locked[0].address == "10.0.0.9"


def test_wrong_passwords_spread_over_more_than_fifteen_minutes_do_not_lock(station: Station) -> None:
    clock = station.clock
    assert isinstance(clock, FakeClock)
    accounts = Accounts(station.db, clock)
    accounts.add("vanhoa", "official", "mat-khau-dung-1", actor="cli:test")
    step = FAILURE_WINDOW.total_seconds() / (MAX_FAILURES - 1) + 1
    for _ in range(MAX_FAILURES + 3):
        with pytest.raises(LoginRefused):
            accounts.authenticate("vanhoa", "sai", None)
        clock.advance(step)
    assert accounts.authenticate("vanhoa", "mat-khau-dung-1", None).username == "vanhoa"


def test_a_right_password_resets_the_count_and_a_new_password_lifts_a_lock(station: Station) -> None:
    clock = station.clock
    assert isinstance(clock, FakeClock)
    accounts = Accounts(station.db, clock)
    user, _ = accounts.add("kythuat", "technician", "mat-khau-dung-1", actor="cli:test")
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginRefused):
            accounts.authenticate("kythuat", "sai", None)
    accounts.authenticate("kythuat", "mat-khau-dung-1", None)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginRefused):
            accounts.authenticate("kythuat", "sai", None)
    with pytest.raises(LoginRefused):  # the 10th in a row since the last success: locks
        accounts.authenticate("kythuat", "sai", None)
    with pytest.raises(LoginThrottled):
        accounts.authenticate("kythuat", "mat-khau-dung-1", None)
    accounts.set_password(user.id, "mat-khau-moi-22", actor="cli:test")
    assert accounts.authenticate("kythuat", "mat-khau-moi-22", None).id == user.id


def test_unknown_names_are_throttled_too_and_say_the_same_as_a_wrong_password(station: Station) -> None:
    accounts = Accounts(station.db, station.clock)
    errors = []
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused) as refused:
            accounts.authenticate("khong-ai", "x", None)
        errors.append(str(refused.value))
    assert set(errors) == {
        "Wrong user name or password. Check them (mind the Vietnamese keyboard and Caps Lock) and try again."
    }
    with pytest.raises(LoginThrottled):
        accounts.authenticate("khong-ai", "x", None)


def test_users_passwords_and_tokens(station: Station) -> None:
    accounts = Accounts(station.db, station.clock)
    user, one_time = accounts.add("  huyen ", "district", None, "Phòng VH-TT", actor="cli:root", address="local")
    assert user.username == "huyen" and user.must_change_password and one_time
    with pytest.raises(UserExists):
        accounts.add("HUYEN", "official", "mat-khau-dai-1", actor="cli:root")
    with pytest.raises(InputError, match="at least 8"):
        accounts.add("ngan", "official", "ngan", actor="cli:root")
    with pytest.raises(InputError, match="Unknown role 'admin'"):
        accounts.add("quantri", "admin", "mat-khau-dai-1", actor="cli:root")
    with pytest.raises(InputError, match="must not be the user name"):
        accounts.add("matkhau1", "official", "MATKHAU1", actor="cli:root")
    with pytest.raises(NotFoundError, match="no user named 'ai'"):
        accounts.find("ai")

    assert accounts.authenticate("huyen", one_time, None).must_change_password
    changed = accounts.change_own_password(user.id, one_time, "mat-khau-cua-huyen", "10.1.1.1")
    assert not changed.must_change_password and changed.session_epoch == user.session_epoch + 1
    with pytest.raises(InputError, match="current password is wrong"):
        accounts.change_own_password(user.id, "sai", "mat-khau-khac-1")

    token = accounts.issue_token(user.id, actor="cli:root")
    assert token.startswith("bct_") and accounts.by_token(token) is not None
    assert accounts.by_token(token + "x") is None and accounts.by_token("abc") is None
    second = accounts.issue_token(user.id, actor="cli:root")
    assert accounts.by_token(token) is None and accounts.by_token(second) is not None  # replaced

    disabled = accounts.set_active(user.id, False, actor="cli:root")
    assert accounts.by_token(second) is None
    assert accounts.session_user(user.id, disabled.session_epoch) is None
    with pytest.raises(NotAllowed, match="disabled"):
        accounts.authenticate("huyen", "mat-khau-cua-huyen", None)
    enabled = accounts.set_active(user.id, True, actor="cli:root")
    assert accounts.session_user(user.id, enabled.session_epoch) is not None
    assert accounts.session_user(user.id, user.session_epoch) is None  # an old session stays ended

    with station.db.session() as session:
        stored = session.execute(__import__("sqlalchemy").text("SELECT password_hash, token_hash FROM users")).one()
    assert stored[0].startswith("$argon2id$") and "mat-khau" not in stored[0]
    assert stored[1] != second and len(stored[1]) == 64

    assert [a for _, a, _ in actions(station)] == [
        "user.add", "login", "user.password", "user.token", "user.token", "user.disable", "login.refused",
        "user.enable",
    ]  # fmt: skip
    with station.db.session() as session:
        assert audit.verify(session).ok
