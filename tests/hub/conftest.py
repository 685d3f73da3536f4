"""Hub tests: the hub's store on SQLite and on the real PostgreSQL server; stations on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from broadcaster.hublink.sync import SyncReport, sync_once
from tests.conftest import PG_URL
from tests.hub.helpers import HubServer, StationFolder, linked_station, pg_hub_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def hub_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/hub/hub.db"
    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    return pg_hub_url()


@pytest.fixture
def pg_hub(tmp_path: Path) -> str:
    """The hub on PostgreSQL (the province's setup); SQLite when no server is running."""
    return pg_hub_url() if PG_URL else f"sqlite:///{tmp_path}/hub/hub.db"


@dataclass
class Province:
    """A hub process on PostgreSQL (SQLite without a server) and three linked, registered stations:
    what the end-to-end test of the daemons airing district bulletins starts from."""

    hub: HubServer
    stations: dict[str, StationFolder]

    def sync(self, code: str, **options: Any) -> SyncReport:
        station, hub = self.stations[code].reopen()
        return sync_once(station, hub, **options)

    def publish(self, title: str, priority: str, to: str) -> str:
        return self.hub.run(
            "bulletins", "add", "--title", title, "--topic", "thu-tuc", "--text", f"{title}.",
            "--priority", priority, "--to", to, "--approved-by", "Nguyễn Thị Hoa",
        ).strip()  # fmt: skip


@pytest.fixture
def province(tmp_path: Path, pg_hub: str) -> Iterator[Province]:
    folder = tmp_path / "hub"
    folder.mkdir()
    server = HubServer(folder, pg_hub)
    server.run("init")
    server.start()
    names = {"SK1": "Sơn Kim 1", "SK2": "Sơn Kim 2", "ST": "Sơn Tây"}
    try:
        yield Province(
            server, {code: linked_station(tmp_path / code, code, server, name) for code, name in names.items()}
        )
    finally:
        server.stop()
