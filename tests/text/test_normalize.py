import re
from pathlib import Path

import pytest

from broadcaster.text import normalize
from broadcaster.text.abbreviations import default_table

SEED = sorted(Path(__file__).resolve().parents[3].joinpath("shared", "seed").glob("000_*.txt"))


def spoken(text: str) -> str:
    """Folded like the acceptance checker: lower case, punctuation as spaces."""
    out = normalize(text).lower()
    return " " + " ".join(re.sub(r"[\s,.;:!?()\"'\-–—/…]+", " ", out).split()) + " "


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Mỗi hộ được hỗ trợ 1.250.000 đồng.", "một triệu hai trăm năm mươi nghìn đồng"),
        ("Đạt 98,5 điểm", "chín mươi tám phẩy năm điểm"),
        ("Đạt tỷ lệ 87,25%.", "tám mươi bảy phẩy hai mươi lăm phần trăm"),
        ("Tỷ lệ 0,05%", "không phẩy không năm phần trăm"),
        ("đạt 100%", "một trăm phần trăm"),
        ("tăng 10-15%", "mười đến mười lăm phần trăm"),
        ("giai đoạn 2021 - 2030", "hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm ba mươi"),
        ("giai đoạn 2021-2025", "hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm"),
        ("có 2/3 số hộ", "hai phần ba số hộ"),
        ("giảm 3/4 diện tích", "ba phần tư diện tích"),
        ("Mức hỗ trợ 7,5 triệu đồng.", "bảy phẩy năm triệu đồng"),
        ("Kinh phí 1,2 tỷ đồng", "một phẩy hai tỷ đồng"),
        ("Hỗ trợ 500.000đ", "năm trăm nghìn đồng"),
        ("Cần 2.000 m2 đất.", "hai nghìn mét vuông"),
        ("dài 3,5 km", "ba phẩy năm ki lô mét"),
        ("trồng 12 ha rừng", "mười hai héc ta rừng"),
        ("20 kg gạo", "hai mươi ki lô gam gạo"),
        ("Xã có 205 hộ nghèo.", "hai trăm linh năm hộ"),
        ("Xã có 2.105 hộ dân.", "hai nghìn một trăm linh năm hộ"),
        ("Có 31 thôn và 11 tổ dân phố.", "ba mươi mốt thôn và mười một tổ dân phố"),
        ("Năm 1990 xã được thành lập.", "một nghìn chín trăm chín mươi"),
        ("Có 15 đội và 25 tổ", "mười lăm đội và hai mươi lăm tổ"),
        ("Có 1.000.000.000.000 đồng", "một nghìn tỷ đồng"),
    ],
)
def test_numbers_money_units(text: str, phrase: str) -> None:
    assert phrase in spoken(text)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("ngày 08/6/2010", "ngày tám tháng sáu năm hai nghìn không trăm mười"),
        ("hạn chót 30/6/2021", "ngày ba mươi tháng sáu năm hai nghìn không trăm hai mươi mốt"),
        ("Họp ngày 15/3.", "ngày mười lăm tháng ba"),
        ("Ngày 12/4 là hạn cuối.", "ngày mười hai tháng tư"),
        ("ngày 08 tháng 01 năm 2021", "ngày tám tháng một năm hai nghìn không trăm hai mươi mốt"),
        ("trong tháng 01/2021", "tháng một năm hai nghìn không trăm hai mươi mốt"),
        ("từ tháng 4/2021", "tháng tư năm hai nghìn không trăm hai mươi mốt"),
        ("tháng 12 năm nay", "tháng mười hai năm nay"),
        ("tháng 11", "tháng mười một"),
        ("Ngày 2-9 là Quốc khánh.", "ngày hai tháng chín"),
        ("ngày 8-3", "ngày tám tháng ba"),
        ("ngày 30/4 và 1/5", "ngày một tháng năm"),
        ("từ 15/3 đến 20/3", "đến ngày hai mươi tháng ba"),
        ("Họp lúc 14h30 ngày 15/3.", "mười bốn giờ ba mươi"),
        ("lúc 7h sáng", "bảy giờ sáng"),
        ("lúc 16:45", "mười sáu giờ bốn mươi lăm"),
        ("lúc 9 giờ 15 phút", "chín giờ mười lăm phút"),
        ("từ 7h-11h", "bảy giờ đến mười một giờ"),
        ("vào thứ 5", "thứ năm"),
        ("thứ 2 hằng tuần", "thứ hai hằng tuần"),
        ("Buổi tập huấn lần thứ 2", "lần thứ hai"),
        ("giải thứ 1", "thứ nhất"),
        ("lần thứ 4", "lần thứ tư"),
        ("Sơ kết Quý II/2021.", "quý hai năm hai nghìn không trăm hai mươi mốt"),
        ("Quý I", "quý một"),
        ("Quý IV", "quý bốn"),
        ("Quý 3/2022", "quý ba năm hai nghìn không trăm hai mươi hai"),
        ("Ban chấp hành khóa XX", "khóa hai mươi"),
        ("Đại hội XIII của Đảng", "đại hội mười ba"),
        ("Đại hội lần thứ XXV", "lần thứ hai mươi lăm"),
    ],
)
def test_dates_times_ordinals_roman(text: str, phrase: str) -> None:
    out = spoken(text)
    assert phrase in out
    assert "tháng bốn" not in out


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        (
            "theo Nghị định số 63/2010/NĐ-CP",
            ["nghị định số sáu mươi ba năm hai nghìn không trăm mười của chính phủ"],
        ),
        ("Quyết định 1291/QĐ-TTg", ["một nghìn hai trăm chín mươi mốt", "thủ tướng chính phủ"]),
        ("Kế hoạch 05/KH-UBND", ["kế hoạch số năm của ủy ban nhân dân"]),
        (
            "Thông tư 39/2020/TT-BTTTT",
            ["ba mươi chín năm hai nghìn không trăm hai mươi của bộ thông tin và truyền thông"],
        ),
        ("căn cứ 15/2020/NĐ-CP", ["nghị định số mười lăm năm hai nghìn không trăm hai mươi của chính phủ"]),
        ("Nghị quyết số 12/NQ-HĐND", ["nghị quyết số mười hai của hội đồng nhân dân"]),
        ("Nghị quyết 18-NQ/TW", ["mười tám của trung ương"]),
        (
            "Luật số 47/2019/QH14",
            ["bốn mươi bảy năm hai nghìn không trăm mười chín của quốc hội khóa mười bốn"],
        ),
    ],
)
def test_document_codes(text: str, phrases: list[str]) -> None:
    out = spoken(text)
    for phrase in phrases:
        assert phrase in out
    for leftover in (" nđ ", " cp ", " qđ ", " ttg ", " kh ", "xuyệt", " tt "):
        assert leftover not in out
    assert not re.search(r"\d", normalize(text))


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("Đường dây nóng: 0239.3871.234.", "không hai ba chín ba tám bảy một hai ba bốn"),
        ("gọi 0912 345 678", "không chín một hai ba bốn năm sáu bảy tám"),
        ("SĐT 0912345678", "không chín một hai ba bốn năm sáu bảy tám"),
        ("Hotline: 1900 1234", "một chín không không một hai ba bốn"),
        ("Điện thoại: +84 912 345 678", "cộng tám bốn chín một hai ba bốn năm sáu bảy tám"),
        ("báo cháy gọi 114", "một một bốn"),
    ],
)
def test_phones_are_read_digit_by_digit(text: str, digits: str) -> None:
    assert digits in spoken(text)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Sơn Kim 1, ngày 08 tháng 01 năm 2021", "sơn kim một"),
        ("họp tại thôn 3", "thôn ba"),
        ("tổ dân phố 5", "tổ dân phố năm"),
        ("mức độ 3, 4.", "mức độ ba bốn"),
        ("Đã có 1/2 số thôn hoàn thành.", "một phần hai số thôn"),
    ],
)
def test_places_and_lists(text: str, phrase: str) -> None:
    assert phrase in spoken(text)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "Kính gửi UBND xã, HĐND xã và BTV Đảng ủy.",
            "ủy ban nhân dân xã hội đồng nhân dân xã và ban thường vụ đảng ủy",
        ),
        ("Thực hiện theo tinh thần Nghị quyết TW6.", "nghị quyết trung ương sáu"),
        ("Phối hợp với Đoàn TNCS Hồ Chí Minh.", "thanh niên cộng sản hồ chí minh"),
        ("Tăng cường giáo dục về ATGT.", "an toàn giao thông"),
        ("phát triển KT-XH", "kinh tế xã hội"),
        ("toàn thể CBCCVC", "cán bộ công chức viên chức"),
        ("Đ/c Nguyễn Văn A", "đồng chí nguyễn văn a"),
        ("TP Hà Tĩnh", "thành phố hà tĩnh"),
        ("gọi SĐT trên", "số điện thoại"),
        ("trường THCS và THPT", "trung học cơ sở và trung học phổ thông"),
        ("CT, PCT UBND xã", "chủ tịch phó chủ tịch ủy ban nhân dân xã"),
        ("TT HĐND xã", "thường trực hội đồng nhân dân xã"),
        ("theo TT 39/2020", "thông tư ba mươi chín"),
        ("TT Y tế huyện", "trung tâm y tế huyện"),
        ("công tác PCCC, ANTT", "phòng cháy chữa cháy an ninh trật tự"),
        ("làm CCCD, BHYT, BHXH", "căn cước công dân bảo hiểm y tế bảo hiểm xã hội"),
        ("ứng dụng CNTT vào DVC", "công nghệ thông tin vào dịch vụ công"),
        ("lĩnh vực VH-XH", "văn hóa xã hội"),
        ("Ủy ban MTTQ xã", "mặt trận tổ quốc"),
    ],
)
def test_abbreviations(text: str, phrase: str) -> None:
    assert phrase in spoken(text)


