"""The console's security through HTTP: every route × every role, CSRF, cross-site refusal, tokens,
cookies, sessions ending, output escaping and the JSON errors of /api/v1."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from broadcaster.web.permissions import PERMISSIONS, ROLE_PERMISSIONS, ROLES, roles_with
from broadcaster.web.security import console_routes, declared_permission
from tests.web.conftest import ROLE_USERS, TestClient, login

# Every route the console has, with the permission it declares (None: public). A new route must be
# added here with its permission: the walk below then checks it for every role.
ROUTES: dict[tuple[str, str], str | None] = {
    ("GET", "/login"): None,
    ("POST", "/login"): None,
    ("POST", "/api/v1/login"): None,
    ("POST", "/logout"): "account",
    ("POST", "/api/v1/logout"): "account",
    ("GET", "/api/v1/me"): "account",
    ("GET", "/account/password"): "account",
    ("POST", "/account/password"): "account",
    ("GET", "/"): "dashboard.view",
    ("GET", "/items"): "items.view",
    ("GET", "/items/new"): "items.add",
    ("POST", "/items"): "items.add",
    ("POST", "/items/spoken"): "items.add",
    ("POST", "/items/preview-recording"): "items.add",
    ("GET", "/items/preview-recording/{token}"): "items.add",
    ("GET", "/items/import"): "items.import",
    ("POST", "/items/import"): "items.import",
    ("GET", "/items/{item_id}"): "items.view",
    ("GET", "/items/{item_id}/edit"): "items.edit",
    ("POST", "/items/{item_id}/edit"): "items.edit",
    ("POST", "/items/{item_id}/approve"): "items.approve",
    ("POST", "/items/{item_id}/cancel"): "items.cancel",
    ("GET", "/items/{item_id}/air-now"): "items.air_now",
    ("POST", "/items/{item_id}/air-now"): "items.air_now",
    ("GET", "/api/v1/items"): "items.view",
    ("POST", "/api/v1/items"): "items.add",
    ("GET", "/api/v1/items/{item_id}"): "items.view",
    ("PATCH", "/api/v1/items/{item_id}"): "items.edit",
    ("POST", "/api/v1/items/{item_id}/approve"): "items.approve",
    ("POST", "/api/v1/items/{item_id}/cancel"): "items.cancel",
    ("POST", "/api/v1/items/{item_id}/air-now"): "items.air_now",
    ("GET", "/api/v1/items/{item_id}/audio"): "items.audio",
    ("GET", "/schedule"): "schedule.view",
    ("GET", "/api/v1/schedule"): "schedule.view",
    ("GET", "/api/v1/status"): "status.view",
    ("GET", "/log"): "log.view",
    ("GET", "/log/verify"): "log.verify",
    ("GET", "/log/{seq}"): "log.view",
    ("GET", "/api/v1/log"): "log.view",
    ("GET", "/api/v1/log/verify"): "log.verify",
    ("GET", "/reports"): "report.view",
    ("GET", "/api/v1/report"): "report.view",
    ("GET", "/users"): "users.manage",
    ("POST", "/users"): "users.manage",
    ("POST", "/users/{user_id}/disable"): "users.manage",
    ("POST", "/users/{user_id}/enable"): "users.manage",
    ("POST", "/users/{user_id}/password"): "users.manage",
    ("GET", "/api/v1/users"): "users.manage",
    ("POST", "/api/v1/users"): "users.manage",
    ("GET", "/devices"): "devices.view",
    ("GET", "/devices/checks"): "doctor.run",
    ("GET", "/api/v1/devices"): "devices.view",
    ("GET", "/api/v1/doctor"): "doctor.run",
    ("GET", "/audit"): "audit.view",
    ("GET", "/audit/verify"): "audit.view",
    ("GET", "/api/v1/audit"): "audit.view",
    ("GET", "/api/v1/audit/verify"): "audit.view",
}

# The matrix as the issue states it (official: queue, edit, import, listen, air now, reports, and sees
# schedule, status and log; approver: the same plus approve; technician: machine and people; district:
# read-only evidence). Changing permissions.py means changing this on purpose.
MATRIX = {
    "official": {
        "account", "dashboard.view", "items.view", "items.add", "items.edit", "items.import", "items.audio",
        "items.cancel", "items.air_now", "schedule.view", "status.view", "log.view", "log.verify", "report.view",
    },
    "technician": {
        "account", "dashboard.view", "status.view", "devices.view", "doctor.run", "users.manage", "config.view",
        "audit.view",
    },
    "district": {"account", "dashboard.view", "schedule.view", "log.view", "log.verify", "report.view", "audit.view"},
}  # fmt: skip
MATRIX["approver"] = MATRIX["official"] | {"items.approve"}


def app_routes(app: Any) -> Iterator[tuple[str, str, str | None, APIRoute]]:
    """(method, path, permission or None for public, route) of every route the app registers."""
    for path, route in console_routes(app.routes):
        if isinstance(route, Mount):
            assert path == "/static", f"unexpected mount {path}"
            continue
        assert isinstance(route, APIRoute), f"{path}: {route!r} is not a FastAPI route with dependencies"
        calls = [dep.call for dep in route.dependant.dependencies]
        permissions = [declared_permission(call) for call in calls if declared_permission(call)]
        public = [call for call in calls if getattr(call, "public", False)]
        assert len(permissions) + len(public) == 1, (
            f"{route.path} must declare exactly one require(...) or public(); it has {permissions} and {len(public)}"
        )
        for method in sorted(route.methods - {"HEAD"}):
            yield method, path, (permissions[0] if permissions else None), route


def test_every_route_declares_the_permission_listed_here(app: Any) -> None:
    declared = {(method, path): perm for method, path, perm, _ in app_routes(app)}
    assert declared == ROUTES


def test_the_role_matrix_is_the_one_the_issue_asks_for() -> None:
    assert set(ROLES) == set(MATRIX)
    for role in ROLES:
        assert set(ROLE_PERMISSIONS[role]) == MATRIX[role], role
    # Every permission exists and every permission (including the second round's) is held by someone.
    for role_permissions in ROLE_PERMISSIONS.values():
        assert role_permissions <= set(PERMISSIONS)
    assert set(PERMISSIONS) == set().union(*ROLE_PERMISSIONS.values())


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)  # no such user/item: allowed roles get 404, never 403


def test_every_route_refuses_the_roles_without_its_permission(app: Any) -> None:
    routes = sorted(app_routes(app), key=lambda r: r[1].endswith("/logout"))  # log out last
    for role in ROLES:
        client = TestClient(app, follow_redirects=False)
        login(client, *ROLE_USERS[role])
        for method, path, permission, _route in routes:
            response = client.request(method, _url(path))
            if permission is None:
                assert response.status_code not in (401, 403), (role, method, path, response.text)
            elif role in roles_with(permission):
                assert response.status_code not in (401, 403), (role, method, path, response.text)
            else:
                assert response.status_code == 403, (role, method, path, response.status_code)
                if path.startswith("/api/"):
                    assert "error" in response.json()
            if path.endswith("/logout") and response.status_code < 400:
                login(client, *ROLE_USERS[role])
        client.close()


def test_without_a_login_pages_lead_to_the_login_page_and_the_api_answers_401(app: Any) -> None:
    client = TestClient(app, follow_redirects=False)
    for method, path, permission, _route in app_routes(app):
        if permission is None:
            continue
        response = client.request(method, _url(path))
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
            assert response.json()["error"].startswith("Bạn chưa đăng nhập.")
        else:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/login")
    assert client.get("/users?x=1").headers["location"] == "/login?next=%2Fusers%3Fx%3D1"
    # HTMX requests are sent to the login page by htmx itself.
    answer = client.get("/devices/checks", headers={"HX-Request": "true"})
    assert (answer.status_code, answer.headers["HX-Redirect"]) == (401, "/login?next=%2Fdevices%2Fchecks")


# ------------------------------------------------------------ CSRF


def _user_names(client: TestClient) -> set[str]:
    return {u["username"] for u in client.get("/api/v1/users").json()}


def test_a_post_without_the_token_or_with_another_sessions_token_is_refused_and_changes_nothing(
    as_role: Callable[[str], TestClient],
) -> None:
    technician = as_role("technician")
    other = as_role("technician")
    form = {"username": "csrf-nguoi-moi", "role": "official", "password": "mat-khau-moi-1", "repeat": "mat-khau-moi-1"}
    own_token = technician.headers.pop("X-CSRF-Token")
    other_token = other.headers["X-CSRF-Token"]
    assert own_token != other_token

    missing = technician.post("/users", data=form)
    assert missing.status_code == 403
    assert "Biểu mẫu đã hết hạn" in missing.text
    foreign = technician.post("/users", data={**form, "csrf_token": other_token})
    assert foreign.status_code == 403
    foreign_header = technician.post("/users", data=form, headers={"X-CSRF-Token": other_token})
    assert foreign_header.status_code == 403
    as_json = technician.post("/api/v1/users", json={"username": "csrf-nguoi-moi", "role": "official"})
    assert as_json.status_code == 403 and "error" in as_json.json()
    assert "csrf-nguoi-moi" not in _user_names(technician)

    accepted = technician.post("/users", data={**form, "csrf_token": own_token})
    assert accepted.status_code == 303
    assert "csrf-nguoi-moi" in _user_names(technician)


def test_logout_needs_the_token_too(as_role: Callable[[str], TestClient]) -> None:
    district = as_role("district")
    token = district.headers.pop("X-CSRF-Token")
    assert district.post("/api/v1/logout").status_code == 403
    assert district.get("/api/v1/me").status_code == 200  # still logged in
    assert district.post("/api/v1/logout", headers={"X-CSRF-Token": token}).json() == {"ok": True}
    assert district.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_requests_from_another_site_are_refused_even_logging_in(
    client: TestClient, as_role: Callable[[str], TestClient], site: str
) -> None:
    name, password = ROLE_USERS["official"]
    page = client.post("/login", data={"username": name, "password": password}, headers={"Sec-Fetch-Site": site})
    assert page.status_code == 403
    assert "trang web khác" in page.text
    api = client.post("/api/v1/login", json={"username": name, "password": password}, headers={"Sec-Fetch-Site": site})
    assert api.status_code == 403
    assert "trang web khác" in api.json()["error"]
    technician = as_role("technician")
    refused = technician.post(
        "/api/v1/users", json={"username": "tu-trang-khac", "role": "official"}, headers={"Sec-Fetch-Site": site}
    )
    assert refused.status_code == 403
    assert "tu-trang-khac" not in _user_names(technician)
    same = client.post(
        "/login", data={"username": name, "password": password}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same.status_code == 303


# ------------------------------------------------------------ tokens, cookies, sessions


def test_a_bearer_token_works_for_the_api_without_a_csrf_token(web_station: Any, app: Any) -> None:
    accounts = web_station.accounts()
    district = accounts.find(ROLE_USERS["district"][0])
    token = accounts.issue_token(district.id, actor="cli:test")
    client = TestClient(app, follow_redirects=False)
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/audit/verify", headers=auth).json()["ok"] is True
    assert client.get("/api/v1/me", headers=auth).json()["user"]["username"] == "huyen"
    assert client.get("/api/v1/users", headers=auth).status_code == 403  # the district's role, not more
    assert client.post("/api/v1/logout", headers=auth).status_code == 200  # no CSRF token needed
    wrong = client.get("/api/v1/me", headers={"Authorization": "Bearer bct_not-a-token"})
    assert wrong.status_code == 401 and "API" in wrong.json()["error"]
    assert client.get("/api/v1/me", headers={"Authorization": "Basic eDp5"}).status_code == 401
    accounts.revoke_token(district.id, actor="cli:test")
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    stored = {u.username: u.has_token for u in accounts.list()}
    assert stored["huyen"] is False


def test_the_session_cookie_is_httponly_samesite_lax_and_secure_over_tls(app: Any) -> None:
    name, password = ROLE_USERS["official"]
    plain = TestClient(app).post("/api/v1/login", json={"username": name, "password": password})
    cookie = plain.headers["set-cookie"].lower()
    assert "broadcaster_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    tls = TestClient(app, base_url="https://console.example").post(
        "/api/v1/login", json={"username": name, "password": password}
    )
    assert "; secure" in tls.headers["set-cookie"].lower()


def test_changing_the_password_ends_the_other_sessions(app: Any, web_station: Any) -> None:
    accounts = web_station.accounts()
    accounts.add("doi-mat-khau", "district", "mat-khau-cu-1", actor="cli:test")
    first, second = TestClient(app, follow_redirects=False), TestClient(app, follow_redirects=False)
    login(first, "doi-mat-khau", "mat-khau-cu-1")
    login(second, "doi-mat-khau", "mat-khau-cu-1")
    changed = first.post(
        "/account/password", data={"current": "mat-khau-cu-1", "new": "mat-khau-moi-2", "repeat": "mat-khau-moi-2"}
    )
    assert (changed.status_code, changed.headers["location"]) == (303, "/")
    assert first.get("/").status_code == 200  # the one who changed it stays in
    assert second.get("/").headers["location"].startswith("/login")
    assert second.get("/api/v1/me").status_code == 401
    # Disabling ends the sessions too.
    accounts.set_active(accounts.find("doi-mat-khau").id, False, actor="cli:test")
    assert first.get("/api/v1/me").status_code == 401


def test_a_one_time_password_must_be_changed_before_anything_else(app: Any, web_station: Any) -> None:
    accounts = web_station.accounts()
    _user, one_time = accounts.add("mot-lan", "official", None, actor="cli:test")
    assert one_time and re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", one_time)
    client = TestClient(app, follow_redirects=False)
    answer = client.post("/login", data={"username": "mot-lan", "password": one_time})
    assert answer.headers["location"] == "/account/password"
    assert client.get("/").headers["location"] == "/account/password"
    assert client.get("/api/v1/me").status_code == 200  # "account" is allowed: it says what to do
    page = client.get("/account/password")
    assert "mật khẩu dùng một lần" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    form = {"current": one_time, "new": "mat-khau-rieng-1", "repeat": "mat-khau-rieng-1", "csrf_token": token[1]}
    assert client.post("/account/password", data=form).headers["location"] == "/"
    assert client.get("/").status_code == 200


# ------------------------------------------------------------ escaping


def test_a_script_as_a_user_name_is_shown_as_text(as_role: Callable[[str], TestClient], web_station: Any) -> None:
    evil = "<script>alert(1)</script>"
    web_station.accounts().add(
        evil, "district", "mat-khau-script-1", '"><img src=x onerror=alert(2)>', actor="cli:test"
    )
    technician = as_role("technician")
    users = technician.get("/users").text
    assert evil not in users and "<img src=x" not in users
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in users
    audit = technician.get("/audit").text
    assert evil not in audit and "&lt;script&gt;alert(1)&lt;/script&gt;" in audit
    # A login attempt with it fills the form again, escaped.
    login_page = TestClient(technician.app).post("/login", data={"username": evil, "password": "x"}).text
    assert evil not in login_page and 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in login_page
    # Logged in as that user, the header shows the full name as text.
    other = TestClient(technician.app, follow_redirects=False)
    login(other, evil, "mat-khau-script-1")
    home = other.get("/").text
    assert "<img src=x" not in home and "&lt;img src=x onerror=alert(2)&gt;" in home


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    assert "immutable" in client.get("/static/console.css").headers["cache-control"]


# ------------------------------------------------------------ API errors


def test_api_errors_are_json_with_a_vietnamese_message(
    client: TestClient, as_role: Callable[[str], TestClient]
) -> None:
    def error(response: Any, status: int) -> str:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/json")
        (message,) = response.json().values()
        return str(message)

    assert "JSON" in error(
        client.post("/api/v1/login", content=b"{", headers={"Content-Type": "application/json"}), 400
    )
    assert "nhập tên đăng nhập" in error(client.post("/api/v1/login", json={"username": "", "password": ""}), 400)
    assert "Sai tên đăng nhập" in error(client.post("/api/v1/login", json={"username": "ai-do", "password": "x"}), 401)
    assert "không có quyền" in error(as_role("district").get("/api/v1/users"), 403)
    assert "Không có trang" in error(client.get("/api/v1/khong-co"), 404)
    technician = as_role("technician")
    assert "Cần nhập giá trị" in error(technician.post("/api/v1/users", json={"username": "x"}), 400)
    made = technician.post("/api/v1/users", json={"username": "Trung-Ten", "role": "official"})
    assert made.status_code == 201 and made.json()["one_time_password"]
    assert "Đã có người dùng" in error(
        technician.post("/api/v1/users", json={"username": "trung-ten", "role": "district"}), 409
    )
    big = client.post("/api/v1/login", content=b"x" * 100, headers={"Content-Length": str(30 * 1024 * 1024)})
    assert "lớn hơn mức cho phép (20 MB)" in error(big, 413)


def test_html_errors_are_pages_in_vietnamese(as_role: Callable[[str], TestClient]) -> None:
    official = as_role("official")
    missing = official.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.text and "<nav" in missing.text
    refused = official.get("/users")
    assert refused.status_code == 403 and "Công chức Văn hóa – xã hội" in refused.text
    fragment = official.get("/devices/checks", headers={"HX-Request": "true"})
    assert fragment.status_code == 403 and not fragment.text.lstrip().startswith("<!doctype")


@pytest.mark.parametrize(
    ("target", "landing"),
    [("/users?x=1", "/users?x=1"), ("//evil.example/", "/"), ("https://evil.example/", "/"), ("/\\evil", "/")],
)
def test_after_logging_in_the_console_goes_only_to_its_own_pages(client: TestClient, target: str, landing: str) -> None:
    name, password = ROLE_USERS["technician"]
    answer = client.post("/login", data={"username": name, "password": password, "next": target})
    assert (answer.status_code, answer.headers["location"]) == (303, landing)
