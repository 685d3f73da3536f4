"""The station's side: [hub] in config.toml, its key, its migration."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from broadcaster import signing
from broadcaster.config import HubConfig
from broadcaster.errors import ConfigError
from broadcaster.hublink.settings import load_station, write_hub_table
from broadcaster.store.db import Database
from tests.conftest import StationCLI, write_config

HUB = HubConfig(url="https://hub.huong-son.vn", station="SON-KIM-1", hub_key=signing.public_text(signing.generate()))


def test_hub_link_appends_then_replaces_only_the_hub_table(tmp_path: Path) -> None:
    path = write_config(tmp_path, append="\n# the official's own note\n")
    original = path.read_bytes()
    write_hub_table(path, HUB, "district hub")
    first = path.read_bytes()
    assert first.startswith(original) and first.count(b"[hub]") == 1
    write_hub_table(path, replace(HUB, station="SON-KIM-2", sync_minutes=5.0), "district hub")
    second = path.read_text(encoding="utf-8")
    assert second.startswith(original.decode()) and second.count("[hub]") == 1 and second.count("# district hub") == 1
    config, hub = load_station(path)
    assert hub.station == "SON-KIM-2" and hub.sync_minutes == 5.0 and config.station.commune == "Sơn Kim 1"


def test_the_hub_table_in_the_middle_of_the_file_is_replaced_in_place(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    body = path.read_text(encoding="utf-8")
    at = body.index("[[slots]]")
    path.write_text(
        body[:at] + '[hub]\nurl = "http://old"\nstation = "X"\nhub_key = "k"\n\n' + body[at:], encoding="utf-8"
    )
    write_hub_table(path, HUB, "district hub")
    after = path.read_text(encoding="utf-8")
    assert after.replace(after[after.index("# district hub") : after.index("[[slots]]")], "") == body[:at] + body[at:]
    assert load_station(path)[1].url == HUB.url


def test_mistakes_in_the_hub_table_are_reported_with_the_rest(tmp_path: Path) -> None:
    path = write_config(tmp_path, append='\n[hub]\nurll = "https://x"\nsync_minutes = 0\nhub_key = "nope"\n')
    with pytest.raises(ConfigError) as problems:
        load_station(path)
    text_ = str(problems.value)
    assert "hub.urll: unknown config key. Did you mean 'url'?" in text_
    assert "hub.sync_minutes: must be between 0.1 and 1440" in text_
    assert "hub.hub_key: not an Ed25519 public key" in text_


def test_a_station_without_a_hub_table_is_not_linked(tmp_path: Path) -> None:
    config, hub = load_station(write_config(tmp_path))
    assert not hub.linked and config.station.name


def test_sync_on_an_unlinked_station_says_how_to_link(tmp_path: Path) -> None:
    cli = StationCLI(write_config(tmp_path))
    cli.init()
    assert cli.fails("sync") == (
        "Error: This station is not linked to a district hub. "
        "Run `broadcaster hub-link --url URL --station CODE` first."
    )
    shown = cli.ok("hub-link")
    assert "Not linked to a district hub" in shown and "Station public key: ed25519:" in shown
    assert (tmp_path / "data" / "station-key.pem").stat().st_mode & 0o077 == 0


def test_migration_0008_keeps_the_queue_and_links_items_to_district_bulletins(tmp_path: Path, db_url: str) -> None:
    url = db_url if not db_url.startswith("sqlite") else f"sqlite:///{tmp_path}/station.db"
    db = Database(url)
    db.upgrade("0003")
    now = datetime(2021, 3, 1, 1, 0, tzinfo=UTC)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO news_items (title, topic, priority, text, airings_wanted, airings_done, created_at,"
                " updated_at) VALUES ('Tin cũ', 'mot-cua', 'normal', 'x', 1, 0, :now, :now)"
            ),
            {"now": now.replace(tzinfo=None) if url.startswith("sqlite") else now},
        )
    db.upgrade()
    assert db.current_revision() == Database.head_revision()
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT title, source_id FROM news_items")).one() == ("Tin cũ", None)
        connection.execute(text("UPDATE news_items SET source_id = 'b-1'"))
        with pytest.raises(Exception, match=r"(?i)unique"):
            connection.execute(
                text(
                    "INSERT INTO news_items (title, topic, priority, text, airings_wanted, airings_done, created_at,"
                    " updated_at, source_id) VALUES ('Lần hai', 'mot-cua', 'normal', 'x', 1, 0, :now, :now, 'b-1')"
                ),
                {"now": now.replace(tzinfo=None) if url.startswith("sqlite") else now},
            )
    from alembic import command
    from sqlalchemy import inspect

    with db.engine.begin() as connection:
        command.downgrade(db._alembic(connection), "0003")  # and back down, keeping the queue
    assert "source_id" not in {c["name"] for c in inspect(db.engine).get_columns("news_items")}
    assert "hub_inbox" not in inspect(db.engine).get_table_names()
    db.dispose()


def test_linking_to_another_hub_starts_its_positions_afresh(tmp_path: Path) -> None:
    from broadcaster.store import hublink as store
    from tests.hub.helpers import make_station

    station = make_station(tmp_path, "SK1")
    key = signing.public_text(signing.generate())
    station.cli.ok("hub-link", "--url", "https://hub-a.example", "--station", "SK1", "--hub-key", key)
    with station.station.db.session() as session:
        store.link_row(session).cursor = 5
    station.cli.ok("hub-link", "--url", "https://hub-a.example", "--station", "SK1", "--hub-key", key)
    with station.station.db.session() as session:
        assert store.link_row(session).cursor == 5  # linking again to the same hub changes nothing
    station.cli.ok("hub-link", "--url", "https://hub-b.example", "--station", "SK1", "--hub-key", key)
    with station.station.db.session() as session:
        assert store.link_row(session).cursor == 0
