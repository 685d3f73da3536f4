"""The hub's services on its real database (SQLite and PostgreSQL): stations, bulletins, ingest, auth."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from broadcaster import signing
from broadcaster.airlog import canonical_doc, hash_canonical
from broadcaster.errors import InputError
from broadcaster.hub import bulletins, station_api, stations
from broadcaster.hub.auth import HubAPIError
from broadcaster.hub.bulletins import BulletinInput
from broadcaster.hub.reports import district_report
from broadcaster.hub.tables import AiringRow, StationDayRow
from broadcaster.hublink import protocol
from broadcaster.reports.periods import parse_period
from tests.fakes import FakeClock
from tests.hub.helpers import StationFolder, air, aired, make_hub, make_station, push_records, signed

NOW = datetime(2021, 3, 10, 1, 0, tzinfo=UTC)  # 08:00 in Hà Tĩnh


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def hub(tmp_path: Path, hub_url: str, clock: FakeClock):  # type: ignore[no-untyped-def]
    hub = make_hub(tmp_path / "hub", hub_url, clock)
    yield hub
    hub.close()


@pytest.fixture
def sk1(tmp_path: Path, clock: FakeClock, hub) -> StationFolder:  # type: ignore[no-untyped-def]
    station = make_station(tmp_path / "sk1", "SK1", clock)
    stations.add_station(hub, "SK1", "Sơn Kim 1", station.public_key)
    return station


def exchange(hub, station: StationFolder, cursor: int = 0, **extra):  # type: ignore[no-untyped-def]
    body = {"cursor": cursor, "head": {"count": 0, "hash": "0" * 64}, "status": {"version": "t"}, **extra}
    return station_api.exchange(hub, signed(station, "POST", protocol.PATH_EXCHANGE, body, hub.now()))


def test_a_published_bulletin_is_signed_and_paged_to_its_stations_only(hub, sk1, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = make_station(tmp_path / "sk2", "SK2", hub.clock)
    stations.add_station(hub, "SK2", "Sơn Kim 2", other.public_key)
    ids = [
        bulletins.create(
            hub,
            BulletinInput(
                title=f"Tin {n}",
                topic="thu-tuc",
                priority="normal",
                to="SK1",
                text=f"Nội dung {n}.",
                approved_by="Lê Văn Duyệt",
            ),
        ).id
        for n in range(5)
    ]
    pending = bulletins.create(
        hub, BulletinInput(title="Chờ duyệt", topic="thu-tuc", priority="normal", to="all", text="X.")
    )
    assert pending.state == "pending" and pending.addressed == 0

    first = exchange(hub, sk1, limit=3)
    assert [b["envelope"]["id"] for b in first["bulletins"]] == ids[:3] and first["more"] is True
    second = exchange(hub, sk1, cursor=first["bulletins"][-1]["cursor"], limit=3)
    assert [b["envelope"]["id"] for b in second["bulletins"]] == ids[3:] and second["more"] is False
    assert exchange(hub, other)["bulletins"] == []

    envelope = second["bulletins"][-1]
    hub_key = signing.parse_public_key(hub.public_key)
    assert signing.verify(hub_key, "bulletin", envelope["envelope"], envelope["signature"])
    assert envelope["envelope"]["approved_by"] == "Lê Văn Duyệt" and envelope["envelope"]["to"] == ["SK1"]

    bulletins.approve(hub, pending.id, "Lê Văn Duyệt")
    assert [b["envelope"]["title"] for b in exchange(hub, other)["bulletins"]] == ["Chờ duyệt"]
    with pytest.raises(InputError, match="already approved"):
        bulletins.approve(hub, pending.id, "Ai đó")


def test_records_are_verified_stored_summed_and_receipted(hub, sk1) -> None:  # type: ignore[no-untyped-def]
    info = bulletins.create(
        hub,
        BulletinInput(
            title="Tin huyện", topic="thu-tuc", priority="priority", to="SK1", text="Nội dung.", approved_by="A"
        ),
    )
    # The station stored the bulletin as its news item 1 (what hublink does), then aired it.
    with sk1.station.db.session() as session:
        session.execute(
            text(
                "INSERT INTO news_items (title, topic, priority, text, airings_wanted, airings_done, created_at,"
                " updated_at, source_id) VALUES ('Tin huyện', 'thu-tuc', 'priority', 'x', 2, 0, :t, :t, :s)"
            ),
            {"t": NOW.replace(tzinfo=None), "s": info.id},
        )
    day1 = datetime(2021, 3, 9, 23, 0, tzinfo=UTC)  # 06:00 on 10/3 in Vietnam
    air(sk1.station, day1, [aired(1, 40.0), aired(7, 20.0, offset=40.0)])
    air(sk1.station, day1 + timedelta(hours=11), [aired(1, 40.0, completed=False)], status="interrupted")
    air(sk1.station, day1 + timedelta(days=1), [], status="missed")

    fetched = exchange(hub, sk1)["bulletins"][-1]["cursor"]  # the station's sync fetched it first
    answer = push_records(hub, sk1, cursor=fetched)
    assert answer["receipt"]["count"] == 3 and answer["receipt"]["received"] == 3
    assert signing.verify(signing.parse_public_key(hub.public_key), "receipt", answer["receipt"], answer["signature"])

    with hub.db.session() as session:
        days = {r.day: r for r in session.scalars(select(StationDayRow))}
    assert days[date(2021, 3, 10)].airings == 2 and days[date(2021, 3, 10)].ms == 40_000 + 20_000 + 40_000
    assert days[date(2021, 3, 10)].district_items == 2 and days[date(2021, 3, 10)].interrupted == 1
    assert days[date(2021, 3, 11)].missed == 1 and days[date(2021, 3, 11)].ms == 0
    (listed,) = bulletins.list_bulletins(hub)
    assert (listed.addressed, listed.aired_by, listed.airings) == (1, 1, 1)  # the cut airing does not count

    report = district_report(hub, parse_period("2021-03"))
    (commune,) = report.communes
    assert (commune.airings, commune.item_airings, commune.district_items) == (3, 3, 2)
    assert commune.verification_code == f"3:{answer['receipt']['hash']}"
    assert (report.bulletins[0].airings, report.bulletins[0].partial) == (1, 1)


def _as_news_item(station: StationFolder, bulletin_id: str) -> None:
    """The bulletin stored as the station's news item 1, as hublink stores what it fetched."""
    with station.station.db.session() as session:
        session.execute(
            text(
                "INSERT INTO news_items (title, topic, priority, text, airings_wanted, airings_done, created_at,"
                " updated_at, source_id) VALUES ('Tin huyện', 'thu-tuc', 'normal', 'x', 1, 0, :t, :t, :s)"
            ),
            {"t": NOW.replace(tzinfo=None), "s": bulletin_id},
        )


