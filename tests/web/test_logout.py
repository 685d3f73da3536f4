"""Logging out ends the user's sessions on the server, not only in the browser that asked: a copy of
the session cookie (a shared station PC, a phone left logged in) has to log in again."""

from __future__ import annotations

from typing import Any

from broadcaster.web.security import SESSION_COOKIE as COOKIE
from tests.web.conftest import ROLE_USERS, TestClient, WebStation, login


def test_a_copied_session_cookie_stops_working_at_logout(app: Any) -> None:
    with TestClient(app, follow_redirects=False) as browser, TestClient(app, follow_redirects=False) as copy:
        token = login(browser, *ROLE_USERS["official"])
        copy.cookies.set(COOKIE, browser.cookies[COOKIE])
        assert copy.get("/api/v1/me").json()["user"]["username"] == ROLE_USERS["official"][0]
        assert browser.post("/logout", data={"csrf_token": token}).headers["location"] == "/login"
        assert copy.get("/api/v1/me").status_code == 401
        assert copy.get("/items").headers["location"].startswith("/login")
        # logging in again works, with a new session
        login(copy, *ROLE_USERS["official"])
        assert copy.get("/api/v1/me").status_code == 200


def test_a_logout_through_an_api_token_leaves_the_persons_browsers_logged_in(app: Any, web_station: WebStation) -> None:
    accounts = web_station.accounts()
    district = accounts.find(ROLE_USERS["district"][0])
    api_token = accounts.issue_token(district.id, actor="cli:test")
    try:
        with TestClient(app, follow_redirects=False) as browser, TestClient(app) as system:
            login(browser, *ROLE_USERS["district"])
            assert system.post("/api/v1/logout", headers={"Authorization": f"Bearer {api_token}"}).status_code == 200
            assert browser.get("/api/v1/me").status_code == 200
    finally:
        accounts.revoke_token(district.id, actor="cli:test")
