"""Recorded news items in a real browser: a file chosen in the add form, heard mastered, saved;
and a recording made with the microphone (chromium's fake device) through MediaRecorder."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from broadcaster.service.queue import NewsDesk
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.conftest import DESKTOP, ROLE_USERS, WebStation, log_in_with_form, shoot
from tests.web.test_recorded_items import speech_mp3  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def fill_recorded_form(page: Any, title: str) -> None:
    page.goto("/items/new")
    page.locator("input[name=kind][value=recording]").check()
    assert page.locator("#item-audio").is_visible() and not page.locator("#spoken").is_visible()
    page.locator("#item-title").fill(title)
    page.locator("#item-topic").select_option("mot-cua")
    page.locator("#item-language").select_option("khm")


def saved_item(page: Any, web_station: WebStation) -> Any:
    page.wait_for_url(re.compile(r".*/items/\d+$"))
    item_id = int(page.url.rsplit("/", 1)[1])
    station = web_station.station()
    try:
        return NewsDesk(station).get(item_id)
    finally:
        station.db.dispose()


def test_choose_a_file_listen_to_it_mastered_and_save_it(
    page_as: Callable[..., Any],
    web_station: WebStation,
    speech_mp3: Path,  # noqa: F811
) -> None:
    page = page_as("official")
    fill_recorded_form(page, "Tin tiếng Khmer")
    page.locator("#item-audio").set_input_files(str(speech_mp3))
    page.locator("#item-text").fill("Bản dịch: lịch tiêm phòng.")
    page.locator("#preview-recording").click()
    player = page.locator("#recording-preview audio")
    player.wait_for(timeout=30_000)
    assert re.fullmatch(r"/items/preview-recording/[0-9a-f]{32}", player.get_attribute("src") or "")
    shoot(page, "desktop-official-ban-tin-ghi-am-nghe-thu")
    page.locator("form#item-form button[type=submit]:not([formaction])").click()
    item = saved_item(page, web_station)
    assert item.recorded and item.language == "khm" and item.text == "Bản dịch: lịch tiêm phòng."
    facts = page.locator("dl.facts").inner_text()
    assert "Khmer" in facts and speech_mp3.name in facts
    assert page.locator("#player").get_attribute("src") == f"/api/v1/items/{item.id}/audio"


@pytest.fixture
def microphone_page(browser: Any, live_server: str) -> Iterator[Any]:
    """A page of a chromium whose microphone is the fake device (a beep), allowed without asking."""
    launched = browser.browser_type.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *FAKE_MICROPHONE])
    try:
        context = launched.new_context(base_url=live_server, viewport=DESKTOP, locale="vi-VN")
        context.set_default_timeout(15_000)
        yield context.new_page()
    finally:
        launched.close()


def test_record_with_the_microphone_and_save(microphone_page: Any, web_station: WebStation) -> None:
    page = microphone_page
    log_in_with_form(page, *ROLE_USERS["approver"])
    page.wait_for_url("**/")
    fill_recorded_form(page, "Ghi âm tại xã")
    assert page.locator("#recorder").is_visible()
    page.locator("#record-start").click()
    page.locator("#record-stop").wait_for(state="visible")
    page.wait_for_timeout(3000)  # the issue: record 3 s
    page.locator("#record-stop").click()
    page.locator("#record-player").wait_for(state="visible")
    name = page.evaluate("document.getElementById('item-audio').files[0].name")
    assert re.fullmatch(r"ghi-am-\d{14}\.(webm|ogg|m4a)", name), name
    page.locator("form#item-form button[type=submit]:not([formaction])").click()
    item = saved_item(page, web_station)
    assert item.recorded and item.language == "khm" and item.recording is not None
    assert item.recording.name == name and 1.0 < item.recording.seconds < 4.5
