"""Hub tests: the hub's store on SQLite and on the real PostgreSQL server; stations on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from broadcaster.hub.service import Hub
from broadcaster.hublink.sync import SyncReport, sync_once
from tests.conftest import PG_URL
from tests.hub.helpers import HubServer, StationFolder, linked_station, make_hub, make_station, pg_hub_url


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright")


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


# ------------------------------------------------------------ the district's pages

# role -> (user name, password, full name): the district's users in the pages' tests.
HUB_USERS = {
    "editor": ("bientap", "mat-khau-bien-tap", "Lê Thị Biên Tập"),
    "approver": ("truongphong", "mat-khau-truong-phong", "Nguyễn Văn Trưởng"),
    "viewer": ("xembaocao", "mat-khau-xem-bao-cao", "Phạm Thị Xem"),
}
SECOND_APPROVER = ("phophong", "mat-khau-pho-phong", "Trần Thị Phó")


@dataclass
class HubSite:
    """A hub with the district's users and two registered communes, its app (stations' API and pages)."""

    hub: Hub
    app: Any
    stations: dict[str, StationFolder]
    clients: list[Any]

    def client(self) -> Any:
        from fastapi.testclient import TestClient

        made = TestClient(self.app, follow_redirects=False)
        self.clients.append(made)
        return made

    def login(self, username: str, password: str) -> Any:
        """A client logged in through the API, with its CSRF token in X-CSRF-Token."""
        made = self.client()
        answer = made.post("/api/v1/login", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        made.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return made

    def as_role(self, role: str) -> Any:
        name, password, _full = HUB_USERS[role]
        return self.login(name, password)


def add_hub_users(hub: Hub) -> None:
    from broadcaster.hub.users import accounts

    users = accounts(hub)
    for role, (name, password, full_name) in HUB_USERS.items():
        users.add(name, role, password, full_name, actor="cli:test")
    name, password, full_name = SECOND_APPROVER
    users.add(name, "approver", password, full_name, actor="cli:test")


@pytest.fixture
def hub_site(tmp_path: Path, pg_hub: str) -> Iterator[HubSite]:
    from broadcaster.hub import stations
    from broadcaster.hub.api import create_app

    hub = make_hub(tmp_path / "hub", pg_hub, **settings_for_pages())
    folders = {}
    for code, name in (("SK1", "Sơn Kim 1"), ("SK2", "Sơn Kim 2")):
        folders[code] = make_station(tmp_path / code, code)
        stations.add_station(hub, code, name, folders[code].public_key)
    add_hub_users(hub)
    site = HubSite(hub, create_app(hub), folders, [])
    yield site
    for client in site.clients:
        client.close()
    hub.close()


def settings_for_pages(upload_limit_mb: float = 1.0) -> dict[str, Any]:
    """Hub settings for the pages' tests: a small upload limit, so the limit is tested with small files."""
    from broadcaster.hub.settings import HubWebSection

    return {"web": HubWebSection(upload_limit_mb=upload_limit_mb)}
