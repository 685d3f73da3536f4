"""What comes from the other side of the link is checked before it is used: a malformed bulletin
page never stops a station's sync, and a malformed request never gets a 500 from the hub; a
hub whose database fails leaves a trace in its service log."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from broadcaster import signing
from broadcaster.airlog import GENESIS
from broadcaster.hub.auth import HubAPIError, parse_body
from broadcaster.hublink import protocol
from broadcaster.hublink.client import HubClient
from broadcaster.hublink.settings import HubConfig, write_hub_table
from broadcaster.hublink.sync import SyncReport, sync_once
from broadcaster.store import hublink as store
from tests.hub.conftest import HubSite
from tests.hub.helpers import HubServer, StationFolder, air, aired, make_station, signed

HUB_KEY = signing.generate()
DEEP = b"[" * 100_000 + b"]" * 100_000  # what QA sent: no station ever nests a request like that


def bulletin(title: str, cursor: int, station: str = "SK1") -> dict[str, Any]:
    envelope = protocol.Envelope(
        id=f"5d1c2f6e-0000-4000-8000-{cursor:012d}",
        priority="normal",
        title=title,
        topic="thu-tuc",
        text=f"{title}.",
        audio=None,
        valid_from=None,
        valid_until=None,
        airings=1,
        approved_by="Nguyễn Thị Hoa",
        approved_at=datetime.now(UTC) - timedelta(minutes=5),
        issued_by="Phòng VH-TT",
        to=(station,),
    )
    return {"cursor": cursor, **protocol.sign_envelope(HUB_KEY, envelope)}


class FakeHub:
    """A hub (or a man in the middle) that serves the pages it is given, then receipts what is pushed."""

    def __init__(self, *pages: list[Any]) -> None:
        self.pages = list(pages)
        self.asked: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(request.url.path)
        if request.url.path == protocol.PATH_EXCHANGE:
            page = self.pages.pop(0) if self.pages else []
            acknowledged = {"count": 0, "hash": GENESIS}
            return httpx.Response(200, json={"bulletins": page, "more": False, "acknowledged": acknowledged})
        last = json.loads(request.content)["records"][-1]
        receipt = {"station": "SK1", "count": last["doc"]["seq"], "hash": last["hash"], "received": 1}
        receipt["issued_at"] = protocol.timestamp(datetime.now(UTC))
        return httpx.Response(200, json={"receipt": receipt, "signature": signing.sign(HUB_KEY, "receipt", receipt)})


def sync_with(station: StationFolder, fake: FakeHub) -> SyncReport:
    hub = HubConfig(url="http://hub.test", station="SK1", hub_key=signing.public_text(HUB_KEY))
    write_hub_table(station.cli.config, hub, "district hub")
    current, hub = station.reopen()
    client = HubClient(hub.url, hub.station, station.key, current.clock, 5, transport=httpx.MockTransport(fake))
    with client:
        return sync_once(current, hub, client=client)


def position(station: StationFolder) -> int:
    with station.station.db.session() as session:
        return store.link_row(session).cursor


@pytest.mark.parametrize(
    "bad",
    [
        {"cursor": 100, "envelope": {"title": "Không có mã"}, "signature": "xx"},  # QA's: no "id"
        {"cursor": 100, "envelope": {"id": ["a"], "title": "Mã là danh sách"}},
        {"cursor": 10**30, "envelope": {"id": "x", "title": "Vị trí quá lớn"}, "signature": "xx"},
        {"cursor": 100, "envelope": "không phải đối tượng", "signature": "xx"},
        "không phải đối tượng",
    ],
)
def test_a_malformed_bulletin_is_refused_and_the_sync_goes_on(tmp_path: Path, bad: Any) -> None:
    station = make_station(tmp_path / "sk1", "SK1")
    air(station.station, datetime.now(UTC) - timedelta(hours=1), [aired(1)])
    fake = FakeHub([bad, bulletin("Lịch tiếp công dân", 101)])

    report = sync_with(station, fake)

    assert report.error is None
    assert report.queued == ["Lịch tiếp công dân"]  # the bulletin after it is received
    ((_title, reason),) = report.refused
    assert reason.startswith(("unsigned", "bad signature"))
    assert position(station) == 101
    assert report.records_sent == 1 and protocol.PATH_RECORDS in fake.asked  # and the evidence goes up
    again = sync_with(station, FakeHub())
    assert again.error is None and again.queued == [] and again.refused == []


def test_a_position_past_what_a_station_stores_is_not_taken_even_when_signed(tmp_path: Path) -> None:
    station = make_station(tmp_path / "sk1", "SK1")
    report = sync_with(station, FakeHub([bulletin("Vị trí quá lớn", 1) | {"cursor": 2**63}, bulletin("Tin", 7)]))
    assert report.error is None and report.queued == ["Tin"]
    ((title, reason),) = report.refused
    assert title == "Vị trí quá lớn" and reason.startswith("malformed")
    assert position(station) == 7


# ----------------------------------------------------------------------- the hub


def test_a_body_nested_too_deeply_is_not_json_to_the_hub() -> None:
    with pytest.raises(HubAPIError) as refused:
        parse_body(DEEP)
    assert (refused.value.status, refused.value.code) == (400, "bad_json")


@pytest.mark.parametrize("path", [protocol.PATH_EXCHANGE, protocol.PATH_RECORDS])
def test_an_unsigned_deeply_nested_request_gets_a_400_not_a_500(hub_site: HubSite, path: str) -> None:
    made_up = f"Broadcaster SK1:{int(datetime.now(UTC).timestamp() * 1000)}:abcdefghij:sig"
    answer = hub_site.client().post(path, content=DEEP, headers={"authorization": made_up})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "bad_json"


def post_signed(site: HubSite, body: dict[str, Any] | bytes) -> httpx.Response:
    station = site.stations["SK1"]
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    path = protocol.PATH_EXCHANGE
    authorization = protocol.authorization(station.key, station.code, "POST", path, content, datetime.now(UTC))
    headers = {"authorization": authorization, "content-type": "application/json"}
    answer: httpx.Response = site.client().post(path, content=content, headers=headers)
    return answer


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cursor": 3, "head": {"count": 10**30, "hash": GENESIS}}, "head.count"),
        ({"cursor": 10**30, "head": {"count": 0, "hash": GENESIS}}, "cursor"),
        ({"cursor": 0, "limit": 2**63}, "limit"),
    ],
)
def test_a_number_past_what_the_hub_stores_is_a_422_and_the_station_still_syncs(
    hub_site: HubSite, body: dict[str, Any], field: str
) -> None:
    refused = post_signed(hub_site, body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "bad_field" and f"'{field}'" in refused.json()["message"]
    assert post_signed(hub_site, {"cursor": 0, "head": {"count": 0, "hash": GENESIS}}).status_code == 200


def test_a_status_nested_deeper_than_python_writes_is_ignored_not_a_500(hub_site: HubSite) -> None:
    # Written by hand: orjson reads up to 1024 levels, json.dumps gives up before 1000.
    body = b'{"cursor": 0, "status": {"deep": ' + b"[" * 1000 + b"]" * 1000 + b"}}"
    answer = post_signed(hub_site, body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["bulletins"] == []


@pytest.mark.slow  # a real `hub serve` process
def test_hub_serve_writes_its_failures_to_the_service_log_without_v(tmp_path: Path) -> None:
    folder = tmp_path / "hub"
    folder.mkdir()
    server = HubServer(folder, f"sqlite:///{folder / 'hub.db'}")
    server.run("init")
    station = make_station(tmp_path / "sk1", "SK1")
    server.run("stations", "add", "SK1", "--name", "Sơn Kim 1", "--public-key", station.public_key)
    server.start()
    try:
        with sqlite3.connect(folder / "hub.db") as db:  # the database breaks under the running hub
            db.execute("DROP TABLE request_nonces")
        request = signed(station, "POST", protocol.PATH_EXCHANGE, {"cursor": 0})
        headers = {"authorization": request.authorization or "", "content-type": "application/json"}
        answer = httpx.post(server.url + protocol.PATH_EXCHANGE, content=request.body, headers=headers, timeout=10)
    finally:
        server.stop()
    assert answer.status_code == 503, answer.text
    logged = server.log.read_text(encoding="utf-8")
    assert "ERROR broadcaster.hub.api: hub database: The hub database" in logged


def test_a_hub_answer_nested_too_deeply_is_a_hub_error_at_the_station_not_a_crash() -> None:
    """The station trusts the hub's answers no more than the hub trusts the station's requests."""
    from broadcaster.hublink.client import HubError

    deep = httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(HubError, match="not JSON"):
        HubClient._json(deep)
