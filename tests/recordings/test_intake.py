"""accept_recording and inspect_recording on real files through the real ffmpeg."""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from broadcaster.errors import AudioError, InputError, NotFoundError, OutputError
from broadcaster.media.mastering import MasteringSettings, measure_loudness
from broadcaster.recordings import (
    AcceptedRecording,
    RecordingLimits,
    accept_recording,
    inspect_recording,
    kept_recording,
    recording_mastering,
)
from broadcaster.recordings import probe as probe_module
from broadcaster.recordings.pcm import float_wav_header
from tests.recordings.conftest import LEAD_S, TAIL_S, Speech
from tests.speech.helpers import wav_info

LIMITS = RecordingLimits()
MASTERING = recording_mastering(MasteringSettings())


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "name",
    ["tin.mp3", "zalo.m4a", "ghi-am.aac", "thong-bao.ogg", "voice.opus", "ban-tin.wav", "ban-tin.flac",
     "trinh-duyet.webm", "phone.amr"],
)  # fmt: skip
def test_every_accepted_format_is_mastered_and_the_original_kept_byte_for_byte(
    name: str, recordings: dict[str, Path], speech: Speech, tmp_path: Path
) -> None:
    source = recordings[name]
    archive = tmp_path / "archive"
    result = accept_recording(source, archive, LIMITS, MASTERING)

    assert result.original_path.read_bytes() == source.read_bytes()
    assert result.original_sha256 == sha256(source) == result.original_path.stem
    assert result.original_bytes == source.stat().st_size
    assert result.mastered_sha256 == sha256(result.mastered_path)
    assert wav_info(result.mastered_path)[:3] == (1, 2, 44100)  # the station's format: mono, 16-bit, 44.1 kHz

    lufs, true_peak = measure_loudness(result.mastered_path)
    assert lufs == pytest.approx(-16, abs=1.0)
    assert true_peak <= -1.5
    assert result.loudness_lufs == pytest.approx(lufs, abs=0.3)
    assert result.peak_dbfs <= -1.5

    # the silence added around the speech is gone, and nothing else: the pace is the speaker's own
    added = 2.0 if name == "phone.amr" else LEAD_S + TAIL_S
    assert result.mastered_duration_s == pytest.approx(wav_info(result.mastered_path)[3])
    assert result.mastered_duration_s == pytest.approx(
        result.original_duration_s - result.trimmed_start_s - result.trimmed_end_s, abs=0.05
    )
    assert result.original_duration_s - result.mastered_duration_s > added - 0.6
    if name != "phone.amr":
        assert result.mastered_duration_s == pytest.approx(speech.seconds, abs=0.6)
    assert any(n.startswith("Trimmed ") for n in result.notices)
    assert files_in(archive) == sorted(
        [f"originals/{result.original_path.name}", f"recordings/{result.mastered_path.name}",
         f"recordings/{result.mastered_path.stem}.json"]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("tin.mp3", r"tin\.mp3 is not audio ffmpeg can decode \(it looks like text\)\. "
                    r"Record or export it again as MP3, M4A, OGG, AMR, WAV or FLAC\."),
        ("ghiam.m4a", r"ghiam\.m4a is 0\.3 s long; a news item must be at least 1 s\."),
        ("im-lang.m4a", r"im-lang\.m4a is silent \(no sound at all\)\. Check that the microphone was on"),
        ("video.mp4", r"video\.mp4 has no sound track \(video only\)\."),
        ("hét.wav", r"hét\.wav is clipped throughout \(\d\d% of the sound is at full scale\)\. "
                    r"Record it again further from the microphone"),
        ("hét.mp3", r"hét\.mp3 is clipped throughout"),
        ("rác.wav", r"rác\.wav sounds like noise, not speech"),
        ("phu-de.mkv", r"phu-de\.mkv has no sound track \(it holds only subtitles\)\."),
        ("danh-sach.mp3", r"danh-sach\.mp3 is not audio ffmpeg can decode \(it looks like a playlist\)\."),
        ("ghep.mp3", r"ghep\.mp3 is not audio ffmpeg can decode \(it looks like an ffmpeg script\)\."),
    ],
)  # fmt: skip
def test_bad_files_are_refused_with_what_to_do_and_nothing_is_kept(
    name: str, message: str, bad: dict[str, Path], tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    with pytest.raises(InputError, match="^" + message):
        accept_recording(bad[name], archive, LIMITS, MASTERING)
    assert files_in(archive) == []
    with pytest.raises(InputError, match="^" + message):
        inspect_recording(bad[name], LIMITS)


def test_a_file_longer_than_the_maximum_is_refused(recordings: dict[str, Path], tmp_path: Path) -> None:
    short = RecordingLimits(max_seconds=3.0)
    with pytest.raises(InputError, match=r"^zalo\.m4a is 8\.4 s long; a news item may last at most 3 s\. Split it"):
        accept_recording(recordings["zalo.m4a"], tmp_path / "archive", short, MASTERING)
    assert files_in(tmp_path / "archive") == []


def test_a_browser_recording_that_does_not_declare_its_length_is_measured_and_capped(
    speech: Speech, tmp_path: Path
) -> None:
    # MediaRecorder streams WebM: no duration in the header, so only decoding can tell
    streamed = subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(speech.wav), "-c:a", "libopus", "-f", "webm", "pipe:1"],
        check=True,
        capture_output=True,
    ).stdout
    source = tmp_path / "ghi-am-trinh-duyet.webm"
    source.write_bytes(streamed)
    with pytest.raises(InputError, match=r"is longer than 3 s, the most a news item may last"):
        accept_recording(source, tmp_path / "archive", RecordingLimits(max_seconds=3.0), MASTERING)
    assert files_in(tmp_path / "archive") == []
    result = accept_recording(source, tmp_path / "archive", LIMITS, MASTERING)
    assert result.original_path.suffix == ".webm"
    assert result.original_duration_s == pytest.approx(speech.seconds, abs=0.1)