def test_abbreviations_match_whole_tokens_and_case() -> None:
    assert normalize("UBNDX") == "UBNDX"
    assert normalize("ubnd") == "ubnd"
    assert "ủy ban nhân dân" in normalize("(UBND)")


def test_station_abbreviations_extend_and_override_the_file() -> None:
    extra = {"SK1": "Sơn Kim một", "UBND": "ủy ban"}
    out = normalize("UBND xã SK1 thông báo", extra_abbreviations=extra)
    assert out == "ủy ban xã Sơn Kim một thông báo"
    # the file's table is untouched for callers without extras
    assert normalize("UBND") == "ủy ban nhân dân"


def test_data_file_has_at_least_80_nfc_entries() -> None:
    table = default_table()
    assert len(table) >= 80
    for key in (
        "UBND",
        "HĐND",
        "CCHC",
        "TTHC",
        "BTV",
        "MTTQ",
        "CNTT",
        "DVC",
        "BHYT",
        "BHXH",
        "CCCD",
        "ANTT",
        "KT-XH",
        "CBCCVC",
        "TW",
        "Đ/c",
        "TP",
        "SĐT",
        "ATGT",
        "TNCS",
        "NĐ-CP",
        "QĐ-TTg",
        "TT-BTTTT",
        "KH-UBND",
        "THCS",
        "THPT",
        "PCCC",
        "VH-XH",
        "CT",
        "PCT",
    ):
        assert key in table


