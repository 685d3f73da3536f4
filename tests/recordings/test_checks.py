"""The decisions on measured figures, one line each: no files, no ffmpeg."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from broadcaster.errors import InputError
from broadcaster.recordings.checks import (
    archive_extension,
    check_probe,
    check_size,
    check_sound,
    describe_content,
    format_duration,
    summarize,
)
from broadcaster.recordings.figures import Measurement, ProbeResult, RecordingLimits, SoundFigures, StreamInfo

LIMITS = RecordingLimits()
AAC = StreamInfo("audio", "aac")


def figures(**changes: float) -> SoundFigures:
    """A clean 20 s recording, with the figures a test is about changed."""
    return replace(SoundFigures(20.0, -3.0, 0.5, 0.95, 0.0, 20.0), **changes)


def measurement(peaks: list[float], rate: int = 100, correlation: float = 0.95) -> Measurement:
    """One block per entry; at 100 Hz a block of 0.01 s is one sample."""
    return Measurement(len(peaks), rate, 1, np.array(peaks, dtype=np.float32), correlation)


@pytest.mark.parametrize(
    ("head", "what"),
    [
        ("Thông báo lịch tiếp công dân.\n".encode(), "text"),
        (b"\xef\xbb\xbfUBND x\xc3\xa3\r\n", "text"),
        (b"#EXTM3U\n#EXTINF:10,\nhttp://example.org/a.mp3\n", "a playlist"),
        (b"ffconcat version 1.0\nfile '/etc/passwd'\n", "an ffmpeg script"),
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive or an Office document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a photo"),
        (b"<!DOCTYPE html><html><body>404", "a web page"),
        ("Tiếng Việt cắt giữa chữ ế".encode()[:-1], "text"),  # the head ends inside a character
    ],
)
def test_files_that_are_plainly_not_audio_are_named_for_what_they_are(head: bytes, what: str) -> None:
    assert describe_content(head) == what


@pytest.mark.parametrize(
    "head",
    [b"ID3\x04\x00\x00\x00\x00\x00#TSSE", b"RIFF\x24\x08\x00\x00WAVEfmt ", b"OggS\x00\x02", b"#!AMR\n<\x91",
     b"\x00\x00\x00\x20ftypM4A ", b"\x1aE\xdf\xa3\x9fB\x86\x81\x01", b"fLaC\x00\x00\x00\x22"],
)  # fmt: skip
def test_audio_headers_are_left_to_ffmpeg(head: bytes) -> None:
    assert describe_content(head) is None


def test_duration_reads_at_a_glance() -> None:
    assert [format_duration(s) for s in (0.3, 1.0, 9.94, 42.4, 600, 605, 1800, 3725)] == [
        "0.3 s", "1 s", "9.9 s", "42 s", "10 min", "10 min 05 s", "30 min", "1 h 02 min",
    ]  # fmt: skip


def test_empty_and_huge_files_are_refused_before_anything_is_read() -> None:
    with pytest.raises(InputError, match=r"^tin\.mp3 is empty \(0 bytes\)\."):
        check_size("tin.mp3", 0, LIMITS)
    with pytest.raises(InputError, match=r"ban-tin\.wav is 500 MB; a recording may be at most 400 MB\."):
        check_size("ban-tin.wav", 500_000_000, LIMITS)
    check_size("ok.m4a", 400_000_000, LIMITS)


def test_a_video_without_sound_and_a_file_of_subtitles_have_no_sound_track() -> None:
    video = ProbeResult("mov,mp4,m4a,3gp,3g2,mj2", (StreamInfo("video", "h264"),), 2.0)
    with pytest.raises(InputError, match=r"^video\.mp4 has no sound track \(video only\)\."):
        check_probe("video.mp4", video, LIMITS)
    subtitles = ProbeResult("matroska,webm", (StreamInfo("subtitle", "subrip"),), 2.0)
    with pytest.raises(InputError, match=r"holds only subtitles"):
        check_probe("phu-de.mkv", subtitles, LIMITS)


def test_a_cover_picture_is_not_a_video_and_a_video_with_sound_keeps_its_sound() -> None:
    cover = ProbeResult("mp3", (AAC, StreamInfo("video", "mjpeg", attached_picture=True)), 60.0)
    assert check_probe("bai-hat.mp3", cover, LIMITS) == []
    clip = ProbeResult("mov,mp4,m4a,3gp,3g2,mj2", (StreamInfo("video", "h264"), AAC, AAC), 60.0)
    assert check_probe("clip.mp4", clip, LIMITS) == [
        "clip.mp4 is a video: only its sound is kept.",
        "clip.mp4 has 2 sound tracks; the first one is used.",
    ]


def test_sound_ffmpeg_cannot_decode_is_refused() -> None:
    unknown = ProbeResult("wav", (StreamInfo("audio", ""),), 5.0)
    with pytest.raises(InputError, match="sound in a format ffmpeg cannot decode"):
        check_probe("la.wav", unknown, LIMITS)


def test_a_declared_length_over_the_limit_is_refused_before_decoding() -> None:
    long = ProbeResult("mp3", (AAC,), 2 * 3600.0)
    with pytest.raises(InputError, match=r"^hop\.mp3 is 2 h 00 min long; a news item may last at most 30 min\."):
        check_probe("hop.mp3", long, LIMITS)
    assert check_probe("hop.mp3", ProbeResult("mp3", (AAC,), 1800.5), LIMITS) == []


def test_length_limits() -> None:
    with pytest.raises(InputError, match=r"^ghiam\.m4a is 0\.3 s long; a news item must be at least 1 s\."):
        check_sound("ghiam.m4a", figures(duration_s=0.3, end_s=0.3), LIMITS)
    with pytest.raises(InputError, match=r"longer than 30 min"):
        check_sound("dai.webm", figures(duration_s=1801.0, end_s=1801.0), LIMITS)
    check_sound("vua.webm", figures(duration_s=1800.0, end_s=1800.0), LIMITS)


def test_silence_and_near_silence() -> None:
    with pytest.raises(InputError, match=r"is silent \(no sound at all\)"):
        check_sound("im.m4a", figures(peak_dbfs=float("-inf")), LIMITS)
    with pytest.raises(InputError, match=r"is silent \(loudest sound -70 dBFS\)"):
        check_sound("im.m4a", figures(peak_dbfs=-70.2), LIMITS)
    assert check_sound("nho.m4a", figures(peak_dbfs=-40.0), LIMITS) == []


def test_clipping_throughout_is_refused_and_in_places_is_a_notice() -> None:
    with pytest.raises(InputError, match=r"is clipped throughout \(62% of the sound is at full scale\)"):
        check_sound("het.wav", figures(clipped_percent=62.0), LIMITS)
    notices = check_sound("to.wav", figures(clipped_percent=12.0), LIMITS)
    assert notices == ["to.wav is clipped in places (12% of the sound is at full scale); it may sound harsh."]


def test_noise_is_not_speech() -> None:
    with pytest.raises(InputError, match="sounds like noise, not speech"):
        check_sound("rac.wav", figures(correlation=0.02), LIMITS)


def test_a_long_file_with_a_blip_of_sound_is_too_short_once_trimmed() -> None:
    with pytest.raises(InputError, match=r"has only 0\.4 s of sound in 12 s; a news item must be at least 1 s"):
        check_sound("blip.m4a", figures(duration_s=12.0, start_s=5.0, end_s=5.4), LIMITS)
    # a station that keeps recordings untrimmed airs the whole 12 s
    assert check_sound("blip.m4a", figures(duration_s=12.0, start_s=5.0, end_s=5.4), LIMITS, trim=False) == []


def test_trimming_is_reported_when_it_is_worth_saying() -> None:
    notices = check_sound("zalo.m4a", figures(start_s=1.9, end_s=18.4), LIMITS)
    assert notices == ["Trimmed 3.5 s of silence (1.9 s at the start, 1.6 s at the end)."]
    assert check_sound("zalo.m4a", figures(start_s=0.1, end_s=19.8), LIMITS) == []


def test_summary_finds_the_sound_between_silences_and_keeps_short_pads() -> None:
    quiet, loud = 0.0005, 0.5
    result = summarize(measurement([quiet] * 200 + [loud] * 300 + [quiet] * 150))
    assert result.duration_s == pytest.approx(6.5)
    assert result.peak_dbfs == pytest.approx(-6.02, abs=0.01)
    assert (result.start_s, result.end_s) == (pytest.approx(1.9), pytest.approx(5.3))  # 0.1 s before, 0.3 s after
    assert result.clipped_percent == 0


def test_summary_counts_clipping_only_where_there_is_sound() -> None:
    result = summarize(measurement([0.0] * 500 + [1.0] * 30 + [0.5] * 70))
    assert result.clipped_percent == pytest.approx(30.0)


def test_summary_of_digital_silence() -> None:
    result = summarize(measurement([0.0] * 100))
    assert result.peak_dbfs == float("-inf") and result.sound_s == 0


@pytest.mark.parametrize(
    ("format_name", "streams", "brand", "ext"),
    [
        ("mov,mp4,m4a,3gp,3g2,mj2", (AAC,), "M4A ", "m4a"),
        ("mov,mp4,m4a,3gp,3g2,mj2", (StreamInfo("audio", "amr_nb"),), "3gp4", "3gp"),
        ("mov,mp4,m4a,3gp,3g2,mj2", (StreamInfo("video", "h264"), AAC), "isom", "mp4"),
        ("ogg", (StreamInfo("audio", "opus"),), "", "opus"),
        ("ogg", (StreamInfo("audio", "vorbis"),), "", "ogg"),
        ("matroska,webm", (StreamInfo("audio", "opus"),), "", "webm"),
        ("matroska,webm", (StreamInfo("audio", "aac"),), "", "mka"),
        ("amr", (StreamInfo("audio", "amr_nb"),), "", "amr"),
        ("mp3", (StreamInfo("audio", "mp3"),), "", "mp3"),
    ],
)
def test_originals_are_kept_under_an_extension_from_their_content(
    format_name: str, streams: tuple[StreamInfo, ...], brand: str, ext: str
) -> None:
    assert archive_extension(ProbeResult(format_name, streams, 10.0, brand=brand)) == ext


def test_limits_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="min_seconds"):
        RecordingLimits(min_seconds=40, max_seconds=30)
    with pytest.raises(ValueError, match="clipped"):
        RecordingLimits(clipped_notice_percent=60, clipped_refuse_percent=50)
