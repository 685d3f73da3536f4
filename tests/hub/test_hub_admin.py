"""The district's own administration at the hub: its users (`hub users ...`), clearing a station's
fork flag after looking into it (`hub stations unfork`), and a station's new key (`hub stations rekey`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from broadcaster.airlog import canonical_doc, hash_canonical
from broadcaster.cli import cli
from broadcaster.hub import stations
from broadcaster.hub.audit import AUDIT
from broadcaster.hub.auth import HubAPIError
from broadcaster.hub.service import Hub
from broadcaster.hub.users import accounts
from broadcaster.hublink import protocol
from broadcaster.store import hublink as station_store
from broadcaster.web.accounts import LoginRefused, NotAllowed
from tests.fakes import FakeClock
from tests.hub.helpers import StationFolder, air, aired, make_hub, make_station, push_records, signed
from tests.hub.test_hub_cli import HubCLI

NOW = datetime(2021, 3, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def hub(tmp_path: Path, hub_url: str) -> Iterator[Hub]:
    made = make_hub(tmp_path / "hub", hub_url, FakeClock(NOW))
    yield made
    made.close()


@pytest.fixture
def hub_cli(hub: Hub, tmp_path: Path) -> HubCLI:
    return HubCLI(hub.settings.database, tmp_path / "hub")


@pytest.fixture
def sk1(tmp_path: Path, hub: Hub) -> StationFolder:
    station = make_station(tmp_path / "sk1", "SK1", hub.clock)
    stations.add_station(hub, "SK1", "Sơn Kim 1", station.public_key)
    return station


def run(hub_cli: HubCLI, *args: str, typed: str | None = None) -> tuple[int, str, str]:
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()
    result = runner.invoke(cli, [*hub_cli.base, *args], input=typed, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------ users


def test_district_users_have_the_hub_roles_and_the_station_accounts_rules(
    hub: Hub, hub_cli: HubCLI, tmp_path: Path
) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text("mat-khau-bien-tap\n", encoding="utf-8")
    out = hub_cli.ok(
        "users", "add", "bientap", "--role", "editor", "--full-name", "Lê Thị Biên", "--password-file", str(secret)
    )
    assert out.strip() == "Added bientap (Editor)."
    # A station role is not a district role.
    code, _out, err = run(hub_cli, "users", "add", "kythuat", "--role", "technician")
    assert code == 2 and "'technician' is not one of 'editor', 'approver', 'viewer'" in err
    assert "There is already a user named 'BienTap'" in hub_cli.fails("users", "add", "BienTap", "--role", "viewer")

    # Enter at the prompt: a one-time password, to be changed at the first login.
    code, out, _err = run(hub_cli, "users", "add", "truongphong", "--role", "approver", typed="\n")
    assert code == 0 and "One-time password for truongphong: " in out
    one_time = out.split("One-time password for truongphong: ")[1].split()[0]
    users = accounts(hub)
    assert users.authenticate("truongphong", one_time).must_change_password
    with pytest.raises(LoginRefused):
        users.authenticate("bientap", "sai-mat-khau")

    listed = hub_cli.ok("users", "list")
    assert "bientap" in listed and "editor" in listed and "must choose a password" in listed
    hub_cli.ok("users", "disable", "bientap")
    assert "disabled" in hub_cli.ok("users", "list").splitlines()[0]
    with pytest.raises(NotAllowed) as disabled:
        users.authenticate("bientap", "mat-khau-bien-tap")
    assert disabled.value.hint is not None and "broadcaster hub users enable" in disabled.value.hint
    assert "Run `broadcaster hub users list`" in hub_cli.fails("users", "passwd", "khong-co")

    # Every change is in the hub's own audit trail, which verifies.
    with hub.db.session() as session:
        actions = [e.action for e in AUDIT.entries(session, limit=20)]
        assert {"user.add", "user.disable", "login", "login.failed"} <= set(actions)
        assert AUDIT.verify(session).ok


# ------------------------------------------------------------ unfork


def _edit_airing(station: StationFolder, seq: int, duration_ms: int) -> None:
    """Change an airing in the station's database and reseal its hash, so the station's own check passes."""
    with station.station.db.session() as session:
        session.execute(text("UPDATE airings SET duration_ms = :d WHERE seq = :s"), {"d": duration_ms, "s": seq})
        record = station_store.records_from(session, seq, 1)[0]
        session.execute(
            text("UPDATE airings SET hash = :h WHERE seq = :s"),
            {"h": hash_canonical(record.prev_hash, canonical_doc(record)), "s": seq},
        )


def test_unfork_clears_the_flag_and_records_why_and_a_log_that_still_differs_is_flagged_again(
    hub: Hub, hub_cli: HubCLI, sk1: StationFolder
) -> None:
    for n in range(3):
        air(sk1.station, NOW + timedelta(hours=n), [aired(10 + n, 30.0)])
    push_records(hub, sk1)
    with sk1.station.db.session() as session:
        genuine = session.execute(text("SELECT duration_ms, hash FROM airings WHERE seq = 3")).one()
    _edit_airing(sk1, 3, 5000)
    with pytest.raises(HubAPIError):
        push_records(hub, sk1, first=3)
    assert stations.get_station(hub, "SK1").forked

    assert "Say what the district found" in hub_cli.fails("stations", "unfork", "SK1", "--note", "  ")
    assert "There is no station SK9" in hub_cli.fails("stations", "unfork", "SK9", "--note", "x")
    out = hub_cli.ok("stations", "unfork", "SK1", "--note", "Kiểm tra tại xã 11/03: sửa nhầm, đã khôi phục")
    assert "Cleared the fork flag of SK1 (Sơn Kim 1)" in out
    info = stations.get_station(hub, "SK1")
    assert not info.forked and info.problem is None and info.problem_seq is None
    with hub.db.session() as session:
        (entry,) = AUDIT.entries(session, action="station.unfork")
    assert entry.target == "station:SK1" and entry.actor.startswith("cli")
    assert "Kiểm tra tại xã 11/03" in entry.details and "Airing #3 differs" in entry.details
    assert "is not flagged as forked" in hub_cli.fails("stations", "unfork", "SK1", "--note", "again")

    # The station still sends the edited log: flagged again at once.
    with pytest.raises(HubAPIError) as again:
        push_records(hub, sk1, first=3)
    assert again.value.status == 409 and stations.get_station(hub, "SK1").forked

    # The commune restores its genuine log: after the district clears the flag, its syncs are accepted.
    with sk1.station.db.session() as session:
        session.execute(
            text("UPDATE airings SET duration_ms = :d, hash = :h WHERE seq = 3"),
            {"d": genuine.duration_ms, "h": genuine.hash},
        )
    hub_cli.ok("stations", "unfork", "SK1", "--note", "Đã khôi phục nhật ký gốc")
    air(sk1.station, NOW + timedelta(hours=5), [aired(20)])
    assert push_records(hub, sk1, first=3)["receipt"]["count"] == 4
    assert not stations.get_station(hub, "SK1").forked


# ------------------------------------------------------------ rekey


def _exchange(hub: Hub, station: StationFolder) -> dict[str, object]:
    from broadcaster.hub import station_api

    return station_api.exchange(hub, signed(station, "POST", protocol.PATH_EXCHANGE, {"cursor": 0}, hub.now()))


def test_rekey_replaces_the_key_a_station_signs_with(
    hub: Hub, hub_cli: HubCLI, sk1: StationFolder, tmp_path: Path
) -> None:
    replaced = make_station(tmp_path / "sk1-new-pc", "SK1", hub.clock)  # the commune's new PC, same code
    other = make_station(tmp_path / "st", "ST", hub.clock)
    stations.add_station(hub, "ST", "Sơn Tây", other.public_key)
    with pytest.raises(HubAPIError) as before:
        _exchange(hub, replaced)
    assert before.value.code == "bad_signature"

    assert "is not an Ed25519 public key" in hub_cli.fails("stations", "rekey", "SK1", "--public-key", "abc")
    assert "already has this key" in hub_cli.fails("stations", "rekey", "SK1", "--public-key", sk1.public_key)
    assert "already registered for station ST" in hub_cli.fails(
        "stations", "rekey", "SK1", "--public-key", other.public_key
    )
    out = hub_cli.ok("stations", "rekey", "SK1", "--public-key", replaced.public_key)
    info = stations.get_station(hub, "SK1")
    assert info.public_key == replaced.public_key and info.fingerprint in out

    assert _exchange(hub, replaced)["acknowledged"] == {"count": 0, "hash": "0" * 64}
    with pytest.raises(HubAPIError) as old:
        _exchange(hub, sk1)
    assert old.value.code == "bad_signature"
    with hub.db.session() as session:
        (entry,) = AUDIT.entries(session, action="station.rekey")
    assert entry.target == "station:SK1" and info.fingerprint in entry.details


def test_registering_clearing_and_rekeying_need_the_hub_set_up(tmp_path: Path) -> None:
    bare = HubCLI(f"sqlite:///{tmp_path}/empty.db", tmp_path)
    assert "Run `broadcaster hub init`" in bare.fails("stations", "unfork", "SK1", "--note", "x")
    assert "Run `broadcaster hub init`" in bare.fails("users", "list")


# ------------------------------------------------------------ serving from several processes


def _worker_pids(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == parent:
                pids.append(int(entry.name))
    return pids


@pytest.mark.postgres
@pytest.mark.slow  # a real hub with two worker processes
def test_two_worker_processes_serve_the_stations_and_the_pages_on_postgresql(tmp_path: Path) -> None:
    import time

    import httpx

    from tests.conftest import PG_URL
    from tests.hub.helpers import HubServer, linked_station, pg_hub_url

    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    folder = tmp_path / "hub"
    folder.mkdir()
    server = HubServer(folder, pg_hub_url())
    server.run("init")
    server.start(60, "--workers", "2")
    try:
        assert server.proc is not None
        deadline = time.monotonic() + 30
        while len(_worker_pids(server.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_worker_pids(server.proc.pid)) >= 2  # uvicorn's supervisor and its two workers
        station = linked_station(tmp_path / "sk1", "SK1", server)
        air(station.station, datetime.now(UTC) - timedelta(hours=1), [aired(1)])
        for _ in range(3):  # whichever process answers, the chain and the nonces are the database's
            station.cli.ok("sync")
        assert stations.get_station(Hub(_settings(server)), "SK1").records == 1
        assert httpx.get(f"{server.url}/login").status_code == 200  # the pages too
    finally:
        server.stop()


def _settings(server: object) -> object:
    from broadcaster.hub.settings import HubSettings

    return HubSettings(database=server.db_url, key_file=server.folder / "hub-key.pem")  # type: ignore[attr-defined]


def test_a_hub_on_sqlite_serves_from_one_process(tmp_path: Path) -> None:
    hub_cli = HubCLI(f"sqlite:///{tmp_path}/hub.db", tmp_path)
    hub_cli.ok("init")
    assert hub_cli.fails("serve", "--workers", "2") == (
        "Error: A hub on SQLite serves from one process only. "
        "Leave out --workers, or move the hub to PostgreSQL for a province."
    )
