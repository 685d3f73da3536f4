"""Fixtures of the console's tests: a real station with a user of every role, the app, HTTP clients
logged in per role, a live uvicorn server on a free port and Playwright driving Debian's chromium.

- `web_station`: one station folder for the session (config.toml + `broadcaster init` + users).
  Tests that change users use names of their own, so they do not disturb each other.
- `app`, `client`, `as_role(role)`: FastAPI's TestClient, logged in through POST /api/v1/login.
- `live_server`: the same app served by uvicorn in a thread; its base URL.
- `browser` (tests/conftest.py), `page_as(role, viewport=...)`: a chromium page logged in as that role (skipped
  when /usr/bin/chromium is missing); `shoot(page, name)` writes test-artifacts/screenshots/NAME.png.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from broadcaster.service.context import Station
from broadcaster.web.accounts import Accounts
from tests.conftest import REPO, StationCLI, write_config

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx versions
    from fastapi.testclient import TestClient

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

# role -> (user name, password)
ROLE_USERS = {
    "official": ("vanhoa", "mat-khau-van-hoa"),
    "approver": ("chutich", "mat-khau-chu-tich"),
    "technician": ("kythuat", "mat-khau-ky-thuat"),
    "district": ("huyen", "mat-khau-cua-huyen"),
}
FULL_NAMES = {
    "official": "Nguyễn Thị Văn Hóa",
    "approver": "Trần Văn Chủ Tịch",
    "technician": "Lê Văn Kỹ Thuật",
    "district": "Phòng VH-TT huyện",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright")


@dataclass
class WebStation:
    folder: Path
    config: Path
    cli: StationCLI
    users: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(ROLE_USERS))

    def station(self) -> Station:
        return Station.open(self.config)

    def accounts(self) -> Accounts:
        station = self.station()
        return Accounts(station.db, station.clock)


def make_station(folder: Path, database: str = "sqlite:///station.db", **config: Any) -> WebStation:
    path = write_config(folder, database, **config)
    cli = StationCLI(path)
    cli.init()
    made = WebStation(folder=folder, config=path, cli=cli)
    accounts = made.accounts()
    for role, (name, password) in ROLE_USERS.items():
        accounts.add(name, role, password, FULL_NAMES[role], actor="cli:test")
    accounts.db.dispose()
    return made


@pytest.fixture(scope="session")
def web_station(tmp_path_factory: pytest.TempPathFactory) -> WebStation:
    return make_station(tmp_path_factory.mktemp("console-station"))


@pytest.fixture(scope="session")
def app(web_station: WebStation) -> Any:
    from broadcaster.web.app import create_app

    return create_app(web_station.config)


def login(client: TestClient, username: str, password: str) -> str:
    """Log `client` in through the API; returns the session's CSRF token (also set as X-CSRF-Token)."""
    response = client.post("/api/v1/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token = str(response.json()["csrf_token"])
    client.headers["X-CSRF-Token"] = token
    return token


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as fresh:
        yield fresh


@pytest.fixture
def as_role(app: Any) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        fresh = TestClient(app, follow_redirects=False)
        clients.append(fresh)
        login(fresh, *ROLE_USERS[role])
        return fresh

    yield make
    for made in clients:
        made.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """`app` served by uvicorn in a thread on a free port; its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="console-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the console did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app: Any) -> Iterator[str]:
    with serve(app) as url:
        yield url


PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def new_page(browser: Any, live_server: str) -> Iterator[Callable[..., Any]]:
    """A fresh browser context (own cookies) at the live server: new_page(viewport=PHONE)."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(base_url=live_server, viewport=viewport or DESKTOP, locale="vi-VN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in_with_form(page: Any, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.fixture
def page_as(new_page: Callable[..., Any]) -> Callable[..., Any]:
    """A page logged in as `role` (through the login form), on the overview."""

    def make(role: str, viewport: dict[str, int] | None = None) -> Any:
        page = new_page(viewport)
        log_in_with_form(page, *ROLE_USERS[role])
        page.wait_for_url("**/")
        return page

    return make


def shoot(page: Any, name: str) -> Path:
    """A full-page screenshot into test-artifacts/screenshots/ for a reviewer to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
