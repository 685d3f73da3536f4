"""An item cancelled while its bulletin is on air does not air: it is cut, and the bulletin goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.onair.helpers import (
    DaemonProcess,
    add_news,
    airing_log,
    item_json,
    later,
    make_station,
    render_all,
    set_programme,
    sleep_until,
    slot_in,
)

pytestmark = pytest.mark.slow

LONG_TEXT = (
    "Ủy ban nhân dân xã thông báo: từ tháng này bộ phận tiếp nhận và trả kết quả làm việc cả sáng thứ bảy, "
    "bà con có thể nộp hồ sơ trực tuyến trên cổng dịch vụ công, không phải đi lại nhiều lần, "
    "mọi thắc mắc xin liên hệ công chức văn phòng để được hướng dẫn tận tình."
)


def test_cancelling_items_of_the_bulletin_on_air_cuts_them_and_the_rest_airs(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    long_item = add_news(cli, "Tin dài", LONG_TEXT)
    kept = add_news(cli, "Tin giữ lại", "Họp dân tối thứ sáu.")
    later_item = add_news(cli, "Tin sau", "Tiêm phòng cho gia súc.")
    render_all(cli)
    slot = slot_in(4)
    set_programme(cli, [slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        daemon.wait_on_air()
        sleep_until(later(slot.at, 4))  # the long item is on air, the other two wait their turn
        said = cli.ok("news", "cancel", str(long_item))
        cli.ok("news", "cancel", str(later_item))
        record = daemon.wait_record(lambda r: r["slot"] == slot.name, timeout=40, what="the bulletin's record")
        assert daemon.stop() == 0
    finally:
        daemon.close()

    assert f"News item {long_item} cancelled; it is on air now and is cut" in said
    assert record["status"] == "completed", record  # the bulletin went on to its closing jingle
    items = {i["item_id"]: i for i in record["items"]}
    assert set(items) == {long_item, kept}, "the item cancelled before its turn must not air"
    assert items[long_item]["completed"] is False
    assert 1 < items[long_item]["duration_seconds"] < 6  # cut soon after the cancel, not played to its end (~15 s)
    assert items[kept]["completed"] is True
    # the kept item followed the cut one without waiting for the long item's planned end
    assert items[kept]["offset_seconds"] < items[long_item]["offset_seconds"] + 9
    assert f"item {long_item} cut after" in record["reason"]
    assert f"item {later_item} not aired: cancelled" in record["reason"]
    assert [item_json(cli, i)["airings_done"] for i in (long_item, kept, later_item)] == [0, 1, 0]
    assert [r["slot"] for r in airing_log(cli)] == [slot.name]
