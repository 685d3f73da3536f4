import unicodedata

import pytest

from broadcaster.errors import InputError
from broadcaster.text.encoding import Conversion, decode_text_file, to_nfc
from broadcaster.text.legacy import TCVN3, from_tcvn3, from_vni, to_tcvn3, to_vni, vietnamese_letters

SENTENCE = "Ủy ban nhân dân xã Sơn Kim 1 thông báo: đường dây nóng tiếp nhận phản ánh về thủ tục hành chính."
ENGLISH = "The commune loudspeaker plays the news at 6 o'clock every morning."
LOWER = vietnamese_letters()
UPPER = [c.upper() for c in LOWER]
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 keeps â ê ô ă ơ ư đ whole and writes tones as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones)
    return "".join(out).encode("cp1258")


def test_table_sizes() -> None:
    assert len(LOWER) == 67 and len(set(LOWER + UPPER)) == 134
    # TCVN3 (ABC) defines every lower-case letter plus the seven untoned capitals.
    assert sorted(set(LOWER) - set(TCVN3.values())) == []
    assert {"Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"} <= set(TCVN3.values())


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("Uû ban nh©n d©n x· S¬n Kim", "Uỷ ban nhân dân xã Sơn Kim"),
        ("C¶i c¸ch hµnh chÝnh", "Cải cách hành chính"),
        ("§\u00adêng d©y nãng", "Đường dây nóng"),
    ],
)
def test_tcvn3_pasted_text_is_converted(pasted: str, expected: str) -> None:
    result = to_nfc(pasted)
    assert result == Conversion(expected, "tcvn3")
    assert result.notice == "Converted from TCVN3 (ABC) legacy encoding to Unicode."


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("UÛy ban nhaân daân xaõ", "Ủy ban nhân dân xã"),
        ("Caûi caùch haønh chính", "Cải cách hành chính"),
        ("Ñöôøng daây noùng", "Đường dây nóng"),
    ],
)
def test_vni_pasted_text_is_converted(pasted: str, expected: str) -> None:
    result = to_nfc(pasted)
    assert result == Conversion(expected, "vni")
    assert result.notice is not None and "VNI" in result.notice


def test_every_letter_round_trips_through_vni_both_cases() -> None:
    for ch in LOWER + UPPER:
        assert from_vni(to_vni(ch)) == ch


def test_every_lower_case_letter_round_trips_through_tcvn3() -> None:
    for ch in [*LOWER, "Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"]:
        assert from_tcvn3(to_tcvn3(ch)) == ch


def test_tcvn3_capital_lines_come_back_in_capitals() -> None:
    assert from_tcvn3(to_tcvn3("KẾ HOẠCH TUYÊN TRUYỀN")) == "KẾ HOẠCH TUYÊN TRUYỀN"


def test_whole_sentences_round_trip() -> None:
    assert to_nfc(to_vni(SENTENCE)) == Conversion(SENTENCE, "vni")
    tcvn3 = to_nfc(to_tcvn3(SENTENCE))
    assert tcvn3.source == "tcvn3"
    assert tcvn3.text == SENTENCE.replace("Ủy", "ủy")  # TCVN3 has no toned capitals


@pytest.mark.parametrize(
    "text",
    [
        SENTENCE,
        ENGLISH,
        "Cà phê",
        "Hoà Bình, Hoà Thuận, Thuý Hoà",
        "café crème brûlée, naïve señor, schön",
        "Copyright © 2021 · Trang chủ",
        "Đội văn nghệ thôn 3 biểu diễn",
        "",
    ],
)
def test_ordinary_text_is_not_mistaken_for_legacy(text: str) -> None:
    result = to_nfc(text)
    assert result == Conversion(text, "nfc")
    assert result.notice is None


def test_decomposed_text_is_composed() -> None:
    result = to_nfc(unicodedata.normalize("NFD", SENTENCE))
    assert result == Conversion(SENTENCE, "nfd")
    assert result.notice


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_files(encoding: str) -> None:
    assert decode_text_file(SENTENCE.encode(encoding), "tin.txt") == Conversion(SENTENCE, "nfc")


def test_utf8_file_with_decomposed_accents() -> None:
    data = unicodedata.normalize("NFD", SENTENCE).encode("utf-8")
    assert decode_text_file(data, "tin.txt") == Conversion(SENTENCE, "nfd")


def test_tcvn3_and_vni_files() -> None:
    tcvn3 = decode_text_file(to_tcvn3(SENTENCE).encode("latin-1"), "tin.txt")
    assert tcvn3.source == "tcvn3" and "nhân dân xã Sơn Kim" in tcvn3.text
    vni = decode_text_file(to_vni(SENTENCE).encode("cp1252"), "tin.csv")
    assert vni == Conversion(SENTENCE, "vni")


def test_windows_1258_file_is_refused_with_a_fix() -> None:
    with pytest.raises(InputError) as caught:
        decode_text_file(cp1258_bytes(SENTENCE), "tin-xa.txt")
    assert "tin-xa.txt" in caught.value.message
    assert "not UTF-8" in caught.value.message
    assert "Windows-1258" in caught.value.message
    assert caught.value.hint is not None and "UTF-8" in caught.value.hint and "Save as" in caught.value.hint


def test_unknown_bytes_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        decode_text_file(bytes([0x81, 0x8D, 0x41, 0x42]), "x.csv")
    assert "x.csv is not UTF-8" in caught.value.message
