"""QA finding 6: refusals the console shows on Vietnamese pages were English, or had Python's English
inside them, or quoted text the user never typed. Each is read here as the user reads it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from broadcaster import i18n
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.recordings.checks import not_decodable
from broadcaster.reports.periods import parse_period
from broadcaster.service.evidence import date_range
from broadcaster.service.log_check import LogSource, parse_head


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    with i18n.activate("vi"):
        yield


def refusal(call: Callable[..., object], *args: object) -> BroadcasterError:
    with pytest.raises(InputError) as err:
        call(*args)
    return err.value


class NoLog:
    """A log that is never read: the code is refused before the log is looked at."""

    def seq_of(self, record_hash: str) -> int | None:
        raise AssertionError("a mistyped code must be refused before the log is read")

    def count(self) -> int:
        raise AssertionError("a mistyped code must be refused before the log is read")


NO_LOG: LogSource = NoLog()  # type: ignore[assignment]


def test_a_period_ending_before_it_starts_is_refused_in_vietnamese() -> None:
    err = refusal(date_range, "2026-12-31", "2026-01-01")
    assert str(err) == "--to 01/01/2026 trước --from 31/12/2026. Ngày cuối của kỳ phải bằng hoặc sau ngày bắt đầu."


def test_a_form_can_name_the_fields_as_it_labels_them() -> None:
    err = refusal(date_range, "31/12/2026", "01/12/2026", ("Từ ngày", "Đến ngày"))
    assert err.message == "Đến ngày 01/12/2026 trước Từ ngày 31/12/2026."


def test_a_mistyped_log_code_is_quoted_as_typed_and_explained_in_vietnamese() -> None:
    err = refusal(parse_head, NO_LOG, " abc ")
    assert err.message == "'abc' không phải là mã kiểm chứng của nhật ký phát."
    assert err.hint == (
        "Hãy chép đúng như in trên báo cáo: số lần phát, dấu hai chấm, rồi 64 chữ cái và chữ số, ví dụ 120:3fa9..."
    )
    assert refusal(parse_head, NO_LOG, "6:abc").message == "'6:abc' không phải là mã kiểm chứng của nhật ký phát."


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("2026-13", "không có tháng 13"),
        ("2026-00", "không có tháng 0"),
        ("0000-Q1", "không có năm 0"),
        ("2021-02-29..2021-03-10", "tháng 2 năm 2021 không có ngày 29"),
        ("9999-12", "báo cáo chỉ tính đến năm 2100"),
    ],
)
def test_a_period_not_on_the_calendar_says_why_in_vietnamese(typed: str, why: str) -> None:
    assert refusal(parse_period, typed).message == f"'{typed}' không phải là ngày hoặc kỳ có thật ({why})."


def test_a_recording_that_does_not_decode_lists_the_formats_in_vietnamese() -> None:
    err = not_decodable("junk.wav", None)
    assert err.hint == "Hãy ghi âm hoặc xuất lại dạng MP3, M4A, OGG, AMR, WAV hoặc FLAC."


def test_the_same_refusals_stay_english_in_english() -> None:
    with i18n.activate("en"):
        assert str(refusal(date_range, "2026-12-31", "2026-01-01")) == (
            "--to 2026-01-01 is before --from 2026-12-31. The period must end on or after its first day."
        )
        assert refusal(parse_head, NO_LOG, "abc").message == "'abc' is not a log verification code."
        assert (
            refusal(parse_period, "2026-13").message == "'2026-13' is not a real date or period (there is no month 13)."
        )
        assert not_decodable("junk.wav", None).hint == "Record or export it again as MP3, M4A, OGG, AMR, WAV or FLAC."
