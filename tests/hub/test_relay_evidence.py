"""A station that relays the district's programme still sends its evidence: a relay's record holds
fractional seconds, which the hub once refused as non-canonical, blocking every later sync."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from broadcaster.hub import stations
from broadcaster.hub.reports import station_figures
from broadcaster.hub.service import Hub
from broadcaster.reports.periods import parse_period
from tests.fakes import FakeClock
from tests.hub.helpers import StationFolder, air, aired, make_hub, make_station, push_records, relayed

NOW = datetime(2021, 3, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def hub(tmp_path: Path, hub_url: str) -> Iterator[Hub]:
    made = make_hub(tmp_path / "hub", hub_url, FakeClock(NOW))
    yield made
    made.close()


@pytest.fixture
def sk1(tmp_path: Path, hub: Hub) -> StationFolder:
    station = make_station(tmp_path / "sk1", "SK1", hub.clock)
    stations.add_station(hub, "SK1", "Sơn Kim 1", station.public_key)
    return station


def test_a_relay_airing_is_received_and_counted_and_the_syncs_after_it_go_on(hub: Hub, sk1: StationFolder) -> None:
    morning = NOW - timedelta(days=2)
    air(sk1.station, morning, [aired(1, 40.0)])
    relay_start = morning + timedelta(hours=10)
    air(sk1.station, relay_start, [], slot="Tiếp sóng huyện", relay=relayed(relay_start).as_dict())

    receipt = push_records(hub, sk1)["receipt"]
    assert receipt["received"] == 2 and receipt["count"] == 2

    air(sk1.station, morning + timedelta(days=1), [aired(2, 35.0)])
    assert push_records(hub, sk1, first=3)["receipt"]["count"] == 3
    figures = station_figures(hub, "SK1", parse_period("2021-03"))
    assert figures.airings == 3 and figures.verification_code.startswith("3:")
