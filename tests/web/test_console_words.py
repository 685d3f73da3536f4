"""What the console's pages say, in the words of the people using them: no internal codes (engine names,
audit keys), no action offered that the person cannot finish, no look of being logged out when not."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from broadcaster import i18n
from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.service import onair
from broadcaster.service.queue import NewsDesk
from broadcaster.service.voicing import Voicing
from tests.speech.helpers import espeak_wav
from tests.web.conftest import FULL_NAMES, TestClient, WebStation
from tests.web.helpers import APPROVAL, console, csrf_of, log_airing, role_clients
from tests.web.helpers import text_of as tagless

CHAIRMAN_FIRST = "The chairman of the commune People's Committee must approve it first, on the news item's page."


def text_of(page: str) -> str:
    return html.unescape(tagless(page))


def vi(text: str) -> str:
    """`text` as the station's Vietnamese catalog says it (English until the catalog has it)."""
    with i18n.activate("vi"):
        return _(text)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[WebStation, Any]:
    """A station where approval is required, with its console."""
    return console(tmp_path_factory.mktemp("words-station"), replace=APPROVAL)


@pytest.fixture
def role(site: tuple[WebStation, Any]) -> Iterator[Callable[[str], TestClient]]:
    yield from role_clients(site[1])


def add(client: TestClient, title: str) -> int:
    made = client.post("/api/v1/items", json={"title": title, "topic": "mot-cua", "text": "Nội dung tin."})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


# ------------------------------------------------------------ #8 air now before approval


def test_air_now_is_not_offered_for_an_item_that_waits_for_the_chairman(
    role: Callable[[str], TestClient], site: tuple[WebStation, Any]
) -> None:
    official, chairman = role("official"), role("approver")
    item_id = add(official, "Tin chưa duyệt")
    page = official.get(f"/items/{item_id}")
    assert f'href="/items/{item_id}/air-now"' not in page.text
    assert vi("It can be aired now once the chairman of the commune People's Committee has approved it.") in text_of(
        page.text
    )
    confirm = official.get(f"/items/{item_id}/air-now")  # an old link, or typed
    assert "Đồng ý, phát ngay" not in confirm.text and vi(CHAIRMAN_FIRST) in text_of(confirm.text)
    official.post(f"/items/{item_id}/air-now", data={"csrf_token": csrf_of(page.text)})
    words = text_of(official.get(f"/items/{item_id}").text)
    assert f"Bản tin {item_id} chưa được duyệt." in words and vi(CHAIRMAN_FIRST) in words
    assert "broadcaster news approve" not in words
    chairman.post(f"/items/{item_id}/approve", data={"csrf_token": csrf_of(page.text)})
    assert f'href="/items/{item_id}/air-now"' in official.get(f"/items/{item_id}").text


def test_the_command_line_keeps_its_command(site: tuple[WebStation, Any], role: Callable[[str], TestClient]) -> None:
    item_id = add(role("official"), "Tin cho dòng lệnh")
    station = site[0].station()
    try:
        with pytest.raises(InputError) as refused:
            onair.air_now(station, item_id)
    finally:
        station.db.dispose()
    assert f"broadcaster news approve {item_id}" in str(refused.value.hint)


def test_an_item_aired_as_often_as_wanted_is_aired_again_with_the_pages_own_choice(
    role: Callable[[str], TestClient], site: tuple[WebStation, Any]
) -> None:
    official, chairman = role("official"), role("approver")
    item_id = add(official, "Tin đã phát đủ")
    chairman.post(f"/items/{item_id}/approve", data={"csrf_token": csrf_of(chairman.get("/").text)})
    station = site[0].station()
    try:
        log_airing(station, [NewsDesk(station).get(item_id)])
    finally:
        station.db.dispose()
    confirm = official.get(f"/items/{item_id}/air-now")
    official.post(f"/items/{item_id}/air-now", data={"csrf_token": csrf_of(confirm.text)})  # the box left unticked
    words = text_of(official.get(f"/items/{item_id}").text)
    assert f"Bản tin {item_id} đã được phát đủ (1/1 lần)." in words, words
    assert vi("Tick 'air it once more' on the Air now page.") in words and "broadcaster" not in words


def test_an_item_before_its_first_day_points_to_its_page_not_a_command(
    role: Callable[[str], TestClient], site: tuple[WebStation, Any]
) -> None:
    official, chairman = role("official"), role("approver")
    station = site[0].station()
    try:
        next_week = (station.today() + timedelta(days=7)).isoformat()
    finally:
        station.db.dispose()
    fields = {"title": "Tin tuần sau", "topic": "mot-cua", "text": "Phát từ tuần sau.", "from": next_week}
    made = official.post("/api/v1/items", json=fields)
    item_id = int(made.json()["id"])
    chairman.post(f"/items/{item_id}/approve", data={"csrf_token": csrf_of(chairman.get("/").text)})
    official.post(f"/items/{item_id}/air-now", data={"csrf_token": csrf_of(official.get("/").text)})
    words = text_of(official.get(f"/items/{item_id}").text)
    assert vi("To air it today, change that day first on the news item's page.") in words, words
    assert "broadcaster news edit" not in words


