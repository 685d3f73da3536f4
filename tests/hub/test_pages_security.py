"""The district's pages through HTTP: every route × every district role, logging in, CSRF, the cross-site
refusal, escaping, the two-person rule; and the stations' API still answering beside them."""

from __future__ import annotations

import re
from typing import Any

from broadcaster.hub import bulletins
from broadcaster.hub.roles import HUB, PERMISSIONS, ROLE_PERMISSIONS, ROLES
from tests.hub.conftest import HUB_USERS, SECOND_APPROVER, HubSite
from tests.web.test_security import app_routes

# Every route of the hub's pages with the permission it declares (None: public). A new route goes here.
ROUTES: dict[tuple[str, str], str | None] = {
    ("GET", "/login"): None,
    ("POST", "/login"): None,
    ("POST", "/api/v1/login"): None,
    ("POST", "/logout"): "account",
    ("POST", "/api/v1/logout"): "account",
    ("GET", "/api/v1/me"): "account",
    ("GET", "/account/password"): "account",
    ("POST", "/account/password"): "account",
    ("GET", "/"): "stations.view",
    ("GET", "/communes/{code}"): "stations.view",
    ("GET", "/bulletins"): "bulletins.view",
    ("GET", "/bulletins/new"): "bulletins.compose",
    ("POST", "/bulletins"): "bulletins.compose",
    ("GET", "/bulletins/{bulletin_id}"): "bulletins.view",
    ("POST", "/bulletins/{bulletin_id}/approve"): "bulletins.approve",
    ("GET", "/bulletins/{bulletin_id}/audio"): "bulletins.view",
    ("GET", "/reports"): "report.view",
    ("GET", "/reports/download"): "report.view",
}

# The district roles as the issue gives them: editors compose, approvers approve (and may compose, never
# approving their own), viewers read the pages and the reports.
READ = {"account", "stations.view", "bulletins.view", "report.view"}
MATRIX = {"editor": READ | {"bulletins.compose"}, "approver": READ | {"bulletins.compose", "bulletins.approve"}}
MATRIX["viewer"] = READ


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "NO-SUCH", path)  # allowed roles get 404 (or 400), never 401/403


def test_every_page_declares_the_permission_listed_here(hub_site: HubSite) -> None:
    declared = {(method, path): perm for method, path, perm, _ in app_routes(hub_site.app.pages)}
    assert declared == ROUTES


def test_the_district_role_matrix() -> None:
    assert set(ROLES) == set(MATRIX)
    for role in ROLES:
        assert set(ROLE_PERMISSIONS[role]) == MATRIX[role], role
    assert set(PERMISSIONS) == set().union(*ROLE_PERMISSIONS.values())


def test_every_page_refuses_the_roles_without_its_permission(hub_site: HubSite) -> None:
    routes = sorted(app_routes(hub_site.app.pages), key=lambda r: r[1].endswith("/logout"))  # log out last
    for role in ROLES:
        client = hub_site.as_role(role)
        for method, path, permission, _route in routes:
            response = client.request(method, _url(path))
            if permission is None or role in HUB.roles_with(permission):
                assert response.status_code not in (401, 403), (role, method, path, response.text)
            else:
                assert response.status_code == 403, (role, method, path, response.status_code)
                if path.startswith("/api/"):
                    assert "error" in response.json()
                else:
                    assert "không có quyền" in response.text or "Không được phép" in response.text
            if path.endswith("/logout") and response.status_code < 400:
                client = hub_site.as_role(role)


def test_without_a_login_pages_lead_to_the_login_page(hub_site: HubSite) -> None:
    client = hub_site.client()
    for method, path, permission, _route in app_routes(hub_site.app.pages):
        if permission is None:
            continue
        response = client.request(method, _url(path))
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
        else:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/login")
    page = client.get("/login")
    assert "Đăng nhập" in page.text and "người quản trị hệ thống của huyện" in page.text
    # A station's user is not a district user, and a wrong password is refused in Vietnamese.
    wrong = client.post("/login", data={"username": "bientap", "password": "sai-mat-khau"})
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text


def test_logging_in_with_the_form_opens_the_communes(hub_site: HubSite) -> None:
    client = hub_site.client()
    name, password, full_name = HUB_USERS["viewer"]
    answer = client.post("/login", data={"username": name, "password": password})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    page = client.get("/")
    assert page.status_code == 200 and full_name in page.text and "Sơn Kim 1" in page.text
    assert "Người xem báo cáo" in page.text  # the role, in Vietnamese
    assert 'href="/bulletins/new"' not in page.text  # a viewer's menu has no compose entry


def _compose_form(title: str, **extra: Any) -> dict[str, Any]:
    form = {
        "title": title,
        "topic": "thu-tuc",
        "priority": "normal",
        "text": "Nội dung.",
        "airings": "1",
        "to": ["SK1"],
    }
    return form | extra


def _titles(site: HubSite) -> list[str]:
    return [b.title for b in bulletins.list_bulletins(site.hub)]