def test_a_bulletin_is_credited_only_to_a_station_that_fetched_it(hub, sk1, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A commune whose log names a district bulletin it never fetched (copied from another commune's
    log, or made up) does not meet that bulletin's target."""
    sk2 = make_station(tmp_path / "sk2", "SK2", hub.clock)
    stations.add_station(hub, "SK2", "Sơn Kim 2", sk2.public_key)
    info = bulletins.create(
        hub, BulletinInput(title="Tin huyện", topic="thu-tuc", priority="normal", to="all", text="X.", approved_by="A")
    )
    for station in (sk1, sk2):
        _as_news_item(station, info.id)
        air(station.station, NOW, [aired(1, 30.0)])
    fetched = exchange(hub, sk1)["bulletins"][-1]["cursor"]
    push_records(hub, sk1, cursor=fetched)
    push_records(hub, sk2)  # SK2 never asked the hub for it: its cursor is still 0
    (listed,) = bulletins.list_bulletins(hub)
    assert (listed.addressed, listed.aired_by, listed.airings) == (2, 1, 1)
    communes = {c.code: c for c in district_report(hub, parse_period("2021-03")).communes}
    assert (communes["SK1"].district_items, communes["SK2"].district_items) == (1, 0)


def test_the_same_batch_twice_changes_nothing(hub, sk1) -> None:  # type: ignore[no-untyped-def]
    air(sk1.station, NOW, [aired(3)])
    air(sk1.station, NOW + timedelta(hours=9), [aired(4)])
    first = push_records(hub, sk1)
    again = push_records(hub, sk1)
    assert again["receipt"]["received"] == 0 and again["receipt"]["hash"] == first["receipt"]["hash"]
    with hub.db.session() as session:
        assert session.scalar(select(func.count()).select_from(AiringRow)) == 2
        assert session.scalar(select(func.sum(StationDayRow.airings))) == 2


def test_a_rewritten_log_is_refused_as_a_fork_and_the_station_flagged(hub, sk1) -> None:  # type: ignore[no-untyped-def]
    air(sk1.station, NOW, [aired(3)])
    air(sk1.station, NOW + timedelta(hours=9), [aired(4)])
    push_records(hub, sk1)
    # Someone edits airing 2 and reseals the chain from there, so the station's own check passes.
    with sk1.station.db.session() as session:
        session.execute(text("UPDATE aired_items SET duration_ms = 90000 WHERE airing_seq = 2"))
    from broadcaster.store import hublink as store

    with sk1.station.db.session() as session:
        rec = store.records_from(session, 2, 1)[0]
        new_hash = hash_canonical(rec.prev_hash, canonical_doc(rec))
        session.execute(text("UPDATE airings SET hash = :h WHERE seq = 2"), {"h": new_hash})
    air(sk1.station, NOW + timedelta(days=1), [aired(5)])

    with pytest.raises(HubAPIError) as refused:
        push_records(hub, sk1, first=2)
    assert refused.value.status == 409 and refused.value.code == "fork"
    assert "Airing #2 differs from the copy the hub already holds" in refused.value.message
    (info,) = stations.list_stations(hub)
    assert info.forked and info.records == 2 and "#2" in (info.problem or "")
    with hub.db.session() as session:
        assert session.scalar(select(func.count()).select_from(AiringRow)) == 2  # airing 3 was not stored either


def test_requests_must_be_signed_by_a_registered_station_fresh_and_once(hub, sk1, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stranger = make_station(tmp_path / "x", "XA-LA", hub.clock)
    with pytest.raises(HubAPIError) as unknown:
        exchange(hub, stranger)
    assert unknown.value.status == 403 and "not registered" in unknown.value.message

    impostor = make_station(tmp_path / "imp", "SK1", hub.clock)  # says it is SK1, has another key
    with pytest.raises(HubAPIError) as forged:
        exchange(hub, impostor)
    assert (forged.value.status, forged.value.code) == (401, "bad_signature")

    body = json.dumps({"cursor": 0}).encode()
    stale = protocol.authorization(sk1.key, "SK1", "POST", protocol.PATH_EXCHANGE, body, NOW - timedelta(minutes=30))
    with pytest.raises(HubAPIError) as late:
        station_api.exchange(hub, station_api.SignedRequest(stale, "POST", protocol.PATH_EXCHANGE, body))
    assert late.value.code == "clock" and "30 minutes behind" in late.value.message

    request = signed(sk1, "POST", protocol.PATH_EXCHANGE, {"cursor": 0}, NOW)
    station_api.exchange(hub, request)
    with pytest.raises(HubAPIError) as replayed:
        station_api.exchange(hub, request)
    assert replayed.value.code == "replayed"

    tampered = station_api.SignedRequest(request.authorization, "POST", protocol.PATH_EXCHANGE, b'{"cursor": 5}')
    with pytest.raises(HubAPIError) as changed:
        station_api.exchange(hub, tampered)
    assert changed.value.code == "bad_signature"


def test_a_station_added_later_gets_the_bulletins_to_all_still_valid(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bulletins.create(
        hub, BulletinInput(title="Cho tất cả", topic="thu-tuc", priority="normal", to="all", text="X.", approved_by="A")
    )
    bulletins.create(
        hub,
        BulletinInput(
            title="Hết hạn",
            topic="thu-tuc",
            priority="normal",
            to="all",
            text="Y.",
            approved_by="A",
            valid_until="2021-03-10",
        ),
    )
    hub.clock.advance(2 * 86400)
    late = make_station(tmp_path / "late", "SK9", hub.clock)
    info = stations.add_station(hub, "SK9", "Sơn Kim 9", late.public_key)
    assert info.waiting == 1
    assert [b["envelope"]["title"] for b in exchange(hub, late)["bulletins"]] == ["Cho tất cả"]


def test_the_hub_schema_from_its_migration_matches_its_models(hub) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from broadcaster.hub.tables import HubBase

    with hub.db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": "hub_alembic_version"})
        assert compare_metadata(context, HubBase.metadata) == []
