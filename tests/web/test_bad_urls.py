"""Addresses with a wrong number in them (a mistyped link, a number too large for the database): a page
that does not exist is 404, a wrong value after `?` is 400 naming the field; never "database down"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import TestClient
from tests.web.helpers import text_of

HUGE = "99999999999999999999"  # beyond SQLite's 64-bit integers
NOTHING_HERE = "Không có trang nào ở địa chỉ này."
OLDER = "Giá trị không hợp lệ: Các mục cũ hơn."


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("technician", f"/audit?before={HUGE}"),
        ("official", f"/log?before={HUGE}"),
        ("district", f"/log?before={HUGE}&status=completed"),
    ],
)
def test_a_huge_number_in_the_query_is_a_wrong_value_named_in_vietnamese(
    as_role: Callable[[str], TestClient], role: str, path: str
) -> None:
    answer = as_role(role).get(path)
    words = text_of(answer.text)
    assert answer.status_code == 400, words
    assert OLDER in words and "cơ sở dữ liệu" not in words and "biểu mẫu" not in words  # no form was sent


def test_the_api_answers_400_for_a_huge_number_in_the_query(as_role: Callable[[str], TestClient]) -> None:
    for role, path in (("official", "/api/v1/log"), ("technician", "/api/v1/audit")):
        answer = as_role(role).get(path, params={"before": HUGE})
        assert answer.status_code == 400 and answer.json()["error"].startswith(OLDER), answer.text


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("official", "GET", "/items/abc"),
        ("official", "GET", f"/items/{HUGE}"),
        ("official", "GET", "/items/abc/edit"),
        ("official", "GET", "/items/abc/air-now"),
        ("approver", "POST", "/items/abc/approve"),
        ("official", "GET", "/log/abc"),
        ("official", "GET", f"/log/{HUGE}"),
        ("technician", "POST", "/users/abc/disable"),
        ("technician", "POST", f"/users/{HUGE}/disable"),
        ("technician", "POST", f"/users/{HUGE}/password"),
    ],
)
def test_a_wrong_id_in_the_path_is_a_page_that_does_not_exist(
    as_role: Callable[[str], TestClient], role: str, method: str, path: str
) -> None:
    client = as_role(role)  # with the session's token: refused for the address, not the form
    answer = client.request(method, path)
    words = text_of(answer.text)
    assert answer.status_code == 404, words
    assert NOTHING_HERE in words and "biểu mẫu" not in words and "cơ sở dữ liệu" not in words


def test_a_wrong_page_number_shows_the_first_page(as_role: Callable[[str], TestClient]) -> None:
    official = as_role("official")
    for page in ("abc", "-3", "²", HUGE):
        answer = official.get("/items", params={"page": page})
        assert answer.status_code == 200, (page, text_of(answer.text))
        assert "<h1>Bản tin</h1>" in answer.text
