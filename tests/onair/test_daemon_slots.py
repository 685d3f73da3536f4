"""The daemon, run as a real process, airs a slot on its second and logs what it aired."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import StationCLI, write_config
from tests.onair.helpers import (
    DaemonProcess,
    add_news,
    aired_files,
    broadcaster_command,
    bulletin_file,
    item_json,
    make_station,
    render_all,
    seconds_between,
    sha256_of_pcm,
    slot_in,
    when,
)

pytestmark = pytest.mark.slow

# File output waits for the slot on the monotonic clock; a loaded CI box still starts within this.
START_TOLERANCE_S = 0.15


def test_a_slot_a_few_seconds_ahead_airs_on_time_and_is_logged(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    item_id = add_news(cli)
    render_all(cli)
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        slot = slot_in(4)
        daemon.use_programme([slot])
        record = daemon.wait_record(lambda r: r["status"] != "missed", timeout=25, what="the slot's airing")
        assert daemon.stop() == 0
    finally:
        daemon.close()

    assert record["status"] == "completed", record
    assert (record["kind"], record["slot"]) == ("slot", slot.name)
    assert when(record["scheduled_at"]) == slot.at
    assert abs(seconds_between(when(record["started_at"]), slot.at)) < START_TOLERANCE_S
    # what was written is what the log says aired, byte for byte, and it is the bulletin assembled for the slot
    [aired] = aired_files(cli)
    assert record["audio_sha256"] == sha256_of_pcm(aired) == sha256_of_pcm(bulletin_file(cli, record))
    assert abs(record["duration_seconds"] - (aired.stat().st_size - 44) / 2 / 44100) < 0.01
    [item] = record["items"]
    assert item["item_id"] == item_id and item["completed"] is True
    assert (item["engine"], item["voice"]) == ("espeak", "vi")
    # after the opening jingle (0.4 s) and the ident; before the closing line and jingle
    assert 0.7 < item["offset_seconds"] < record["duration_seconds"] - 1.0
    assert 0.5 < item["duration_seconds"] < record["duration_seconds"]
    assert item_json(cli, item_id)["airings_done"] == 1
    assert "intact: 1 airings" in cli.ok("log", "verify")
    assert "Station daemon stopped." in daemon.stderr


def test_an_empty_slot_is_recorded_as_empty(tmp_path: Path) -> None:
    slot = slot_in(3)
    cli = make_station(tmp_path, [slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        record = daemon.wait_record(lambda r: True, timeout=15, what="the empty slot's record")
        assert daemon.stop() == 0
    finally:
        daemon.close()
    assert (record["status"], record["slot"], record["duration_seconds"]) == ("empty", slot.name, 0.0)
    assert record["reason"] == "no news item was waiting for this slot"
    assert record["audio_sha256"] is None and record["items"] == []
    assert aired_files(cli) == []


@pytest.mark.parametrize("other_config", [False, True], ids=["same-config", "other-config-same-database"])
def test_a_second_daemon_on_the_same_database_refuses_and_names_the_first(
    tmp_path: Path, db_url: str, other_config: bool
) -> None:
    """One daemon per database, whatever config file points at it: two would air every slot twice."""
    cli = make_station(tmp_path / "station", db_url=db_url)
    config = cli.config
    if other_config:
        # another folder (its own data folder), the same database
        database = f"sqlite:///{cli.config.parent / 'station.db'}" if db_url.startswith("sqlite") else db_url
        (tmp_path / "other").mkdir()
        config = write_config(tmp_path / "other", database)
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        second = subprocess.run(
            [*broadcaster_command(), "--config", str(config), "run", "--for", "5"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert daemon.proc.poll() is None, "the first daemon must keep running"
        status = json.loads(StationCLI(config).ok("status", "--json"))
        assert status["daemon_pid"] == daemon.proc.pid
        assert daemon.stop() == 0
    finally:
        daemon.close()
    assert second.returncode == 1
    errors = [line for line in second.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, second.stderr
    assert errors[0].startswith(
        "Error: This station's database is already on air: another broadcaster daemon "
        f"(pid {daemon.proc.pid} on this computer, config {cli.config}, started "
    ), errors[0]
    assert errors[0].endswith(
        "Stop that daemon first (systemctl stop broadcaster, or kill that pid); only one may air a database, "
        "whichever config file points at it."
    )
