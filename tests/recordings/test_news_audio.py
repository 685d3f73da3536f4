"""news add / edit / show / list with --audio: recorded items, checked before anything is stored."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import StationCLI, write_config
from tests.recordings.conftest import Speech
from tests.speech.helpers import wav_info

FORMATS = ["tin.mp3", "zalo.m4a", "ghi-am.aac", "thong-bao.ogg", "voice.opus", "ban-tin.wav", "ban-tin.flac",
           "trinh-duyet.webm", "phone.amr"]  # fmt: skip


def folder_files(station: StationCLI) -> list[str]:
    """What the station's recordings folder holds (config.toml [recordings] folder)."""
    folder = station.config.parent / "data" / "recordings"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def news(station: StationCLI) -> list[dict[str, Any]]:
    return list(json.loads(station.ok("news", "list", "--json")))


def show(station: StationCLI, item_id: int) -> dict[str, Any]:
    return dict(json.loads(station.ok("news", "show", str(item_id), "--json")))


def add_recording(station: StationCLI, audio: Path, *extra: str, title: str = "Thông báo") -> int:
    out = station.ok("news", "add", "--title", title, "--topic", "mot-cua", "--audio", str(audio), *extra)
    return int(re.findall(r"^\d+$", out, flags=re.M)[-1])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", FORMATS)
def test_a_recording_in_every_accepted_format_becomes_a_news_item(
    name: str, recordings: dict[str, Path], sqlite_cli: StationCLI
) -> None:
    source = recordings[name]
    item_id = add_recording(sqlite_cli, source, "--language", "tyz")
    item = show(sqlite_cli, item_id)
    assert (item["kind"], item["language"], item["language_name"]) == ("recording", "tyz", "Tày")
    assert item["recording"]["sha256"] == sha256(source)
    assert item["recording"]["name"] == name
    assert item["text"] == ""  # no transcript given
    # the original kept byte for byte, the mastered WAV beside it, and what the item says is its length
    [original] = [f for f in folder_files(sqlite_cli) if f.startswith("originals/")]
    kept = sqlite_cli.config.parent / "data" / "recordings" / original
    assert kept.read_bytes() == source.read_bytes()
    [mastered] = [f for f in folder_files(sqlite_cli) if f.startswith("recordings/") and f.endswith(".wav")]
    channels, width, rate, seconds = wav_info(sqlite_cli.config.parent / "data" / "recordings" / mastered)
    assert (channels, width, rate) == (1, 2, 44100)
    assert item["recording"]["seconds"] == pytest.approx(seconds, abs=0.001)


def test_show_and_list_give_the_transcript_language_and_length(
    recordings: dict[str, Path], speech: Speech, station_cli: StationCLI
) -> None:
    transcript = "Thông báo lịch tiêm phòng cho trâu bò, đọc bằng tiếng Tày."
    item_id = add_recording(station_cli, recordings["zalo.m4a"], "--language", "tyz", "--text", transcript)
    typed = station_cli.add("Tin gõ", "mot-cua", "Nội dung gõ.")
    shown = station_cli.ok("news", "show", str(item_id))
    assert f"Transcript: {transcript}" in shown
    assert "recording: zalo.m4a" in shown and "in Tày" in shown
    assert sha256(recordings["zalo.m4a"]) in shown
    listed = station_cli.ok("news", "list")
    assert "recording in Tày, 0:" in listed and "Thông báo lịch tiêm phòng cho trâu bò" in listed
    first, second = news(station_cli)
    assert (first["id"], first["kind"], first["text"]) == (item_id, "recording", transcript)
    assert (second["id"], second["kind"], second["language"], second["recording"]) == (typed, "speech", "vie", None)
    # the mastered length: the speech itself, the silence around it trimmed
    assert first["recording"]["seconds"] == pytest.approx(speech.seconds, abs=0.6)


def test_a_recording_without_a_language_is_vietnamese(recordings: dict[str, Path], sqlite_cli: StationCLI) -> None:
    item = show(sqlite_cli, add_recording(sqlite_cli, recordings["tin.mp3"]))
    assert (item["kind"], item["language"]) == ("recording", "vie")


BAD = [
    ("tin.mp3", r"Error: tin\.mp3 is not audio ffmpeg can decode \(it looks like text\)"),
    ("ghiam.m4a", r"Error: ghiam\.m4a is 0\.3 s long; a news item must be at least 1 s\."),
    ("im-lang.m4a", r"Error: im-lang\.m4a is silent"),
    ("video.mp4", r"Error: video\.mp4 has no sound track"),
]


