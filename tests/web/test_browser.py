"""The console in a real browser (Debian's chromium through Playwright), as its users would use it.

Screenshots of the main pages go to test-artifacts/screenshots/ for a reviewer to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from broadcaster.web.accounts import MAX_FAILURES
from tests.web.conftest import DESKTOP, PHONE, ROLE_USERS, WebStation, log_in_with_form, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The pages of each role's menu (the placeholders of the second round included).
PAGES = {
    "official": ["/", "/items", "/schedule", "/log", "/reports", "/account/password"],
    "approver": ["/", "/items"],
    "technician": ["/", "/users", "/devices", "/audit", "/account/password"],
    "district": ["/", "/schedule", "/log", "/reports", "/audit"],
}
MENU = {
    "official": ["Tổng quan", "Bản tin", "Lịch phát", "Nhật ký phát", "Báo cáo"],
    "approver": ["Tổng quan", "Bản tin", "Lịch phát", "Nhật ký phát", "Báo cáo"],
    "technician": ["Tổng quan", "Người dùng", "Thiết bị", "Nhật ký thao tác"],
    "district": ["Tổng quan", "Lịch phát", "Nhật ký phát", "Báo cáo", "Nhật ký thao tác"],
}


def text(locator: Any) -> str:
    """What the user reads (lines joined: a hint sits on its own line under the message)."""
    return " ".join(locator.inner_text().split())


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "tong-quan"


def test_log_in_see_the_menu_of_the_role_and_log_out(new_page: Callable[..., Any]) -> None:
    page = new_page()
    log_in_with_form(page, *ROLE_USERS["official"])
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tổng quan"
    assert "Nguyễn Thị Văn Hóa" in page.locator("header").inner_text()
    assert page.get_by_role("navigation").get_by_role("link").all_inner_texts() == MENU["official"]
    shoot(page, "desktop-official-tong-quan")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login")
    assert page.get_by_role("status").inner_text() == "Bạn đã đăng xuất."
    page.goto("/")
    assert page.url.endswith("/login")


def test_a_wrong_password_says_what_to_do(new_page: Callable[..., Any]) -> None:
    page = new_page()
    log_in_with_form(page, ROLE_USERS["approver"][0], "khong-dung")
    assert text(page.get_by_role("alert")) == (
        "Sai tên đăng nhập hoặc mật khẩu. Kiểm tra lại (chú ý bộ gõ tiếng Việt và phím Caps Lock) rồi thử lại."
    )
    assert page.get_by_label("Tên đăng nhập").input_value() == ROLE_USERS["approver"][0]
    assert page.evaluate("document.activeElement.id") == "password"  # ready to type the password again
    shoot(page, "desktop-dang-nhap-sai")


def test_ten_wrong_passwords_pause_logging_in(new_page: Callable[..., Any], web_station: WebStation) -> None:
    web_station.accounts().add("khoa-trinh-duyet", "official", "mat-khau-dung-1", actor="cli:test")
    page = new_page(PHONE)
    for attempt in range(MAX_FAILURES):
        log_in_with_form(page, "khoa-trinh-duyet", f"sai-{attempt}")
        assert page.get_by_role("alert").inner_text().startswith("Sai tên đăng nhập")
    log_in_with_form(page, "khoa-trinh-duyet", "mat-khau-dung-1")
    assert text(page.get_by_role("alert")) == (
        "Nhập sai mật khẩu quá nhiều lần: tên đăng nhập này bị tạm khóa 15 phút. "
        "Hãy thử lại sau, hoặc nhờ kỹ thuật viên của đài đặt lại mật khẩu."
    )
    shoot(page, "phone-dang-nhap-tam-khoa")


def test_the_technician_adds_a_user_who_then_logs_in(page_as: Callable[..., Any], new_page: Callable[..., Any]) -> None:
    technician = page_as("technician")
    technician.get_by_role("navigation").get_by_role("link", name="Người dùng").click()
    technician.get_by_label("Tên đăng nhập", exact=True).fill("nguoi-moi")
    technician.get_by_label("Họ và tên").fill("Phạm Thị Người Mới")
    technician.get_by_label("Vai trò").select_option(label="Phòng Văn hóa – Thông tin huyện")
    technician.get_by_role("button", name="Thêm người dùng").click()
    one_time = technician.locator(".secret").inner_text()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", one_time)
    row = technician.get_by_role("row").filter(has_text="nguoi-moi")
    assert "Cần đặt mật khẩu" in row.inner_text()
    shoot(technician, "desktop-nguoi-dung-mat-khau-mot-lan")

    newcomer = new_page(PHONE)
    log_in_with_form(newcomer, "nguoi-moi", one_time)
    newcomer.wait_for_url("**/account/password")
    assert "mật khẩu dùng một lần" in newcomer.get_by_role("status").inner_text()
    shoot(newcomer, "phone-doi-mat-khau-lan-dau")
    newcomer.get_by_label("Mật khẩu dùng một lần").fill(one_time)
    assert newcomer.get_by_role("navigation").count() == 0  # nothing else to do first
    newcomer.get_by_label("Mật khẩu mới", exact=True).fill("mat-khau-cua-toi")
    newcomer.get_by_label("Nhập lại mật khẩu mới").fill("mat-khau-cua-toi")
    newcomer.get_by_role("button", name="Lưu").click()
    newcomer.wait_for_url("**/")
    assert newcomer.get_by_role("status").inner_text() == "Đã lưu: mật khẩu mới đã có hiệu lực."
    assert newcomer.get_by_role("navigation").get_by_role("link").all_inner_texts() == MENU["district"]

    technician.reload()
    assert "Đang hoạt động" in technician.get_by_role("row").filter(has_text="nguoi-moi").inner_text()


def test_logging_in_with_the_keyboard_only(new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto("/login")
    assert page.evaluate("document.activeElement.id") == "username"
    name, password = ROLE_USERS["district"]
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    # The skip link is the first stop, then the menu: every control is reachable with Tab.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua menu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_fits_a_phone_and_a_desktop(role: str, page_as: Callable[..., Any]) -> None:
    for viewport, device in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = page_as(role, viewport)
        errors: list[str] = []
        page.on(
            "console", lambda message, errors=errors: errors.append(message.text) if message.type == "error" else None
        )
        for path in PAGES[role]:
            page.goto(path)
            if path == "/devices":
                page.get_by_text(re.compile("Tất cả các mục kiểm tra đều đạt|Phát hiện")).wait_for()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{path} is {width} px wide on a {viewport['width']} px {device}"
            assert page.locator("html").get_attribute("lang") == "vi"
            shoot(page, f"{device}-{role}-{slug(path)}")
        assert not errors, errors  # no blocked script or style (Content-Security-Policy), no failed load


def test_htmx_sends_the_csrf_token_and_a_script_name_stays_text(
    page_as: Callable[..., Any], web_station: WebStation
) -> None:
    web_station.accounts().add("<script>alert('xss')</script>", "district", "mat-khau-xss-1", actor="cli:test")
    page = page_as("technician")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/users")
    assert page.get_by_text("<script>alert('xss')</script>", exact=True).count() >= 1
    header = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']")
    assert header == page.locator("input[name=csrf_token]").first.input_value()
    page.goto("/audit")
    page.get_by_role("button", name="Kiểm tra tính toàn vẹn").click()
    page.locator("#verify-result").get_by_text("Nhật ký thao tác toàn vẹn").wait_for()  # swapped in by htmx
    assert "Mã kiểm chứng" in page.locator("#verify-result").inner_text()
    shoot(page, "desktop-nhat-ky-thao-tac-kiem-tra")
    assert dialogs == []
