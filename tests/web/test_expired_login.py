"""A button pressed on a page left open after the login expired (Phê duyệt, Hủy, Khóa, Đặt lại mật khẩu,
Thêm tin): the login page, then back to a page the browser can open, saying the action was not done."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from broadcaster import i18n
from broadcaster.i18n import _
from tests.web.conftest import ROLE_USERS, TestClient
from tests.web.helpers import client_as, text_of

HTMX = {"HX-Request": "true"}


def not_done() -> str:
    # the flash as the station's catalog words it (English until the catalog has it)
    with i18n.activate("vi"):
        return _("Your login had expired, so what you did last was not done. Do it again now.")


@pytest.fixture
def expired(app: Any) -> Iterator[TestClient]:
    """A browser whose login has expired: no session cookie any more."""
    with TestClient(app, follow_redirects=False) as fresh:
        yield fresh


def log_in_again(client: TestClient, login_page: str, role: str) -> TestClient:
    """Through the login form the redirect led to, as the person types it; then the pages it leads to."""
    page = client.get(login_page)
    assert page.status_code == 200, text_of(page.text)
    found = re.search(r'name="next" value="([^"]*)"', page.text)
    assert found, "no next field in the login form"
    username, password = ROLE_USERS[role]
    answer = client.post("/login", data={"username": username, "password": password, "next": html.unescape(found[1])})
    assert answer.status_code == 303
    while answer.status_code == 303:
        answer = client.get(answer.headers["location"])
    return answer  # type: ignore[return-value]


def new_item(app: Any) -> int:
    with client_as(app, "official") as official:
        made = official.post("/api/v1/items", json={"title": "Tin chờ duyệt", "topic": "mot-cua", "text": "Nội dung."})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_approving_after_the_login_expired_leads_back_to_the_item_saying_to_do_it_again(
    app: Any, expired: TestClient
) -> None:
    item_id = new_item(app)
    refused = expired.post(f"/items/{item_id}/approve", data={"csrf_token": "from-the-old-page"})
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login?next=")
    landed = log_in_again(expired, refused.headers["location"], "approver")
    assert landed.status_code == 200, text_of(landed.text)
    assert landed.url.path == f"/items/{item_id}" and not landed.url.query  # reloading it says nothing more
    words = text_of(landed.text)
    assert not_done() in words and "Tin chờ duyệt" in words
    assert "Phê duyệt</button>" in landed.text  # nothing was approved: the button is still there
    assert not_done() not in text_of(expired.get(f"/items/{item_id}").text)  # said once


def test_a_users_action_leads_back_to_the_users_page(app: Any, expired: TestClient) -> None:
    refused = expired.post("/users/2/disable", data={"csrf_token": "x"})
    landed = log_in_again(expired, refused.headers["location"], "technician")
    assert (landed.status_code, landed.url.path) == (200, "/users")
    assert not_done() in text_of(landed.text)


def test_other_forms_lead_back_to_the_page_they_were_sent_from_on_this_site_only(app: Any, expired: TestClient) -> None:
    typed = {"title": "Tin mới", "text": "Nội dung", "csrf_token": "x"}
    refused = expired.post("/items", data=typed, headers={"Referer": "http://testserver/items/new"})
    landed = log_in_again(expired, refused.headers["location"], "official")
    assert (landed.status_code, landed.url.path) == (200, "/items/new")
    assert not_done() in text_of(landed.text)


def test_a_page_of_another_site_is_never_where_the_login_leads(expired: TestClient) -> None:
    typed = {"title": "Tin mới", "text": "Nội dung", "csrf_token": "x"}
    foreign = expired.post("/items", data=typed, headers={"Referer": "http://evil.example/items/new"})
    assert urlsplit(foreign.headers["location"]).path == "/login"
    assert parse_qs(urlsplit(foreign.headers["location"]).query)["next"][0].split("?")[0] == "/"


def test_logging_out_after_the_login_expired_asks_for_nothing_again(expired: TestClient) -> None:
    answer = expired.post("/logout", data={"csrf_token": "x"}, headers={"Referer": "http://testserver/items"})
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_htmx_requests_are_sent_to_the_same_page(app: Any, expired: TestClient) -> None:
    item_id = new_item(app)
    answer = expired.post(f"/items/{item_id}/cancel", data={"csrf_token": "x"}, headers=HTMX)
    assert answer.status_code == 401
    landed = log_in_again(expired, answer.headers["HX-Redirect"], "official")
    assert (landed.status_code, landed.url.path) == (200, f"/items/{item_id}")
    assert not_done() in text_of(landed.text) and "Hủy bản tin này" in landed.text  # not cancelled