@pytest.mark.parametrize(("name", "error"), BAD)
def test_a_bad_file_is_refused_and_nothing_is_stored(
    name: str, error: str, bad: dict[str, Path], station_cli: StationCLI
) -> None:
    line = station_cli.fails(
        "news", "add", "--title", "Thông báo", "--topic", "mot-cua", "--audio", str(bad[name]), "--language", "tyz"
    )
    assert re.match(error, line), line
    assert news(station_cli) == []
    assert folder_files(station_cli) == []


def test_a_recording_longer_than_the_maximum_is_refused(recordings: dict[str, Path], tmp_path: Path) -> None:
    station = StationCLI(write_config(tmp_path, append="\n[recordings]\nmax_minutes = 0.1\n"))
    station.init()
    line = station.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--audio", str(recordings["zalo.m4a"]))
    assert line.startswith("Error: zalo.m4a is 8.4 s long; a news item may last at most 6 s.")
    assert (news(station), folder_files(station)) == ([], [])


def test_a_recording_longer_than_every_slot_that_may_air_it_is_refused(
    recordings: dict[str, Path], tmp_path: Path
) -> None:
    # the Tày slot lasts 3 seconds; the speech in the recording about 5
    slot = '\n[[slots]]\nname = "Tiếng Tày"\ntime = "19:00"\nmax_minutes = 0.05\nlanguages = ["tyz"]\n'
    config = write_config(tmp_path)
    text = config.read_text(encoding="utf-8").replace("# Loudspeaker hours", slot + "\n# Loudspeaker hours", 1)
    text = text.replace("max_minutes = 30\n", 'max_minutes = 30\nlanguages = ["vie"]\n')
    config.write_text(text.replace("max_minutes = 15\n", 'max_minutes = 15\nlanguages = ["vie"]\n'), encoding="utf-8")
    station = StationCLI(config)
    station.init()
    args = ["news", "add", "--title", "T", "--topic", "mot-cua", "--audio", str(recordings["tin.mp3"])]
    line = station.fails(*args, "--language", "tyz")
    assert re.match(r"Error: tin\.mp3 lasts 0\.\d minutes once mastered; the longest slot it can air in, "
                    r"'Tiếng Tày', is 0\.05 minutes\. Split the recording", line), line  # fmt: skip
    assert (news(station), folder_files(station)) == ([], [])
    # in Vietnamese it fits the half-hour slots
    station.ok(*args, "--language", "vie")


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("tay", "Error: --language 'tay' is not a language of this station. Did you mean 'tyz' (Tày)?"),
        ("Mường", "Error: --language 'Mường' is not a language of this station. Did you mean 'mtq' (Mường)?"),
        ("qqq", "Error: --language 'qqq' is not a language of this station. Use one of the codes of [[languages]]"),
    ],
)
def test_an_unknown_language_says_which_codes_there_are(
    language: str, error: str, recordings: dict[str, Path], station_cli: StationCLI
) -> None:
    line = station_cli.fails(
        "news",
        "add",
        "--title",
        "T",
        "--topic",
        "mot-cua",
        "--audio",
        str(recordings["tin.mp3"]),
        "--language",
        language,
    )
    assert line.startswith(error), line
    assert "tyz (Tày)" in line
    assert (news(station_cli), folder_files(station_cli)) == ([], [])


def test_a_typed_item_is_vietnamese(sqlite_cli: StationCLI) -> None:
    line = sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--text", "Tin.", "--language", "tyz")
    assert line == (
        "Error: --language tyz: a typed news item is spoken in Vietnamese (vie). "
        "Give the recording in that language with --audio FILE."
    )
    assert news(sqlite_cli) == []
    item_id = int(
        sqlite_cli.ok("news", "add", "--title", "T", "--topic", "mot-cua", "--text", "Tin.", "--language", "vie")
    )
    assert show(sqlite_cli, item_id)["kind"] == "speech"


def test_bad_fields_are_refused_before_the_file_is_read(recordings: dict[str, Path], sqlite_cli: StationCLI) -> None:
    line = sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-coa", "--audio", str(recordings["tin.mp3"]))
    assert line.startswith("Error: Unknown topic 'mot-coa'. Did you mean 'mot-cua'?")
    missing = sqlite_cli.fails("news", "add", "--title", "T", "--topic", "mot-cua", "--audio", "khong-co.mp3")
    assert missing.startswith("Error: File khong-co.mp3 does not exist.")
    assert (news(sqlite_cli), folder_files(sqlite_cli)) == ([], [])


