"""A station and a real hub process (uvicorn) over HTTP: link, register, sync, as the technician does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from broadcaster import signing
from broadcaster.hublink import protocol
from broadcaster.hublink.sync import sync_once
from broadcaster.store import hublink as store
from broadcaster.store.tables import NewsItemRow
from tests.hub.helpers import HubServer, air, aired, linked_station, make_station

# Stations talk to a real hub process over HTTP: the end-to-end part of the suite.
pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path, pg_hub: str) -> Iterator[HubServer]:
    folder = tmp_path / "hub"
    folder.mkdir()
    hub = HubServer(folder, pg_hub)
    hub.run("init")
    yield hub.start()
    hub.stop()


def test_link_register_sync_and_report(server: HubServer, tmp_path: Path) -> None:
    station = make_station(tmp_path / "sk1", "SK1")
    config_before = station.cli.config.read_text(encoding="utf-8")
    out = station.cli.ok("hub-link", "--url", server.url, "--station", "SK1")
    hub_fingerprint = server.run("key").splitlines()[1].split()[-1]
    assert f"key fingerprint {hub_fingerprint}" in out
    assert f'broadcaster hub stations add SK1 --name "Sơn Kim 1" --public-key {station.public_key}' in out
    config_after = station.cli.config.read_text(encoding="utf-8")
    assert config_after.startswith(config_before)  # the rest of the file byte for byte
    assert "[hub]" in config_after[len(config_before) :]

    refused = station.cli.fails("sync")
    assert "Station SK1 is not registered at this hub" in refused

    server.run("stations", "add", "SK1", "--name", "Sơn Kim 1", "--public-key", station.public_key)
    bulletin_id = server.run(
        "bulletins",
        "add",
        "--title",
        "Lịch tiếp công dân",
        "--topic",
        "thu-tuc",
        "--text",
        "Chủ tịch tiếp công dân thứ năm.",
        "--priority",
        "priority",
        "--airings",
        "2",
        "--to",
        "SK1",
        "--approved-by",
        "Nguyễn Thị Hoa",
    ).strip()
    out = station.cli.ok("sync")
    assert "Received: Lịch tiếp công dân" in out
    assert "Nothing new" not in out
    assert "Received" not in station.cli.ok("sync")  # fetching again changes nothing

    station.reopen()
    with station.station.db.session() as session:
        item = session.scalar(select(NewsItemRow).where(NewsItemRow.source_id == bulletin_id))
        assert item is not None and (item.priority, item.airings_wanted) == ("priority", 2)
        item_id = item.id
    air(station.station, datetime.now(UTC) - timedelta(minutes=5), [aired(item_id, 25.0)])
    out = station.cli.ok("sync")
    assert "Sent 1 airing record(s)." in out and "Receipt from the hub: 1:" in out

    listed = json.loads(server.run("bulletins", "list", "--json"))
    assert (listed[0]["delivered"], listed[0]["aired_by"], listed[0]["airings"]) == (1, 1, 1)
    (info,) = json.loads(server.run("stations", "list", "--json"))
    assert info["records"] == 1 and info["status"]["daemon"] == "stopped" and not info["forked"]
    shown = station.cli.ok("hub-link")
    assert "Last receipt from the hub: 1:" in shown and "received  queued" in shown


def test_the_api_answers_bad_requests_with_clear_json(server: HubServer, tmp_path: Path) -> None:
    station = linked_station(tmp_path / "sk1", "SK1", server)
    unsigned = httpx.post(f"{server.url}{protocol.PATH_EXCHANGE}", json={"cursor": 0})
    assert unsigned.status_code == 401 and unsigned.json()["error"] == "unauthenticated"

    body = b"not json"
    auth = protocol.authorization(station.key, "SK1", "POST", protocol.PATH_RECORDS, body, datetime.now(UTC))
    bad = httpx.post(f"{server.url}{protocol.PATH_RECORDS}", content=body, headers={"authorization": auth})
    assert bad.status_code == 400 and bad.json() == {"error": "bad_json", "message": "The request body is not JSON."}

    body = json.dumps({"records": [{"hash": "0" * 64, "doc": {"v": 1, "seq": 1, "x": 1.5}}]}).encode()
    auth = protocol.authorization(station.key, "SK1", "POST", protocol.PATH_RECORDS, body, datetime.now(UTC))
    wrong = httpx.post(f"{server.url}{protocol.PATH_RECORDS}", content=body, headers={"authorization": auth})
    assert wrong.status_code == 422 and "fractional number" in wrong.json()["message"]

    assert httpx.get(f"{server.url}/api/v1/nowhere").json()["error"] == "http"  # other addresses are the pages'
    too_big = httpx.post(f"{server.url}{protocol.PATH_EXCHANGE}", content=b"x" * (protocol.MAX_BODY_BYTES + 1))
    assert too_big.status_code == 413


def test_an_idle_sync_is_one_small_request(server: HubServer, tmp_path: Path) -> None:
    station = linked_station(tmp_path / "sk1", "SK1", server)
    air(station.station, datetime.now(UTC) - timedelta(hours=1), [aired(1)])
    sync_once(station.station, station.hub_config())  # catch up first
    idle = sync_once(station.station, station.hub_config())
    assert idle.ok and idle.requests == 1
    assert idle.bytes_sent + idle.bytes_received <= 2048, (idle.bytes_sent, idle.bytes_received)


def test_a_changed_hub_key_is_not_pinned_silently(server: HubServer, tmp_path: Path) -> None:
    station = make_station(tmp_path / "sk1", "SK1")
    other = signing.public_text(signing.generate())
    station.cli.ok("hub-link", "--url", server.url, "--station", "SK1", "--hub-key", other)
    error = station.cli.fails("hub-link", "--url", server.url, "--station", "SK1")
    assert "now shows a different key" in error and "Nothing was changed" in error
    assert station.hub_config().hub_key == other
    with station.station.db.session() as session:
        assert store.link_row(session).cursor == 0
