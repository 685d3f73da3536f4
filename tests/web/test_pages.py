"""The second round's pages through HTTP, as a user's browser sends them: forms with their CSRF token,
htmx requests, uploads; what each page then says (in Vietnamese), and titles shown as text everywhere."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from broadcaster.service.queue import NewsDesk
from tests.web.conftest import TestClient, WebStation
from tests.web.helpers import APPROVAL, client_as, console, csrf_of, log_airing, role_clients, text_of

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[WebStation, Any]:
    """A station where approval is required, with its console."""
    return console(tmp_path_factory.mktemp("pages-station"), replace=APPROVAL)


@pytest.fixture
def role(site: tuple[WebStation, Any]) -> Iterator[Callable[[str], TestClient]]:
    yield from role_clients(site[1])


def form(client: TestClient, page: str) -> str:
    return csrf_of(client.get(page).text)


def add(client: TestClient, title: str, text: str = "Ngày 15/3/2021 họp lúc 14h30.", **extra: str) -> int:
    token = form(client, "/items/new")
    fields = {"title": title, "topic": "mot-cua", "text": text, "priority": "normal", "airings": "1", **extra}
    answer = client.post("/items", data={**fields, "csrf_token": token})
    assert answer.status_code == 303, text_of(answer.text)
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_the_add_form_shows_what_the_loudspeaker_will_say_before_saving(role: Callable[[str], TestClient]) -> None:
    official = role("official")
    page = official.get("/items/new")
    assert 'hx-post="/items/spoken"' in page.text and "Loa sẽ đọc" in page.text
    fragment = official.post("/items/spoken", data={"title": "Họp 15/3", "text": "Lúc 14h30, UBND xã."}, headers=HTMX)
    assert fragment.status_code == 200 and not fragment.text.lstrip().startswith("<!doctype")
    assert text_of(fragment.text) == "Họp ngày mười lăm tháng ba Lúc mười bốn giờ ba mươi phút, ủy ban nhân dân xã."
    # without scripts the button posts the form and a page answers
    whole = official.post("/items/spoken", data={"title": "T", "text": "3 người", "csrf_token": csrf_of(page.text)})
    assert "ba người" in whole.text and "Chưa có gì được lưu" in whole.text


def test_an_item_added_with_the_form_has_its_page_with_a_player(role: Callable[[str], TestClient]) -> None:
    official = role("official")
    item_id = add(official, "Lịch họp dân", valid_until="2099-12-31")
    page = official.get(f"/items/{item_id}")
    assert f"Đã lưu: bản tin {item_id} đã vào danh sách bản tin." in page.text
    words = text_of(page.text)
    assert "Lịch họp dân" in words and "Chưa duyệt" in words and "31/12/2099" in words
    assert "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi mốt họp lúc mười bốn giờ ba mươi phút." in words
    assert f'<audio id="player" controls preload="metadata" src="/api/v1/items/{item_id}/audio"' in page.text
    assert "Người tạo vanhoa" in words
    assert "Phê duyệt</button>" not in page.text  # the official may not approve
    listed = text_of(official.get("/items", params={"status": "queued", "topic": "mot-cua"}).text)
    assert "Lịch họp dân" in listed


def test_a_form_with_a_mistake_comes_back_filled_in_saying_what_to_do(role: Callable[[str], TestClient]) -> None:
    official = role("official")
    token = form(official, "/items/new")
    data = {"title": "", "topic": "mot-cua", "text": "Nội dung đã gõ.", "priority": "normal", "airings": "1"}
    answer = official.post("/items", data={**data, "csrf_token": token})
    assert answer.status_code == 400
    assert "Tiêu đề để trống. Hãy gõ tiêu đề ngắn gọn; nội dung bản tin ghi ở ô Nội dung." in text_of(answer.text)
    assert ">Nội dung đã gõ.</textarea>" in answer.text  # nothing typed is lost
    past = official.post("/items", data={**data, "title": "T", "valid_until": "2001-01-01", "csrf_token": token})
    assert past.status_code == 400 and "Đến ngày 01/01/2001 đã qua" in text_of(past.text)
    # days are quoted as typed, and shown as the form asks for them (dd/mm/yyyy), never as 2026-02-31
    wrong = official.post("/items", data={**data, "title": "T", "valid_from": "31/02/2099", "csrf_token": token})
    assert "&#39;31/02/2099&#39;" in text_of(wrong.text) and "28/02/2021" in text_of(wrong.text), text_of(wrong.text)
    both = {"valid_from": "10/12/2099", "valid_until": "01/12/2099"}
    crossed = official.post("/items", data={**data, **both, "title": "T", "csrf_token": token})
    assert "01/12/2099" in text_of(crossed.text) and "10/12/2099" in text_of(crossed.text)
    assert "2099-12" not in text_of(crossed.text)


def test_importing_csv_and_word_files_by_upload(
    role: Callable[[str], TestClient], site: tuple[WebStation, Any]
) -> None:
    import docx

    official = role("official")
    token = form(official, "/items/import")
    sheet = "title,topic,text\nTin CSV một,mot-cua,Nội dung một.\nTin CSV hai,thu-tuc,Nội dung hai.\n".encode()
    answer = official.post(
        "/items/import", data={"csrf_token": token}, files={"file": ("tin mới.csv", sheet, "text/csv")}
    )
    assert answer.status_code == 303
    listed = official.get("/items")
    assert "Đã nhập 2 bản tin từ tệp tin mới.csv." in text_of(listed.text)
    assert "Tin CSV một" in listed.text and "Tin CSV hai" in listed.text
    document = docx.Document()
    document.add_paragraph("Thông báo từ tệp Word")
    document.add_paragraph("Nội dung của thông báo.")
    buffer = io.BytesIO()
    document.save(buffer)
    word = official.post(
        "/items/import",
        data={"csrf_token": token, "topic": "thu-tuc", "priority": "priority"},
        files={"file": ("thong-bao.docx", buffer.getvalue(), "application/octet-stream")},
    )
    assert word.status_code == 303
    assert "Thông báo từ tệp Word" in official.get("/items", params={"topic": "thu-tuc", "priority": "priority"}).text
    fake = official.post("/items/import", data={"csrf_token": token}, files={"file": ("tin.docx", b"just text", "x")})
    assert fake.status_code == 400 and "tin.docx" in fake.text
    bad_row = "title,topic,text\nTin,mot-cua,Nội dung.\nTin,khong-co,Nội dung.\n".encode()
    refused = official.post(
        "/items/import", data={"csrf_token": token}, files={"file": ("sai.csv", bad_row, "text/csv")}
    )
    assert refused.status_code == 400 and "sai.csv" in text_of(refused.text) and "khong-co" in refused.text
    uploads = site[0].folder / "data" / "uploads"
    assert not [p for p in uploads.rglob("*") if p.is_file()]  # nothing uploaded is left behind


def test_editing_an_item_keeps_what_is_not_changed(role: Callable[[str], TestClient]) -> None:
    official = role("official")
    item_id = add(official, "Tin để sửa", valid_from="03/01/2099", valid_until="31/12/2099")  # as the form asks
    page = official.get(f"/items/{item_id}")
    assert "03/01/2099 – 31/12/2099" in text_of(page.text)  # 3 January: read day first, nothing to remark
    assert "day first" not in page.text
    page = official.get(f"/items/{item_id}/edit")
    assert 'value="Tin để sửa"' in page.text and 'value="31/12/2099"' in page.text
    data = {"title": "Tin đã sửa", "topic": "mot-cua", "text": "Nội dung mới.", "priority": "emergency", "airings": "2"}
    fields = {**data, "valid_from": "", "valid_until": "31/12/2099", "csrf_token": csrf_of(page.text)}
    assert official.post(f"/items/{item_id}/edit", data=fields).status_code == 303
    words = text_of(official.get(f"/items/{item_id}").text)
    assert "Tin đã sửa" in words and "Khẩn cấp" in words and "từ nay – 31/12/2099" in words and "0/2 lần" in words


def test_approving_cancelling_and_air_now_from_the_item_page(role: Callable[[str], TestClient]) -> None:
    official, chairman = role("official"), role("approver")
    item_id = add(official, "Tin cần duyệt")
    page = chairman.get(f"/items/{item_id}")
    assert "Phê duyệt</button>" in page.text
    approved = chairman.post(f"/items/{item_id}/approve", data={"csrf_token": csrf_of(page.text)})
    assert approved.headers["location"] == f"/items/{item_id}"
    words = text_of(chairman.get(f"/items/{item_id}").text)
    assert f"Đã duyệt: bản tin {item_id} có thể được phát." in words and "Đã duyệt: chutich" in words
    own = add(chairman, "Tin của chủ tịch")
    chairman.post(f"/items/{own}/approve", data={"csrf_token": csrf_of(page.text)})
    assert f"Bạn đã tự tạo bản tin {own} nên không thể tự phê duyệt." in text_of(chairman.get(f"/items/{own}").text)
    confirm = official.get(f"/items/{item_id}/air-now")
    assert "Thao tác này ngắt nội dung đang phát trên loa" in confirm.text
    official.post(f"/items/{item_id}/air-now", data={"csrf_token": csrf_of(confirm.text)})
    assert "Máy phát không hoạt động nên không thể phát ngay." in official.get(f"/items/{item_id}").text
    official.post(f"/items/{item_id}/cancel", data={"csrf_token": csrf_of(confirm.text)})
    words = text_of(official.get(f"/items/{item_id}").text)
    assert f"Đã hủy: bản tin {item_id} sẽ không được phát." in words and "Hủy bản tin này" not in words


def test_the_new_forms_need_the_sessions_token_and_change_nothing_without_it(role: Callable[[str], TestClient]) -> None:
    official, chairman = role("official"), role("approver")
    item_id = add(official, "Tin chống giả mạo")
    other_token = csrf_of(official.get("/items/new").text)
    chairman.headers.pop("X-CSRF-Token")
    for data in ({}, {"csrf_token": other_token}):
        assert chairman.post(f"/items/{item_id}/approve", data=data).status_code == 403
        assert chairman.post(f"/items/{item_id}/cancel", data=data).status_code == 403
        assert (
            chairman.post("/items", data={**data, "title": "Giả", "topic": "mot-cua", "text": "x"}).status_code == 403
        )
        assert chairman.post("/api/v1/items", json={"title": "Giả", "topic": "mot-cua", "text": "x"}).status_code == 403
    page = text_of(chairman.get(f"/items/{item_id}").text)
    assert "Chưa duyệt" in page and "Giả" not in text_of(chairman.get("/items").text)


def test_the_schedule_shows_each_slot_with_its_items_and_what_waits_and_why(tmp_path: Path) -> None:
    _made, app = console(tmp_path, replace=APPROVAL)
    official, chairman, district = (client_as(app, r) for r in ("official", "approver", "district"))
    waiting = add(official, "Tin chưa duyệt trong lịch")
    ready = add(official, "Tin đã duyệt trong lịch")
    chairman.post(f"/items/{ready}/approve", data={"csrf_token": csrf_of(chairman.get("/items/new").text)})
    assert official.get(f"/api/v1/items/{ready}/audio").status_code == 200  # its speech is made
    page = official.get("/schedule")
    words = text_of(page.text)
    assert "Giờ phát thanh được phép: 05:00-21:00." in words
    first_slot = page.text.split('<article class="card slot">')[1]
    planned, _sep, waits = first_slot.partition("<details>")
    assert "Tin đã duyệt trong lịch" in planned and "Tin chưa duyệt trong lịch" not in planned
    assert "chưa được duyệt" in text_of(waits) and "Tin chưa duyệt trong lịch" in text_of(waits)
    assert any(day in words for day in ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật"))
    assert f'href="/items/{ready}"' in page.text
    seen = district.get("/schedule").text  # the district sees titles, without links to items
    assert "Tin đã duyệt trong lịch" in seen and f'href="/items/{ready}"' not in seen
    assert f"/items/{waiting}" not in seen


def test_the_overview_shows_the_station_what_needs_attention_and_the_targets(
    role: Callable[[str], TestClient],
) -> None:
    official = role("official")
    add(official, "Tin chờ duyệt ở tổng quan")
    words = text_of(official.get("/").text)
    assert "Khung giờ phát tiếp theo" in words and "Hiện không phát gì." in words
    assert "Không hoạt động Máy phát không hoạt động: sẽ không có gì được phát. Kiểm tra máy tính của đài." in words
    assert "Dung lượng đĩa còn trống:" in words and "Giọng đọc: ngoại tuyến (espeak-ng, trên máy tính này)." in words
    assert "Chờ phê duyệt" in words and "Tin chờ duyệt ở tổng quan" in words
    assert "Tháng này" in words and "Quý này" in words and "Thời lượng tin CCHC mỗi tháng (phút)" in words
    assert "Chưa đạt" in words and '<svg class="bar"' in official.get("/").text
    # topics still owed an airing are named as the plan names them, not by their codes
    assert "Nội dung chưa đạt: Tầm quan trọng, ý nghĩa" in words
    assert " · Cơ chế một cửa, một cửa liên thông" in words and "mot-cua" not in words
    technician = text_of(role("technician").get("/").text)
    assert "Máy phát không hoạt động" in technician and "Tin chờ duyệt ở tổng quan" not in technician
    assert "Tháng này" not in technician  # reports are not the technician's
    district = text_of(role("district").get("/").text)
    assert "Tháng này" in district and "Khung giờ phát tiếp theo" not in district


def test_the_log_pages_show_an_airing_and_verify_the_chain(
    role: Callable[[str], TestClient], site: tuple[WebStation, Any]
) -> None:
    station = site[0].station()
    desk = NewsDesk(station)
    item = desk.add(desk.draft(title="Tin trong nhật ký", topic="mot-cua", text="Nội dung."))
    item = desk.approve(item.id, "chutich")
    record = log_airing(station, [item], status="interrupted")
    district = role("district")
    listing = text_of(district.get("/log", params={"status": "interrupted"}).text)
    assert "Bị ngắt" in listing and "Tin trong nhật ký" in listing and "Mất điện" in listing
    assert "Tin trong nhật ký" not in text_of(district.get("/log", params={"status": "missed"}).text)
    airing = text_of(district.get(f"/log/{record.seq}").text)
    assert "Tin trong nhật ký" in airing and "chutich" in airing and record.hash in airing
    assert "không điều khiển" in airing and "not controlled" not in airing  # the amplifier's state in words
    fragment = district.get("/log/verify", headers=HTMX)
    assert "Nhật ký phát toàn vẹn" in fragment.text and f"{record.seq}:{record.hash}" in fragment.text
    assert district.get("/log/999999").status_code == 404


def test_a_script_in_a_title_is_text_on_every_page_that_shows_titles(
    role: Callable[[str], TestClient], site: tuple[WebStation, Any]
) -> None:
    official, chairman = role("official"), role("approver")
    item_id = add(official, EVIL, text=f"Nội dung {EVIL}", airings="3")  # still to air after the one logged
    chairman.post(f"/items/{item_id}/approve", data={"csrf_token": csrf_of(chairman.get("/items/new").text)})
    official.get(f"/api/v1/items/{item_id}/audio")  # rendered: it is planned into a slot
    station = site[0].station()
    record = log_airing(station, [NewsDesk(station).get(item_id)])
    pages = ["/", "/items", f"/items/{item_id}", f"/items/{item_id}/edit", f"/items/{item_id}/air-now", "/schedule"]
    pages += ["/log", f"/log/{record.seq}"]
    for page in pages:
        html = official.get(page).text
        assert EVIL not in html, page
        assert ESCAPED in html, page
    spoken = official.post("/items/spoken", data={"title": EVIL, "text": EVIL}, headers=HTMX).text
    assert EVIL not in spoken and "&lt;script&gt;" in spoken
