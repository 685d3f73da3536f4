"""Issue 10: what a Vietnamese station's official reads when something is wrong is Vietnamese, all of it.

The other tests pin the English texts (BROADCASTER_LANG=en). Here the same bad inputs
(tests/bad_inputs.py) and the command line's usual mistakes run in Vietnamese, the
language a station gets by default, and every message must say it without an English
sentence: click's own words ("Error:", "Usage:", "No such option"), the doctor's labels,
the core's messages. What the user typed or must type (quoted data, commands, paths,
options, config keys) may stay as it is; tests/english.py says how it is told apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from broadcaster import i18n
from broadcaster.cli import cli
from tests.bad_inputs import Case
from tests.conftest import seed_database, write_config
from tests.english import english_run
from tests.test_bad_input import CASES, Shared, fill, fill_bytes

VI = {"BROADCASTER_LANG": "vi"}


pytestmark = pytest.mark.usefixtures("keep_the_process_language")  # tests/conftest.py


def run_vi(args: list[str], config: Path | None = None, stdin: bytes | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()
    prefix = ["--config", str(config)] if config is not None else []
    return runner.invoke(cli, [*prefix, *args], input=stdin, env=VI, catch_exceptions=True)


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    # set up before the per-test language guard runs: the module's own guard puts English back after it
    saved = i18n._translations, i18n._language
    folder = tmp_path_factory.mktemp("vi-station")
    shared = Shared(folder, write_config(folder, f"sqlite:///{folder / 'station.db'}"), "", date.min)
    seed_database(shared.config)  # `init` then runs on a copy of the schema migrated once per run
    for args in (
        ["init"],
        ["news", "add", "--title", "Tin một", "--topic", "mot-cua", "--text", "Bộ phận một cửa làm việc thứ bảy."],
    ):
        assert run_vi(args, shared.config).exit_code == 0
    from broadcaster.service.context import Station

    shared.today = Station.open(shared.config).today()
    yield shared
    i18n._translations, i18n._language = saved


def assert_vietnamese(result: Result, what: str, *, stdout: bool = False) -> None:
    crash = result.exception if not isinstance(result.exception, SystemExit | None) else None
    assert crash is None, f"traceback: {crash!r}"
    text = result.stderr + (result.stdout if stdout else "")
    assert text.strip(), f"{what}: nothing said"
    for line in text.splitlines():
        found = english_run(line)
        assert found is None, f"{what}: English {found!r} in {line!r}"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_every_bad_input_is_answered_in_vietnamese(station: Shared, case: Case, tmp_path: Path) -> None:
    file = None
    if case.file is not None:
        name, content = case.file
        file = tmp_path / name
        file.write_bytes(fill_bytes(content() if callable(content) else content, station))
    config = station.config
    if case.config:
        changes = dict(case.config)
        database = changes.pop("database", f"sqlite:///{station.folder / 'station.db'}")
        config = write_config(tmp_path, database, replace=changes)
    result = run_vi([fill(a, station, file, config) for a in case.args], config, case.stdin)
    assert result.exit_code == case.exit, result.output
    assert_vietnamese(result, case.id)


# The command line's usual mistakes beyond the table: click's usage errors, records that are not there.
MISTAKES = {
    "unknown-option-of-the-group": ["--bogus"],
    "unknown-option": ["news", "add", "--bogus"],
    "option-without-its-value": ["news", "add", "--title"],
    "missing-option": ["news", "add", "--topic", "mot-cua", "--text", "x"],
    "missing-argument": ["news", "show"],
    "unknown-command": ["news", "shw", "1"],
    "unknown-command-of-the-group": ["nwes"],
    "extra-argument": ["news", "show", "1", "2"],
    "bad-choice": ["news", "list", "--status", "bogus"],
    "not-a-number": ["schedule", "--days", "many"],
    "no-such-airing": ["log", "show", "999"],
    "no-such-user": ["users", "disable", "nobody"],
    "unknown-role": ["users", "add", "an", "--role", "bogus"],
    "bad-report-period": ["report", "--period", "bogus"],
    "import-missing-file": ["news", "import", "/nonexistent/tin.csv", "--topic", "mot-cua"],
}


@pytest.mark.parametrize("args", MISTAKES.values(), ids=MISTAKES.keys())
def test_the_usual_mistakes_are_answered_in_vietnamese(station: Shared, args: list[str]) -> None:
    result = run_vi(args, station.config)
    assert result.exit_code != 0, result.output
    assert_vietnamese(result, " ".join(args))


def test_a_word_where_a_number_goes_is_refused_without_clicks_english_type_name(station: Shared) -> None:
    for args in (["schedule", "--days", "many"], ["air-now", "một"], ["run", "--for", "mãi"]):
        result = run_vi(args, station.config)
        assert result.exit_code == 2, result.output
        assert "không phải là số" in result.stderr, result.stderr
        assert not {"integer", "float", "range"} & set(result.stderr.replace(".", " ").split()), result.stderr


def test_a_station_not_set_up_says_so_in_vietnamese(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    result = run_vi(["news", "list"], config)
    assert result.exit_code == 1
    assert_vietnamese(result, "news list before init")
    result = run_vi(["doctor"], config)
    assert result.exit_code == 1
    assert_vietnamese(result, "doctor before init", stdout=True)


def test_a_missing_config_says_so_in_vietnamese(tmp_path: Path) -> None:
    for args in (["config", "check"], ["news", "list"], ["doctor"]):
        result = run_vi(args, tmp_path / "config.toml")
        assert result.exit_code == 1
        assert_vietnamese(result, " ".join(args), stdout=True)


def test_the_doctor_of_a_ready_station_speaks_vietnamese(station: Shared) -> None:
    result = run_vi(["doctor"], station.config)
    assert_vietnamese(result, "doctor", stdout=True)


def test_the_heuristic_itself() -> None:
    assert english_run("Error: No such option: -1") == "Error:"
    assert english_run("The station database sqlite:///x.db is not set up.") == "The station database"
    assert english_run("Lỗi: Cơ sở dữ liệu sqlite:///x.db is not set up.") == "is not set"
    assert english_run("There is no airing 999 in the log.") == "There is no"
    assert english_run("Lỗi: Không có bản tin 999. Chạy `broadcaster news list --status all` để xem mã số.") is None
    assert english_run("Lỗi: tin.csv dòng 2: cột 'title' để trống.") is None
    assert english_run("slots[3].max_minutes: phải lớn hơn 0 và tối đa 240 (phút), không phải nan") is None
    assert english_run("         fix: Chạy `broadcaster init`.") == "fix:"
    assert english_run("Lỗi: tin.csv row 2: cột 'title' để trống.") == "row 2"


def test_every_text_of_the_installed_click_is_in_the_catalog() -> None:
    """A click upgrade that adds or rewords a text shows here: add it to click_texts.TEXTS and translate it."""
    import click
    from babel.messages.extract import extract_from_dir

    from broadcaster.cli.click_texts import TEXTS

    found: set[str] = {"Usage:"}  # inside an f-string, out of the extractor's sight
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(Path(click.__file__).parent), [("**.py", "python")]
    ):
        found.update([message] if isinstance(message, str) else message)
    assert sorted(found - set(TEXTS)) == []


def test_options_named_together_are_joined_in_vietnamese(station: Shared, tmp_path: Path) -> None:
    sheet = tmp_path / "tin.csv"
    sheet.write_text("title,topic,text\nA,mot-cua,x\n", encoding="utf-8")
    result = run_vi(["news", "import", str(sheet), "--topic", "mot-cua", "--airings", "2"], station.config)
    assert result.exit_code == 1 and "--topic và --airings" in result.stderr, result.stderr
