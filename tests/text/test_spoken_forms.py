"""Spoken forms a radio announcer would use (issue 12), on sentences like those in commune bulletins."""

from __future__ import annotations

import re

import pytest

from broadcaster.text import normalize


def spoken(text: str) -> str:
    """Folded like the acceptance checker: lower case, punctuation as spaces."""
    out = normalize(text).lower()
    return " " + " ".join(re.sub(r"[\s,.;:!?()\"'\-–—/…]+", " ", out).split()) + " "


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Đến nay, xã đã hoàn thành 12/12 chỉ tiêu Nghị quyết HĐND xã giao.", "mười hai trên mười hai chỉ tiêu"),
        ("Có 6/6 thôn tổ chức Ngày hội Đại đoàn kết toàn dân tộc.", "sáu trên sáu thôn"),
        ("Xã đạt 19/19 tiêu chí xã nông thôn mới.", "mười chín trên mười chín tiêu chí"),
        ("Chỉ số CCHC năm 2020 của xã đạt 37,5/60 điểm.", "ba mươi bảy phẩy năm trên sáu mươi điểm"),
        ("Xã xếp thứ 12/20 xã, thị trấn trong huyện.", "thứ mười hai trên hai mươi xã"),
        ("Đã có 25/31 hồ sơ được giải quyết trước hạn.", "hai mươi lăm trên ba mươi mốt hồ sơ"),
        ("Tổ công tác đạt 12/12.", "đạt mười hai trên mười hai"),
        ("Tổng đài hoạt động 24/7.", "hai mươi bốn trên bảy"),
        ("Phấn đấu 5/5 số thôn đạt chuẩn văn hóa.", "năm trên năm số thôn"),
        ("Em Nguyễn Thị Lan, học sinh lớp 9/2, đạt giải nhất.", "lớp chín trên hai"),
    ],
)
def test_a_count_out_of_a_total_is_read_with_tren(text: str, phrase: str) -> None:
    out = spoken(text)
    assert phrase in out
    assert " phần " not in out and " tháng " not in out


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "Mức đóng BHYT hộ gia đình là 56.700 đồng/người/tháng.",
            "năm mươi sáu nghìn bảy trăm đồng một người một tháng",
        ),
        ("Mức thu phí vệ sinh 20.000 đồng/hộ/tháng.", "hai mươi nghìn đồng một hộ một tháng"),
        ("Hỗ trợ 1,5 triệu đồng/người/năm cho người cao tuổi.", "một phẩy năm triệu đồng một người một năm"),
        ("Mỗi hộ được cấp 2 con/hộ.", "hai con một hộ"),
        ("Trạm y tế tiếp nhận 40 lượt/ngày.", "bốn mươi lượt một ngày"),
    ],
)
def test_a_rate_is_read_per(text: str, phrase: str) -> None:
    assert phrase in spoken(text)