def test_edit_gives_an_item_a_new_recording_or_language(
    recordings: dict[str, Path], bad: dict[str, Path], station_cli: StationCLI, tmp_path: Path
) -> None:
    typed = station_cli.add("Tin gõ", "mot-cua", "Bản ghi này đọc lại tin bằng tiếng Mông.")
    recorded = add_recording(station_cli, recordings["tin.mp3"], "--language", "tyz")

    station_cli.ok("news", "edit", str(typed), "--audio", str(recordings["thong-bao.ogg"]), "--language", "hmn")
    item = show(station_cli, typed)
    assert (item["kind"], item["language"], item["recording"]["name"]) == ("recording", "hmn", "thong-bao.ogg")
    assert item["text"] == "Bản ghi này đọc lại tin bằng tiếng Mông."  # now its transcript
    assert item["recording"]["sha256"] == sha256(recordings["thong-bao.ogg"])

    station_cli.ok("news", "edit", str(recorded), "--language", "blt", "--title", "Thông báo mới")
    item = show(station_cli, recorded)
    assert (item["title"], item["language"], item["recording"]["name"]) == ("Thông báo mới", "blt", "tin.mp3")

    before = [show(station_cli, typed), show(station_cli, recorded)]
    kept = folder_files(station_cli)
    line = station_cli.fails("news", "edit", str(recorded), "--audio", str(bad["ghiam.m4a"]), "--title", "Khác")
    assert line.startswith("Error: ghiam.m4a is 0.3 s long")
    assert station_cli.fails("news", "edit", str(recorded), "--language", "tay").startswith(
        "Error: --language 'tay' is not a language of this station. Did you mean 'tyz' (Tày)?"
    )
    assert station_cli.fails("news", "edit", str(recorded), "--title", " ").startswith("Error: The title is empty.")
    assert [show(station_cli, typed), show(station_cli, recorded)] == before
    assert folder_files(station_cli) == kept


def test_the_same_file_added_twice_is_kept_once(
    recordings: dict[str, Path], sqlite_cli: StationCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from broadcaster.recordings import intake

    runs: list[str] = []  # ffprobe and ffmpeg's decoding: each start costs ~0.1 s of CPU
    for name in ("probe_file", "measure_sound"):
        real = getattr(intake, name)
        monkeypatch.setattr(intake, name, lambda *a, real=real, name=name, **k: runs.append(name) or real(*a, **k))
    renamed = tmp_path / "ban-sao.m4a"
    shutil.copyfile(recordings["zalo.m4a"], renamed)
    first = add_recording(sqlite_cli, recordings["zalo.m4a"])
    assert runs == ["probe_file", "measure_sound"]  # checked and mastered in one pass, not checked twice
    second = add_recording(sqlite_cli, renamed)
    assert runs == ["probe_file", "measure_sound"]  # the kept recording of the same bytes serves again
    assert show(sqlite_cli, first)["recording"]["sha256"] == show(sqlite_cli, second)["recording"]["sha256"]
    assert show(sqlite_cli, second)["recording"]["name"] == "ban-sao.m4a"  # each item keeps the name it came with
    assert len([f for f in folder_files(sqlite_cli) if f.startswith("originals/")]) == 1


def test_the_console_and_status_count_a_recorded_item_ready_with_its_recording(
    recordings: dict[str, Path], sqlite_cli: StationCLI
) -> None:
    """They read lengths without hashing (Voicing check_audio=False): a recording is its own audio,
    no spoken title or text is looked for."""
    from broadcaster.service.context import Station
    from broadcaster.service.queue import NewsDesk
    from broadcaster.service.voicing import Voicing

    item_id = add_recording(sqlite_cli, recordings["ban-tin.wav"])
    assert item_id not in json.loads(sqlite_cli.ok("status", "--json"))["waiting_for_speech"]
    station = Station.open(sqlite_cli.config)
    item = NewsDesk(station).get(item_id)
    quick = Voicing(station, check_audio=False).seconds_of([item])
    assert quick == Voicing(station).seconds_of([item]) and (quick[item_id] or 0) > 1.0
