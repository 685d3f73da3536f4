"""normalize, speak, preview, render and speech on `news add`, as the official uses them."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import subprocess
import sys
import unicodedata
import wave
from pathlib import Path
from typing import ClassVar

import pytest
import requests
import responses

from broadcaster.errors import SpeechError
from broadcaster.media.mastering import measure_loudness
from broadcaster.text.legacy import to_tcvn3
from tests.conftest import StationCLI, write_config


@pytest.fixture
def speaking_cli(tmp_path: Path) -> StationCLI:
    """A station that renders speech on `news add`, offline voice only."""
    station = StationCLI(write_config(tmp_path, render_on_add=True))
    station.init()
    return station


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def cache_files(station: StationCLI) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (station.config.parent / "data" / "audio" / "cache").rglob("*.wav")}


def test_the_communes_pronunciation_list_is_said_and_changes_the_speech(tmp_path: Path) -> None:
    """`[speech.pronunciations]` is applied after normalization: `normalize` shows it and the speech uses it."""
    from broadcaster.service.context import Station
    from broadcaster.service.voicing import Voicing

    (tmp_path / "plain").mkdir()
    (tmp_path / "listed").mkdir()
    plain = write_config(tmp_path / "plain")
    listed = write_config(
        tmp_path / "listed",
        replace={"[speech.pronunciations]\n": '[speech.pronunciations]\n"Ea H\'leo" = "Ê a Hơ leo"\n'},
    )
    text = "Huyện Ea H'leo họp ngày 5/3"
    assert StationCLI(listed).ok("normalize", text).strip() == "Huyện Ê a Hơ leo họp ngày năm tháng ba"
    assert "Ea H'leo" in StationCLI(plain).ok("normalize", text)
    keys = {Voicing(Station.open(config)).key(text) for config in (plain, listed)}
    assert len(keys) == 2  # the speech rendered before the list changed is not reused


def test_normalize_one_text_and_stdin_lines(sqlite_cli: StationCLI) -> None:
    assert "ủy ban nhân dân" in sqlite_cli.ok("normalize", "UBND xã Sơn Kim 1").lower()
    out = sqlite_cli.ok("normalize", input="Ngày 12/4\nHTX Sơn Kim\n").splitlines()
    assert len(out) == 2
    assert "ngày mười hai tháng tư" in out[0].lower()
    assert "hợp tác xã" in out[1]  # the station's own abbreviation from config.toml


def test_normalize_accepts_decomposed_and_legacy_text(sqlite_cli: StationCLI) -> None:
    decomposed = unicodedata.normalize("NFD", "Thủ tục hành chính")
    assert sqlite_cli.ok("normalize", decomposed).strip() == "Thủ tục hành chính"
    legacy = to_tcvn3("Bộ phận một cửa làm việc cả sáng thứ bảy")
    assert sqlite_cli.ok("normalize", legacy).strip().lower() == "bộ phận một cửa làm việc cả sáng thứ bảy"


def test_speak_writes_mastered_speech(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    out = tmp_path / "thu-loa.wav"
    printed = sqlite_cli.ok("speak", "Thử loa, một hai ba. Đây là Đài Truyền thanh xã.", "-o", str(out))
    assert "espeak" in printed
    assert 1.5 < wav_seconds(out) < 15
    lufs, peak = measure_loudness(out)
    assert abs(lufs - -16) <= 1.0
    assert peak <= -1.5 + 0.1


def test_speak_refuses_a_non_wav_name(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    error = sqlite_cli.fails("speak", "Thử loa", "-o", str(tmp_path / "thu.mp3"))
    assert error == f"Error: {tmp_path / 'thu.mp3'} must end in .wav. Give an output file name like tin.wav."


def test_news_add_renders_at_once_and_show_says_which_voice(speaking_cli: StationCLI) -> None:
    item_id = speaking_cli.add("Lịch tiếp dân", "mot-cua", "UBND xã tiếp dân vào thứ 5 hằng tuần.")
    item = json.loads(speaking_cli.ok("news", "show", str(item_id), "--json"))
    assert {p["part"] for p in item["speech"]} == {"title", "text"}
    assert all(p["engine"] == "espeak" and p["voice"] == "vi" and p["current"] for p in item["speech"])
    assert "speech (text): espeak voice vi" in speaking_cli.ok("news", "show", str(item_id))


def test_render_all_never_synthesizes_an_unchanged_item_twice(sqlite_cli: StationCLI) -> None:
    sqlite_cli.add("Tin một", "mot-cua", "Nội dung một.")
    sqlite_cli.add("Tin hai", "thu-tuc", "Nội dung hai.")
    assert "Speech ready for 2 of 2 item(s)." in sqlite_cli.ok("render", "--all")
    before = cache_files(sqlite_cli)
    assert len(before) == 6  # two titles, two texts, the ident and the closing line
    sqlite_cli.ok("render", "--all")
    assert cache_files(sqlite_cli) == before


def test_a_changed_text_is_rendered_again(sqlite_cli: StationCLI) -> None:
    item_id = sqlite_cli.add("Tin", "mot-cua", "Nội dung cũ.")
    sqlite_cli.ok("render", str(item_id))
    sqlite_cli.ok("news", "edit", str(item_id), "--text", "Nội dung mới hơn hẳn.")
    stale = json.loads(sqlite_cli.ok("news", "show", str(item_id), "--json"))["speech"]
    assert [p["current"] for p in stale if p["part"] == "text"] == [False]
    sqlite_cli.ok("render", str(item_id))
    fresh = json.loads(sqlite_cli.ok("news", "show", str(item_id), "--json"))["speech"]
    assert all(p["current"] for p in fresh)


def test_preview_is_title_then_text(sqlite_cli: StationCLI, tmp_path: Path) -> None:
    item_id = sqlite_cli.add("Thông báo", "mot-cua", "Bộ phận một cửa làm việc cả sáng thứ bảy.")
    out = tmp_path / "preview.wav"
    sqlite_cli.ok("preview", str(item_id), "-o", str(out))
    title = tmp_path / "title.wav"
    text = tmp_path / "text.wav"
    sqlite_cli.ok("speak", "Thông báo", "-o", str(title))
    sqlite_cli.ok("speak", "Bộ phận một cửa làm việc cả sáng thứ bảy.", "-o", str(text))
    pause = 0.8
    assert wav_seconds(out) == pytest.approx(wav_seconds(title) + pause + wav_seconds(text), abs=0.01)


@responses.activate
def test_when_google_is_unreachable_the_offline_voice_speaks_and_the_official_is_told(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        render_on_add=True,
        replace={
            'engine = "espeak"            #': 'engine = "gtts"            #',
            "fallback = []        #": 'fallback = ["espeak"]        #',
            "retries = 3": "retries = 1",
        },
    )
    responses.add(
        responses.POST,
        re.compile(r"https://translate\.google\..*"),
        body=requests.exceptions.ConnectionError("Connection refused"),
    )
    station = StationCLI(config)
    station.init()
    result = station("news", "add", "--title", "Tin", "--topic", "mot-cua", "--text", "Nội dung tin.")
    assert result.exit_code == 0, result.output
    assert "gtts failed" in result.stderr and "spoken by espeak instead" in result.stderr
    item_id = int(result.stdout.split()[0])
    speech = json.loads(station.ok("news", "show", str(item_id), "--json"))["speech"]
    assert all(p["engine"] == "espeak" for p in speech)
    assert all("gtts failed" in p["notes"] for p in speech)


def test_speech_failure_on_add_keeps_the_item_and_says_what_to_do(tmp_path: Path) -> None:
    config = write_config(tmp_path, render_on_add=True, replace={'voice = "vi"': 'voice = "xx-none"'})
    station = StationCLI(config)
    station.init()
    result = station("news", "add", "--title", "Tin", "--topic", "mot-cua", "--text", "Nội dung tin.")
    assert result.exit_code == 0
    assert "speech could not be made" in result.stderr and "broadcaster render" in result.stderr
    assert len(json.loads(station.ok("news", "list", "--json"))) == 1


# ---------------------------------------------------------------- issue 8: speech failures said once, truthfully


def broadcaster(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed command in its own process: how the official's terminal sees it (logging included)."""
    return subprocess.run(
        [sys.executable, "-m", "broadcaster", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow  # broadcaster in its own process
def test_a_speech_failure_is_one_warning_naming_each_engine_once(tmp_path: Path) -> None:
    config = write_config(tmp_path, render_on_add=True, replace={'voice = "vi"': 'voice = "xx-none"'})
    StationCLI(config).init()
    added = broadcaster(config, "news", "add", "--title", "Tin", "--topic", "mot-cua", "--text", "Nội dung tin.")
    assert added.returncode == 0, added.stderr
    assert added.stderr.splitlines() == [
        "Warning: News item 1: speech could not be made: No speech engine could speak the text: "
        "espeak-ng failed: The specified espeak-ng voice does not exist. "
        "Voice 'xx-none' is unknown; list voices with: espeak-ng --voices=vi. "
        "It will be tried again before air time; run `broadcaster render` to retry now."
    ]
    # -v shows what the station did, log lines included
    verbose = broadcaster(config, "-v", "render", "1")
    assert " WARNING broadcaster.service.voicing: speech engine espeak (xx-none): " in verbose.stderr


@pytest.mark.slow  # broadcaster in its own process
def test_the_internet_is_blamed_only_when_the_online_voice_failed(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        render_on_add=True,
        replace={
            'engine = "espeak"            #': 'engine = "gtts"            #',
            "fallback = []        #": 'fallback = ["espeak"]        #',
            'voice = "vi"': 'voice = "xx-none"',
            "retries = 3": "retries = 1",
            "timeout_seconds = 10         # per request": "timeout_seconds = 0.5 # per request",
            'tld = "com.vn"': 'tld = "invalid"',  # translate.google.invalid never resolves
        },
    )
    StationCLI(config).init()
    added = broadcaster(config, "news", "add", "--title", "Tin", "--topic", "mot-cua", "--text", "Nội dung tin.")
    (line,) = added.stderr.splitlines()
    assert line.startswith(
        "Warning: News item 1: speech could not be made: No speech engine could speak the text: gtts failed: "
    )
    assert "; espeak-ng failed: The specified espeak-ng voice does not exist. " in line
    assert line.count("Check the internet connection") == 1


@pytest.mark.slow  # broadcaster in its own process
def test_the_daemon_still_logs_its_warnings_and_errors(tmp_path: Path) -> None:
    config = write_config(tmp_path, replace={'voice = "vi"': 'voice = "xx-none"'})
    StationCLI(config).init()
    StationCLI(config).add("Tin", "mot-cua", "Tin.")
    daemon = broadcaster(config, "run", "--for", "1")
    # The daemon renders ahead in a child process and logs each of its warnings as an error.
    assert " ERROR broadcaster.onair.duty: render ahead: Warning: News item 1: speech could not be made: " in (
        daemon.stderr
    ), daemon.stderr
    assert "Voice 'xx-none' is unknown" in daemon.stderr


def test_a_full_disk_is_said_as_such(tmp_path: Path) -> None:
    from broadcaster.speech import FallbackChain

    class DiskFull:
        name, voice = "gtts", "vi"
        settings: ClassVar[dict[str, object]] = {}

        def synthesize(self, text: str, out_path: Path) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    folder = tmp_path / "audio" / "cache"
    folder.mkdir(parents=True)
    with pytest.raises(SpeechError) as failed:
        FallbackChain([DiskFull(), DiskFull()]).synthesize("Tin.", folder / "x.wav")
    assert str(failed.value) == (
        f"No space left on the disk holding {folder}: the speech could not be written. "
        "Free disk space (old files in aired/ and data/audio/bulletins/)."
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
@pytest.mark.slow  # broadcaster in its own process
def test_a_full_disk_on_news_add(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], check=False).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        config = write_config(
            tmp_path, render_on_add=True, replace={'audio_dir = "data/audio"': f'audio_dir = "{disk / "audio"}"'}
        )
        StationCLI(config).init()
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # to the last byte
            for size in (4096, 1):
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, b"\0" * size)
        finally:
            os.close(fd)
        added = broadcaster(config, "news", "add", "--title", "Tin", "--topic", "mot-cua", "--text", "Nội dung.")
        assert added.returncode == 0
        assert added.stderr.splitlines() == [
            "Warning: News item 1: speech could not be made: No space left on the disk holding "
            f"{disk / 'audio' / 'cache'}: the speech could not be written. "
            "Free disk space (old files in aired/ and data/audio/bulletins/). "
            "It will be tried again before air time; run `broadcaster render` to retry now."
        ]
    finally:
        subprocess.run(["umount", str(disk)], check=False)
