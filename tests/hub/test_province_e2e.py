"""The district's whole loop with real processes: a hub on PostgreSQL and three commune daemons.

The district sends a normal, a priority and an emergency bulletin to two of the three communes. Each
daemon syncs, airs the emergency at once and the other two in its next slot (priority first), and
sends its evidence back; the hub counts it per commune and per bulletin, and the third commune gets
nothing.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.hub.conftest import Province
from tests.onair.helpers import DaemonProcess, airing_log, slot_in

pytestmark = pytest.mark.slow


def programme(province: Province, code: str, slot_toml: str) -> None:
    """One slot, no broadcast-hours limit (the test may run at night), syncing every few seconds."""
    config = province.stations[code].cli.config
    text = config.read_text(encoding="utf-8")
    start, end = text.index("[[slots]]"), text.index("# Loudspeaker hours")
    text = text[:start] + slot_toml + "\n" + text[end:]
    text = text.replace('allowed = ["05:00-21:00"]', "allowed = []").replace("[hub]\n", "[hub]\nsync_minutes = 0.1\n")
    config.write_text(text, encoding="utf-8")


def bulletins(province: Province) -> dict[str, dict[str, Any]]:
    return {b["title"]: b for b in json.loads(province.hub.run("bulletins", "list", "--json"))}


def test_district_bulletins_air_by_priority_and_the_evidence_comes_back(province: Province) -> None:
    slot = slot_in(45, "Bản tin xã")
    for code in province.stations:
        programme(province, code, slot.toml(max_minutes=5))
    daemons = {code: DaemonProcess(s.cli) for code, s in province.stations.items()}
    try:
        for daemon in daemons.values():
            daemon.wait_started(timeout=60)
        normal = province.publish("Lịch tiếp công dân", "normal", "SK1,SK2")
        priority = province.publish("Thu phí vệ sinh", "priority", "SK1,SK2")
        emergency = province.publish("Cảnh báo mưa lớn", "emergency", "SK1,SK2")
        for code in ("SK1", "SK2"):
            daemons[code].wait_record(lambda r: r["kind"] == "emergency", timeout=60, what=f"{code}'s emergency")
            daemons[code].wait_record(lambda r: r["kind"] == "slot", timeout=120, what=f"{code}'s slot")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(
            b["airings"] < 2 for b in bulletins(province).values()
        ):  # the evidence reaches the hub with the next sync after each airing
            time.sleep(1)
        for daemon in daemons.values():
            assert daemon.stop() == 0
    finally:
        for daemon in daemons.values():
            daemon.close()

    for code in ("SK1", "SK2"):
        log = airing_log(province.stations[code].cli)
        urgent = next(r for r in log if r["kind"] == "emergency")
        bulletin = next(r for r in log if r["kind"] == "slot")
        assert [i["title"] for i in urgent["items"]] == ["Cảnh báo mưa lớn"]
        assert urgent["status"] == "completed"
        # ưu tiên goes first in the slot, thông thường after it
        assert [i["title"] for i in bulletin["items"]] == ["Thu phí vệ sinh", "Lịch tiếp công dân"]
        assert all(i["completed"] for i in bulletin["items"])
        assert "intact" in province.stations[code].cli.ok("log", "verify")
    assert [r["kind"] for r in airing_log(province.stations["ST"].cli)] == ["slot"]  # an empty slot
    assert airing_log(province.stations["ST"].cli)[0]["status"] == "empty"

    counted = bulletins(province)
    for title in ("Lịch tiếp công dân", "Thu phí vệ sinh", "Cảnh báo mưa lớn"):
        assert (counted[title]["delivered"], counted[title]["aired_by"], counted[title]["airings"]) == (2, 2, 2)
    assert {normal, priority, emergency} == {b["id"] for b in counted.values()}
    month = datetime.now(UTC).strftime("%Y-%m")
    report = json.loads(province.hub.run("report", "--period", month, "--format", "json"))
    per_commune = {c["code"]: c for c in report["communes"]}
    assert per_commune["SK1"]["airings"] >= 2 and per_commune["SK2"]["airings"] >= 2
    assert per_commune["ST"]["airings"] == 1