def test_something_not_found_names_the_page_to_look_on_not_a_command(role: Callable[[str], TestClient]) -> None:
    official = role("official")
    for address, page in (("/items/999999", "News items"), ("/log/999999", "Airing log")):
        missing = official.get(address)
        words = text_of(missing.text)
        assert missing.status_code == 404 and vi(f"Find it on the {page} page.") in words, words
        assert "broadcaster" not in words
    api = official.get("/api/v1/items/999999").json()
    assert api["error"].endswith(vi("Find it on the News items page.")), api


# ------------------------------------------------------------ #11 codes shown as words


def test_the_voice_is_named_as_staff_know_it(
    role: Callable[[str], TestClient], site: tuple[WebStation, Any], tmp_path: Path
) -> None:
    official = role("official")
    typed = add(official, "Tin đọc bằng máy")
    wav = espeak_wav("Xã thông báo lịch tiêm phòng.", tmp_path / "ghi-am.wav")
    token = csrf_of(official.get("/").text)
    fields = {"kind": "recording", "title": "Tin ghi âm", "topic": "mot-cua", "text": "Xã thông báo.",
              "priority": "normal", "language": "vie", "airings": "1", "csrf_token": token}  # fmt: skip
    sent = official.post("/items", data=fields, files={"audio": ("ghi-am.wav", wav.read_bytes(), "audio/wav")})
    recorded = int(sent.headers["location"].rsplit("/", 1)[1])
    station = site[0].station()
    try:
        desk, voicing = NewsDesk(station), Voicing(station)
        voicing.prepare(desk.get(typed))
        voicing.prepare(desk.get(recorded))  # the newest: the overview names it
    finally:
        station.db.dispose()
    assert "espeak-ng (vi)" in text_of(official.get(f"/items/{typed}").text)
    words = text_of(official.get(f"/items/{recorded}").text)
    assert "Bản ghi âm (Tiếng Việt)" in words and "recording" not in words and "(vie)" not in words
    overview = text_of(official.get("/").text)
    assert "do recording" not in overview and "by recording" not in overview  # the code, as a voice's name
    assert vi("Last sound made from a recording on %(when)s.").split("%")[0].strip() in overview


def test_the_audit_trail_says_what_was_done_in_words(role: Callable[[str], TestClient]) -> None:
    official, chairman, technician = role("official"), role("approver"), role("technician")
    item_id = add(official, "Tin sẽ sửa")
    token = csrf_of(official.get("/").text)
    chairman.post(f"/items/{item_id}/approve", data={"csrf_token": csrf_of(chairman.get("/").text)})
    fields = {"title": "Tin đã sửa", "topic": "mot-cua", "text": "Nội dung mới.", "priority": "normal",
              "airings": "1", "csrf_token": token}  # fmt: skip
    assert official.post(f"/items/{item_id}/edit", data=fields).status_code == 303
    page = technician.get("/audit", params={"action": "item"})
    words = text_of(page.text)
    assert f"{vi('Fields changed')}: Tiêu đề, Nội dung" in words
    assert f"{vi('Approval removed')}: có" in words and "Người duyệt: chutich" in words
    assert "Ưu tiên: Thông thường" in words and "Chủ đề: Cơ chế một cửa" in words
    for raw in ("approval_removed", "fields:", "['title'", "True", "normal", "mot-cua"):
        assert raw not in words, raw


def test_a_detail_left_empty_is_said_to_be_empty(role: Callable[[str], TestClient]) -> None:
    technician = role("technician")
    token = csrf_of(technician.get("/users").text)
    fields = {"username": "vanthu", "full_name": "", "role": "official", "csrf_token": token}
    assert technician.post("/users", data=fields).status_code == 200  # the one-time password is shown
    words = text_of(technician.get("/audit", params={"action": "user"}).text)
    assert f"{vi('Full name')}: {vi('(left empty)')}" in words, words
    assert f"{vi('Full name')}: ;" not in words


# ------------------------------------------------------------ #12 a file too large


def test_a_file_over_the_limit_keeps_the_logged_in_page_and_leads_back_to_the_form(
    role: Callable[[str], TestClient],
) -> None:
    official = role("official")
    token = csrf_of(official.get("/items/new").text)
    answer = official.post(
        "/items",
        content=b"x" * 100,
        headers={
            "Content-Length": str(30 * 1024 * 1024),
            "Content-Type": "multipart/form-data; boundary=B",
            "Referer": "http://testserver/items/new",
            "X-CSRF-Token": token,
        },
    )
    assert answer.status_code == 413
    assert "lớn hơn mức cho phép (20 MB)" in text_of(answer.text)
    assert FULL_NAMES["official"] in answer.text and 'href="/items"' in answer.text  # the menu, as logged in
    assert 'href="/login"' not in answer.text
    assert f'<a href="/items/new">{vi("Back to the form")}</a>' in answer.text
    assert official.get("/items/new").status_code == 200  # still logged in


def test_a_period_mistake_names_the_forms_fields_not_the_command_lines_options(
    role: Callable[[str], TestClient],
) -> None:
    district = role("district")
    crossed = text_of(district.get("/log", params={"from": "31/12/2026", "to": "01/12/2026"}).text)
    assert "Đến ngày 01/12/2026" in crossed and "Từ ngày 31/12/2026" in crossed, crossed
    assert "--to" not in crossed and "--from" not in crossed and "2026-12-01" not in crossed
    empty = text_of(district.get("/reports", params={"kind": "range", "from": "", "to": ""}).text)
    assert vi("Choose a month, a quarter or a year, or fill in both days.") in empty and "--period" not in empty
