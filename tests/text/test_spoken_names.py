"""Addresses, abbreviations, foreign words and punctuation as an announcer says them (issue 12)."""

from __future__ import annotations

import re

import pytest

from broadcaster.text import normalize
from broadcaster.text.abbreviations import default_table
from tests.text.test_spoken_forms import spoken


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "Người dân nộp hồ sơ trực tuyến tại https://dichvucong.gov.vn.",
            "tại dịch vụ công chấm gốp chấm vê en",
        ),
        (
            "Mọi ý kiến xin gửi về hộp thư ubndsonkim1@hatinh.gov.vn hoặc gọi 0239.3871.234.",
            "u bê en đê son kim một a còng hà tĩnh chấm gốp chấm vê en hoặc",
        ),
        ("Cổng thông tin điện tử xã: sonkim1.huongson.hatinh.gov.vn", "son kim một chấm huong son chấm hà tĩnh"),
        (
            "Tra cứu tại www.baohiemxahoi.gov.vn",
            "vê kép vê kép vê kép chấm bảo hiểm xã hội chấm gốp chấm vê en",
        ),
        (
            "Xem hướng dẫn tại http://hatinh.gov.vn/tin-tuc/2021.",
            "hà tĩnh chấm gốp chấm vê en gạch chéo tin gạch ngang tuc",
        ),
    ],
)
def test_web_and_email_addresses_are_spoken(text: str, phrase: str) -> None:
    said = normalize(text)
    assert phrase in spoken(text)
    assert not re.search(r"https?|://|@|\d|\.gov|www\.", said)


def test_a_sentence_ending_with_an_address_keeps_its_full_stop() -> None:
    assert normalize("Truy cập dichvucong.gov.vn.") == "Truy cập dịch vụ công chấm gốp chấm vê en."


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Họp dân tại nhà văn hóa TDP 3.", "tổ dân phố ba"),
        ("Toàn thể CB-CC-VC xã tham gia.", "cán bộ công chức viên chức"),
        ("Chương trình MTQG xây dựng nông thôn mới.", "chương trình mục tiêu quốc gia"),
        ("Thực hiện Nghị quyết 01/NQ-CP của Chính phủ.", "nghị quyết số một"),
        ("Triển khai các NQ-CP về cải cách hành chính.", "nghị quyết của chính phủ"),
        ("Ban hành kèm theo KH-UBND và QĐ-UBND.", "kế hoạch của ủy ban nhân dân và quyết định của ủy ban nhân dân"),
        ("Theo TB-UBND ngày 5/3.", "thông báo của ủy ban nhân dân"),
        ("Kính gửi TT HĐND-UBND xã.", "thường trực hội đồng nhân dân ủy ban nhân dân xã"),
        ("Đoàn công tác của tx. Hồng Lĩnh.", "của thị xã hồng lĩnh"),
        ("Hội nghị tại Tp. Hà Tĩnh.", "tại thành phố hà tĩnh"),
        ("Trụ sở ở P.7, Q.3, TP. Hồ Chí Minh.", "phường bảy quận ba thành phố hồ chí minh"),
        ("Báo cáo viên ThS. Nguyễn Thị Hoa.", "thạc sĩ nguyễn thị hoa"),
        ("Phối hợp với TT. Phố Châu.", "thị trấn phố châu"),
        ("Kính gửi TT.HĐND xã.", "thường trực hội đồng nhân dân xã"),
    ],
)
def test_commune_abbreviations(text: str, phrase: str) -> None:
    assert phrase in spoken(text)


def test_a_full_stop_after_an_abbreviation_makes_no_pause_inside_a_name() -> None:
    assert normalize("Hội nghị tại Tp. Hà Tĩnh.") == "Hội nghị tại thành phố Hà Tĩnh."
    assert normalize("Đoàn của TP. Vinh và tx. Hồng Lĩnh.") == "Đoàn của thành phố Vinh và thị xã Hồng Lĩnh."


def test_an_initial_is_not_a_ward() -> None:
    assert normalize("Ông Nguyễn Văn P. phát biểu.") == "Ông Nguyễn Văn P. phát biểu."


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Quét mã QR để thanh toán.", "quét mã kiu a để"),
        ("Nhắn tin SMS theo cú pháp.", "nhắn tin ét em ét theo"),
        ("Kích hoạt tài khoản định danh điện tử VNeID mức 2.", "vê en e ai đi mức hai"),
        ("Nhập mã ID của hồ sơ.", "mã ai đi của"),
        ("Phòng chống dịch COVID-19 và Covid-19.", "dịch cô vít mười chín và cô vít mười chín"),
        ("Nhà văn hóa có Wi-Fi miễn phí.", "có oai phai miễn phí"),
        ("Theo dõi trang Zalo của xã.", "trang da lô của xã"),
    ],
)
def test_foreign_acronyms_as_announcers_say_them(text: str, phrase: str) -> None:
    assert phrase in spoken(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Họp lúc 14h’ tại hội trường.", "Họp lúc mười bốn giờ tại hội trường."),
        ("Họp lúc 7h30’ sáng mai.", "Họp lúc bảy giờ ba mươi phút sáng mai."),
        ("dịch vụ công trực tuyến mức độ 3., 4.", "dịch vụ công trực tuyến mức độ ba, bốn."),
        ("xem xét, giải quyết./.", "xem xét, giải quyết."),
        ("· Tham mưu hồ sơ theo dõi.", "Tham mưu hồ sơ theo dõi."),
        ("• Thôn 1: 7h", "Thôn một: bảy giờ"),
        ("3.Công chức Văn phòng – thống kê", "ba. Công chức Văn phòng – thống kê"),
        (
            "Nghị định số 20/2008/NĐ-CP…v.v.",
            "Nghị định số hai mươi năm hai nghìn không trăm linh tám của chính phủ…vân vân.",
        ),
    ],
)
def test_no_stray_punctuation_is_left(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_an_at_sign_outside_an_address_is_spoken() -> None:
    assert normalize("Theo dõi Zalo @ubndsonkim1") == "Theo dõi da lô a còng u bê en đê son kim một"
    assert normalize("Đổi 5 @ 3") == "Đổi năm a còng ba"


@pytest.mark.parametrize(
    "text",
    [
        "Nộp hồ sơ tại https://dichvucong.gov.vn hoặc ubndsonkim1@hatinh.gov.vn, gọi 1022.",
        "Các ngày 15-20/3, thứ 2 - thứ 6, 7h30-11h30: tiêm vắc xin tại TDP 3, Tp. Hà Tĩnh.",
        "Xã đạt 12/12 chỉ tiêu, 37,5/60 điểm; thu 20.000 đồng/người/năm ở số 12/3 đường Trần Phú.",
        "Quét mã QR, cài VNeID, Wi-Fi miễn phí cho CB-CC-VC theo NQ-CP; báo cháy gọi 114./.",
    ],
)
def test_normalizing_a_spoken_form_again_changes_nothing(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_a_quoted_phrase_keeps_its_quotes() -> None:
    assert normalize("Phong trào ‘Toàn dân đoàn kết’ năm 2021") == (
        "Phong trào ‘Toàn dân đoàn kết’ năm hai nghìn không trăm hai mươi mốt"
    )


def test_the_data_file_has_the_commune_and_foreign_entries() -> None:
    table = default_table()
    keys = ("TDP", "CB-CC-VC", "MTQG", "NQ-CP", "Tp.", "Tx.", "P.", "Q.", "ThS.", "QR", "SMS", "ID", "VNeID", "Wi-Fi")
    assert [k for k in keys if k not in table] == []
    assert len(table) >= 250
