"""The schema is versioned with Alembic; upgrading keeps existing rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from broadcaster.store.db import Database
from tests.conftest import StationCLI, write_config


def test_init_upgrades_an_older_database_and_keeps_its_rows(tmp_path: Path, db_url: str) -> None:
    config = write_config(tmp_path, db_url)
    url = db_url if not db_url.startswith("sqlite") else f"sqlite:///{tmp_path}/station.db"
    old = Database(url)
    old.upgrade("0001")
    now = datetime(2021, 1, 8, 1, 0, tzinfo=UTC)
    with old.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO news_items (title, topic, priority, text, airings_wanted, airings_done, created_at,"
                " updated_at) VALUES ('Tin cũ', 'mot-cua', 'normal', 'Nội dung cũ.', 2, 1, :now, :now)"
            ),
            {"now": now.replace(tzinfo=None) if url.startswith("sqlite") else now},
        )
    old.dispose()

    station = StationCLI(config)
    out = station.ok("init")
    assert "Upgraded the station database from schema 0001" in out
    (item,) = __import__("json").loads(station.ok("news", "list", "--json"))
    assert (item["title"], item["text"], item["airings_wanted"], item["airings_done"]) == (
        "Tin cũ",
        "Nội dung cũ.",
        2,
        1,
    )
    assert item["created_at"] == "2021-01-08T08:00:00+07:00"  # stored as UTC 01:00, shown in station time
    assert "ready" in station.ok("init")


def test_init_is_idempotent_and_makes_folders(tmp_path: Path) -> None:
    station = StationCLI(write_config(tmp_path))
    assert "Created the station database" in station.ok("init")
    assert "nothing to do" in station.ok("init")
    assert (tmp_path / "data").is_dir() and (tmp_path / "data" / "audio" / "cache").is_dir()


def test_the_head_revision_read_from_file_names_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from broadcaster.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert Database.head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_upgrading_a_0003_station_with_airings_seals_its_figures(tmp_path: Path, db_url: str) -> None:
    """0004 replaces 0003's unsealed figures: the log is kept, the figures are summed again and sealed."""
    from broadcaster.store import airings, summary
    from tests.reports.factory import HCM
    from tests.store.test_summary import late_drafts, mixed_drafts, write_old_log

    url = db_url if not db_url.startswith("sqlite") else f"sqlite:///{tmp_path}/station.db"
    old = Database(url)
    old.upgrade("0003")
    written = write_old_log(old, mixed_drafts() + late_drafts())
    with old.engine.begin() as connection:  # what 0003 kept: figures anyone could edit
        connection.execute(
            text(
                "INSERT INTO airtime_daily (dimension, day, key, ms, items, airings) "
                "VALUES ('all', '2021-01-04', '', 999999999, 1, 1)"
            )
        )
        connection.execute(
            text("INSERT INTO station_state (key, value, updated_at) VALUES ('airtime_summary_tz', 'x', :now)"),
            {"now": datetime(2021, 1, 8, tzinfo=UTC).replace(tzinfo=None)},
        )
    assert old.upgrade(tz=HCM) == ("0003", Database.head_revision())
    assert "airtime_daily" not in old.table_names()
    with old.session() as session:
        assert airings.records(session) == written
        assert airings.verify(session).ok
        stored = summary.stored_rows(session)
        assert {(row.span, row.start): row for row, _ in stored} == summary.sum_log(session, HCM).all_rows()
        assert summary.built_for(session) == "Asia/Ho_Chi_Minh"
    old.dispose()
