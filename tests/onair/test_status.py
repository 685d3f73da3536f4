"""`broadcaster status` tells the truth during an airing and after a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.onair.helpers import DaemonProcess, add_news, make_station, render_all, set_programme, slot_in

pytestmark = pytest.mark.slow

LONG_TEXT = (
    "Ủy ban nhân dân xã thông báo: từ tháng này bộ phận tiếp nhận và trả kết quả làm việc cả sáng thứ bảy, "
    "bà con có thể nộp hồ sơ trực tuyến trên cổng dịch vụ công, không phải đi lại nhiều lần."
)


def test_status_during_an_airing_and_after_a_crash(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    item = add_news(cli, "Tin dài", LONG_TEXT)
    render_all(cli)
    now_slot, later_slot = slot_in(4, "Sáng"), slot_in(600, "Chiều")
    set_programme(cli, [now_slot, later_slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        daemon.wait_on_air()
        during = json.loads(cli.ok("status", "--json"))
        daemon.kill9()
    finally:
        daemon.close()
    after = json.loads(cli.ok("status", "--json"))
    after_text = cli.ok("status")

    # during: the item on air is not shown again as the next slot's news
    assert [a["slot"] for a in during["on_air"]] == ["Sáng"]
    assert during["next_slot"]["slot"] == "Chiều"
    assert item not in [i["id"] for i in during["next_slot"]["items"]]
    # after kill -9: nothing is on air; the cut airing is shown as what it is
    assert (after["daemon_running"], after["on_air"]) == (False, [])
    assert [a["slot"] for a in after["cut_by_stop"]] == ["Sáng"]
    assert "On air: nothing" in after_text
    assert "Cut by a stop of the station: Sáng" in after_text
