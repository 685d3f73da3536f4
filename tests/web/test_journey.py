"""One news item's whole journey through the console, in a real browser, with the real daemon airing it.

The culture official logs in, types an item and sees what the loudspeaker will say before saving it,
listens to it, logs out; the chairman logs in and approves it; the schedule shows it in the next slot;
`broadcaster run` (its own process, writing WAV files) airs it; the log page shows it and verifies the
chain; the report page downloads the .docx to sign, which Word (python-docx) opens.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from broadcaster.web.accounts import Accounts
from tests.onair.helpers import DaemonProcess, make_station, slot_in
from tests.web.conftest import DESKTOP, FULL_NAMES, ROLE_USERS, log_in_with_form, serve, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Time for the browser's part (two logins, typing, the first speech, approving) before the slot airs.
SLOT_AHEAD_S = 75
TITLE = "Lịch tiếp công dân tháng 3"
TEXT = "Ngày 15/3/2021, Chủ tịch UBND xã tiếp công dân lúc 14h30 tại Bộ phận một cửa."
SPOKEN = "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi mốt"


def text(locator: Any) -> str:
    return " ".join(locator.inner_text().split())


def station_with_approval(folder: Path) -> Any:
    slot = slot_in(SLOT_AHEAD_S, "Bản tin thử")
    cli = make_station(folder, [slot])
    config = cli.config.read_text(encoding="utf-8")
    cli.config.write_text(config.replace("require_approval = false", "require_approval = true"), encoding="utf-8")
    cli.ok("render", "--all")  # the ident and closing lines, as a technician prepares a station
    from broadcaster.service.context import Station

    station = Station.open(cli.config)
    accounts = Accounts(station.db, station.clock)
    for role in ("official", "approver"):
        name, password = ROLE_USERS[role]
        accounts.add(name, role, password, FULL_NAMES[role], actor="cli:test")
    station.db.dispose()
    return cli, slot


def official_queues_and_listens(page: Any) -> int:
    log_in_with_form(page, *ROLE_USERS["official"])
    page.wait_for_url("**/")
    page.get_by_role("navigation").get_by_role("link", name="Bản tin").click()
    page.get_by_role("link", name="Thêm bản tin").click()
    page.get_by_label("Tiêu đề").fill(TITLE)
    page.get_by_label("Chủ đề").select_option(label="Cơ chế một cửa, một cửa liên thông")
    page.get_by_label("Nội dung", exact=True).fill(TEXT)
    spoken = page.locator("#spoken")
    spoken.get_by_text(SPOKEN, exact=False).wait_for()  # shown while typing, nothing saved yet
    assert "mười bốn giờ ba mươi phút" in text(spoken) and "ủy ban nhân dân xã" in text(spoken)
    shoot(page, "journey-1-them-ban-tin-loi-doc")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url("**/items/*")
    assert text(page.get_by_role("heading", level=1)) == TITLE
    item_id = int(page.url.rsplit("/", 1)[1])
    # Nghe thử: the player loads the mastered speech and knows how long it is
    page.wait_for_function(
        "() => { const a = document.querySelector('#player'); return a && a.readyState >= 1 && a.duration > 0 }",
        timeout=60_000,
    )
    duration = page.evaluate("document.querySelector('#player').duration")
    assert 2.0 < duration < 60.0, duration
    shoot(page, "journey-2-nghe-thu")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login")
    return item_id


def chairman_approves(page: Any, item_id: int) -> None:
    log_in_with_form(page, *ROLE_USERS["approver"])
    page.wait_for_url("**/")
    page.goto(f"/items/{item_id}")
    assert "Chưa duyệt" in text(page.locator(".badges"))
    page.get_by_role("button", name="Phê duyệt").click()
    page.wait_for_url(f"**/items/{item_id}")
    assert f"Đã duyệt: bản tin {item_id} có thể được phát." in text(page.get_by_role("status"))
    assert "Đã duyệt: chutich" in text(page.locator("dl.facts"))
    shoot(page, "journey-3-phe-duyet")


def test_an_item_goes_from_the_officials_form_to_the_signed_report(tmp_path: Path, browser: Any) -> None:
    import docx  # the `browser` fixture skips when Debian's chromium is missing

    from broadcaster.web.app import create_app

    cli, slot = station_with_approval(tmp_path / "station")
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        with serve(create_app(cli.config)) as url:
            context = browser.new_context(base_url=url, viewport=DESKTOP, locale="vi-VN", accept_downloads=True)
            context.set_default_timeout(20_000)
            page = context.new_page()
            started = time.monotonic()
            item_id = official_queues_and_listens(page)
            chairman_approves(page, item_id)
            # Lịch phát: the next slot carries it
            page.get_by_role("navigation").get_by_role("link", name="Lịch phát").click()
            first_slot = page.locator("article.slot").first
            assert "Bản tin thử" in text(first_slot) and TITLE in text(first_slot.locator("ol.planned"))
            shoot(page, "journey-4-lich-phat")
            browser_s = time.monotonic() - started
            assert browser_s < SLOT_AHEAD_S - 5, f"the browser's part took {browser_s:.0f} s: the slot passed"
            record = daemon.wait_record(
                lambda r: any(i["item_id"] == item_id for i in r["items"]), SLOT_AHEAD_S + 60, "the item's airing"
            )
            assert record["status"] == "completed" and record["items"][0]["approved_by"] == "chutich"
            assert list((cli.config.parent / "aired").glob("*.wav"))  # the file output got the bulletin
            assert record["slot"] == slot.name
            log_and_report(page, record, tmp_path / "bao-cao.docx")
            context.close()
    finally:
        daemon.stop()
    document = docx.Document(str(tmp_path / "bao-cao.docx"))
    assert any("BÁO CÁO" in p.text.upper() for p in document.paragraphs)


def log_and_report(page: Any, record: dict[str, Any], out: Path) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Nhật ký phát").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    assert "Hoàn thành" in text(row)
    page.get_by_role("button", name="Kiểm tra tính toàn vẹn").click()
    verdict = page.locator("#log-verified")
    verdict.wait_for(timeout=60_000)
    assert "Nhật ký phát toàn vẹn" in text(verdict) and f"{record['id']}:{record['hash']}" in text(verdict)
    shoot(page, "journey-5-nhat-ky-phat")
    page.get_by_role("navigation").get_by_role("link", name="Báo cáo").click()
    assert "Chỉ tiêu" in text(page.locator("main"))
    shoot(page, "journey-6-bao-cao")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("link", name="Báo cáo để ký (.docx)").click()
    assert download.value.suggested_filename.startswith("bao-cao-") and download.value.suggested_filename.endswith(
        ".docx"
    )
    download.value.save_as(str(out))
