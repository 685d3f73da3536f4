"""Three communes and their district: bulletins down by priority, evidence up, counted per commune
and per bulletin. (The daemon's own syncing and airing comes with its wiring; here the airing
records are appended as the daemon appends them.)"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from broadcaster.store.tables import NewsItemRow
from tests.hub.conftest import Province
from tests.hub.helpers import air, aired

# A real hub process and three stations syncing with it over HTTP: the end-to-end part of the suite.
pytestmark = pytest.mark.slow


def test_bulletins_by_priority_reach_their_communes_and_the_evidence_is_counted(province: Province) -> None:
    ids = {
        "normal": province.publish("Lịch tiếp công dân", "normal", "SK1,SK2"),
        "priority": province.publish("Thu thuế nhà đất", "priority", "SK1,SK2"),
        "emergency": province.publish("Bão số 3 đổ bộ", "emergency", "SK1,SK2"),
    }
    for code in ("SK1", "SK2", "ST"):
        assert province.sync(code).ok
    items: dict[str, dict[str, int]] = {}
    for code in ("SK1", "SK2", "ST"):
        with province.stations[code].station.db.session() as session:
            rows = session.scalars(select(NewsItemRow).where(NewsItemRow.source_id.is_not(None))).all()
            items[code] = {r.priority: r.id for r in rows}
            assert all(r.source_id == ids[r.priority] for r in rows)
    assert set(items["SK1"]) == set(items["SK2"]) == {"normal", "priority", "emergency"} and items["ST"] == {}

    now = datetime.now(UTC)
    sk1, sk2 = province.stations["SK1"].station, province.stations["SK2"].station
    air(sk1, now - timedelta(minutes=30), [aired(items["SK1"]["emergency"], 20.0, priority="emergency")])
    air(
        sk1,
        now - timedelta(minutes=10),
        [aired(items["SK1"]["priority"], 30.0), aired(items["SK1"]["normal"], 25.0, offset=30.0)],
    )
    air(sk2, now - timedelta(minutes=20), [aired(items["SK2"]["emergency"], 20.0, priority="emergency")])
    air(sk2, now - timedelta(minutes=5), [aired(items["SK2"]["priority"], 30.0, completed=False)], status="interrupted")
    for code in ("SK1", "SK2", "ST"):
        assert province.sync(code).ok

    period = now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m")
    report = json.loads(province.hub.run("report", "--period", period, "--format", "json"))
    communes = {c["code"]: c for c in report["communes"]}
    assert (communes["SK1"]["airings"], communes["SK1"]["district_items"]) == (2, 3)
    assert (communes["SK2"]["airings"], communes["SK2"]["interrupted"], communes["SK2"]["district_items"]) == (2, 1, 2)
    assert communes["ST"]["airings"] == 0 and communes["ST"]["last_contact_at"] is not None
    bulletins = {b["id"]: b for b in report["bulletins"]}
    assert (bulletins[ids["emergency"]]["aired_by"], bulletins[ids["emergency"]]["airings"]) == (2, 2)
    assert (bulletins[ids["priority"]]["aired_by"], bulletins[ids["priority"]]["partial"]) == (1, 1)
    assert (bulletins[ids["normal"]]["delivered"], bulletins[ids["normal"]]["addressed"]) == (2, 2)
