"""Emergencies (khẩn cấp) take the air within seconds, cutting whatever plays, at any hour."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from broadcaster.onair.airer import AiringRequest, Preempted
from broadcaster.service.programme import EMERGENCY_SLOT
from tests.onair.helpers import (
    TZ,
    DaemonProcess,
    add_news,
    aired_files,
    airing_log,
    in_process_airer,
    item_json,
    later,
    make_station,
    render_all,
    seconds_between,
    set_programme,
    sleep_until,
    slot_in,
    when,
)
from tests.onair.test_daemon_recovery import LONG_TEXT

pytestmark = pytest.mark.slow

EMERGENCY_WITHIN_S = 5.0


def test_air_now_and_a_new_emergency_item_take_the_air_within_seconds(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    normal = add_news(cli, "Tin dài", LONG_TEXT)
    render_all(cli)
    slot = slot_in(3)
    set_programme(cli, [slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        daemon.wait_on_air()
        sleep_until(later(slot.at, 4))  # the long item is on air
        urgent = add_news(cli, "Thông báo khẩn", "Mất điện chiều nay.")
        asked = datetime.now(UTC)
        assert "goes on air within seconds" in cli.ok("air-now", str(urgent))
        first = daemon.wait_record(lambda r: r["kind"] == "emergency", timeout=15, what="the air-now airing")

        flood = add_news(cli, "Cảnh báo lũ", "Nước lên nhanh.", "--priority", "emergency")
        added = datetime.now(UTC)
        second = daemon.wait_record(
            lambda r: r["kind"] == "emergency" and r["items"][0]["item_id"] == flood, timeout=15, what="the emergency"
        )
        assert daemon.stop() == 0
    finally:
        daemon.close()

    cut, *emergencies = airing_log(cli)
    assert emergencies == [first, second]
    # the bulletin that was playing stopped, its item logged as cut and still wanted
    assert (cut["slot"], cut["status"]) == (slot.name, "interrupted")
    assert f"emergency item {urgent} (khẩn cấp) took the air" in cut["reason"]
    [cut_item] = cut["items"]
    assert (cut_item["item_id"], cut_item["completed"]) == (normal, False)
    assert item_json(cli, normal)["airings_done"] == 0
    assert 3.5 < cut["duration_seconds"] < 4 + EMERGENCY_WITHIN_S
    for record, item_id, requested in ((first, urgent, asked), (second, flood, added)):
        assert (record["kind"], record["slot"], record["status"]) == ("emergency", EMERGENCY_SLOT, "completed")
        assert [i["item_id"] for i in record["items"]] == [item_id]
        assert [i["completed"] for i in record["items"]] == [True]
        assert 0 < seconds_between(when(record["started_at"]), requested) < EMERGENCY_WITHIN_S
        assert record["exemption"] is None
        assert item_json(cli, item_id)["airings_done"] == 1
    # sound goes out once at a time: the emergency starts after the cut bulletin ended
    assert when(first["started_at"]) >= when(cut["ended_at"])
    assert len(aired_files(cli)) == 3
    assert "intact: 3 airings" in cli.ok("log", "verify")


def _hours_excluding_now() -> str:
    hour = datetime.now(TZ).hour
    return f'["{(hour + 2) % 24:02d}:00-{(hour + 3) % 24:02d}:00"]'


def test_outside_broadcast_hours_only_emergencies_air_with_an_exemption(tmp_path: Path) -> None:
    cli = make_station(tmp_path, hours=_hours_excluding_now())
    normal = add_news(cli)
    urgent = add_news(cli, "Cảnh báo lũ", "Nước lên nhanh.", "--priority", "emergency", "--airings", "2")
    render_all(cli)
    slot = slot_in(3)
    set_programme(cli, [slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        record = daemon.wait_record(lambda r: r["kind"] == "slot", timeout=30, what="the slot")
        assert daemon.stop() == 0
    finally:
        daemon.close()

    emergency, aired = airing_log(cli)
    # queued while the daemon was off: aired as soon as it started, outside hours, with the exemption logged
    assert (emergency["kind"], emergency["status"]) == ("emergency", "completed")
    assert emergency["exemption"].startswith("emergency aired outside broadcast hours (")
    assert record == aired and aired["status"] == "completed"
    assert [i["item_id"] for i in aired["items"]] == [urgent]
    assert aired["exemption"].startswith("emergency aired outside broadcast hours (")
    assert f"item {normal} waits: outside broadcast hours" in aired["reason"]
    assert item_json(cli, normal)["airings_done"] == 0
    assert item_json(cli, urgent)["airings_done"] == 2


def test_an_emergency_before_the_slot_second_cancels_the_waiting_bulletin_at_once(tmp_path: Path) -> None:
    """In process, real clock: the bulletin is built and waiting for its second when the emergency comes."""
    setup = in_process_airer(tmp_path, real_clock=True)
    cli, station, item, airer = setup.cli, setup.station, setup.item, setup.airer
    item_id = item.id
    start_at = station.now() + timedelta(seconds=2)
    request = AiringRequest(kind="slot", slot="Bản tin", scheduled_at=start_at, items=(item,))
    outcome: list[object] = []

    def air() -> None:
        try:
            outcome.append(airer.air(request, start_at=start_at))
        except Preempted as exc:
            outcome.append(exc)

    worker = threading.Thread(target=air)
    worker.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    assert airer.interrupt("emergency item 9 (khẩn cấp) took the air") is True
    worker.join(5)
    assert time.monotonic() - t0 < 0.3, "the airing line is free for the emergency at once"
    # called off before any sound: nothing logged, nothing counted, so the daemon airs it after the emergency
    [preempted] = outcome
    assert isinstance(preempted, Preempted) and str(preempted) == "emergency item 9 (khẩn cấp) took the air"
    assert airing_log(cli) == []
    assert aired_files(cli) == []
    assert item_json(cli, item_id)["airings_done"] == 0
    station.db.dispose()


def test_an_emergency_goes_before_a_slot_already_waiting_for_the_line(tmp_path: Path) -> None:
    """A bulletin overran into the next slot's time: that slot waits for the line. An emergency
    announced now cuts the bulletin and airs next; the waiting slot steps aside, unlogged, to air after."""
    setup = in_process_airer(tmp_path, real_clock=True)
    cli, station, item, airer = setup.cli, setup.station, setup.item, setup.airer
    now = station.now()
    first = AiringRequest(kind="slot", slot="Bản tin sáng", scheduled_at=now, items=(item,))
    second = AiringRequest(kind="slot", slot="Bản tin trưa", scheduled_at=now + timedelta(seconds=1), items=(item,))
    urgent = AiringRequest(kind="emergency", slot=EMERGENCY_SLOT, scheduled_at=now, items=(item,))
    finished: list[tuple[str, object]] = []

    def air(request: AiringRequest) -> None:
        try:
            finished.append((request.slot, airer.air(request).status))
        except Preempted:
            finished.append((request.slot, "preempted"))

    on_air = threading.Thread(target=air, args=(first,))
    on_air.start()
    time.sleep(0.5)
    waiting = threading.Thread(target=air, args=(second,))
    waiting.start()
    time.sleep(0.3)  # the second slot now waits for the line
    airer.announce_emergency("emergency item 1 (khẩn cấp) took the air")
    emergency = threading.Thread(target=air, args=(urgent,))
    emergency.start()
    for thread in (on_air, waiting, emergency):
        thread.join(30)
    assert ("Bản tin sáng", "interrupted") == finished[0]
    assert ("Bản tin trưa", "preempted") in finished
    assert (EMERGENCY_SLOT, "completed") in finished
    assert [r["slot"] for r in airing_log(cli)] == ["Bản tin sáng", EMERGENCY_SLOT]
    station.db.dispose()
