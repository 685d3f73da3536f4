"""SIGHUP (systemctl reload): the config is read again; a new output is used and logged, a bad file is refused."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.onair.helpers import (
    DaemonProcess,
    add_news,
    aired_files,
    make_station,
    render_all,
    set_programme,
    slot_in,
)

pytestmark = pytest.mark.slow


def test_a_new_output_folder_after_sighup_is_where_the_next_slot_airs_and_what_its_record_names(
    tmp_path: Path,
) -> None:
    cli = make_station(tmp_path)
    add_news(cli)
    render_all(cli)
    slot = slot_in(10)
    set_programme(cli, [slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        cli.config.write_text(cli.config.read_text().replace('dir = "aired"', 'dir = "aired-new"'))
        daemon.signal(signal.SIGHUP)
        daemon.wait_for(lambda: "config reloaded" in daemon.stderr, 10, "the reload")
        record = daemon.wait_record(lambda r: r["slot"] == slot.name, timeout=30, what="the slot's record")
        assert daemon.stop() == 0
    finally:
        daemon.close()

    new_folder = tmp_path / "aired-new"
    assert record["status"] == "completed"
    assert (record["output"], record["device"]) == (f"file:{new_folder}", str(new_folder))
    assert len(list(new_folder.glob("*.wav"))) == 1 and aired_files(cli) == []


def test_sighup_with_a_broken_config_keeps_the_running_one(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    add_news(cli)
    render_all(cli)
    slot = slot_in(10)
    set_programme(cli, [slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        good = cli.config.read_text()
        cli.config.write_text(good.replace("late_grace_minutes = ", "late_grace_minutes = = "))
        daemon.signal(signal.SIGHUP)
        daemon.wait_for(lambda: "config not reloaded, keeping the running one" in daemon.stderr, 10, "the refusal")
        cli.config.write_text(good)  # the CLI reading the log needs a good file too (no SIGHUP: nothing reloads)
        record = daemon.wait_record(lambda r: r["slot"] == slot.name, timeout=30, what="the slot's record")
        assert daemon.stop() == 0
    finally:
        daemon.close()
    assert record["status"] == "completed" and len(aired_files(cli)) == 1