def test_words_either_side_of_a_slash_without_a_quantity_are_alternatives() -> None:
    assert "ghi rõ ngày tháng năm sinh" in spoken("Ghi rõ ngày/tháng/năm sinh và/hoặc số CCCD.")
    assert " một " not in spoken("Ghi rõ ngày/tháng/năm sinh.")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Gia đình ông Nguyễn Văn Bình, số 12/3 đường Trần Phú.", "số mười hai trên ba đường trần phú"),
        ("Điểm tiêm đặt tại nhà 5/7 ngõ 2.", "nhà năm trên bảy ngõ hai"),
        ("Cửa hàng ở 15/2 đường Hà Huy Tập.", "mười lăm trên hai đường hà huy tập"),
    ],
)
def test_a_house_number_is_not_a_date(text: str, phrase: str) -> None:
    out = spoken(text)
    assert phrase in out
    assert " tháng " not in out


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Hạn chót nộp hồ sơ 30/6.", "ngày ba mươi tháng sáu"),
        ("Từ 15/3 đến 20/3 tổ chức tiêm vắc xin.", "từ ngày mười lăm tháng ba đến ngày hai mươi tháng ba"),
        ("Có 2/3 số hộ đã đăng ký.", "hai phần ba số hộ"),
        ("Giảm 1/3 thời gian giải quyết.", "một phần ba thời gian"),
    ],
)
def test_dates_and_shares_are_still_read_as_before(text: str, phrase: str) -> None:
    assert phrase in spoken(text)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Tiêm vắc xin cho trẻ trong các ngày 15-20/3 tại Trạm Y tế xã.", "các ngày mười lăm đến hai mươi tháng ba"),
        ("Bộ phận một cửa làm việc từ thứ 2 - thứ 6 hằng tuần.", "từ thứ hai đến thứ sáu hằng tuần"),
        ("Tiếp công dân thứ 2-6.", "thứ hai đến thứ sáu"),
        ("Tiếp công dân từ Thứ Hai - Thứ Sáu.", "thứ hai đến thứ sáu"),
        ("Buổi sáng 7h30-11h30, buổi chiều 13h30 - 17h.", "bảy giờ ba mươi phút đến mười một giờ ba mươi phút"),
        ("Buổi sáng 7h30-11h30, buổi chiều 13h30 - 17h.", "mười ba giờ ba mươi phút đến mười bảy giờ"),
        ("Dự báo mưa to, lượng mưa phổ biến 100-200 mm.", "một trăm đến hai trăm mi li mét"),
        ("Đợt cao điểm từ 15/3 - 20/4/2021.", "từ ngày mười lăm tháng ba đến ngày hai mươi tháng tư năm hai nghìn"),
        ("Gieo cấy vụ xuân trong tháng 1-2/2022.", "tháng một đến tháng hai năm hai nghìn không trăm hai mươi hai"),
        ("Mùa mưa bão kéo dài tháng 9-11.", "tháng chín đến tháng mười một"),
        ("Mở cửa thứ 2 - CN.", "thứ hai đến chủ nhật"),
    ],
)
def test_a_range_is_read_with_den(text: str, phrase: str) -> None:
    out = spoken(text)
    assert phrase in out
    assert not re.search(r"\d", normalize(text))


@pytest.mark.parametrize(
    "text", ["Độc lập - Tự do - Hạnh phúc", "phát triển kinh tế - xã hội", "Phòng Văn hóa - Thông tin"]
)
def test_a_dash_between_words_is_not_a_range(text: str) -> None:
    assert " đến " not in spoken(text)


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("Khi phát hiện cháy, gọi ngay 114.", "gọi ngay một một bốn"),
        ("Số 114 khi có cháy, 115 cấp cứu.", "một một năm cấp cứu"),
        ("Báo tin tội phạm qua số 113 (Công an).", "một một ba công an"),
        ("Gọi 113, 114 hoặc 115 khi cần.", "một một ba một một bốn hoặc một một năm"),
        ("Tổng đài 111 bảo vệ trẻ em hoạt động miễn phí.", "một một một bảo vệ trẻ em"),
        ("Tìm kiếm cứu nạn gọi 112.", "một một hai"),
        ("Phản ánh qua đường dây nóng 1022 của tỉnh.", "một không hai hai"),
        ("Tổng đài 1900 9068 hỗ trợ cài đặt VNeID.", "một chín không không chín không sáu tám"),
        ("Gọi 1900 54 54 81 để được tư vấn.", "một chín không không năm bốn năm bốn tám một"),
    ],
)
def test_hotlines_are_read_digit_by_digit(text: str, digits: str) -> None:
    assert digits in spoken(text)


def test_counts_that_look_like_hotlines_stay_numbers() -> None:
    out = spoken("Toàn xã có 113 hộ nghèo và 115 hộ cận nghèo; năm 1900 lập làng.")
    assert "một trăm mười ba hộ nghèo" in out
    assert "một trăm mười lăm hộ cận nghèo" in out
    assert "một nghìn chín trăm" in out
