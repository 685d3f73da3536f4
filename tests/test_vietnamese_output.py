"""What the everyday commands print when they succeed is Vietnamese too, labels and column headers included.

tests/test_vietnamese_messages.py holds the errors to that; here a real station folder is worked
through as a culture official and a technician do it (queue, approve, render, schedule, air now,
log, verify, report, users, topics, devices), with BROADCASTER_LANG=vi, and every line printed
must be free of English. Output is read more strictly than errors: two English words in a row
are enough, and the words of the commands' own labels ("status", "approved", "waiting") count.
What the station's data says (titles, topic names, voices, a sound card's own description) is
left out before looking. Dates are written dd/mm/yyyy as on the console.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
import requests
import responses
from click.testing import Result

from broadcaster.sound import registry
from broadcaster.sound.file_output import FileOutput
from tests.audio_server import tone, write_wav
from tests.conftest import write_config
from tests.english import COMMON, english_run
from tests.test_vietnamese_messages import run_vi

# The words of the commands' own labels and values, beyond tests/english.py's common words.
OUTPUT_WORDS = COMMON | frozenset(
    """
    id status priority aired topic title approved created valid airings recording transcript speech
    mastered date daemon running waiting approval next empty wrote imported cancelled changed intact
    verification code kind scheduled started ended duration seconds reason amplifier exemption cut
    short queued normal emergency completed interrupted failed missed expired slot since stopped
    received sent key fingerprint linked sync open of in at
    """.split()
)
# Codes the console shows in words; one alone is English already ("  status:  queued").
CODES = frozenset(
    """
    queued approved aired cancelled expired normal priority emergency completed interrupted failed missed
    official approver technician district wrote imported
    """.split()
)
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
HEX = re.compile(r"\b(?:\d+:)?[0-9a-f]{16,}\b")
UUID = re.compile(r"\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b")  # a bulletin's id: "a-a" in it is no English


pytestmark = pytest.mark.usefixtures("keep_the_process_language")  # tests/conftest.py


@pytest.fixture
def bulletins_written_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`air-now` writes its bulletin to a file without pacing it as the horns would (24 s): what it
    prints is the point here; the pacing is tests/sound/test_outputs.py's."""
    monkeypatch.setattr(registry, "FileOutput", partial(FileOutput, realtime=False))


