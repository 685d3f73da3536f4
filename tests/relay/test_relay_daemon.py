"""A relay slot run by the daemon (a real process) against a real Icecast stream: the relay airs on the
slot's second, the station's own bulletin fills in when the source dies, and one record says it all."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.onair.helpers import DaemonProcess, add_news, make_station, render_all, set_programme, slot_in
from tests.relay.stream_server import Sources, tone_inputs

pytestmark = [pytest.mark.icecast, pytest.mark.slow]


def test_the_daemon_relays_the_stream_and_airs_its_own_bulletin_when_the_source_dies(
    tmp_path: Path, sources: Sources
) -> None:
    source = sources.source(tone_inputs(880.0)).start()
    url = sources.server.url + source.mount
    cli = make_station(tmp_path)
    item = add_news(cli, "Tin dự phòng", "Bộ phận một cửa làm việc cả sáng thứ bảy.")
    render_all(cli)
    slot = slot_in(
        16,
        "Tiếp sóng huyện",
        extra=f'relay_url = "{url}"\nrelay_name = "Đài Truyền thanh huyện"\nrelay_topic = "mot-cua"',
    )
    set_programme(cli, [slot])
    cli.config.write_text(cli.config.read_text().replace("max_minutes = 5", "max_minutes = 0.5"))
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        time.sleep(max(0.0, slot.at.timestamp() - time.time()) + 8)  # the relay has aired for ~8 s
        source.kill()
        record = daemon.wait_record(lambda r: r["kind"] == "relay", timeout=60, what="the relay's record")
        assert daemon.stop() == 0
    finally:
        daemon.close()

    assert (record["slot"], record["status"]) == ("Tiếp sóng huyện", "completed"), record["reason"]
    relay = record["relay"]
    assert relay["name"] == "Đài Truyền thanh huyện" and relay["url"] == url
    kinds = [s["kind"] for s in relay["segments"]]
    assert kinds[0] == "relay" and "fallback" in kinds
    assert 5 < relay["relay_seconds"] < 12
    assert relay["fallback_seconds"] > 5
    # the station's own bulletin aired whole in the fallback and counts; the relay counts as its topic's news
    items = {i["item_id"]: i for i in record["items"]}
    assert items[item]["completed"] is True
    assert items[0]["kind"] == "relay" and items[0]["topic"] == "mot-cua"
    assert "intact" in cli.ok("log", "verify")
