"""`broadcaster sync` wakes the running daemon when it queues a district bulletin (QA finding #10): a
district emergency received by a sync typed at the station airs at once, as one the daemon's own sync
received does, not at the daemon's next queue check (up to `queue_check_seconds` later)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.hub import stations
from broadcaster.hub.bulletins import BulletinInput, create
from broadcaster.hub.service import Hub
from broadcaster.hublink.settings import write_hub_table
from broadcaster.onair.lock import DaemonLock
from broadcaster.service.hub_link import sync_now
from tests.hub.helpers import StationFolder, make_hub, make_station
from tests.hub.in_process import HUB_URL, hub_in_process


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    made = make_hub(tmp_path / "hub", f"sqlite:///{tmp_path}/hub/hub.db")
    yield made
    made.close()


@pytest.fixture
def sk1(tmp_path: Path, hub: Hub) -> StationFolder:
    """A station linked to `hub` (as `hub-link --hub-key` writes it) and registered there."""
    from broadcaster.config import HubConfig

    station = make_station(tmp_path / "sk1", "SK1")
    write_hub_table(station.cli.config, HubConfig(url=HUB_URL, station="SK1", hub_key=hub.public_key), "test")
    stations.add_station(hub, "SK1", "Sơn Kim 1", station.public_key)
    station.reopen()
    return station


def publish(hub: Hub, title: str, priority: str = "emergency") -> None:
    create(hub, BulletinInput(title, "thu-tuc", priority, "SK1", text=f"{title}.", approved_by="Trần Văn Trưởng"))


@pytest.fixture
def woken() -> Iterator[list[int]]:
    """The wake-up signals this process receives: it stands for the daemon (tests/onair tests the daemon's
    own reaction), holding the daemon's lock so that it is the one told."""
    received: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, _frame: received.append(signum))
    try:
        yield received
    finally:
        signal.signal(signal.SIGUSR1, previous)


def test_a_sync_that_queues_a_bulletin_tells_the_running_daemon_and_an_idle_one_does_not(
    hub: Hub, sk1: StationFolder, woken: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(hub, "Khẩn: bão số 3")
    station, linked = sk1.reopen()
    with hub_in_process(hub, monkeypatch), DaemonLock(station.db, sk1.cli.config):
        done = sync_now(station, linked)
        assert done.report.queued == ["Khẩn: bão số 3"] and done.told_daemon
        assert woken == [signal.SIGUSR1]
        idle = sync_now(station, linked)  # nothing new: the daemon is left alone
        assert idle.report.ok and not idle.report.queued and not idle.told_daemon
        assert woken == [signal.SIGUSR1]


def test_the_sync_command_wakes_the_daemon_for_what_it_received(
    hub: Hub, sk1: StationFolder, woken: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(hub, "Lịch tiếp công dân", priority="priority")
    station, _linked = sk1.reopen()
    with hub_in_process(hub, monkeypatch), DaemonLock(station.db, sk1.cli.config):
        result = CliRunner().invoke(cli, ["--config", str(sk1.cli.config), "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Received: Lịch tiếp công dân" in result.output
    assert woken == [signal.SIGUSR1]


def test_without_a_daemon_the_sync_still_stores_what_it_received(
    hub: Hub, sk1: StationFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(hub, "Khẩn: mất điện")
    station, linked = sk1.reopen()
    with hub_in_process(hub, monkeypatch):
        done = sync_now(station, linked)
    assert done.report.queued == ["Khẩn: mất điện"] and not done.told_daemon  # `broadcaster run` airs it when started


def test_a_sync_that_cannot_reach_the_hub_says_so_once(
    sk1: StationFolder, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The command (and the daemon) report the failure they get back; the sync itself does not log it as
    well, which printed every failure twice in the technician's terminal and the daemon's journal."""
    from broadcaster.hublink import client as client_module
    from broadcaster.hublink import sync as sync_module

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    class Unreachable(client_module.HubClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "transport": httpx.MockTransport(unreachable)})

    monkeypatch.setattr(sync_module, "HubClient", Unreachable)
    result = CliRunner().invoke(cli, ["--config", str(sk1.cli.config), "sync"])
    assert result.exit_code == 1, result.output
    said = [line for line in [*result.output.splitlines(), *caplog.messages] if "hub.huong-son.test" in line]
    assert len(said) == 1, said
