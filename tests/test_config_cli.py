"""config check / show, topics, and where the config file and its relative paths are found."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from broadcaster.cli import cli
from broadcaster.config import as_dict, load_config
from broadcaster.store.db import Database
from tests.conftest import StationCLI, write_config

TOPIC_CODES = [
    "y-nghia",
    "chuong-trinh",
    "trach-nhiem",
    "thu-tuc",
    "ket-qua",
    "phuong-thuc",
    "nha-nuoc-nhan-dan",
    "kiem-soat-tthc",
    "nguoi-tot",
    "mot-cua",
]


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """The CLI with no --config added: where the file comes from is what is tested here."""
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args), env={"BROADCASTER_CONFIG": None, **(env or {})}, catch_exceptions=False)


def test_check_reports_every_problem_at_once(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        replace={
            'timezone = "Asia/Ho_Chi_Minh"': 'timezone = "Asia/Hanoi_City"',
            "require_approval = false": 'require_approval = "no"',
            'engine = "espeak"': 'enigne = "espeak"',
            "espeak_speed = 150": 'espeak_speed = "fast"',
            'time = "06:00"': 'time = "25:00"',
            'time = "17:30"': 'time = "06:61"',
            'days = ["tue", "fri"]': 'days = ["tue", "fir"]',
            '"nguoi-tot", "mot-cua"]': '"nguoi-tot", "mot-cau"]',
            'per = "quarter"': 'per = "quarter"\ntopic = "thu-tuk"',
            "value = 60": 'value = "60"',
            "[broadcast_hours]": "[broadcast_hour]",
        },
        append='\n[amplifer]\non_command = ["usbrelay"]\n',
    )
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {config} has 12 problems:",
        "  - broadcast_hour: unknown config section. Did you mean 'broadcast_hours'?",
        "  - amplifer: unknown config section. Did you mean 'amplifier'?",
        "  - station.require_approval: must be true or false, not 'no'",
        "  - speech.enigne: unknown config key. Did you mean 'engine'?",
        "  - speech.espeak_speed: must be a whole number, not 'fast'",
        "  - targets[1].value: must be a number, not '60'",
        # A bad key elsewhere in [station] does not hide the wrong time zone.
        "  - station.timezone: 'Asia/Hanoi_City' is not a known time zone; use e.g. \"Asia/Ho_Chi_Minh\"",
        "  - slots[1].time: '25:00' is not a time of day (hours 00-23, minutes and seconds 00-59)",
        "  - slots[2].time: '06:61' is not a time of day (hours 00-23, minutes and seconds 00-59)",
        "  - slots[3].days: unknown day 'fir'. Did you mean 'fri'?",
        "  - slots[3].topics: unknown topic code 'mot-cau'. Did you mean 'mot-cua'?",
        # Numbered as in the file although targets[1] could not be read.
        "  - targets[3].topic: unknown topic code 'thu-tuk'. Did you mean 'thu-tuc'?",
    ]


@pytest.mark.parametrize(
    ("replace", "problem"),
    [
        (
            {'time = "06:00"': 'time = "6h"'},
            "slots[1].time: '6h' is not a time; write HH:MM or HH:MM:SS, e.g. \"06:00\"",
        ),
        ({'days = ["tue", "fri"]': 'days = ["tue", 5]'}, "slots[3].days[2]: must be text, not 5"),
        ({"max_minutes = 15": "max_minutes = 0"}, "slots[3].max_minutes: must be more than 0"),
        (
            {'allowed = ["05:00-21:00"]': 'allowed = ["05:00"]'},
            'broadcast_hours.allowed: \'05:00\' is not a window; write "HH:MM-HH:MM", e.g. "05:00-21:00"',
        ),
        ({'engine = "espeak"': 'engine = "google"'}, "speech: unknown engine 'google'. Known: gtts, espeak"),
        ({'kind = "file"': 'kind = "speaker"'}, 'output.kind: must be "device" or "file", not \'speaker\''),
        ({'name = "Bản tin chiều"': 'name = "Bản tin sáng"'}, "slots: name 'Bản tin sáng' is used more than once"),
        ({'code = "mot-cua"': 'code = "nguoi-tot"'}, "topics: code 'nguoi-tot' is used more than once"),
        (
            {'kind = "segments"': 'kind = "segment"'},
            "targets[2].kind: unknown kind 'segment'. Did you mean 'segments'?",
        ),
        ({"[daemon]": "[[daemon]]"}, "daemon: must be a table ([daemon])"),
    ],
)
def test_check_names_each_kind_of_mistake(tmp_path: Path, replace: dict[str, str], problem: str) -> None:
    config = write_config(tmp_path, replace=replace)
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 1
    assert problem in [line.removeprefix("  - ") for line in result.stderr.splitlines()], result.stderr


def test_check_passes_the_shipped_config(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    assert StationCLI(config).ok("config", "check") == f"{config}: ok (10 topics, 3 slots, 3 targets).\n"
    # The file shipped in the repository itself (gTTS, device output) is valid too.
    repo_config = Path(__file__).resolve().parent.parent / "config.toml"
    assert run("config", "check", "--config", str(repo_config)).exit_code == 0


def test_missing_config_file_is_an_error_not_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hint = "Pass --config PATH, set BROADCASTER_CONFIG, or copy config.toml from the broadcaster folder."
    result = run("config", "check")
    assert (result.exit_code, result.stderr) == (1, f"Error: Config file config.toml does not exist. {hint}\n")
    result = run("news", "list", env={"BROADCASTER_CONFIG": "elsewhere/station.toml"})
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: Config file elsewhere/station.toml does not exist. {hint}\n",
    )
    assert not (tmp_path / "station.db").exists()
    assert list(tmp_path.iterdir()) == []


def test_invalid_toml_is_an_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, append='\n[report]\nplace = "Sơn Kim 1\n')
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 1
    lines = config.read_text(encoding="utf-8").splitlines()
    line = len(lines) - lines[::-1].index("[report]")  # the second [report], the one appended
    assert result.stderr == (
        f"Error: {config} is not valid TOML: Cannot declare ('report',) twice (at line {line}, column 8). "
        "Fix the line it names and try again.\n"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            "[station]\nname = 'x'\n".encode("utf-16"),
            "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
        ),
        (
            "[station]\nname = 'Đài'\n".encode("cp1258"),
            "'utf-8' codec can't decode byte 0xd0 in position 18: invalid continuation byte",
        ),
    ],
)
def test_config_not_in_utf8_is_an_error(tmp_path: Path, content: bytes, reason: str) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(content)
    result = StationCLI(config)("config", "check")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: Config file {config} cannot be read: {reason}. Check its permissions and that it is UTF-8.\n",
    )


def test_config_path_that_is_a_folder(tmp_path: Path) -> None:
    result = run("config", "check", env={"BROADCASTER_CONFIG": str(tmp_path)})
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {tmp_path} is a folder, not a config file. Give the path of the config.toml inside it.\n",
    )


def test_config_option_before_or_after_the_command_and_env_var(tmp_path: Path) -> None:
    good = write_config(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    bad = write_config(other, replace={'timezone = "Asia/Ho_Chi_Minh"': 'timezone = "Mars/Olympus"'})
    ok = f"{good}: ok (10 topics, 3 slots, 3 targets).\n"
    assert run("--config", str(good), "config", "check").stdout == ok
    assert run("config", "check", "--config", str(good)).stdout == ok
    assert run("config", "check", env={"BROADCASTER_CONFIG": str(good)}).stdout == ok
    # --config wins over the environment, wherever it is written.
    assert run("config", "check", "--config", str(good), env={"BROADCASTER_CONFIG": str(bad)}).stdout == ok
    assert run("--config", str(good), "topics", env={"BROADCASTER_CONFIG": str(bad)}).exit_code == 0
    assert run("config", "check", env={"BROADCASTER_CONFIG": str(bad)}).exit_code == 1
    # Subcommands of groups take it after their name as well.
    assert run("news", "list", "--config", str(good)).stderr.startswith("Error: The station database")


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    station = tmp_path / "station"
    station.mkdir()
    write_config(station, "sqlite:///db/station.db", replace={'data_dir = "data"': 'data_dir = "../shared/data"'})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("--config", "../station/config.toml", "init")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == f"Created the station database (schema {Database.head_revision()}) and folders under {station}.\n"
    )
    assert (station / "db" / "station.db").is_file()
    assert (tmp_path / "shared" / "data" / "reports").is_dir()
    assert (station / "data" / "audio" / "cache").is_dir()  # audio_dir "data/audio" is its own setting
    assert (station / "aired").is_dir()
    assert list(elsewhere.iterdir()) == []
    # The same station through the environment variable, from yet another folder.
    monkeypatch.chdir(tmp_path)
    result = run("init", env={"BROADCASTER_CONFIG": "station/config.toml"})
    assert result.stdout == f"The station is ready (schema {Database.head_revision()}); nothing to do.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "shared", "station"]


def test_show_prints_the_effective_config_that_parses_back(tmp_path: Path) -> None:
    tricky = 'Đài "Sơn Kim 1"\\tab\tnew\nline'
    config = write_config(
        tmp_path,
        replace={'commune = "Sơn Kim 1"': f"commune = {json.dumps(tricky, ensure_ascii=False)}"},
    )
    shown = StationCLI(config).ok("config", "show")
    assert shown.startswith(f"# effective configuration of {config}\n# relative paths are relative to {tmp_path}; ")
    assert f"the database is sqlite:///{tmp_path / 'station.db'}\n" in shown.splitlines(keepends=True)[1]
    parsed = tomllib.loads(shown)
    effective = as_dict(load_config(config))
    assert parsed == effective
    assert parsed["station"]["commune"] == tricky
    # Defaults not written in the file are shown too.
    assert parsed["station"]["jingles_dir"] == ""
    assert parsed["daemon"]["late_grace_minutes"] == 15.0
    assert [t["code"] for t in parsed["topics"]] == TOPIC_CODES
    # And what is shown is itself a valid config for the same station.
    copy = tmp_path / "shown.toml"
    copy.write_text(shown, encoding="utf-8")
    assert as_dict(load_config(copy)) == effective


def test_topics_lists_the_ten_codes_and_names(tmp_path: Path) -> None:
    station = StationCLI(write_config(tmp_path))
    lines = station.ok("topics").splitlines()
    assert [line.split()[0] for line in lines] == TOPIC_CODES
    assert lines[-1] == "mot-cua            Cơ chế một cửa, một cửa liên thông"
    listed = json.loads(station.ok("topics", "--json"))
    assert [t["code"] for t in listed] == TOPIC_CODES
    assert listed[3] == {
        "code": "thu-tuc",
        "name": "Cải cách thủ tục hành chính, chính quyền điện tử và dịch vụ công trực tuyến",
    }
    assert all(set(t) == {"code", "name"} for t in listed)
