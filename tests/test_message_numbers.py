"""QA finding 9: a Vietnamese reader takes "30,000" for thirty and "0.5" for five. Numbers in messages
are written the Vietnamese way (30.000, 0,5) when the message is in Vietnamese, the English way in English."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from broadcaster import i18n
from broadcaster.config import load_config
from broadcaster.errors import InputError
from broadcaster.model import Priority
from broadcaster.newsinput import check_length, check_recording_fits
from broadcaster.recordings.checks import check_size, check_sound, format_duration
from broadcaster.recordings.figures import RecordingLimits, SoundFigures
from tests.conftest import write_config

LIMITS = RecordingLimits()
SHORT = SoundFigures(0.5, -3.0, 0.0, 0.95, 0.0, 0.5)


@pytest.fixture(params=["vi", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    with i18n.activate(request.param):
        yield request.param


def refusal(call: object, *args: object) -> str:
    with pytest.raises(InputError) as err:
        call(*args)  # type: ignore[operator]
    return err.value.message


def test_numbers_are_written_the_way_the_reader_reads_them() -> None:
    with i18n.activate("vi"):
        assert [i18n.format_number(n) for n in (5, 500, 30_000, 179_999, 1_234_567)] == [
            "5", "500", "30.000", "179.999", "1.234.567",
        ]  # fmt: skip
        assert i18n.format_number(1234.5, 1) == "1.234,5"
    with i18n.activate("en"):
        assert i18n.format_number(179_999) == "179,999"
        assert i18n.format_number(1234.5, 1) == "1,234.5"


def test_a_text_over_the_limit_says_its_length_in_the_readers_numbers(language: str) -> None:
    message = refusal(check_length, "x" * 179_999, "Nội dung", 30_000, "")
    if language == "vi":
        assert message == "Nội dung dài 179.999 ký tự; giới hạn là 30.000."
    else:
        assert message == "Nội dung is 179,999 characters long; the limit is 30,000."


def test_a_title_of_5000_characters_is_not_read_as_five() -> None:
    with i18n.activate("vi"):
        assert refusal(check_length, "t" * 5000, "Tiêu đề", 500, "") == "Tiêu đề dài 5.000 ký tự; giới hạn là 500."


def test_a_short_recording_says_its_length_in_the_readers_numbers(language: str) -> None:
    message = refusal(check_sound, "short.wav", SHORT, LIMITS)
    if language == "vi":
        assert message == "short.wav dài 0,5 giây; một bản tin phải dài ít nhất 1 giây."
    else:
        assert message == "short.wav is 0.5 s long; a news item must be at least 1 s."


def test_lengths_and_sizes_of_recordings_in_vietnamese() -> None:
    with i18n.activate("vi"):
        assert [format_duration(s) for s in (0.3, 1.0, 9.94, 42.4, 600, 605, 3725)] == [
            "0,3 giây", "1 giây", "9,9 giây", "42 giây", "10 phút", "10 phút 05 giây", "1 giờ 02 phút",
        ]  # fmt: skip
        small = replace(LIMITS, max_bytes=1_200_000)
        assert (
            refusal(check_size, "tin.wav", 1_500_000, small)
            == "tin.wav có dung lượng 1,5 MB; file ghi âm tối đa 1,2 MB."
        )


def test_trimmed_silence_is_reported_in_the_readers_numbers(language: str) -> None:
    figures = SoundFigures(12.0, -3.0, 0.5, 0.95, 1.9, 10.4)
    notices = check_sound("tin.m4a", figures, LIMITS)
    if language == "vi":
        assert notices == ["Đã cắt 3,5 giây im lặng (1,9 giây ở đầu, 1,6 giây ở cuối)."]
    else:
        assert notices == ["Trimmed 3.5 s of silence (1.9 s at the start, 1.6 s at the end)."]


def test_a_recording_longer_than_its_slot_says_both_lengths_in_the_readers_numbers(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    config = replace(config, slots=[replace(s, max_minutes=0.05) for s in config.slots])
    with i18n.activate("vi"):
        message = refusal(check_recording_fits, config, 4.5, "mot-cua", Priority.NORMAL, "vie", "tin.mp3")
    assert message.startswith("tin.mp3 dài 0,1 phút sau khi xử lý âm thanh; khung giờ phát dài nhất")
    assert message.endswith("chỉ có 0,05 phút.")


def test_the_doctor_and_the_importer_write_their_figures_as_the_reader_reads_them(
    language: str, tmp_path: Path
) -> None:
    from broadcaster import limits
    from broadcaster.importers import decode_bytes
    from broadcaster.service.doctor import check_disk

    detail = check_disk(load_config(write_config(tmp_path))).detail
    free = detail.split(" GiB")[0]
    assert ("," in free and "." not in free) if language == "vi" else ("." in free and "," not in free), detail
    with pytest.raises(InputError) as refused:
        decode_bytes(b"a" * (limits.TEXT_FILE_MAX_BYTES + 600_000), "dai.txt")
    size = i18n.format_number((limits.TEXT_FILE_MAX_BYTES + 600_000) / 1e6, 1)
    assert f"dai.txt {'có dung lượng ' if language == 'vi' else 'is '}{size} MB" in refused.value.message
