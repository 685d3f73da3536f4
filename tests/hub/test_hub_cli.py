"""`broadcaster hub ...` as the district's officer uses it: every error says what to do next."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from docx import Document

from broadcaster.cli import cli
from broadcaster.hub import stations
from broadcaster.hub.service import Hub
from broadcaster.hub.settings import HubSettings
from tests.hub.helpers import air, aired, make_station, push_records


class HubCLI:
    def __init__(self, url: str, folder: Path) -> None:
        self.base = ["hub", "--database", url, "--key", str(folder / "hub-key.pem")]
        self.folder = folder
        self.url = url

    def __call__(self, *args: str) -> Result:
        try:
            runner = CliRunner(mix_stderr=False)  # click 8.1
        except TypeError:
            runner = CliRunner()
        return runner.invoke(cli, [*self.base, *args], catch_exceptions=False)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, result.output + result.stderr
        return result.stdout

    def fails(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 1, result.output
        (line,) = [x for x in result.stderr.splitlines() if x.startswith("Error: ")]
        return line


@pytest.fixture
def hub_cli(tmp_path: Path, hub_url: str) -> HubCLI:
    folder = tmp_path / "hub"
    folder.mkdir()
    return HubCLI(hub_url, folder)


def test_every_hub_command_needs_to_know_its_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADCASTER_HUB_DATABASE", raising=False)
    monkeypatch.delenv("BROADCASTER_HUB_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["hub", "stations", "list"])
    assert result.exit_code == 1
    assert "Error: Say which database the hub uses. Pass --database URL, set BROADCASTER_HUB_DATABASE" in result.output


def test_init_creates_the_schema_and_a_private_key_once(hub_cli: HubCLI) -> None:
    assert "The hub database" in hub_cli.fails("stations", "list") and "Run `broadcaster hub init`" in hub_cli.fails(
        "stations", "list"
    )
    out = hub_cli.ok("init")
    assert "Hub database created" in out and "(created;" in out and "Fingerprint:" in out
    assert stat.S_IMODE((hub_cli.folder / "hub-key.pem").stat().st_mode) == 0o600
    again = hub_cli.ok("init")
    assert "up to date" in again and "(kept;" in again
    assert again.splitlines()[2] == out.splitlines()[2]  # the same public key


def test_a_hub_config_file_reports_every_problem(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text('[hub]\ndatabse = "x"\npage_size = 0\n[reprot]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["hub", "--hub-config", str(config), "stations", "list"])
    assert "hub.databse: unknown config key. Did you mean 'database'?" in result.output
    assert "hub.page_size: must be between 1 and 500" in result.output
    assert "reprot: unknown section. Did you mean 'report'?" in result.output


def test_stations_and_bulletins(hub_cli: HubCLI, tmp_path: Path) -> None:
    hub_cli.ok("init")
    station = make_station(tmp_path / "sk1", "SK1")
    assert "is not an Ed25519 public key" in hub_cli.fails(
        "stations", "add", "SK1", "--name", "X", "--public-key", "abc"
    )
    assert "key fingerprint" in hub_cli.ok(
        "stations", "add", "SK1", "--name", "Sơn Kim 1", "--public-key", station.public_key
    )
    add = ["bulletins", "add", "--title", "Tin", "--topic", "thu-tuc", "--to", "SK1"]
    assert hub_cli.fails(*add) == "Error: Give the bulletin's text or its audio file, one of the two."
    assert "is already past" in hub_cli.fails(*add, "--text", "x", "--until", "2020-01-01")
    assert "There is no station SK2 at this hub. Did you mean 'SK1'?" in hub_cli.fails(*add[:-1], "SK2", "--text", "x")

    audio = tmp_path / "ban-tin.mp3"
    audio.write_bytes(b"ID3" + bytes(range(256)) * 40)
    pending = hub_cli.ok(*add, "--audio", str(audio), "--priority", "emergency").strip()
    (listed,) = json.loads(hub_cli.ok("bulletins", "list", "--json"))
    assert listed["state"] == "pending" and listed["addressed"] == 0
    assert listed["valid_until"] == datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()  # emergencies: today
    assert "queued for 1 station(s)" in hub_cli.ok("bulletins", "approve", pending, "--by", "Lê Văn Duyệt")
    (listed,) = json.loads(hub_cli.ok("bulletins", "list", "--json"))
    assert (listed["state"], listed["approved_by"], listed["to"]) == ("published", "Lê Văn Duyệt", ["SK1"])
    assert "SK1" in hub_cli.ok("stations", "list") and "waiting   1" in hub_cli.ok("stations", "list")


def test_the_district_report_in_every_format(hub_cli: HubCLI, tmp_path: Path) -> None:
    hub_cli.ok("init")
    hub = Hub(HubSettings(database=hub_cli.url, key_file=hub_cli.folder / "hub-key.pem"))
    sk1 = make_station(tmp_path / "sk1", "SK1")
    stations.add_station(hub, "SK1", "Sơn Kim 1", sk1.public_key)
    stations.add_station(hub, "SK2", "Sơn Kim 2", make_station(tmp_path / "sk2", "SK2").public_key)
    now = datetime.now(UTC)
    air(sk1.station, now - timedelta(hours=2), [aired(1, 60.0), aired(2, 30.0, offset=60.0)])
    air(sk1.station, now - timedelta(hours=1), [], status="missed")
    receipt = push_records(hub, sk1)["receipt"]
    hub.close()
    period = now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m")

    text_ = hub_cli.ok("report", "--period", period)
    assert "Sơn Kim 1" in text_ and f"SK1: 2:{receipt['hash']}" in text_ and "chưa kết nối" in text_

    rows = list(
        csv.reader(
            io.StringIO(hub_cli("report", "--period", period, "--format", "csv").stdout_bytes.decode("utf-8-sig"))
        )
    )
    assert rows[0][:3] == ["ma_xa", "ten_xa", "so_buoi"] and rows[1][:3] == ["SK1", "Sơn Kim 1", "2"]
    data = json.loads(hub_cli.ok("report", "--period", period, "--format", "json"))
    assert data["total"]["item_airings"] == 2 and data["total"]["ms"] == 90_000

    docx_path = tmp_path / "bao-cao.docx"
    hub_cli.ok("report", "--period", period, "--format", "docx", "-o", str(docx_path))
    document = Document(str(docx_path))
    words = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "BÁO CÁO" in words and "Sơn Kim 2" in words and f"2:{receipt['hash']}" in words
    assert "chưa kết nối, chưa gửi nhật ký về huyện" in words  # SK2 never synced
    png = tmp_path / "chart.png"
    hub_cli.ok("report", "--period", period, "--format", "png", "-o", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_serve_says_what_is_missing_before_it_starts(hub_cli: HubCLI) -> None:
    assert "Run `broadcaster hub init`" in hub_cli.fails("serve", "--port", "1")
    hub_cli.ok("init")
    (hub_cli.folder / "hub-key.pem").unlink()
    error = hub_cli.fails("serve", "--port", "1")
    assert "The hub's signing key" in error and "does not exist" in error
