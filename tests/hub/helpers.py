"""Building blocks for the hub tests: hubs on SQLite or PostgreSQL, stations, airings, a real server.

Also the fixtures the three-station end-to-end test will use once the daemon syncs: a hub
process on PostgreSQL (`HubServer`), stations linked and registered (`linked_station`).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from broadcaster import signing
from broadcaster.airlog import AiredItem, AiringDraft, AiringRecord
from broadcaster.clock import Clock, SystemClock
from broadcaster.config import HubConfig
from broadcaster.hub.auth import SignedRequest
from broadcaster.hub.service import Hub
from broadcaster.hub.settings import HubSettings
from broadcaster.hublink import protocol
from broadcaster.hublink.settings import key_path, load_station
from broadcaster.relay.result import RelayResult, RelaySegment
from broadcaster.service.context import Station
from broadcaster.store import airings as log_store
from broadcaster.store.db import Database
from tests.conftest import StationCLI, own_database, seed_url, write_config


def pg_hub_url() -> str:
    """A second database on the test server for the hub (the station tests use the first)."""
    return own_database("hub")


def make_hub(folder: Path, url: str, clock: Clock | None = None, **settings: Any) -> Hub:
    """A hub, initialised as `hub init` does, on a copy of the hub schema migrated once per run."""
    folder.mkdir(parents=True, exist_ok=True)
    seed_url(url, "hub")
    hub = Hub(
        HubSettings(database=url, key_file=folder / "hub-key.pem", name="Phòng VH-TT huyện Hương Sơn", **settings),
        clock,
    )
    hub.init()
    return hub


@dataclass
class StationFolder:
    """One commune's station: its folder, CLI, application object and key."""

    cli: StationCLI
    station: Station
    code: str

    @property
    def key(self) -> Any:
        return signing.load_private_key(key_path(self.station.config))

    @property
    def public_key(self) -> str:
        return signing.public_text(self.key)

    def reopen(self) -> tuple[Station, HubConfig]:
        config, hub = load_station(self.cli.config)
        self.station.db.dispose()
        self.station = Station(config=config, db=Database(config.database_url), clock=self.station.clock)
        return self.station, hub

    def hub_config(self) -> HubConfig:
        return load_station(self.cli.config)[1]


def make_station(
    folder: Path, code: str, clock: Clock | None = None, database: str = "sqlite:///station.db"
) -> StationFolder:
    from broadcaster.hublink.settings import ensure_station_key

    folder.mkdir(parents=True, exist_ok=True)
    cli = StationCLI(write_config(folder, database))
    cli.init()
    config, _ = load_station(cli.config)
    station = Station(config=config, db=Database(config.database_url), clock=clock or SystemClock())
    ensure_station_key(config)
    return StationFolder(cli, station, code)


def aired(
    item_id: int, seconds: float = 30.0, *, completed: bool = True, offset: float = 0.0, priority: str = "normal"
) -> AiredItem:
    return AiredItem(
        item_id=item_id,
        title=f"Tin số {item_id}",
        topic="thu-tuc",
        priority=priority,
        offset_seconds=offset,
        duration_seconds=seconds,
        engine="espeak",
        voice="vi",
        approved_by=None,
        approved_at=None,
        completed=completed,
    )


def air(
    station: Station,
    at: datetime,
    items: Sequence[AiredItem] = (),
    status: str = "completed",
    slot: str = "Bản tin sáng",
    relay: dict[str, Any] | None = None,
) -> AiringRecord:
    """Append one airing to the station's log, as the daemon does (a relay slot's with `relay`: its details)."""
    duration = max((i.offset_seconds + i.duration_seconds for i in items), default=0.0)
    on_air = status in ("completed", "interrupted")
    draft = AiringDraft(
        slot=slot,
        kind="slot" if relay is None else "relay",
        scheduled_at=at,
        started_at=at if on_air else None,
        ended_at=at + timedelta(seconds=duration) if on_air else None,
        duration_seconds=duration if on_air else 0.0,
        status=status,
        reason=None if on_air else "test",
        output="file",
        device="aired",
        amplifier="none",
        audio_sha256=None,
        exemption=None,
        items=tuple(items),
        relay=relay,
    )
    with station.db.session() as session:
        return log_store.append(
            session, draft, station.config.tz, count_aired=[i.item_id for i in items if i.completed]
        )