def test_a_post_without_the_sessions_token_is_refused_and_changes_nothing(hub_site: HubSite) -> None:
    editor = hub_site.as_role("editor")
    other = hub_site.as_role("editor")
    own = editor.headers.pop("X-CSRF-Token")
    missing = editor.post("/bulletins", data=_compose_form("Không có mã"))
    assert missing.status_code == 403 and "Biểu mẫu đã hết hạn" in missing.text
    foreign = editor.post(
        "/bulletins", data=_compose_form("Mã của phiên khác", csrf_token=other.headers["X-CSRF-Token"])
    )
    assert foreign.status_code == 403
    cross = editor.post(
        "/bulletins", data=_compose_form("Từ trang khác", csrf_token=own), headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403 and "trang web khác" in cross.text
    assert _titles(hub_site) == []
    accepted = editor.post("/bulletins", data=_compose_form("Có mã", csrf_token=own))
    assert accepted.status_code == 303 and _titles(hub_site) == ["Có mã"]


def test_approving_needs_the_token_too(hub_site: HubSite) -> None:
    editor = hub_site.as_role("editor")
    assert editor.post("/bulletins", data=_compose_form("Cần duyệt")).status_code == 303
    (pending,) = bulletins.list_bulletins(hub_site.hub)
    approver = hub_site.as_role("approver")
    token = approver.headers.pop("X-CSRF-Token")
    assert approver.post(f"/bulletins/{pending.id}/approve").status_code == 403
    assert bulletins.list_bulletins(hub_site.hub)[0].state == "pending"
    assert approver.post(f"/bulletins/{pending.id}/approve", data={"csrf_token": token}).status_code == 303
    assert bulletins.list_bulletins(hub_site.hub)[0].state == "published"


def test_nobody_approves_a_bulletin_they_composed(hub_site: HubSite) -> None:
    approver = hub_site.as_role("approver")
    composed = approver.post("/bulletins", data=_compose_form("Tin do trưởng phòng soạn", priority="priority"))
    assert composed.status_code == 303
    location = composed.headers["location"]
    page = approver.get(location)
    assert "Bạn là người soạn bản tin này, nên cần một lãnh đạo khác" in page.text
    assert "Phê duyệt và gửi" not in page.text  # no button for the author

    refused = approver.post(f"{location}/approve")
    assert refused.status_code == 403
    assert "Bạn là người soạn bản tin này nên không thể tự phê duyệt." in refused.text
    assert bulletins.list_bulletins(hub_site.hub)[0].state == "pending"

    second = hub_site.login(*SECOND_APPROVER[:2])
    assert "Phê duyệt và gửi" in second.get(location).text
    assert second.post(f"{location}/approve").status_code == 303
    (published,) = bulletins.list_bulletins(hub_site.hub)
    # The approver's full name travels in the signed bulletin; the author is kept by login name.
    assert (published.state, published.approved_by, published.created_by) == (
        "published",
        SECOND_APPROVER[2],
        "truongphong",
    )
    again = second.post(f"{location}/approve")
    assert again.status_code == 400 and "đã được Trần Thị Phó phê duyệt" in again.text


def test_what_users_type_is_shown_as_text_never_as_markup(hub_site: HubSite) -> None:
    from broadcaster.hub import stations
    from tests.hub.helpers import make_station

    hostile = make_station(hub_site.stations["SK1"].cli.config.parent.parent / "xss", "XSS")
    stations.add_station(hub_site.hub, "XSS", '<img src=x onerror="alert(1)">', hostile.public_key)
    editor = hub_site.as_role("editor")
    title = "<script>alert('tiêu đề')</script>"
    text = '<b onmouseover="alert(2)">nội dung</b>'
    made = editor.post("/bulletins", data=_compose_form(title, text=text, to=["XSS"]))
    assert made.status_code == 303
    for path in ("/", "/bulletins", made.headers["location"], "/communes/XSS", "/bulletins/new", "/reports"):
        body = editor.get(path).text
        assert "<script>alert(" not in body and "<img src=x" not in body and "<b onmouseover" not in body, path
    detail = editor.get(made.headers["location"]).text
    assert "&lt;script&gt;alert(&#39;tiêu đề&#39;)&lt;/script&gt;" in detail
    assert "&lt;b onmouseover=&#34;alert(2)&#34;&gt;nội dung&lt;/b&gt;" in detail
    # A form sent back with an error keeps what was typed, still escaped.
    refused = editor.post("/bulletins", data=_compose_form(title, text=text, to=[]))
    assert refused.status_code == 400 and "&lt;script&gt;" in refused.text and "<script>alert(" not in refused.text


def test_the_stations_api_answers_beside_the_pages_in_json(hub_site: HubSite) -> None:
    client = hub_site.client()
    info = client.get("/api/v1/hub").json()
    assert info["fingerprint"] == hub_site.hub.fingerprint
    unsigned = client.post("/api/v1/exchange", json={"cursor": 0})
    assert unsigned.status_code == 401 and unsigned.json()["error"] == "unauthenticated"
    assert "set-cookie" not in unsigned.headers  # the stations' requests never touch the pages' sessions
    page = client.get("/khong-co-trang-nay")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert client.get("/api/v1/khong-co").json()["error"] == "http"  # a station never gets a page