def test_already_spoken_text_is_left_alone() -> None:
    lines = [
        "Ủy ban nhân dân xã Sơn Kim một thông báo lịch tiếp công dân ngày mười lăm tháng ba.",
        "Mức hỗ trợ bảy phẩy năm triệu đồng, quý hai năm hai nghìn không trăm hai mươi mốt.",
    ]
    for line in lines:
        assert normalize(line) == line


needs_seed = pytest.mark.skipif(not SEED, reason="../shared/seed (the seed plan) is not beside the project")


@needs_seed
def test_normalize_is_idempotent_on_the_seed_plan() -> None:
    for path in SEED:
        for line in path.read_text(encoding="utf-8").splitlines():
            once = normalize(line)
            assert normalize(once) == once


@needs_seed
def test_no_digits_left_in_the_seed_plan() -> None:
    count = 0
    for path in SEED:
        for line in path.read_text(encoding="utf-8").splitlines():
            out = normalize(line)
            assert not re.search(r"\d", out), (line, out)
            count += 1
    assert count > 100


def test_punctuation_that_makes_pauses_is_kept() -> None:
    out = normalize("Kính gửi UBND xã, HĐND xã. Trân trọng!")
    assert out == "Kính gửi ủy ban nhân dân xã, hội đồng nhân dân xã. Trân trọng!"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("mật độ 250 người/km2", "hai trăm năm mươi người trên ki lô mét vuông"),
        ("giá 25.000 đồng/kg", "hai mươi lăm nghìn đồng một ki lô gam"),
        ("hỗ trợ 500.000đ/người", "năm trăm nghìn đồng một người"),
        ("tốc độ 40 km/h", "bốn mươi ki lô mét trên giờ"),
    ],
)
def test_rates(text: str, phrase: str) -> None:
    assert phrase in spoken(text)
