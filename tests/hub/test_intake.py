"""Group commit (hub/intake.py): several stations' pushes in one transaction, each answered alone,
none losing another's records, and an answer only once its records are committed."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from broadcaster import signing
from broadcaster.airlog import GENESIS, hash_canonical
from broadcaster.hub import intake, stations
from broadcaster.hub.auth import HubAPIError, SignedRequest
from broadcaster.hub.tables import AiringRow, StationDayRow, StationRow
from broadcaster.hublink import protocol
from broadcaster.store import hublink as store
from tests.fakes import FakeClock
from tests.hub.helpers import StationFolder, air, aired, make_hub, make_station, signed

NOW = datetime(2021, 3, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def hub(tmp_path: Path, hub_url: str):  # type: ignore[no-untyped-def]
    hub = make_hub(tmp_path / "hub", hub_url, FakeClock(NOW))
    yield hub
    hub.close()


@pytest.fixture
def communes(tmp_path: Path, hub) -> list[StationFolder]:  # type: ignore[no-untyped-def]
    found = []
    for n in range(1, 5):
        station = make_station(tmp_path / f"x{n}", f"XA{n}", hub.clock)
        stations.add_station(hub, f"XA{n}", f"Xã {n}", station.public_key)
        for k in range(3):
            air(station.station, NOW - timedelta(hours=k + 2), [aired(1), aired(2, offset=30)])
        found.append(station)
    return found


def push(hub, station: StationFolder, first: int = 1, last: int = 1000) -> SignedRequest:  # type: ignore[no-untyped-def]
    with station.station.db.session() as session:
        records = [r for r in store.records_from(session, first, 1000) if r.seq <= last]
    body = protocol.records_body(station.key, station.code, records, {}, 0, hub.now())
    return signed(station, "POST", protocol.PATH_RECORDS, body, hub.now())


def forged(hub, station: StationFolder, duration_ms: int) -> SignedRequest:  # type: ignore[no-untyped-def]
    """A correctly chained and signed record the database cannot hold (a duration beyond 64 bits)."""
    doc = {"v": 1, "seq": 1, "slot": "Bản tin sáng", "status": "completed", "duration_ms": duration_ms, "items": []}
    digest = hash_canonical(GENESIS, doc)
    head = protocol.head_doc(station.code, 1, digest, hub.now())
    body = {
        "records": [{"hash": digest, "doc": doc}],
        "head": head,
        "head_signature": signing.sign(station.key, "chain-head", head),
        "sources": {},
        "cursor": 0,
    }
    return signed(station, "POST", protocol.PATH_RECORDS, body, hub.now())


def stored(hub) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with hub.db.session() as session:
        rows = session.execute(
            select(StationRow.code, func.count(AiringRow.seq))
            .join(AiringRow, AiringRow.station_id == StationRow.id)
            .group_by(StationRow.code)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def test_a_group_is_stored_and_each_station_gets_its_own_receipt(hub, communes) -> None:  # type: ignore[no-untyped-def]
    results = intake.records(hub, [push(hub, s) for s in communes])
    assert [r["receipt"]["station"] for r in results] == ["XA1", "XA2", "XA3", "XA4"]  # type: ignore[index]
    assert all(r["receipt"]["count"] == 3 and r["receipt"]["received"] == 3 for r in results)  # type: ignore[index]
    assert stored(hub) == {"XA1": 3, "XA2": 3, "XA3": 3, "XA4": 3}
    with hub.db.session() as session:
        assert session.scalar(select(func.sum(StationDayRow.airings))) == 12
        heads = dict(session.execute(select(StationRow.code, StationRow.receipt_signature)).all())
    assert {heads[r["receipt"]["station"]] for r in results} == {r["signature"] for r in results}  # type: ignore[index]


def test_a_refused_station_does_not_cost_the_others_their_records(hub, communes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    replay = push(hub, communes[2])
    intake.records(hub, [replay, push(hub, communes[3])])
    stranger = make_station(tmp_path / "impostor", "XA1", hub.clock)  # a key the hub does not hold for XA1
    air(stranger.station, NOW - timedelta(hours=1), [aired(1)])
    impostor = push(hub, stranger)
    with communes[3].station.db.session() as session:  # XA4's log is edited after the hub stored it: a fork
        session.execute(text("UPDATE aired_items SET duration_ms = 90000 WHERE airing_seq = 2"))
    results = intake.records(hub, [impostor, push(hub, communes[1]), replay, push(hub, communes[3])])
    assert isinstance(results[0], HubAPIError) and results[0].code == "bad_signature"
    assert results[1]["receipt"]["count"] == 3  # type: ignore[index]
    assert isinstance(results[2], HubAPIError) and results[2].code == "replayed"
    assert isinstance(results[3], HubAPIError) and results[3].code == "fork" and results[3].status == 409
    assert stored(hub) == {"XA2": 3, "XA3": 3, "XA4": 3}
    with hub.db.session() as session:
        assert session.scalar(select(StationRow.problem).where(StationRow.code == "XA4"))  # the flag is committed


def test_a_group_the_database_fails_is_stored_station_by_station(hub, communes) -> None:  # type: ignore[no-untyped-def]
    results = intake.records(hub, [push(hub, communes[0]), forged(hub, communes[1], 2**64), push(hub, communes[2])])
    assert results[0]["receipt"]["count"] == 3 and results[2]["receipt"]["count"] == 3  # type: ignore[index]
    assert isinstance(results[1], Exception) and not isinstance(results[1], HubAPIError)  # no receipt
    assert stored(hub) == {"XA1": 3, "XA3": 3}
    with hub.db.session() as session:
        assert session.scalar(select(StationRow.head_count).where(StationRow.code == "XA2")) == 0


def test_a_station_twice_in_a_group_is_taken_in_turn(hub, communes) -> None:  # type: ignore[no-untyped-def]
    results = intake.records(hub, [push(hub, communes[0], last=2), push(hub, communes[0], first=3)])
    assert [r["receipt"]["count"] for r in results] == [2, 3]  # type: ignore[index]
    assert stored(hub) == {"XA1": 3}


def test_the_writer_answers_only_once_the_records_are_committed(hub, communes) -> None:  # type: ignore[no-untyped-def]
    writer = intake.Intake(hub)
    requests = [push(hub, s) for s in communes]

    async def send() -> list[Any]:
        async def one(request: SignedRequest) -> tuple[Any, dict[str, int]]:
            result = await writer.push(request)
            return result, stored(hub)  # read on another connection: only committed rows are seen

        return await asyncio.gather(*(one(r) for r in requests))

    for (result, seen), station in zip(asyncio.run(send()), communes, strict=True):
        assert result["receipt"]["station"] == station.code
        assert seen.get(station.code) == 3
    assert json.dumps(stored(hub), sort_keys=True) == '{"XA1": 3, "XA2": 3, "XA3": 3, "XA4": 3}'


def test_each_record_is_stored_as_the_exact_text_that_was_hashed(hub, communes) -> None:  # type: ignore[no-untyped-def]
    """The records' canonical bytes go to the database as they are (bulk.Utf8): Vietnamese text,
    escapes and all, read back as the same text, hashing to the stored hash."""
    station = communes[0]
    doc = {
        "v": 1,
        "seq": 1,
        "slot": 'Bản tin sáng "đặc biệt"\n\u2028\\',
        "status": "completed",
        "scheduled_at": "2021-03-10T00:00:00Z",
        "items": [{"title": "Ủy ban nhân dân xã 😀", "duration_ms": 1000, "completed": True}],
    }
    digest = hash_canonical(GENESIS, doc)
    head = protocol.head_doc(station.code, 1, digest, hub.now())
    body = {"records": [{"hash": digest, "doc": doc}], "head": head, "sources": {}, "cursor": 0}
    body["head_signature"] = signing.sign(station.key, "chain-head", head)
    [result] = intake.records(hub, [signed(station, "POST", protocol.PATH_RECORDS, body, hub.now())])
    assert not isinstance(result, Exception), result
    with hub.db.session() as session:
        text_stored, hash_stored, received = session.execute(
            select(AiringRow.doc, AiringRow.hash, AiringRow.received_at)
        ).one()
    assert text_stored == json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hash_stored == digest == hash_canonical(GENESIS, json.loads(text_stored))
    assert received == hub.now()
