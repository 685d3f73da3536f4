"""What goes wrong in a province, against a real hub process: long outages, restarts, resends,
edited logs, forged or replayed bulletins, a hub that hangs."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from broadcaster import signing
from broadcaster.airlog import canonical_doc, hash_canonical
from broadcaster.hub import bulletins as hub_bulletins
from broadcaster.hub.bulletins import BulletinInput
from broadcaster.hublink.client import HubClient, HubError
from broadcaster.hublink.settings import HubConfig, write_hub_table
from broadcaster.hublink.sync import SyncReport, open_client, sync_once
from broadcaster.service.evidence import Evidence
from broadcaster.store import hublink as store
from broadcaster.store.tables import NewsItemRow
from tests.fakes import FakeClock
from tests.hub.helpers import HubServer, StationFolder, air, aired, linked_station, make_hub, make_station

# A real hub process (uvicorn) and real timeouts: the end-to-end part of the suite.
pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path, pg_hub: str) -> Iterator[HubServer]:
    folder = tmp_path / "hub"
    folder.mkdir()
    config = folder / "hub.toml"
    config.write_text('[hub]\nname = "Phòng VH-TT huyện Hương Sơn"\npage_size = 5\n', encoding="utf-8")
    hub = HubServer(folder, pg_hub, config)
    hub.run("init")
    yield hub.start()
    hub.stop()


def set_hub(station: StationFolder, **changes: Any) -> None:
    write_hub_table(station.cli.config, replace(station.hub_config(), **changes), "test")


def sync(station: StationFolder, client: HubClient | None = None) -> SyncReport:
    current, hub = station.reopen()
    return sync_once(current, hub, client=client)


def publish(server: HubServer, title: str, to: str = "SK1", priority: str = "normal", *extra: str) -> str:
    return server.run(
        "bulletins",
        "add",
        "--title",
        title,
        "--topic",
        "thu-tuc",
        "--text",
        f"{title}.",
        "--priority",
        priority,
        "--to",
        to,
        "--approved-by",
        "Nguyễn Thị Hoa",
        *extra,
    ).strip()


def news_sources(station: StationFolder) -> list[str]:
    with station.station.db.session() as session:
        return [s for s in session.scalars(select(NewsItemRow.source_id).order_by(NewsItemRow.id)) if s]


def test_a_station_offline_for_30_days_catches_up_page_by_page(server: HubServer, tmp_path: Path) -> None:
    station = linked_station(tmp_path / "sk1", "SK1", server)
    set_hub(station, batch_size=50)
    today = datetime.now(UTC)
    # The district kept sending while the station was offline: one bulletin a day, valid three days.
    clock = FakeClock(today - timedelta(days=30))
    district = make_hub(server.folder, server.db_url, clock)
    for day in range(30):
        hub_bulletins.create(
            district,
            BulletinInput(
                title=f"Tin ngày {day + 1}",
                topic="thu-tuc",
                priority="normal",
                to="SK1",
                text="Nội dung.",
                valid_until=(clock.now() + timedelta(days=2)).astimezone(district.settings.tz).date().isoformat(),
                approved_by="Nguyễn Thị Hoa",
            ),
        )
        if day == 10:
            hub_bulletins.create(
                district,
                BulletinInput(
                    title="Bão số 3", topic="thu-tuc", priority="emergency", to="SK1", text="Sơ tán.", approved_by="A"
                ),
            )
        clock.advance(86400)
    district.close()
    # ...and the station kept airing: six airings a day.
    start = today - timedelta(days=30)
    for n in range(180):
        air(station.station, start + timedelta(hours=4 * n), [aired(1000 + n % 7, 20.0)])

    report = sync(station)

    assert report.ok, report.error
    assert report.pages == 7  # 31 bulletins, 5 a page
    assert len(report.expired) == 28 + 1  # all but the last two days' bulletins, and the old emergency
    assert report.queued[-2:] == ["Tin ngày 29", "Tin ngày 30"] and "Bão số 3" in report.expired
    assert report.records_sent == 180 and report.receipt is not None and report.receipt.startswith("180:")
    with station.station.db.session() as session:
        assert store.link_row(session).acked_count == 180
        receipts = session.scalar(select(func.count()).select_from(store.HubReceiptRow))
    assert receipts == 4  # 180 records in batches of 50
    assert len(news_sources(station)) == len(report.queued)
    (info,) = json.loads(server.run("stations", "list", "--json"))
    assert info["records"] == 180 and info["bulletins_waiting"] == 0
    assert sync(station).requests == 1  # caught up: the next sync is idle


def test_the_hub_restarting_mid_sync_loses_and_doubles_nothing(server: HubServer, tmp_path: Path) -> None:
    station = linked_station(tmp_path / "sk1", "SK1", server)
    publish(server, "Tin trước khi hub khởi động lại")
    for n in range(3):
        air(station.station, datetime.now(UTC) - timedelta(hours=3 - n), [aired(50 + n)])

    class DiesBeforePush(HubClient):
        def push(self, body: dict[str, Any]) -> dict[str, Any]:
            server.kill()  # between pull and push: the hub process dies
            return super().push(body)

    current, hub = station.reopen()
    plain = open_client(current, hub)
    broken = sync_once(current, hub, client=DiesBeforePush(plain.url, plain.station, plain.key, current.clock, 5))
    assert "cannot be reached" in (broken.error or "")
    assert broken.queued == ["Tin trước khi hub khởi động lại"] and broken.records_sent == 0
    server.start()

    again = sync(station)
    assert again.ok and again.queued == [] and again.records_sent == 3
    assert len(news_sources(station)) == 1

    class LosesTheReceipt(HubClient):
        def push(self, body: dict[str, Any]) -> dict[str, Any]:
            super().push(body)  # the hub stored the batch...
            raise HubError("the connection dropped")  # ...but the station never heard back

    air(station.station, datetime.now(UTC), [aired(60)])
    lost = sync_once(current, hub, client=LosesTheReceipt(plain.url, plain.station, plain.key, current.clock, 5))
    assert lost.error == "the connection dropped"
    resent = sync(station)
    assert resent.ok and resent.records_sent == 0 and resent.receipt is not None and resent.receipt.startswith("4:")
    (info,) = json.loads(server.run("stations", "list", "--json"))
    assert info["records"] == 4 and not info["forked"]


def test_an_edited_log_is_refused_as_a_fork_flagged_and_still_gets_bulletins(server: HubServer, tmp_path: Path) -> None:
    station = linked_station(tmp_path / "sk1", "SK1", server)
    for n in range(3):
        air(station.station, datetime.now(UTC) - timedelta(hours=5 - n), [aired(70 + n, 30.0)])
    assert sync(station).records_sent == 3
    # Someone shortens airing 3 in the database and reseals its hash so the chain itself links up.
    with station.station.db.session() as session:
        session.execute(text("UPDATE airings SET duration_ms = 5000 WHERE seq = 3"))
        record = store.records_from(session, 3, 1)[0]
        session.execute(
            text("UPDATE airings SET hash = :h WHERE seq = 3"),
            {"h": hash_canonical(record.prev_hash, canonical_doc(record))},
        )
    # the station's own check sees it too (its sealed figures still name the old airing #3)
    assert not Evidence(station.station).verify().ok
    air(station.station, datetime.now(UTC), [aired(80)])

    error = station.cli.fails("sync")
    assert "Airing #3 differs from the copy the hub already holds" in error
    listed = server.run("stations", "list")
    assert "FORKED" in listed and "Airing #3 differs" in listed
    assert "the hub reports: Airing #3 differs" in station.cli("hub-link").stderr

    publish(server, "Khẩn: mưa lũ", "SK1", "emergency")
    report = sync(station)
    assert report.queued == ["Khẩn: mưa lũ"]  # a flagged station still receives the district's bulletins
    assert report.error is not None and "#3" in report.error


def test_forged_replayed_and_misaddressed_bulletins_are_refused_and_kept_for_the_technician(
    server: HubServer, tmp_path: Path
) -> None:
    sk1 = linked_station(tmp_path / "sk1", "SK1", server)
    linked_station(tmp_path / "sk2", "SK2", server)
    genuine = publish(server, "Tin thật")
    assert sync(sk1).queued == ["Tin thật"]

    hub_db = create_engine(server.db_url)
    forged = publish(server, "Tin bị sửa", "SK1", "emergency")
    unsigned = publish(server, "Tin không chữ ký")
    for_sk2 = publish(server, "Tin cho xã khác", "SK2", "emergency")
    with hub_db.begin() as connection:
        envelope = connection.execute(text("SELECT envelope FROM bulletins WHERE id = :i"), {"i": forged}).scalar()
        changed = envelope.replace("Tin bị sửa", "Sơ tán ngay lập tức")  # a spoofed emergency
        connection.execute(text("UPDATE bulletins SET envelope = :e WHERE id = :i"), {"e": changed, "i": forged})
        envelope = json.loads(
            connection.execute(text("SELECT envelope FROM bulletins WHERE id = :i"), {"i": unsigned}).scalar()
        )
        del envelope["signature"]
        connection.execute(
            text("UPDATE bulletins SET envelope = :e WHERE id = :i"), {"e": json.dumps(envelope), "i": unsigned}
        )
        sk1_id = connection.execute(text("SELECT id FROM stations WHERE code = 'SK1'")).scalar()
        # A replay of an old bulletin, and one meant for another commune, sent to SK1.
        connection.execute(
            text("DELETE FROM deliveries WHERE station_id = :s AND bulletin_id = :b"), {"s": sk1_id, "b": genuine}
        )
        for bulletin in (genuine, for_sk2):
            connection.execute(
                text("INSERT INTO deliveries (station_id, bulletin_id, created_at) VALUES (:s, :b, :t)"),
                {"s": sk1_id, "b": bulletin, "t": datetime.now(UTC)},
            )
    hub_db.dispose()

    report = sync(sk1)
    reasons = dict(report.refused)
    assert reasons["Sơ tán ngay lập tức"].startswith("bad signature")
    assert reasons["Tin không chữ ký"].startswith("unsigned")
    assert reasons["Tin cho xã khác"].startswith("addressed to other stations (SK2)")
    assert reasons["Tin thật"].startswith("replayed")
    assert report.queued == []
    with sk1.station.db.session() as session:
        assert (
            session.scalar(select(func.count()).select_from(NewsItemRow).where(NewsItemRow.priority == "emergency"))
            == 0
        )
        assert len(store.refusals(session)) == 4
    shown = sk1.cli.ok("hub-link")
    assert "REFUSED   Sơ tán ngay lập tức: bad signature" in shown
    assert news_sources(sk1) == [genuine]


def test_a_hub_that_hangs_never_holds_up_an_airing(tmp_path: Path) -> None:
    station = make_station(tmp_path / "sk1", "SK1")
    with socket.socket() as hanging:  # accepts connections, never answers
        hanging.bind(("127.0.0.1", 0))
        hanging.listen(8)
        url = f"http://127.0.0.1:{hanging.getsockname()[1]}"
        hub_key = signing.public_text(signing.generate())
        write_hub_table(station.cli.config, HubConfig(url=url, station="SK1", hub_key=hub_key, timeout_seconds=3), "t")
        air(station.station, datetime.now(UTC) - timedelta(hours=1), [aired(1)])
        result: list[SyncReport] = []
        started = time.monotonic()
        worker = threading.Thread(target=lambda: result.append(sync(station)))
        worker.start()
        time.sleep(0.5)  # the sync is waiting for the hub now
        before = time.monotonic()
        air(station.station, datetime.now(UTC), [aired(2)])  # the daemon logs an airing meanwhile
        assert time.monotonic() - before < 1.0
        worker.join(30)
        took = time.monotonic() - started
    assert result and "did not answer within 3 seconds" in (result[0].error or "")
    assert took < 10
    with station.station.db.session() as session:
        assert store.head(session)[0] == 2
