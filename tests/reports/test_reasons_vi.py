"""The Vietnamese report gives reasons in Vietnamese: the code's English templates, matched by pattern."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document

from broadcaster.reports.aggregate import build_report, parse_period
from broadcaster.reports.docx_report import write_docx
from broadcaster.reports.reasons_vi import problem_vi, reason_vi
from broadcaster.reports.writers import render_text
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, head_of, item, local
from tests.reports.test_docx_report import HEADER


@pytest.mark.parametrize(
    ("reason", "vietnamese"),
    [
        ("no news item was waiting for this slot", "không có tin nào chờ phát trong khung giờ này"),
        (
            "item 12 not aired: no speech was rendered for it (run `broadcaster render`)",
            "tin số 12 không được phát: chưa tạo giọng đọc cho tin",
        ),
        ("item 7 waits: no speech rendered", "tin số 7 phải chờ: chưa tạo giọng đọc"),
        ("item 7 waits: outside broadcast hours", "tin số 7 phải chờ: ngoài giờ phát thanh"),
        ("station ident was not rendered", "chưa tạo lời giới thiệu của đài"),
        (
            "the bulletin could not be built: ffmpeg failed",
            "không ghép được bản tin (lỗi: ffmpeg failed)",
        ),
        ("the amplifier did not switch on: GPIO 17 busy", "ampli không bật được (lỗi: GPIO 17 busy)"),
        ("the output failed: device hw:1 is gone", "thiết bị phát bị lỗi (lỗi: device hw:1 is gone)"),
        (
            "cut short after 12.5 s: emergency item 9 (khẩn cấp) took the air",
            "bị ngắt sau 12,5 giây: tin khẩn cấp số 9 được phát chen vào",
        ),
        ("cut short after 3.0 s: playback stopped", "bị ngắt sau 3,0 giây: việc phát bị dừng"),
        ("cut short after 40.2 s: the station was stopped (SIGTERM)", "bị ngắt sau 40,2 giây: đài bị tắt (SIGTERM)"),
        ("cut short after 1.0 s: the station daemon stopped", "bị ngắt sau 1,0 giây: chương trình điều khiển đài dừng"),
        ("internal error before air: boom", "lỗi nội bộ trước khi phát (lỗi: boom)"),
        (
            "the station stopped during this airing (crash or power cut); it had been on air for about 95 s when "
            "last seen",
            "đài ngừng hoạt động giữa buổi phát (sự cố hoặc mất điện); đã phát được khoảng 95 giây",
        ),
        (
            "the airing stopped on an internal error: KeyError; it had been on air for about 4 s when last seen",
            "buổi phát dừng do lỗi nội bộ (lỗi: KeyError); đã phát được khoảng 4 giây",
        ),
        (
            "could start only 700 s late, past the 10-minute grace period (another airing was still on air, or the "
            "station stalled)",
            "chỉ có thể bắt đầu trễ 700 giây, quá thời gian chờ cho phép 10 phút (đang có buổi phát khác, hoặc đài "
            "bị treo)",
        ),
        (
            "the station was off (daemon not running) from 2021-03-08 22:00:00 until 2021-03-09 07:10:00, longer "
            "than the 30-second grace period",
            "đài tắt (chương trình điều khiển không chạy) từ 2021-03-08 22:00:00 đến 2021-03-09 07:10:00, quá thời "
            "gian chờ cho phép 30 giây",
        ),
        (  # reason and notes joined by "; ", each part on its own
            "cut short after 20.0 s: playback stopped; item 4 waits: no speech rendered; station ident was not "
            "rendered",
            "bị ngắt sau 20,0 giây: việc phát bị dừng; tin số 4 phải chờ: chưa tạo giọng đọc; chưa tạo lời giới "
            "thiệu của đài",
        ),
    ],
)
def test_every_reason_template_of_the_code_reads_in_vietnamese(reason: str, vietnamese: str) -> None:
    assert reason_vi(reason) == vietnamese


def test_unknown_english_keeps_the_original_in_parentheses_and_vietnamese_is_kept() -> None:
    assert reason_vi("Stopped by the operator") == "lý do khác (nguyên văn: Stopped by the operator)"
    assert reason_vi("Mất điện lúc 06:05") == "Mất điện lúc 06:05"
    assert reason_vi("cut short after 2.0 s: aliens") == "bị ngắt sau 2,0 giây: lý do khác (nguyên văn: aliens)"
    assert reason_vi(None) == "" and reason_vi("") == ""


@pytest.mark.parametrize(
    ("problem", "vietnamese"),
    [
        (
            "Airing #3 was changed after it was written (its hash does not match its contents).",
            "Buổi phát số 3 đã bị sửa sau khi ghi (mã băm không khớp với nội dung).",
        ),
        (
            "Airing #3 to #5 is missing from the log: it was deleted.",
            "Buổi phát từ số 3 đến số 5 không còn trong nhật ký: đã bị xóa.",
        ),
        (
            "The airtime figures of 2021-01-04..2021-01-10 were changed after they were written (they no longer "
            "match their seal). (and 2 more)",
            "Số liệu thời lượng các ngày 04/01/2021 - 10/01/2021 đã bị sửa sau khi ghi (không khớp dấu niêm phong). "
            "(và 2 vấn đề khác)",
        ),
        (
            "The log lists 0 missed airings in this period but the figures count 1: a record's status was changed, "
            "or records were deleted or added.",
            "Nhật ký có 0 buổi phát «Bỏ lỡ» trong kỳ nhưng số liệu tính 1: tình trạng của bản ghi đã bị sửa, hoặc "
            "có bản ghi bị xóa hay thêm vào.",
        ),
        (
            "The last `broadcaster log verify` (at 2021-04-02 08:00) found: Airing #4 is missing from the log: it "
            "was deleted.",
            "Lần kiểm tra toàn bộ nhật ký gần nhất (lúc 2021-04-02 08:00) phát hiện: Buổi phát số 4 không còn trong "
            "nhật ký: đã bị xóa.",
        ),
        ("Something new.", "Lỗi kiểm tra khác (nguyên văn: Something new.)"),
    ],
)
def test_verification_problems_read_in_vietnamese(problem: str, vietnamese: str) -> None:
    assert problem_vi(problem) == vietnamese


def test_the_documents_give_reasons_in_vietnamese(tmp_path: Path) -> None:
    records = chain(
        [
            draft(
                local(2021, 3, 5, 6, 0),
                (item(1, "T4", 60, completed=False),),
                status="interrupted",
                duration=12.5,
                reason="cut short after 12.5 s: emergency item 9 (khẩn cấp) took the air",
            ),
            draft(
                local(2021, 3, 6, 6, 0),
                (),
                status="missed",
                reason="could start only 700 s late, past the "
                "10-minute grace period (another airing was still on air, or the station stalled)",
            ),
        ]
    )
    report = build_report(records, parse_period("2021-03"), TOPICS, SLOTS, [], head_of(records), HCM)
    path = write_docx(report, HEADER, tmp_path / "r.docx", issued_on=date(2021, 4, 1))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in Document(str(path)).tables]
    incidents = next(t for t in tables if t[0][-1] == "Lý do")
    assert [r[4] for r in incidents[1:]] == [
        "bị ngắt sau 12,5 giây: tin khẩn cấp số 9 được phát chen vào",
        "chỉ có thể bắt đầu trễ 700 giây, quá thời gian chờ cho phép 10 phút (đang có buổi phát khác, hoặc đài bị "
        "treo)",
    ]
    assert not any("cut short" in cell or "grace period" in cell for row in incidents for cell in row)
    text = render_text(report)
    assert (
        "#1 05/03/2021 06:00 sáng - Bị gián đoạn: bị ngắt sau 12,5 giây: tin khẩn cấp số 9 được phát chen vào" in text
    )


@pytest.mark.parametrize(
    ("reason", "vietnamese"),
    [
        (
            "the station was off (daemon not running) from 2021-03-01 06:00:00 until 2021-03-10 17:31:00, longer "
            "than the 15-minute grace period: 17 slot occurrences passed unaired, from Sáng at 2021-03-02 06:00 "
            "to Chiều at 2021-03-10 06:00",
            "đài tắt (chương trình điều khiển không chạy) từ 2021-03-01 06:00:00 đến 2021-03-10 17:31:00, quá "
            "thời gian chờ cho phép 15 phút: 17 lượt phát theo lịch đã trôi qua mà không phát, từ khung giờ Sáng "
            "lúc 2021-03-02 06:00 đến khung giờ Chiều lúc 2021-03-10 06:00",
        ),
        (
            "item 4: its speech was missing from the cache and was made at air time by espeak-ng",
            "tin số 4: giọng đọc bị mất khỏi bộ nhớ đệm và được tạo lại lúc phát bằng espeak-ng",
        ),
        (
            "station ident was missing from the cache and was made at air time",
            "lời giới thiệu của đài bị mất khỏi bộ nhớ đệm và được tạo lại lúc phát",
        ),
        (
            "item 3 cut after 4.2 s: cancelled by the official while its bulletin was on air",
            "tin số 3 bị ngắt sau 4,2 giây: bị cán bộ hủy trong lúc bản tin đang phát",
        ),
        (
            "item 5 not aired: cancelled by the official while its bulletin was on air before its turn",
            "tin số 5 không được phát: bị cán bộ hủy trong lúc bản tin đang phát",
        ),
        (
            "part 3f2a.wav could not be read (Input/output error), silence aired instead",
            "không đọc được tệp 3f2a.wav (lỗi: Input/output error); phát khoảng lặng thay thế",
        ),
        ("interrupted (the station daemon stopped)", "bị ngắt (chương trình điều khiển đài dừng)"),
        (
            "fallback/bulletin 12.5 s (no sound from the stream)",
            "phát thay thế (bản tin của đài) 12,5 giây: lý do khác (nguyên văn: no sound from the stream)",
        ),
    ],
)
def test_the_reasons_of_outages_missing_speech_cancelled_items_and_relays_are_in_vietnamese(
    reason: str, vietnamese: str
) -> None:
    assert reason_vi(reason) == vietnamese


def test_a_clock_fault_the_daemon_writes_is_said_in_vietnamese() -> None:
    from tests.test_decisions import NOW, plan

    for last_seen in (datetime(2019, 1, 1, tzinfo=UTC), NOW + timedelta(days=2)):
        fault = plan(last_seen).clock_fault
        assert fault is not None
        said = reason_vi(fault)
        assert said.startswith("chương trình điều khiển đài hoạt động lần cuối lúc "), said
        assert "đồng hồ của máy tính" in said and "nguyên văn" not in said


def test_a_relay_switch_is_said_in_vietnamese_whatever_language_the_daemon_ran_in() -> None:
    from broadcaster.i18n import translations

    why = translations("vi").gettext("the relay is on air")
    assert why != "the relay is on air"  # the monitor's messages are in the Vietnamese catalog
    assert reason_vi("relay 60.0 s (the relay is on air)") == f"tiếp sóng 60,0 giây: {why}"
    assert reason_vi(f"relay 60.0 s ({why})") == f"tiếp sóng 60,0 giây: {why}"


def test_an_emergency_aired_outside_broadcast_hours_is_noted_in_vietnamese() -> None:
    """The exemption `air-now` and the daemon write for an emergency at night (it showed in English)."""
    from datetime import time

    from broadcaster.planning import Hours, outside_hours_exemption

    hours = Hours(((time(5), time(11)), (time(13), time(21))))
    note = outside_hours_exemption(hours, datetime(2026, 12, 1, 21, 6))
    assert reason_vi(note) == "tin khẩn cấp được phát ngoài giờ phát thanh (05:00-11:00, 13:00-21:00) lúc 21:06"
