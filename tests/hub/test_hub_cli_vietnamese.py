"""The district's command line and the station's `hub-link` / `sync` speak Vietnamese (QA findings #4-#7, #13).

A district officer and a commune technician work through the hub as docs/hub.md tells them to, with
BROADCASTER_LANG=vi: set up the hub, link and register a station, send and approve bulletins, sync, see
the station's log flagged as forked and clear the flag. Every line printed must be free of English
(tests/test_vietnamese_output.py's rule). The evidence checks' and the bulletin checks' reasons, the
hub config's problems and the API's 405 are held to the same rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from broadcaster import i18n, signing
from broadcaster.airlog import canonical_doc, hash_canonical
from broadcaster.cli import cli
from broadcaster.hub import continuity
from broadcaster.hub.service import Hub
from broadcaster.hublink import protocol
from broadcaster.store import hublink as station_store
from tests.english import english_run
from tests.hub.helpers import StationFolder, air, aired, make_hub, make_station
from tests.hub.in_process import HUB_URL, hub_in_process
from tests.test_vietnamese_output import OUTPUT_WORDS, english_in

VI = {"BROADCASTER_LANG": "vi"}


pytestmark = pytest.mark.usefixtures("keep_the_process_language")  # tests/conftest.py


def run(args: list[str]) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, args, env=VI, catch_exceptions=True)


def english_left(messages: list[str]) -> list[str]:
    return [f"English {found!r} in {m!r}" for m in messages if (found := english_run(m, run=2, words=OUTPUT_WORDS))]


class District:
    """The hub's command line (`broadcaster hub --database ... --key ...`) and one station's."""

    def __init__(self, hub: Hub, station: StationFolder, folder: Path) -> None:
        self.hub, self.station, self.folder = hub, station, folder
        self.base = ["hub", "--database", hub.settings.database, "--key", str(hub.settings.key_file)]
        self.data: tuple[str, ...] = ("Phòng VH-TT huyện Hương Sơn", "Sơn Kim 1", station.public_key)
        self.data += (hub.public_key, hub.fingerprint, signing.fingerprint(station.public_key))

    def at_hub(self, *args: str) -> Result:
        return run([*self.base, *args])

    def at_station(self, *args: str) -> Result:
        return run(["--config", str(self.station.cli.config), *args])

    def known(self, *texts: str) -> None:
        """What the district and the station typed or were given (names, keys, ids): data, not English."""
        self.data = (*self.data, *texts)


@pytest.fixture
def district(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[District]:
    hub = make_hub(tmp_path / "hub", f"sqlite:///{tmp_path}/hub/hub.db")
    station = make_station(tmp_path / "sk1", "SK1")
    with hub_in_process(hub, monkeypatch):
        yield District(hub, station, tmp_path)
    hub.close()


def _edit_airing(station: StationFolder, seq: int) -> None:
    """Change an airing in the station's database and reseal it: the hub's copy now differs."""
    with station.station.db.session() as session:
        session.execute(text("UPDATE airings SET duration_ms = 5000 WHERE seq = :s"), {"s": seq})
        record = station_store.records_from(session, seq, 1)[0]
        new_hash = hash_canonical(record.prev_hash, canonical_doc(record))
        session.execute(text("UPDATE airings SET hash = :h WHERE seq = :s"), {"h": new_hash, "s": seq})


def test_the_hub_and_the_link_speak_vietnamese(district: District) -> None:
    problems: list[str] = []

    def check(what: str, result: Result) -> Result:
        problems.extend(english_in(result, what, district.data))
        return result

    check("hub init", district.at_hub("init"))
    check("hub key", district.at_hub("key"))
    check("hub stations list (none)", district.at_hub("stations", "list"))
    check("hub bulletins list (none)", district.at_hub("bulletins", "list"))

    check("hub-link --url", district.at_station("hub-link", "--url", HUB_URL, "--station", "SK1"))
    check("hub-link (not registered yet)", district.at_station("hub-link"))
    added = ["stations", "add", "SK1", "--name", "Sơn Kim 1", "--public-key", district.station.public_key]
    check("hub stations add", district.at_hub(*added))
    check("hub stations list", district.at_hub("stations", "list"))

    bulletin = ["bulletins", "add", "--title", "Lịch tiếp công dân", "--topic", "thu-tuc", "--text", "Thứ năm."]
    published = check("hub bulletins add", district.at_hub(*bulletin, "--to", "SK1", "--approved-by", "Nguyễn Thị Hoa"))
    urgent = ["--title", "Khẩn: bão", "--priority", "emergency", "--to", "all"]
    pending = check("hub bulletins add (pending)", district.at_hub(*bulletin, *urgent))
    ids = (published.stdout.strip(), pending.stdout.strip())
    district.known(*ids, "Lịch tiếp công dân", "Khẩn: bão", "Nguyễn Thị Hoa", "Lê Văn Duyệt")
    check("hub bulletins approve", district.at_hub("bulletins", "approve", ids[1], "--by", "Lê Văn Duyệt"))
    check("hub bulletins list", district.at_hub("bulletins", "list"))

    check("sync", district.at_station("sync"))
    check("sync (nothing new)", district.at_station("sync"))
    station, _hub = district.station.reopen()
    air(station, datetime.now(UTC) - timedelta(minutes=5), [aired(1, 25.0)])
    check("sync (records)", district.at_station("sync"))
    check("hub-link", district.at_station("hub-link"))
    check("hub stations list (synced)", district.at_hub("stations", "list"))
    report = ["report", "--period", f"{datetime.now(UTC):%Y}", "--format", "csv"]
    check("hub report", district.at_hub(*report, "-o", str(district.folder / "bao-cao.csv")))

    _edit_airing(district.station, 1)
    air(station, datetime.now(UTC), [aired(2, 25.0)])
    refused = district.at_station("sync")
    assert refused.exit_code == 1 and "#1" in refused.stderr
    problems += english_left(refused.stderr.splitlines())
    check("hub-link (forked)", district.at_station("hub-link"))
    check("hub stations list (forked)", district.at_hub("stations", "list"))
    check("hub stations unfork", district.at_hub("stations", "unfork", "SK1", "--note", "Đã kiểm tra tại xã"))
    assert not problems, "\n".join(problems)


def test_the_hub_config_check_speaks_vietnamese(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(
        '[hub]\ndatabse = "x"\ntimezone = "Asia/Hanoi2"\nrequest_window_seconds = -5\npage_size = 0\n'
        'max_records = 1\n[web]\nupload_limit_mb = 500\nsession_hours = 0\nlanguage = "fr"\n[reprot]\n',
        encoding="utf-8",
    )
    result = run(["hub", "--hub-config", str(config), "stations", "list"])
    lines = [line for line in result.stderr.splitlines() if line.strip().startswith("- ")]
    assert result.exit_code == 1 and len(lines) == 9, result.stderr
    assert not english_left(lines), "\n".join(english_left(lines))


def test_why_records_and_bulletins_are_refused_is_said_in_vietnamese() -> None:
    docs: list[object] = [
        [],
        {"v": 1},
        {"v": 1, "seq": 1, "x": 1.5},
        {"v": 1, "seq": 1, "x": "Xa\u0303"},
        {"v": 1, "seq": 1, "x": b"x"},
        {"v": 1, "seq": 1, "x": [[[[[[[[[1]]]]]]]]]},
    ]
    envelope = protocol.envelope_doc(
        protocol.Envelope(
            "b1", "normal", "T", "thu-tuc", "x", None, None, None, 1, "A", datetime.now(UTC), "H", ("all",)
        )
    )
    envelopes: list[object] = [
        [],
        envelope | {"v": 2},
        envelope | {"v": None},
        envelope | {"priority": "urgent"},
        envelope | {"airings": 0},
        envelope | {"text": None},
        envelope | {"approved_at": "x"},
        envelope | {"to": []},
        envelope | {"valid_until": "31/12"},
        envelope | {"id": "x" * 65},
        envelope | {"audio": 1},
        envelope | {"audio": {"sha256": "x"}},
        envelope | {"audio": {"sha256": "0" * 64, "bytes": -1}},
    ]
    messages: list[str] = []
    with i18n.activate("vi"):
        for doc in docs:
            _parsed, problem = continuity.parse_entries([{"hash": "0" * 64, "doc": doc}] if doc else [])
            assert problem is not None
            messages.append(problem.message)
        entries, _none = continuity.parse_entries([{"hash": "0" * 64, "doc": {"v": 1, "seq": 3}}])
        gap = continuity.check_batch(entries, 1, {1: "0" * 64}).problem
        altered = continuity.check_batch(entries[:1], 2, {2: "0" * 64}).problem
        fork = continuity.check_batch(entries, 3, {2: "0" * 64, 3: "1" * 64}).problem
        messages += [p.message for p in (gap, altered, fork) if p is not None]
        for doc in envelopes:
            with pytest.raises(ValueError) as refused:
                protocol.parse_envelope(doc)
            messages.append(str(refused.value))
    assert len(messages) == len(docs) + 3 + len(envelopes)
    assert not english_left(messages), "\n".join(english_left(messages))


def test_the_stations_api_says_which_requests_an_address_takes_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = make_hub(tmp_path / "hub", f"sqlite:///{tmp_path}/hub/hub.db")
    i18n.set_language("vi")  # process-wide: the test client answers from a thread of its own
    with hub_in_process(hub, monkeypatch) as client:
        answer = client.get(protocol.PATH_EXCHANGE)
    hub.close()
    assert answer.status_code == 405 and answer.json()["error"] == "http"
    message = json.loads(answer.text)["message"]
    assert "GET" in message and not english_left([message]), message
