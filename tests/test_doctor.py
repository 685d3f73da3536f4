"""`broadcaster doctor` on real stations: real ffmpeg, espeak-ng, database, disk, sound tools.

The configs here have no gTTS engine, and a guard makes any attempt to reach the
internet fail the test: doctor must be usable offline and fast.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from broadcaster.store.db import Database
from tests.audio_server import audio_server  # noqa: F401  (fixture)
from tests.conftest import StationCLI, write_config

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", None}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOCAL_HOSTS:
            raise AssertionError(f"doctor tried to reach {host} during a test")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


def doctor(station: StationCLI) -> tuple[int, list[str], str]:
    result = station("doctor")
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_all_checks_pass_on_a_ready_station(station_cli: StationCLI) -> None:
    code, lines, err = doctor(station_cli)
    assert code == 0, "\n".join(lines)
    assert err == ""
    folder = station_cli.config.parent
    assert lines[0] == f"ok       config: {station_cli.config} (10 topics, 3 slots)"
    assert lines[1].startswith(f"ok       database: {Database.head_revision()} at ")
    assert lines[2:6] == [
        "ok       ffmpeg: installed",
        "ok       gTTS (online voice): not used by this station's config",
        "ok       espeak-ng (offline voice): installed, with the Vietnamese voice",
        "ok       Piper (offline neural voice): not used by this station's config",
    ]
    assert lines[6].startswith("ok       disk space: ") and lines[6].endswith(f"GiB free on the disk holding {folder}")
    assert lines[7:] == [
        f"ok       audio output: dry run: airings are written as WAV files to {folder / 'aired'}",
        "ok       amplifier control: not configured (the amplifier is switched by hand)",
        "All checks passed.",
    ]


def test_database_never_initialised_is_a_problem_with_the_fix(tmp_path: Path, db_url: str) -> None:
    station = StationCLI(write_config(tmp_path, db_url))
    code, lines, err = doctor(station)
    assert code == 1
    problem = lines.index(next(line for line in lines if line.startswith("PROBLEM  database: ")))
    if db_url.startswith("sqlite"):
        assert lines[problem : problem + 2] == [
            f"PROBLEM  database: The station database sqlite:///{tmp_path / 'station.db'} does not exist.",
            "         fix: Run `broadcaster init` to create it.",
        ]
        assert not (tmp_path / "station.db").exists(), "doctor must not create the database"
    else:
        assert lines[problem].endswith(" is not set up.")
        assert "secret" not in lines[problem]
        assert lines[problem + 1] == "         fix: Run `broadcaster init` first."
    assert sum(line.startswith("PROBLEM") for line in lines) == 1
    assert err == "Error: 1 problem(s) found; fix them and run `broadcaster doctor` again.\n"
    station.ok("init")
    assert doctor(station)[0] == 0


def test_unreachable_database_server(tmp_path: Path) -> None:
    # Port 9 on the loopback: nothing listens there, the refusal is immediate.
    station = StationCLI(write_config(tmp_path, "postgresql+psycopg://broadcaster:secret@127.0.0.1:9/broadcaster"))
    code, lines, _ = doctor(station)
    assert code == 1
    problem = next(line for line in lines if line.startswith("PROBLEM  database: "))
    assert problem.startswith(
        "PROBLEM  database: The station database postgresql+psycopg://broadcaster:***@127.0.0.1:9/broadcaster "
        "cannot be reached: "
    )
    assert lines[lines.index(problem) + 1] == (
        "         fix: Check [station] database in config.toml and that the database server is running."
    )


def test_missing_amplifier_program_is_named(tmp_path: Path) -> None:
    station = StationCLI(
        write_config(
            tmp_path,
            replace={
                "on_command = []": 'on_command = ["usbrelay-not-installed", "HURTM_1=1"]',
                "off_command = []": 'off_command = ["usbrelay-not-installed", "HURTM_1=0"]',
            },
        )
    )
    station.init()
    code, lines, _ = doctor(station)
    assert code == 1
    assert lines[-2:] == [
        "PROBLEM  amplifier control: [amplifier] on_command: program 'usbrelay-not-installed' was not found.",
        "         fix: install it, or give its full path in config.toml.",
    ]


def test_half_configured_amplifier_and_a_working_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={"on_command = []": 'on_command = ["true"]'})
    station = StationCLI(config)
    station.init()
    assert doctor(station)[1][-2:] == [
        "PROBLEM  amplifier control: Only one of on_command / off_command is set.",
        "         fix: Check on_command and off_command in the [amplifier] section of config.toml.",
    ]
    config.write_text(config.read_text(encoding="utf-8").replace("off_command = []", 'off_command = ["true"]'))
    code, lines, _ = doctor(station)
    assert code == 0
    assert lines[-2] == "ok       amplifier control: commands present: true / true"


def device_station(tmp_path: Path, device: str, backend: str) -> StationCLI:
    station = StationCLI(
        write_config(
            tmp_path,
            replace={
                'kind = "file"': 'kind = "device"',
                'device = "default"': f'device = "{device}"',
                'backend = "auto"': f'backend = "{backend}"',
            },
        )
    )
    station.init()
    return station


def test_alsa_device_that_does_not_exist(tmp_path: Path) -> None:
    code, lines, _ = doctor(device_station(tmp_path, "no-such-card", "alsa"))
    assert code == 1
    problem = next(i for i, line in enumerate(lines) if line.startswith("PROBLEM  audio output: "))
    assert lines[problem].startswith("PROBLEM  audio output: Sound device 'no-such-card' was not found by ALSA (")
    assert lines[problem + 1] == (
        "         fix: Check [output] device in config.toml; run `broadcaster devices` to see the sound devices."
    )


def test_pulse_server_not_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'no-pulse-here'}")
    code, lines, _ = doctor(device_station(tmp_path, "default", "pulse"))
    assert code == 1
    problem = next(i for i, line in enumerate(lines) if line.startswith("PROBLEM  audio output: "))
    assert lines[problem : problem + 2] == [
        "PROBLEM  audio output: The PulseAudio sound server is not running or not reachable.",
        '         fix: start it (`pulseaudio --start`), or set [output] backend = "alsa" in config.toml.',
    ]


@pytest.mark.audio_server
def test_pulse_device_present_and_absent(tmp_path: Path, audio_server: str) -> None:  # noqa: F811
    present = tmp_path / "present"
    present.mkdir()
    code, lines, _ = doctor(device_station(present, "horn", "pulse"))
    assert code == 0, "\n".join(lines)
    assert "ok       audio output: sound device 'horn' is present and opens" in lines
    absent = tmp_path / "absent"
    absent.mkdir()
    code, lines, _ = doctor(device_station(absent, "loa-phuong", "pulse"))
    assert code == 1
    problem = next(i for i, line in enumerate(lines) if line.startswith("PROBLEM  audio output: "))
    assert lines[problem].startswith(
        "PROBLEM  audio output: No PulseAudio sound device named 'loa-phuong'. Available: "
    )
    assert "horn" in lines[problem]
    assert lines[problem + 1] == "         fix: set [output] device in config.toml to one of them."


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    station = StationCLI(write_config(tmp_path, replace={'dir = "aired"': 'dir = "aired.wav"'}))
    station.init()
    (tmp_path / "aired.wav").rmdir()  # made by init; someone put a file in its place
    (tmp_path / "aired.wav").write_bytes(b"RIFF")
    code, lines, _ = doctor(station)
    assert code == 1
    assert lines[-3:-1] == [
        f"PROBLEM  audio output: {tmp_path / 'aired.wav'} is not a folder",
        "         fix: Change [output] dir in config.toml.",
    ]


def test_bad_config_is_reported_by_doctor_too(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={'time = "06:00"': 'time = "25:00"'})
    code, lines, err = doctor(StationCLI(config))
    assert code == 1
    assert lines == [
        f"PROBLEM  config: {config} has 1 problem:",
        "  - slots[1].time: '25:00' is not a time of day (hours 00-23, minutes and seconds 00-59)",
        "         fix: Fix config.toml and run `broadcaster config check`.",
    ]
    assert err == "Error: 1 problem(s) found; fix them and run `broadcaster doctor` again.\n"


# ---------------------------------------------------------------- issue 8: a database that cannot be trusted


@contextmanager
def read_only_file(path: Path) -> Iterator[None]:
    """The station database made read-only, as a wrong owner or a read-only mount would."""
    if os.geteuid() == 0:
        # root writes any file whatever its mode; an immutable file it cannot write
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode != 0:
            pytest.skip("running as root on a file system without chattr +i")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(mode)


def problem_lines(lines: list[str], name: str) -> list[str]:
    index = next(i for i, line in enumerate(lines) if line.startswith(f"PROBLEM  {name}: "))
    return lines[index : index + 2]


def test_a_read_only_database_says_so(sqlite_cli: StationCLI) -> None:
    path = sqlite_cli.config.parent / "station.db"
    hint = (
        "Check that the file and its folder are writable by the user running broadcaster "
        "and that the disk is not mounted read-only."
    )
    with read_only_file(path):
        assert sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--text", "x") == (
            f"Error: The station database sqlite:///{path} is read-only: broadcaster cannot write to it. {hint}"
        )
        code, lines, _ = doctor(sqlite_cli)
    assert code == 1
    assert problem_lines(lines, "database") == [
        f"PROBLEM  database: The station database sqlite:///{path} is read-only: broadcaster cannot write to it.",
        f"         fix: {hint}",
    ]
    assert json.loads(sqlite_cli.ok("news", "list", "--json")) == []


def test_a_truncated_database_is_damaged_and_doctor_does_not_send_you_to_doctor(sqlite_cli: StationCLI) -> None:
    sqlite_cli.add()
    path = sqlite_cli.config.parent / "station.db"
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 2)
    fix = "Stop the station, copy the latest backup over it, then run `broadcaster log verify`."
    assert sqlite_cli.fails("news", "list") == (
        f"Error: The station database sqlite:///{path} is damaged (database disk image is malformed). {fix}"
    )
    code, lines, _ = doctor(sqlite_cli)
    assert code == 1
    assert problem_lines(lines, "database") == [
        f"PROBLEM  database: The station database sqlite:///{path} is damaged (database disk image is malformed).",
        f"         fix: {fix}",
    ]
    assert not any("broadcaster doctor" in line for line in lines)


def test_a_corrupt_page_is_found_by_doctor(sqlite_cli: StationCLI) -> None:
    for n in range(40):
        sqlite_cli.add(f"Tin {n}", "mot-cua", "Bộ phận một cửa làm việc cả thứ bảy. " * 20)
    path = sqlite_cli.config.parent / "station.db"
    pages = path.stat().st_size // 4096
    with path.open("r+b") as f:  # scribble over the middle of a page of the news table
        f.seek((pages - 2) * 4096 + 300)
        f.write(b"\xff" * 500)
    code, lines, _ = doctor(sqlite_cli)
    assert code == 1
    problem, fix = problem_lines(lines, "database")
    assert problem.startswith(f"PROBLEM  database: The station database sqlite:///{path} is damaged (")
    assert fix == "         fix: Stop the station, copy the latest backup over it, then run `broadcaster log verify`."


def test_a_database_cut_to_nothing_is_not_made_new_by_init(sqlite_cli: StationCLI) -> None:
    sqlite_cli.add()
    path = sqlite_cli.config.parent / "station.db"
    with path.open("r+b") as f:
        f.truncate(0)
    message = (
        f"Error: The station database {path} is empty (0 bytes): the airing log and the news queue it held are gone. "
        f"Copy your latest backup over it (e.g. cp /path/to/backup/station.db {path}); "
        "for a new station, delete the empty file and run `broadcaster init`."
    )
    assert sqlite_cli.fails("init") == message
    assert sqlite_cli.fails("news", "list") == message
    code, lines, _ = doctor(sqlite_cli)
    assert code == 1
    assert (
        problem_lines(lines, "database")[0] == "PROBLEM  database: " + message.removeprefix("Error: ").split(" Copy")[0]
    )
    assert path.stat().st_size == 0  # still the evidence of what happened, not a fresh log


def test_doctor_on_a_read_only_postgresql_user(tmp_path: Path) -> None:
    from tests.conftest import PG_URL, reset_postgres

    if not PG_URL:
        pytest.skip("no PostgreSQL server: run the tests through scripts/test.sh")
    reset_postgres(PG_URL)
    station = StationCLI(write_config(tmp_path, PG_URL))
    station.ok("init")
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP ROLE IF EXISTS broadcaster_reader"))
        connection.execute(text("CREATE ROLE broadcaster_reader LOGIN"))
        connection.execute(text("GRANT USAGE ON SCHEMA public TO broadcaster_reader"))
        connection.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO broadcaster_reader"))
    try:
        reader_url = make_url(PG_URL).set(username="broadcaster_reader").render_as_string(hide_password=False)
        (tmp_path / "reader").mkdir()
        reader = StationCLI(write_config(tmp_path / "reader", reader_url))
        code, lines, _ = doctor(reader)
        assert code == 1
        assert problem_lines(lines, "database")[1] == (
            "         fix: Check that the database user may write to the tables "
            "and that the server is not a read-only standby."
        )
        assert reader.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--text", "x").endswith(
            "is read-only: broadcaster cannot write to it. Check that the database user may write to the tables "
            "and that the server is not a read-only standby."
        )
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP OWNED BY broadcaster_reader"))
            connection.execute(text("DROP ROLE broadcaster_reader"))
        engine.dispose()
