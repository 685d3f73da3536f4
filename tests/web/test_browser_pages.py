"""The second round's pages in a real browser, on a 360-pixel phone and on a desktop: nothing wider than
the screen, every control labelled, nothing blocked by the Content-Security-Policy, a script in a title
never run. Screenshots of each page go to test-artifacts/screenshots/ for a reviewer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from broadcaster.service.context import Station
from broadcaster.service.queue import NewsDesk
from broadcaster.service.voicing import Voicing
from tests.web.conftest import DESKTOP, PHONE, ROLE_USERS, log_in_with_form, serve, shoot
from tests.web.helpers import APPROVAL, console, log_airing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_TITLE = (
    "Thông báo về việc tiếp nhận hồ sơ thủ tục hành chính trên Cổng dịch vụ công quốc gia "
    "dichvucong.gov.vn từ ngày 01/03/2021 tại Bộ phận tiếp nhận và trả kết quả UBND xã Sơn Kim 1"
)
EVIL = "<script>alert('xss')</script>"
UNLABELLED = """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
    .filter(e => !e.labels || e.labels.length === 0).map(e => e.id || e.name)"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """A station with news in every state and two airings in its log, served; the ids to visit."""
    made, app = console(tmp_path_factory.mktemp("browser-station"), replace=APPROVAL)
    station = made.station()
    ids = populate(station)
    with serve(app) as url:
        yield url, ids


def populate(station: Station) -> dict[str, int]:
    official = NewsDesk(station)
    long = official.add(official.draft(title=LONG_TITLE, topic="thu-tuc", text=LONG_TITLE + ". " * 3, airings=3))
    urgent = official.add(
        official.draft(title="Thông báo khẩn: mất điện", topic="mot-cua", text="Mất điện từ 14h.", priority="emergency")
    )
    evil = official.add(official.draft(title=EVIL, topic="mot-cua", text=f"Nội dung {EVIL}", airings=2))
    for item in (long, evil):
        official.approve(item.id, "chutich")
    Voicing(station).prepare_all([official.get(long.id), official.get(evil.id)])
    record = log_airing(station, [official.get(long.id), official.get(evil.id)])
    log_airing(station, [official.get(long.id)], status="interrupted")
    return {"long": long.id, "urgent": urgent.id, "evil": evil.id, "airing": record.seq}


def pages_of(role: str, ids: dict[str, int]) -> list[str]:
    item, airing = ids["long"], ids["airing"]
    return {
        "official": [
            "/", "/items", "/items/new", "/items/import", f"/items/{item}", f"/items/{item}/edit",
            f"/items/{ids['urgent']}/air-now", "/schedule", "/log", f"/log/{airing}", "/reports",
        ],
        "approver": [f"/items/{ids['urgent']}"],
        "district": ["/", "/schedule", "/log", f"/log/{airing}", "/reports"],
        "technician": ["/"],
    }[role]  # fmt: skip


def slug(path: str) -> str:
    return re.sub(r"\d+", "n", path.strip("/").replace("/", "-")) or "tong-quan"


@pytest.mark.parametrize("role", ["official", "approver", "district", "technician"])
def test_the_pages_fit_a_phone_and_a_desktop(role: str, site: tuple[str, dict[str, int]], browser: Any) -> None:
    url, ids = site
    for viewport, device in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context = browser.new_context(base_url=url, viewport=viewport, locale="vi-VN")
        context.set_default_timeout(20_000)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m, p=problems: p.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r, p=problems: p.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        dialogs: list[str] = []
        page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        log_in_with_form(page, *ROLE_USERS[role])
        page.wait_for_url("**/")
        for path in pages_of(role, ids):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{path} is {width} px wide on a {viewport['width']} px {device}"
            assert page.evaluate(UNLABELLED) == [], f"{path}: controls without a label"
            assert page.locator("html").get_attribute("lang") == "vi"
            shoot(page, f"{device}-{role}-{slug(path)}")
        assert not problems, problems  # no blocked script or style, no failed load
        assert dialogs == []  # the <script> in a title never ran
        context.close()


def test_the_add_form_works_with_the_keyboard_alone(site: tuple[str, dict[str, int]], browser: Any) -> None:
    url, _ids = site
    context = browser.new_context(base_url=url, viewport=PHONE, locale="vi-VN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in_with_form(page, *ROLE_USERS["official"])
    page.wait_for_url("**/")
    page.goto("/items/new")
    page.get_by_label("Tiêu đề").focus()
    page.keyboard.type("Tin gõ bằng bàn phím")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "item-topic"
    page.keyboard.press("ArrowDown")  # the first topic of the plan
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "item-text"
    page.keyboard.type("Họp lúc 7h30 ngày 2/9.")
    page.locator("#spoken").get_by_text("bảy giờ ba mươi phút").wait_for()
    for _ in range(10):  # on to the save button, whatever lies between
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Lưu":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/items/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tin gõ bằng bàn phím"
    shoot(page, "phone-official-ban-tin-da-luu")
    context.close()
