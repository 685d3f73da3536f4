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
            "speed = 150": 'speed = "fast"',
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
        "  - speech.espeak.speed: must be a whole number, not 'fast'",
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
        (
            {"max_minutes = 15": "max_minutes = 0"},
            "slots[3].max_minutes: must be more than 0 and at most 240 (minutes), not 0",
        ),
        (
            {'allowed = ["05:00-21:00"]': 'allowed = ["05:00"]'},
            'broadcast_hours.allowed: \'05:00\' is not a window; write "HH:MM-HH:MM", e.g. "05:00-21:00"',
        ),
        ({'engine = "espeak"': 'engine = "google"'}, "speech: unknown engine 'google'. Known: gtts, espeak, piper"),
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
        f"Error: {config} is not valid TOML: line {line}, column 8: a key or a [section] is written twice; "
        "keep one. Fix the line it names and try again.\n"
    )


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        ('\n[ghi-chu]\nplace = "Sơn Kim 1\n', 'a text in quotes is not closed (its closing " is missing)'),
        ("\n[ghi-chu]\nplace\n", "a key has no = after it (write: key = value)"),
        ("\n[ghi-chu]\nplace = Sơn Kim\n", 'the value is not valid: a text goes in quotes, e.g. name = "Sơn Kim 1"'),
        ("\n[ghi-chu\n", "a [section] line has no closing ]"),
    ],
)
def test_a_toml_mistake_is_named_by_its_line_and_its_fix(tmp_path: Path, mistake: str, said: str) -> None:
    config = write_config(tmp_path, append=mistake)
    result = StationCLI(config)("config", "check")
    line = len(config.read_text(encoding="utf-8").splitlines())  # the appended mistake's last line
    assert result.exit_code == 1
    assert f"is not valid TOML: line {line}, column " in result.stderr and f": {said}. " in result.stderr, result.stderr


def test_a_config_saved_as_utf16_by_notepad_is_read(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    config.write_bytes(config.read_text(encoding="utf-8").encode("utf-16"))  # Notepad's "Unicode"
    assert StationCLI(config)("config", "check").exit_code == 0


def test_a_config_in_a_vietnamese_windows_code_page_is_refused_naming_the_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes("[station]\nname = 'Đài'\n".encode("cp1258"))
    result = StationCLI(config)("config", "check")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: Config file {config} is not saved as UTF-8: line 2 holds a byte UTF-8 does not allow (it looks "
        "like Windows-1258). Open it in Notepad, choose File > Save as…, set Encoding: UTF-8, and save it again.\n",
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


# ---------------------------------------------------------------- issue 8: values that crash or hang later


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "max_minutes = 15",
            "max_minutes = nan",
            "slots[3].max_minutes: must be more than 0 and at most 240 (minutes), not nan",
        ),
        (
            "max_minutes = 15",
            "max_minutes = inf",
            "slots[3].max_minutes: must be more than 0 and at most 240 (minutes), not inf",
        ),
        (
            "speed = 150",
            "speed = 0",
            "speech.espeak.speed: must be between 80 and 450 (words per minute), not 0",
        ),
        (
            "speed = 150",
            "speed = 40",
            "speech.espeak.speed: must be between 80 and 450 (words per minute), not 40",
        ),
        (
            "true_peak_dbtp = -1.5",
            "true_peak_dbtp = 1.0",
            "mastering.true_peak_dbtp: must be between -9 and 0 (dBTP, e.g. -1.5), not 1",
        ),
        ("tempo = 0.92", "tempo = 0", "mastering.tempo: must be between 0.5 and 2 (0.92 is a little slower), not 0"),
        (
            "compressor_ratio = 3",
            "compressor_ratio = 0",
            "mastering.compressor_ratio: must be between 1 and 20 (1 is no compression), not 0",
        ),
        (
            "rebuild_minutes = 5",
            "rebuild_minutes = -1",
            "daemon.rebuild_minutes: must be between 0.5 and 1440 (minutes), not -1",
        ),
        (
            "late_grace_minutes = 15",
            "late_grace_minutes = -5",
            "daemon.late_grace_minutes: must be between 0 and 1440 (minutes), not -5",
        ),
        (
            "retries = 3",
            "retries = -1",
            "speech.gtts.retries: must be between 1 and 10 (tries, the first one included), not -1",
        ),
        (
            "retries = 3",
            "retries = 0",
            "speech.gtts.retries: must be between 1 and 10 (tries, the first one included), not 0",
        ),
        (
            "pause_ms = 800",
            "pause_ms = -800",
            "mastering.pause_ms: must be between 0 and 10000 (milliseconds), not -800",
        ),
        (
            "warmup_seconds = 0",
            "warmup_seconds = -2",
            "amplifier.warmup_seconds: must be between 0 and 300 (seconds), not -2",
        ),
        (
            "loudness_lufs = -16",
            "loudness_lufs = 3",
            "mastering.loudness_lufs: must be between -36 and -5 (LUFS, e.g. -16), not 3",
        ),
        ("value = 60", "value = nan", "targets[1].value: must be more than 0 and at most 1000000, not nan"),
        (
            "queue_check_seconds = 60",
            "queue_check_seconds = 0",
            "daemon.queue_check_seconds: must be between 1 and 600 (seconds), not 0",
        ),
        (
            "timeout_seconds = 10         # per request",
            "timeout_seconds = inf # per request",
            "speech.gtts.timeout_seconds: must be more than 0 and at most 120 (seconds), not inf",
        ),
        (
            "render_ahead_hours = 48",
            "render_ahead_hours = 0",
            "speech.render_ahead_hours: must be between 1 and 744 (hours), not 0",
        ),
        (
            "timeout_seconds = 10",
            "timeout_seconds = 0",
            "amplifier.timeout_seconds: must be more than 0 and at most 300 (seconds), not 0",
        ),
        (
            'database = "sqlite:///station.db"',
            'database = "mysql://root:secret@localhost/dai"',
            "station.database: 'mysql://root:***@localhost/dai' is not a database broadcaster can use; write "
            '"sqlite:///station.db" (a file next to config.toml) or "postgresql+psycopg://user:password@host/dbname"',
        ),
        (
            'days = ["tue", "fri"]',
            "days = []",
            'slots[3].days: is empty, so the slot never airs; list its days (e.g. ["mon", "fri"]) or remove it',
        ),
        (
            'time = "17:30"',
            'time = "06:00"',
            "slots[2].time: starts at the same time as slots[1] 'Bản tin sáng' (06:00) "
            "on mon, tue, wed, thu, fri, sat, sun; give one of them another time",
        ),
        (
            'allowed = ["05:00-21:00"]',
            'allowed = ["05:00-05:00"]',
            "broadcast_hours.allowed: '05:00-05:00' starts and ends at the same time, so it allows nothing; "
            "for no limit write allowed = []",
        ),
        (
            'code = "mot-cua"',
            'code = "' + "m" * 65 + '"',
            "topics[10].code: is 65 characters long; at most 64 fit in the station's records",
        ),
    ],
)
def test_check_refuses_values_that_would_crash_or_hang_later(tmp_path: Path, old: str, new: str, problem: str) -> None:
    config = write_config(tmp_path, replace={old: new})
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 1, result.output
    assert problem in [line.removeprefix("  - ") for line in result.stderr.splitlines()], result.stderr
    # the station refuses to work with it too, before anything is written
    assert StationCLI(config)("init").exit_code == 1
    assert not (tmp_path / "station.db").exists()