def test_a_file_over_the_byte_limit_is_refused_before_ffmpeg_reads_it(
    recordings: dict[str, Path], tmp_path: Path
) -> None:
    small = RecordingLimits(max_bytes=10_000)
    with pytest.raises(
        InputError, match=r"^ban-tin\.wav is 743 kB; a recording may be at most 10 kB\. Export it again as MP3"
    ):
        accept_recording(recordings["ban-tin.wav"], tmp_path / "archive", small, MASTERING)
    assert files_in(tmp_path / "archive") == []


def test_a_folder_is_not_a_recording(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^ghi-am is not a file that can be read\."):
        accept_recording(tmp_path, tmp_path / "archive", LIMITS, MASTERING, original_name="ghi-am")


def test_the_same_file_imported_twice_is_stored_once(recordings: dict[str, Path], tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    first = accept_recording(recordings["zalo.m4a"], archive, LIMITS, MASTERING)
    stored = {p: p.stat().st_mtime_ns for p in archive.rglob("*") if p.is_file()}
    copy = tmp_path / "gui-lai.m4a"
    shutil.copyfile(recordings["zalo.m4a"], copy)

    again = accept_recording(copy, archive, LIMITS, MASTERING, original_name="Ghi âm gửi lại.m4a")

    assert again.reused and not first.reused
    assert (again.original_path, again.mastered_path) == (first.original_path, first.mastered_path)
    assert (again.mastered_sha256, again.loudness_lufs) == (first.mastered_sha256, first.loudness_lufs)
    assert again.original_name == "Ghi âm gửi lại.m4a"
    assert again.notices == first.notices
    assert {p: p.stat().st_mtime_ns for p in archive.rglob("*") if p.is_file()} == stored  # nothing rewritten


def test_a_kept_recording_is_checked_again_under_todays_limits(recordings: dict[str, Path], tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    accept_recording(recordings["zalo.m4a"], archive, LIMITS, MASTERING)
    before = files_in(archive)
    with pytest.raises(InputError, match="may last at most 5 s"):
        accept_recording(recordings["zalo.m4a"], archive, RecordingLimits(max_seconds=5.0), MASTERING)
    assert files_in(archive) == before


def test_a_damaged_mastered_file_is_made_again(recordings: dict[str, Path], tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    first = accept_recording(recordings["tin.mp3"], archive, LIMITS, MASTERING)
    first.mastered_path.write_bytes(b"RIFF damaged")
    first.original_path.unlink()
    again = accept_recording(recordings["tin.mp3"], archive, LIMITS, MASTERING)
    assert not again.reused
    assert sha256(again.mastered_path) == first.mastered_sha256  # mastering is deterministic
    assert again.original_path.read_bytes() == recordings["tin.mp3"].read_bytes()


def test_other_mastering_settings_master_again_but_keep_one_original(
    recordings: dict[str, Path], tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    loud = accept_recording(recordings["voice.opus"], archive, LIMITS, MASTERING)
    quiet = accept_recording(recordings["voice.opus"], archive, LIMITS, replace(MASTERING, loudness_lufs=-20.0))
    assert quiet.original_path == loud.original_path and quiet.mastered_path != loud.mastered_path
    assert measure_loudness(quiet.mastered_path)[0] == pytest.approx(-20, abs=1.0)
    assert len(files_in(archive / "originals")) == 1 and len(files_in(archive / "recordings")) == 4


def test_recordings_keep_the_speakers_pace_unless_the_station_sets_a_tempo(
    recordings: dict[str, Path], tmp_path: Path
) -> None:
    speech_settings = MasteringSettings()  # tempo 0.92 for synthetic voices
    assert recording_mastering(speech_settings).tempo == 1.0
    own = accept_recording(recordings["zalo.m4a"], tmp_path / "a", LIMITS, recording_mastering(speech_settings))
    slower = accept_recording(
        recordings["zalo.m4a"], tmp_path / "b", LIMITS, recording_mastering(speech_settings, tempo=0.92)
    )
    assert slower.mastered_duration_s == pytest.approx(own.mastered_duration_s / 0.92, rel=0.02)


def test_without_trimming_the_whole_recording_airs(recordings: dict[str, Path], tmp_path: Path) -> None:
    result = accept_recording(
        recordings["ban-tin.flac"], tmp_path / "archive", LIMITS, replace(MASTERING, trim_silence=False)
    )
    assert result.mastered_duration_s == pytest.approx(result.original_duration_s, abs=0.02)
    assert (result.trimmed_start_s, result.trimmed_end_s) == (0, 0)
    assert result.notices == ()


def test_inspect_checks_the_same_way_and_stores_nothing(recordings: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "in" / "zalo.m4a"
    source.parent.mkdir()
    shutil.copyfile(recordings["zalo.m4a"], source)
    info = inspect_recording(source, LIMITS, original_name="Ghi âm 12-05.m4a")
    assert files_in(tmp_path) == ["in/zalo.m4a"]
    accepted: AcceptedRecording = accept_recording(source, tmp_path / "archive", LIMITS, MASTERING)
    assert info.name == "Ghi âm 12-05.m4a"
    assert (info.sha256, info.byte_size) == (accepted.original_sha256, accepted.original_bytes)
    assert (info.codec, info.extension, info.sample_rate, info.channels) == ("aac", "m4a", 44100, 1)
    assert info.duration_s == pytest.approx(accepted.original_duration_s)
    assert info.sound_start_s == pytest.approx(accepted.trimmed_start_s)
    assert info.notices == accepted.notices


def test_names_that_look_like_protocols_are_only_files(recordings: dict[str, Path], tmp_path: Path) -> None:
    odd = tmp_path / "concat:http:tin.m4a"
    shutil.copyfile(recordings["zalo.m4a"], odd)
    assert inspect_recording(odd, LIMITS).codec == "aac"


def test_playlists_are_refused_by_ffmpeg_too_not_only_by_their_first_bytes(
    bad: dict[str, Path], tmp_path: Path
) -> None:
    # even if the sniffing missed one, ffmpeg itself may not open a playlist or what it lists
    with pytest.raises(InputError, match="is not audio ffmpeg can decode"):
        probe_module.probe_file(bad["danh-sach.mp3"], "danh-sach.mp3", LIMITS)


def test_a_decoder_that_takes_too_long_is_stopped(recordings: dict[str, Path], tmp_path: Path) -> None:
    hasty = RecordingLimits(decode_timeout_s=0.001)
    with pytest.raises(AudioError, match=r"^ffmpeg took longer than 0 s to decode zalo\.m4a\."):
        accept_recording(recordings["zalo.m4a"], tmp_path / "archive", hasty, MASTERING)
    assert files_in(tmp_path / "archive") == []


def test_a_probe_that_takes_too_long_is_stopped(recordings: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"^ffprobe took longer than 0 s to read zalo\.m4a\."):
        inspect_recording(recordings["zalo.m4a"], RecordingLimits(probe_timeout_s=0.001))


def test_missing_ffmpeg_says_how_to_install_it(
    recordings: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(probe_module, "FFPROBE", "ffprobe-not-installed")
    with pytest.raises(AudioError, match=r"ffprobe was not found while checking zalo\.m4a\. Is ffmpeg installed\?"):
        accept_recording(recordings["zalo.m4a"], tmp_path / "archive", LIMITS, MASTERING)
    assert files_in(tmp_path / "archive") == []


def test_an_archive_folder_that_cannot_be_written_is_an_output_error(
    recordings: dict[str, Path], tmp_path: Path
) -> None:
    blocked = tmp_path / "archive"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(OutputError, match=r"^zalo\.m4a could not be kept in the recordings folder .*archive: "):
        accept_recording(recordings["zalo.m4a"], blocked, LIMITS, MASTERING)
    assert blocked.read_text() == "a file where the folder should be"


def test_a_float_wav_of_garbage_is_refused_as_noise(tmp_path: Path) -> None:
    source = tmp_path / "hong.wav"
    garbage = random.Random(3).randbytes(16000 * 4 * 3)
    source.write_bytes(float_wav_header(len(garbage) // 4, 16000, 1) + garbage)
    with pytest.raises(InputError, match=r"^hong\.wav sounds like noise, not speech: the file is damaged"):
        accept_recording(source, tmp_path / "archive", LIMITS, MASTERING)
    assert files_in(tmp_path / "archive") == []


def test_the_airer_gets_the_kept_recording_checked_against_its_hash(
    recordings: dict[str, Path], tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    accepted = accept_recording(recordings["thong-bao.ogg"], archive, LIMITS, MASTERING)
    kept = kept_recording(archive, accepted.original_sha256, MASTERING)
    assert (kept.mastered_path, kept.mastered_sha256) == (accepted.mastered_path, accepted.mastered_sha256)
    assert kept.original_path == accepted.original_path

    with pytest.raises(NotFoundError, match="mastered with the station's current settings"):
        kept_recording(archive, accepted.original_sha256, replace(MASTERING, loudness_lufs=-20.0))
    # mastered again from the kept original, as the hint says
    again = accept_recording(accepted.original_path, archive, LIMITS, replace(MASTERING, loudness_lufs=-20.0))
    assert kept_recording(archive, accepted.original_sha256, replace(MASTERING, loudness_lufs=-20.0)) == replace(
        again, original_name=again.original_path.name, notices=(), reused=True
    )

    with accepted.mastered_path.open("r+b") as f:
        f.seek(1000)
        f.write(b"\x7f\x7f")
    with pytest.raises(AudioError, match="does not match its SHA-256"):
        kept_recording(archive, accepted.original_sha256, MASTERING)