def relayed(start: datetime) -> RelayResult:
    """What a relay slot records: 19 min 50.417 s of the district's stream, then the notice."""
    switch = start + timedelta(seconds=1190.417)
    end = start + timedelta(minutes=30)
    segments = (
        RelaySegment("relay", start, switch, "the relay is on air"),
        RelaySegment("fallback", switch, end, "the stream's server refused the connection", "notice"),
    )
    return RelayResult(
        "http://huyen.example/live", "Đài Truyền thanh huyện", start, end, True, 1800.0, segments, "0" * 64, 57_600_000
    )


def signed(
    station: StationFolder, method: str, path: str, body: dict[str, Any] | None, now: datetime | None = None
) -> SignedRequest:
    content = b"" if body is None else json.dumps(body).encode()
    auth = protocol.authorization(station.key, station.code, method, path, content, now or datetime.now(UTC))
    return SignedRequest(auth, method, path, content)


def push_records(
    hub: Hub, station: StationFolder, first: int = 1, now: datetime | None = None, cursor: int = 0
) -> dict[str, Any]:
    """Send the station's records from `first` straight to the hub's service (no HTTP); `cursor`: the
    deliveries the station says it has fetched (a bulletin after it is not credited to the station)."""
    from broadcaster.hub import station_api
    from broadcaster.store import hublink as store

    with station.station.db.session() as session:
        records = store.records_from(session, first, 1000)
        sources = store.sources_for(session, {i.item_id for r in records for i in r.items})
    body = protocol.records_body(station.key, station.code, records, sources, cursor, now or hub.now())
    return station_api.records(hub, signed(station, "POST", protocol.PATH_RECORDS, body, now or hub.now()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def broadcaster_command() -> list[str]:
    script = Path(sys.executable).with_name("broadcaster")
    return [str(script)] if script.exists() else [sys.executable, "-m", "broadcaster"]


class HubServer:
    """`broadcaster hub serve` as its own process (uvicorn), on a free port."""

    def __init__(self, folder: Path, url: str, hub_config: Path | None = None) -> None:
        self.folder, self.db_url, self.hub_config = folder, url, hub_config
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = folder / "hub-server.log"

    def args(self, *command: str) -> list[str]:
        args = [*broadcaster_command(), "hub", "--database", self.db_url, "--key", str(self.folder / "hub-key.pem")]
        if self.hub_config is not None:
            args += ["--hub-config", str(self.hub_config)]
        return [*args, *command]

    def start(self, timeout: float = 30, *options: str) -> HubServer:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.args("serve", "--port", str(self.port), *options),
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                env={**os.environ},
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"hub exited ({self.proc.returncode}):\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}{protocol.PATH_HUB}", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"hub did not start in {timeout} s:\n{self.log.read_text()}")

    def kill(self) -> None:
        """As a crash or power cut would stop it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def run(self, *command: str) -> str:
        """A `broadcaster hub ...` command against this hub's database; its stdout."""
        done = subprocess.run(self.args(*command), capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout


def linked_station(folder: Path, code: str, server: HubServer, name: str | None = None) -> StationFolder:
    """A station linked to `server` (hub-link) and registered there (hub stations add)."""
    station = make_station(folder, code)
    station.cli.ok("hub-link", "--url", server.url, "--station", code)
    server.run("stations", "add", code, "--name", name or f"Xã {code}", "--public-key", station.public_key)
    station.reopen()
    return station