def english_in(result: Result, what: str, data: tuple[str, ...] = ()) -> list[str]:
    """The lines of `result` (stdout and stderr) that still say something in English."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, f"{what}: {result.output}"
    return english_lines(result.stdout + result.stderr, what, data)


def english_lines(text: str, what: str, data: tuple[str, ...] = ()) -> list[str]:
    found = []
    for line in text.splitlines():
        for known in sorted(data, key=len, reverse=True):  # the station's data, as typed or as a device names itself
            line = line.replace(known, " ")
        line = HEX.sub(" ", UUID.sub(" ", line))  # ids, hashes and verification codes
        english = english_run(line, run=2, words=OUTPUT_WORDS) or english_run(line, run=1, words=CODES)
        if english is not None:
            found.append(f"{what}: English {english!r} in {line!r}")
        elif ISO_DATE.search(line) and "period" not in what:
            found.append(f"{what}: a date not written dd/mm/yyyy in {line!r}")
    return found


@pytest.mark.usefixtures("bulletins_written_at_once")
def test_the_everyday_commands_speak_vietnamese_when_they_succeed(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'station.db'}")
    (tmp_path / "tin.txt").write_text("Lịch tiếp công dân\nChủ tịch xã tiếp công dân sáng thứ năm.\n", encoding="utf-8")
    write_wav(tmp_path / "loa.wav", tone(2.0, 440.0))
    (tmp_path / "mat-khau").write_text("Mật-khẩu-dài-12345\n", encoding="utf-8")
    titles = ("Tin một", "Tin một, sửa", "Lịch tiếp công dân", "Ghi âm")
    steps: list[tuple[list[str], tuple[str, ...]]] = [
        (["init"], ()),
        (["news", "add", "--title", "Tin một", "--topic", "mot-cua", "--text", "Một cửa làm việc thứ bảy."], ()),
        (["news", "add", "--title", "Ghi âm", "--topic", "mot-cua", "--audio", str(tmp_path / "loa.wav")], ()),
        (["news", "import", str(tmp_path / "tin.txt"), "--topic", "mot-cua"], ()),
        (["news", "edit", "1", "--title", "Tin một, sửa"], ()),
        (["news", "approve", "1", "--by", "Chủ tịch"], ()),
        (["news", "list"], titles),
        (["news", "list", "--status", "cancelled"], ()),
        (["news", "show", "1"], ()),
        (["render", "--all"], ()),
        (["news", "show", "1"], ("Một cửa làm việc thứ bảy.",)),
        (["news", "show", "2"], ()),
        (["schedule"], titles),
        (["status"], titles),
        (["air-now", "1"], ()),
        (["news", "cancel", "3"], ()),
        (["news", "list"], titles),
        (["log"], ()),
        (["log", "show", "1"], titles),
        (["log", "verify"], ()),
        (["report", "--period", "2020-01"], ()),
        (["report", "--period", "2020-01", "--format", "docx", "-o", str(tmp_path / "bao-cao.docx")], ()),
        (["topics"], ()),
        (["users", "add", "an", "--role", "official", "--password-file", str(tmp_path / "mat-khau")], ()),
        (["users", "list"], ()),
        (["users", "disable", "an"], ()),
        (["users", "enable", "an"], ()),
        (["users", "token", "an", "--revoke"], ()),
        (["preview", "1", "-o", str(tmp_path / "nghe-thu.wav")], ()),
    ]
    problems: list[str] = []
    for args, data in steps:
        problems += english_in(run_vi(args, config), " ".join(args[:3]), ("Chủ tịch", *data))
    assert not problems, "\n".join(problems)


def test_the_sound_devices_are_listed_in_vietnamese() -> None:
    from broadcaster.sound.devices import list_devices

    descriptions = tuple(d.description for d in list_devices() if d.description)
    assert english_in(run_vi(["devices"]), "devices", descriptions) == []


def test_the_output_rule_itself() -> None:
    def english(line: str) -> str | None:
        return english_run(line, run=2, words=OUTPUT_WORDS)

    assert english("  id  status    priority  aired  topic              title") == "id status"
    assert english("News item 1 approved by Chủ tịch.") == "News item"
    assert english("Bản tin 1 đã được Chủ tịch phê duyệt.") is None
    assert english("  Mã                 Chủ đề       Phút  Buổi  Tin") is None


@responses.activate
def test_an_offline_station_says_in_vietnamese_why_google_did_not_speak(tmp_path: Path) -> None:
    """The shipped engine, gTTS, on a PC without internet: every item typed there warns that Google could
    not be reached, and `news show` keeps that note. Both must read as Vietnamese."""
    responses.add(
        responses.POST, re.compile(r"https://translate\.google\.[a-z.]+/"), body=requests.ConnectionError("refused")
    )
    shipped_engine = {
        'engine = "espeak"            #': 'engine = "gtts"              #',
        "retries = 3 ": "retries = 1 ",
    }
    with_fallback = write_config(
        tmp_path, f"sqlite:///{tmp_path / 'station.db'}", render_on_add=True,
        replace={**shipped_engine, "fallback = []        #": 'fallback = ["espeak"]        #'},
    )  # fmt: skip
    alone = tmp_path / "gtts-only"
    alone.mkdir()
    gtts_only = write_config(alone, f"sqlite:///{alone / 'station.db'}", render_on_add=True, replace=shipped_engine)
    problems: list[str] = []
    for config in (with_fallback, gtts_only):
        run_vi(["init"], config)
        added = run_vi(["news", "add", "--title", "Tin", "--topic", "mot-cua", "--text", "Nội dung."], config)
        assert "Google" in added.stderr, added.stderr  # the warning is there, and it is Vietnamese
        problems += english_in(added, f"news add ({config.parent.name})", ("Google Translate",))
        problems += english_in(run_vi(["news", "show", "1"], config), "news show", ("Google Translate",))
    assert not problems, "\n".join(problems)


@pytest.mark.slow  # a real demo day: the daemon airs one bulletin (about 20 s)
def test_the_demo_speaks_vietnamese(tmp_path: Path) -> None:
    folder = tmp_path / "dai-thu"
    env = {**os.environ, "BROADCASTER_LANG": "vi"}
    shown = subprocess.run(
        [sys.executable, "-m", "broadcaster", "demo", "--dir", str(folder), "--quick"],
        capture_output=True, text=True, env=env, timeout=300, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "Nhật ký phát" in shown.stdout and "Nhật ký phát toàn vẹn: 1 lần phát" in shown.stdout, shown.stdout
    # the folder's path, and the report's period as `--period` takes it, are no English
    problems = english_lines(shown.stdout + shown.stderr, "demo (report period)", (str(folder),))
    assert not problems, "\n".join(problems)
