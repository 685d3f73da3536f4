"""What the district types when sending a bulletin, checked as the commune would count it: the plan's
topics, an emergency's days, the number of airings on the pages; and times shown in the hub's time."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from broadcaster.cli import cli
from broadcaster.hub import bulletins, station_api, stations
from broadcaster.hub.service import Hub
from broadcaster.hub.settings import HubSettings
from broadcaster.hublink import protocol
from broadcaster.i18n import _, activate
from tests.fakes import FakeClock
from tests.hub.conftest import HubSite
from tests.hub.helpers import StationFolder, make_station, signed


class HubCommand:
    """`broadcaster hub ...` on one hub's database (in English, as the tests' command line speaks)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.url = f"sqlite:///{folder / 'hub.db'}"
        self.key = folder / "hub-key.pem"
        self.station: StationFolder | None = None  # the commune registered there
        assert self("init").exit_code == 0

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["hub", "--database", self.url, "--key", str(self.key), *args])

    def hub(self, clock: FakeClock | None = None) -> Hub:
        return Hub(HubSettings(database=self.url, key_file=self.key), clock)


@pytest.fixture
def hub_command(tmp_path: Path) -> Iterator[HubCommand]:
    command = HubCommand(tmp_path / "hub")
    hub = command.hub()
    command.station = make_station(tmp_path / "sk1", "SK1")
    stations.add_station(hub, "SK1", "Sơn Kim 1", command.station.public_key)
    hub.close()
    yield command


def add(command: HubCommand, *options: str) -> Result:
    return command("bulletins", "add", "--title", "Tin", "--text", "Nội dung.", "--to", "SK1", *options)


def test_a_topic_outside_the_plan_is_refused_with_the_codes_and_a_suggestion(hub_command: HubCommand) -> None:
    typo = add(hub_command, "--topic", "thu-tuk", "--approved-by", "A")
    assert typo.exit_code == 1
    assert "Error: Unknown topic 'thu-tuk'. Did you mean 'thu-tuc'? Give one of the topic codes: y-nghia, " in (
        typo.output
    )
    unknown = add(hub_command, "--topic", "khong-co", "--approved-by", "A")
    assert unknown.exit_code == 1 and "Unknown topic 'khong-co'." in unknown.output
    assert "mot-cua" in unknown.output and "thu-tuc" in unknown.output  # every code of the plan
    listed = hub_command("bulletins", "list")
    assert "Tin" not in listed.output  # nothing was queued for the communes
    assert add(hub_command, "--topic", "mot-cua", "--approved-by", "A").exit_code == 0


def test_the_plan_topics_are_the_ten_every_station_ships_with() -> None:
    assert len(bulletins.plan_topics()) == 10 and "thu-tuc" in bulletins.plan_topics()


def test_an_emergency_starting_later_without_a_last_day_says_it_is_for_today_only(hub_command: HubCommand) -> None:
    later = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + timedelta(days=29)
    refused = add(hub_command, "--topic", "thu-tuc", "--priority", "emergency", "--from", later.isoformat())
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines()[-1] == (
        f"Error: An emergency without a last day is for today only; its first day cannot be {later:%d/%m/%Y}. "
        "Give its last day too, or leave out the first day to send it today."
    )
    until = (later + timedelta(days=1)).isoformat()
    assert (
        add(
            hub_command, "--topic", "thu-tuc", "--priority", "emergency", "--from", later.isoformat(), "--until", until
        ).exit_code
        == 0
    )
    assert add(hub_command, "--topic", "thu-tuc", "--priority", "emergency").exit_code == 0


def test_letters_in_the_number_of_airings_are_not_reported_as_zero(hub_site: HubSite) -> None:
    editor = hub_site.as_role("editor")
    form = {"title": "Lịch tiếp công dân", "topic": "thu-tuc", "priority": "normal", "text": "Nội dung."}
    refused = editor.post("/bulletins", data=form | {"airings": "abc", "to": ["SK1"]})
    assert refused.status_code == 400
    page = html.unescape(refused.text)
    with activate("vi"):  # the pages' language; the words of the catalog once it has them
        said = _("The number of airings must be a whole number from 1 to 1000, not '{text}'.").format(text="abc")
    assert said in page and "không phải 0" not in page
    assert bulletins.list_bulletins(hub_site.hub) == []


# ----------------------------------------------------------------------- the hub's time

CONTACT = datetime(2026, 12, 3, 1, 27, tzinfo=UTC)  # 08:27 at the district


@pytest.fixture
def server_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A hub on a server whose clock is set to UTC, as many are."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_last_contact_is_shown_in_the_hubs_time_on_a_utc_server(hub_command: HubCommand, server_in_utc: None) -> None:
    assert hub_command.station is not None
    hub = hub_command.hub(FakeClock(CONTACT))
    station_api.exchange(hub, signed(hub_command.station, "POST", protocol.PATH_EXCHANGE, {"cursor": 0}, CONTACT))
    hub.close()

    listed = hub_command("stations", "list").output
    assert "2026-12-03 08:27" in listed, listed
    report = hub_command("report", "--period", "2026-12").output
    assert "03/12/2026 08:27" in report and "01:27" not in report


def test_the_district_csv_does_not_let_a_title_run_as_a_formula(hub_command: HubCommand) -> None:
    """The district opens the CSV in Excel: a bulletin title typed as a formula stays text there."""
    import csv
    import io

    title = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
    added = hub_command("bulletins", "add", "--title", title, "--text", "X.", "--to", "SK1",
                        "--topic", "thu-tuc", "--approved-by", "A")  # fmt: skip
    assert added.exit_code == 0, added.output
    sheet = hub_command("report", "--period", f"{datetime.now(ZoneInfo('Asia/Ho_Chi_Minh')):%Y}", "--format", "csv")
    rows = list(csv.reader(io.StringIO(sheet.stdout_bytes.decode("utf-8-sig"))))
    assert ["'" + title] == [cell for row in rows for cell in row if "HYPERLINK" in cell]