def test_check_reports_every_bad_value_at_once(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        replace={
            "tempo = 0.92": "tempo = 0",
            "compressor_ratio = 3": "compressor_ratio = 0",
            "max_minutes = 15": "max_minutes = nan",
        },
    )
    result = StationCLI(config)("config", "check")
    assert result.stderr.splitlines()[0] == f"Error: {config} has 3 problems:"


def test_every_default_lies_in_its_declared_range() -> None:
    from dataclasses import MISSING, fields

    from broadcaster import config as config_module

    for cls in (config_module.SpeechConfig, config_module.MasteringConfig, config_module.OutputConfig,
                config_module.AmplifierConfig, config_module.DaemonConfig, config_module.SlotConfig):  # fmt: skip
        for spec in fields(cls):
            allowed = spec.metadata.get("range")
            if allowed is not None and spec.default is not MISSING:
                assert allowed.contains(spec.default), (cls.__name__, spec.name)


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())  # what Windows Notepad writes
    assert StationCLI(config).ok("config", "check") == f"{config}: ok (10 topics, 3 slots, 3 targets).\n"


def test_check_warns_about_overlapping_slots_and_slots_outside_broadcast_hours(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={'time = "17:30"': 'time = "06:20"', 'time = "18:00"': 'time = "22:00"'})
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{config}: ok (10 topics, 3 slots, 3 targets).\n"
    assert result.stderr.splitlines() == [
        "Warning: slots[2] 'Bản tin chiều' (06:20) starts while slots[1] 'Bản tin sáng' (06:00, up to 30 minutes) "
        "may still be on air, on mon, tue, wed, thu, fri, sat, sun: it then starts late",
        "Warning: slots[3] 'Chuyên mục Cải cách hành chính' at 22:00 is outside the broadcast hours (05:00-21:00): "
        "only emergency items will air in it",
    ]


def test_a_slot_late_on_sunday_overlaps_monday_morning(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        replace={'time = "18:00"': 'time = "23:50"', 'allowed = ["05:00-21:00"]': "allowed = []"},
        append='\n[[slots]]\nname = "Đêm"\ntime = "00:04"\ndays = ["mon"]\nmax_minutes = 5\n',
    )
    result = StationCLI(config)("config", "check")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == []  # 23:50 on tue and fri only: nothing airs at midnight on sunday
    config.write_text(config.read_text(encoding="utf-8").replace('days = ["tue", "fri"]', 'days = ["sun"]'), "utf-8")
    assert StationCLI(config)("config", "check").stderr.splitlines() == [
        "Warning: slots[4] 'Đêm' (00:04) starts while slots[3] 'Chuyên mục Cải cách hành chính' (23:50, up to 15 "
        "minutes) may still be on air, on mon: it then starts late",
    ]


@pytest.mark.parametrize("folder_name", ["Đài?xã", "tin#1", "a%20b", "a b"])
def test_a_station_folder_with_url_characters_keeps_its_database_inside(tmp_path: Path, folder_name: str) -> None:
    folder = tmp_path / folder_name
    folder.mkdir()
    station = StationCLI(write_config(folder))
    out = station.ok("init")
    assert out.startswith("Created the station database")
    assert (folder / "station.db").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder_name]  # nothing landed beside the folder
    station.add()
    shown = station.ok("config", "show").splitlines()[1]
    assert shown.endswith(f"the database is sqlite:///{folder / 'station.db'}")
    assert station.fails("news", "show", "7") == (
        "Error: There is no news item 7. Run `broadcaster news list --status all` to see the ids."
    )


def test_a_postgresql_url_without_the_driver_name_uses_psycopg(tmp_path: Path) -> None:
    from broadcaster.config import load_config

    config = write_config(tmp_path, "postgresql://u:p@127.0.0.1:9/db")
    assert load_config(config).database_url == "postgresql+psycopg://u:p@127.0.0.1:9/db"
