"""A wrong clock does not flood the log: a long gap is one record, an impossible heartbeat a clock fault."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.onair.helpers import DaemonProcess, airing_log, make_station, slot_in

pytestmark = pytest.mark.slow


def set_state(folder: Path, **values: datetime) -> None:
    engine = create_engine(f"sqlite:///{folder / 'station.db'}")
    with engine.begin() as connection:
        for key, value in values.items():
            connection.execute(
                text("UPDATE station_state SET value = :value WHERE key = :key"),
                {"key": key, "value": value.isoformat()},
            )
    engine.dispose()


def start_and_stop(cli: object, tmp_path: Path) -> float:
    started = time.monotonic()
    daemon = DaemonProcess(cli)  # type: ignore[arg-type]
    try:
        daemon.wait_started(timeout=60)
        took = time.monotonic() - started
        assert daemon.stop() == 0
    finally:
        daemon.close()
    return took


@pytest.fixture
def three_slots_a_day(tmp_path: Path) -> object:
    # three slots a day, none due in the next minutes
    slots = [slot_in(3600 * h, f"Bản tin {h}") for h in (3, 9, 15)]
    return make_station(tmp_path, slots)


def test_a_heartbeat_from_before_the_station_existed_is_one_clock_fault_record(
    tmp_path: Path, three_slots_a_day: object
) -> None:
    set_state(tmp_path, daemon_heartbeat=datetime(2019, 1, 1, tzinfo=UTC))
    took = start_and_stop(three_slots_a_day, tmp_path)

    records = airing_log(three_slots_a_day)  # type: ignore[arg-type]
    assert [(r["kind"], r["status"]) for r in records] == [("clock", "failed")], records[:3]
    assert "clock fault" in records[0]["reason"] and "before this station was set up" in records[0]["reason"]
    assert took < 15


def test_thirty_days_off_is_one_record_counting_the_slots_missed(tmp_path: Path, three_slots_a_day: object) -> None:
    now = datetime.now(UTC)
    set_state(tmp_path, daemon_heartbeat=now - timedelta(days=30), station_created=now - timedelta(days=60))
    start_and_stop(three_slots_a_day, tmp_path)

    records = airing_log(three_slots_a_day)  # type: ignore[arg-type]
    assert [(r["kind"], r["status"]) for r in records] == [("outage", "missed")], records[:3]
    assert "the station was off (daemon not running) from" in records[0]["reason"]
    assert " 90 slot occurrences passed unaired" in records[0]["reason"]
