"""Asking again for an emergency already on air does not cut it and start it over; re-airing is explicit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.onair.helpers import DaemonProcess, add_news, airing_log, make_station

pytestmark = pytest.mark.slow

# An airing is logged when it ends: ~20 s of sound (the warning with its jingles) after it starts, in
# real time, plus the start on a busy machine. A record is waited for that long and more.
RECORD_WAIT_S = 45
# long enough (~10 s) to be surely on air when it is asked for again
WARNING = (
    "Nước sông đang lên nhanh, bà con các thôn ven sông khẩn trương di chuyển người, tài sản và gia súc "
    "lên chỗ cao, không qua lại ngầm tràn, theo dõi thông báo của ban chỉ huy phòng chống thiên tai xã."
)


def test_air_now_for_an_emergency_on_air_is_a_no_op_and_airing_it_again_needs_again(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        urgent = add_news(cli, "Cảnh báo lũ", WARNING, "--priority", "emergency")
        daemon.wait_on_air()  # it airs by itself
        asked_again = cli.ok("air-now", str(urgent))
        first = daemon.wait_record(
            lambda r: r["kind"] == "emergency", timeout=RECORD_WAIT_S, what="the emergency airing"
        )
        time.sleep(3)  # a restarted airing would be logged by now
        once = [r for r in airing_log(cli) if r["kind"] == "emergency"]
        refused = cli.fails("air-now", str(urgent))
        cli.ok("air-now", str(urgent), "--again")
        daemon.wait_record(
            lambda r: r["kind"] == "emergency" and r["id"] != first["id"],
            timeout=RECORD_WAIT_S,
            what="the second airing",
        )
        assert daemon.stop() == 0
    finally:
        daemon.close()

    assert f"News item {urgent} is on air now; it is not started again." in asked_again
    assert [(r["status"], r["items"][0]["completed"]) for r in once] == [("completed", True)]
    assert refused == (
        f"Error: News item {urgent} has aired already (1 of 1). To air it once more, run: "
        f"broadcaster air-now {urgent} --again"
    )
    assert [r["status"] for r in airing_log(cli) if r["kind"] == "emergency"] == ["completed", "completed"]
