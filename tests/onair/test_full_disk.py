"""A full disk: the bulletin still airs, and its record survives a stop until the disk has room.

The station (database, speech cache, data folder) lives on a small tmpfs filled to the last byte;
the file output writes to another disk, as a sound card would need no disk at all.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.onair.helpers import (
    DaemonProcess,
    add_news,
    airing_log,
    item_json,
    make_station,
    render_all,
    set_programme,
    sleep_until,
    slot_in,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill_to_the_last_byte(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 1):  # then what is left, smaller than a block, byte by byte
            block = bytes(size)
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
    return filler


def test_a_full_disk_airs_the_bulletin_and_keeps_its_record_across_a_stop(tmp_path: Path, small_disk: Path) -> None:
    cli = make_station(small_disk / "station")
    aired_dir = tmp_path / "aired"
    cli.config.write_text(cli.config.read_text().replace('dir = "aired"', f'dir = "{aired_dir}"'))
    item = add_news(cli)
    render_all(cli)
    morning, noon = slot_in(12, "Sáng"), slot_in(22, "Trưa")
    set_programme(cli, [morning, noon])
    daemon = DaemonProcess(cli, log_dir=tmp_path)
    try:
        daemon.wait_started()
        filler = fill_to_the_last_byte(small_disk)
        sleep_until(morning.at)
        daemon.wait_for(lambda: daemon.stderr.count("could not be logged") >= 2, 30, "both records refused")
        assert daemon.stop() == 0
    finally:
        daemon.close()
    # the bulletin aired in full although nothing could be written on the station's disk
    [aired] = sorted(aired_dir.glob("*.wav"))
    assert aired.stat().st_size > 44
    assert airing_log(cli) == []  # the database took nothing while the disk was full

    filler.unlink()
    again = DaemonProcess(cli, log_dir=tmp_path)
    try:
        again.wait_started()
        assert again.stop() == 0
    finally:
        again.close()
    records = airing_log(cli)
    assert [(r["slot"], r["status"]) for r in records] == [("Sáng", "completed"), ("Trưa", "empty")], records
    assert [i["item_id"] for i in records[0]["items"]] == [item]
    assert "late" not in (records[0]["reason"] or "") and "crash" not in (records[0]["reason"] or "")
    assert item_json(cli, item)["airings_done"] == 1
    assert "The airing log is intact: 2 airings" in cli.ok("log", "verify")
