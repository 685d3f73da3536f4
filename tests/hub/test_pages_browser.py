"""The district's pages in a real browser (Debian's chromium through Playwright) against `hub serve`
as its own process on PostgreSQL, with linked communes that sync through `broadcaster sync`.

Screenshots go to test-artifacts/screenshots/hub-*.png for a reviewer to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hub.conftest import HUB_USERS, Province
from tests.web.conftest import DESKTOP, PHONE, log_in_with_form, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def text(locator: Any) -> str:
    return " ".join(locator.inner_text().split())


@pytest.fixture
def district(province: Province, tmp_path: Path) -> Province:
    """The province's hub with the district's users (added with `hub users add --password-file`)."""
    for role, (name, password, full_name) in HUB_USERS.items():
        secret = tmp_path / f"{name}.txt"
        secret.write_text(password + "\n", encoding="utf-8")
        province.hub.run("users", "add", name, "--role", role, "--full-name", full_name, "--password-file", str(secret))
    return province


@pytest.fixture
def open_page(browser: Any, district: Province) -> Iterator[Any]:
    """open_page(role, viewport): a page logged in through the form; every request it makes is kept."""
    contexts: list[Any] = []
    requests: list[str] = []

    def make(role: str, viewport: dict[str, int]) -> Any:
        context = browser.new_context(base_url=district.hub.url, viewport=viewport, locale="vi-VN")
        context.set_default_timeout(15_000)
        context.on("request", lambda request: requests.append(request.url))
        contexts.append(context)
        page = context.new_page()
        name, password, _full = HUB_USERS[role]
        log_in_with_form(page, name, password)
        page.wait_for_url(f"{district.hub.url}/")
        return page

    make.requests = requests  # type: ignore[attr-defined]
    yield make
    for context in contexts:
        context.close()


def no_sideways_scrolling(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_priority_bulletin_composed_approved_and_delivered_to_two_communes(
    district: Province, open_page: Any
) -> None:
    editor = open_page("editor", PHONE)
    assert "Lê Thị Biên Tập" in editor.locator("header").inner_text()
    assert editor.get_by_role("navigation").get_by_role("link").all_inner_texts() == [
        "Các xã", "Bản tin", "Soạn bản tin", "Báo cáo",
    ]  # fmt: skip
    shoot(editor, "hub-cac-xa-phone")
    assert no_sideways_scrolling(editor)

    editor.get_by_role("link", name="Soạn bản tin").click()
    editor.get_by_label("Tiêu đề").fill("Lịch tiêm chủng mở rộng tháng này")
    editor.get_by_label("Chủ đề", exact=True).select_option("ket-qua")
    editor.get_by_label("Ưu tiên").check()
    editor.get_by_label("Nội dung cần đọc").fill(
        "Trạm y tế xã tổ chức tiêm chủng vào sáng thứ Bảy. Đề nghị các gia đình đưa trẻ đến đúng giờ."
    )
    editor.get_by_label("Số lần phát ở mỗi xã").fill("2")
    editor.get_by_label("Sơn Kim 1").check()
    editor.get_by_label("Sơn Kim 2").check()
    shoot(editor, "hub-soan-ban-tin-phone")
    assert no_sideways_scrolling(editor)
    editor.get_by_role("button", name="Lưu và trình duyệt").click()
    editor.wait_for_url("**/bulletins/*")
    assert text(editor.get_by_role("status")) == "Đã lưu: bản tin đang chờ phê duyệt."
    assert "Bản tin đang chờ lãnh đạo huyện phê duyệt." in editor.locator("#approval").inner_text()
    bulletin_url = editor.url
    shoot(editor, "hub-ban-tin-cho-duyet-phone")

    approver = open_page("approver", DESKTOP)
    approver.get_by_role("link", name="Bản tin", exact=True).click()
    approver.get_by_role("link", name="Lịch tiêm chủng mở rộng tháng này").click()
    assert "Sơn Kim 1" in approver.locator("main").inner_text()  # who it will be sent to
    shoot(approver, "hub-ban-tin-truoc-khi-duyet")
    approver.get_by_role("button", name="Phê duyệt và gửi").click()
    assert text(approver.get_by_role("status")) == "Đã phê duyệt: bản tin được gửi đến 2 xã."
    assert "0 / 2" in approver.locator("ul.figures").inner_text()  # not received by any commune yet

    # Sơn Kim 1's station syncs (the daemon does it every few minutes; here by hand).
    out = district.stations["SK1"].cli.ok("sync")
    assert "Lịch tiêm chủng" in out or out  # the command reports what it received

    approver.goto(bulletin_url)
    assert "1 / 2" in approver.locator("ul.figures").inner_text()
    shoot(approver, "hub-ban-tin-da-gui")
    approver.get_by_role("link", name="Sơn Kim 1").first.click()
    row = approver.locator("tr", has_text="Lịch tiêm chủng mở rộng tháng này")
    assert "Đã nhận" in row.inner_text() and "Ưu tiên" in row.inner_text() and "0/2" in row.inner_text()
    assert "Đang thực hiện" in row.inner_text()
    shoot(approver, "hub-xa-da-nhan")

    editor.goto("/communes/SK1")
    assert "Đã nhận" in editor.locator("tr", has_text="Lịch tiêm chủng").inner_text()
    shoot(editor, "hub-xa-phone")
    assert no_sideways_scrolling(editor)
    editor.goto("/communes/SK2")
    assert "Chưa nhận" in editor.locator("tr", has_text="Lịch tiêm chủng").inner_text()

    viewer = open_page("viewer", PHONE)
    viewer.get_by_role("link", name="Báo cáo").click()
    assert "Báo cáo tổng hợp của huyện" in viewer.get_by_role("heading", level=1).inner_text()
    assert no_sideways_scrolling(viewer)
    shoot(viewer, "hub-bao-cao-phone")
    with viewer.expect_download() as download:
        viewer.get_by_role("link", name="Báo cáo (.docx)").click()
    assert download.value.suggested_filename.startswith(
        "bao-cao-huyen-"
    ) and download.value.suggested_filename.endswith(".docx")

    # Nothing came from anywhere but the hub: no external fonts, scripts or pictures.
    requests = open_page.requests  # type: ignore[attr-defined]
    assert requests and all(url.startswith(district.hub.url) for url in requests), requests


def test_the_approver_who_composed_it_is_told_to_ask_another(district: Province, open_page: Any) -> None:
    approver = open_page("approver", PHONE)
    approver.goto("/bulletins/new")
    approver.get_by_label("Tiêu đề").fill("Tạm ngừng tiếp nhận hồ sơ")
    approver.get_by_label("Chủ đề", exact=True).select_option("mot-cua")
    approver.get_by_label("Khẩn cấp").check()
    approver.get_by_label("Nội dung cần đọc").fill(
        "Bộ phận một cửa tạm ngừng tiếp nhận hồ sơ từ 8 giờ đến 11 giờ do mất điện."
    )
    approver.get_by_label("Tất cả các xã").check()
    approver.get_by_role("button", name="Lưu và trình duyệt").click()
    approver.wait_for_url("**/bulletins/*")
    assert "nên cần một lãnh đạo khác của huyện phê duyệt" in approver.locator("#approval").inner_text()
    assert approver.get_by_role("button", name="Phê duyệt và gửi").count() == 0
    shoot(approver, "hub-tu-duyet-phone")


def test_a_mistake_in_the_form_is_shown_next_to_it_on_a_phone(district: Province, open_page: Any) -> None:
    editor = open_page("editor", PHONE)
    editor.goto("/bulletins/new")
    editor.get_by_label("Tiêu đề").fill("Tin không có xã nhận")
    editor.get_by_label("Chủ đề", exact=True).select_option("thu-tuc")
    editor.get_by_label("Nội dung cần đọc").fill("Nội dung.")
    editor.get_by_label("Từ ngày (dd/mm/yyyy)").fill("31/02/2021")
    editor.get_by_role("button", name="Lưu và trình duyệt").click()
    assert text(editor.get_by_role("alert")) == (
        "Ngày bắt đầu '31/02/2021' không phải là ngày hợp lệ. Hãy viết theo dạng dd/mm/yyyy, ví dụ 15/03/2021."
    )
    assert editor.get_by_label("Tiêu đề").input_value() == "Tin không có xã nhận"
    shoot(editor, "hub-soan-loi-phone")
