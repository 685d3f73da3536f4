"""`air-now` keeps to the days a notice was given for: not before its first day (what it announces is
not decided yet), not after its last (it is over); the refusal says how to air it today anyway."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import StationCLI


def station_today() -> date:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the shipped config's time zone


def airings(cli: StationCLI) -> list[object]:
    return list(json.loads(cli.ok("log", "--json")))


def test_air_now_before_the_first_day_is_refused_and_nothing_airs(sqlite_cli: StationCLI) -> None:
    first_day = station_today() + timedelta(days=7)
    item = sqlite_cli.add("Tin tuần sau", "mot-cua", "Phát từ tuần sau.", "--from", first_day.isoformat())
    refused = sqlite_cli.fails("air-now", str(item))
    assert refused.startswith(f"Error: News item {item} may air only from {first_day:%d/%m/%Y}."), refused
    assert f"broadcaster news edit {item} --from {station_today():%d/%m/%Y}" in refused
    assert airings(sqlite_cli) == []


def test_air_now_after_the_last_day_is_refused(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    item = sqlite_cli.add("Tin đã hết hạn", "mot-cua", "Lịch cũ.")
    last_day = station_today() - timedelta(days=2)
    with sqlite3.connect(tmp_path / "station.db") as db:  # it was valid when it was queued
        db.execute("UPDATE news_items SET valid_until = ? WHERE id = ?", (last_day.isoformat(), item))
    refused = sqlite_cli.fails("air-now", str(item))
    assert refused.startswith(f"Error: News item {item} could air only until {last_day:%d/%m/%Y}."), refused
    assert airings(sqlite_cli) == []
