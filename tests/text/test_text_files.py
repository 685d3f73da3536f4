"""Files and typed text that are not plain text are refused or cleaned, never stored as garbage."""

from __future__ import annotations

import codecs
import io
import random
import zipfile

import pytest

from broadcaster.errors import InputError
from broadcaster.text.encoding import Conversion, decode_text_file, to_nfc

SENTENCE = "Ủy ban nhân dân xã Sơn Kim 1 thông báo lịch tiếp công dân."


def docx_bytes() -> bytes:
    """The start of a real .docx: a ZIP whose first members are Word's."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document><w:t>{SENTENCE}</w:t></w:document>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200)


def refusal(data: bytes, name: str) -> InputError:
    with pytest.raises(InputError) as caught:
        decode_text_file(data, name)
    return caught.value


def test_a_word_document_given_as_text_is_refused_with_the_import_command() -> None:
    error = refusal(docx_bytes(), "tin-tuc.txt")
    assert error.message == "tin-tuc.txt looks like a Word document (.docx), not a text file."
    assert error.hint is not None and "broadcaster news import FILE.docx" in error.hint


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (PNG, "a picture"),
        (JPEG, "a picture"),
        (PDF, "a PDF document"),
        (OLE, "an old Word or Excel document (.doc/.xls)"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Xin ch\\'e0o}", "a Rich Text document (.rtf)"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00", "a sound or video file"),
    ],
)
def test_known_formats_are_named(data: bytes, looks_like: str) -> None:
    error = refusal(data, "x.txt")
    assert error.message == f"x.txt looks like {looks_like}, not a text file."
    assert error.hint


def test_an_excel_workbook_is_sent_to_csv() -> None:
    error = refusal(xlsx_bytes(), "danh-sach.csv")
    assert "an Excel workbook (.xlsx)" in error.message
    assert error.hint is not None and "CSV UTF-8" in error.hint


def test_random_bytes_with_nul_and_controls_are_not_text() -> None:
    rng = random.Random(8)
    data = bytes(rng.randrange(256) for _ in range(2000))
    error = refusal(data, "rac.txt")
    assert error.message.startswith("rac.txt is not text (it contains binary data")
    assert error.hint is not None and "UTF-8" in error.hint


def test_binary_without_nul_bytes_is_not_text_either() -> None:
    rng = random.Random(12)
    data = bytes(rng.choice([*range(1, 9), *range(14, 32), *range(0xA1, 0xFF)]) for _ in range(500))
    error = refusal(data, "rac.csv")
    assert error.message == "rac.csv is not text (it contains binary data)."


def test_a_nul_byte_in_a_utf8_file_is_refused() -> None:
    error = refusal(b"Xin ch\xc3\xa0o\x00b\xc3\xa0 con.", "tin.txt")
    assert error.message == "tin.txt is not text (it contains binary data: NUL bytes)."


def test_utf16_without_a_byte_order_mark_is_read() -> None:
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode_text_file(SENTENCE.encode(encoding), "tin.txt") == Conversion(SENTENCE, "nfc")


def test_a_utf8_bom_followed_by_invalid_bytes_names_the_byte() -> None:
    data = codecs.BOM_UTF8 + "Xin chào".encode() + b" \xe0 con"
    error = refusal(data, "tin.txt")
    assert error.message == "tin.txt starts like a UTF-8 file but byte 14 (0xE0) is not UTF-8."
    assert error.hint is not None and "UTF-8" in error.hint and "Save as" in error.hint


def test_a_text_file_that_starts_like_a_signature_is_still_text() -> None:
    for text in ("BM thôn 3 họp lúc 7h.", "MZ là tên viết tắt.", "ID3 của hộ ông A."):
        assert decode_text_file(text.encode("utf-8"), "tin.txt") == Conversion(text, "nfc")


def test_a_stray_control_in_a_text_file_is_removed_with_a_notice() -> None:
    data = ("Thông báo\x1a của xã.\n" + "Nội dung dài. " * 20).encode("utf-8")
    result = decode_text_file(data, "tin.txt")
    assert "\x1a" not in result.text and result.text.startswith("Thông báo của xã.")
    assert result.notice == "Removed 1 control character that cannot be spoken."


def test_a_nul_byte_never_cuts_typed_text() -> None:
    result = to_nfc("Xin chào\x00bà con.")
    assert result.text == "Xin chào bà con."
    assert result.notice == "Removed 1 control character that cannot be spoken."


def test_controls_and_terminal_colour_codes_are_removed_and_counted() -> None:
    result = to_nfc("\x1b[1;31mKhẩn cấp:\x1b[0m mất\x07 điện\x7f từ 8h.\tThôn 3\r\nThôn 4")
    assert result.text == "Khẩn cấp: mất điện từ 8h.\tThôn 3\r\nThôn 4"
    assert result.removed == 4
    assert result.notice == "Removed 4 control characters that cannot be spoken."


def test_a_conversion_and_a_removal_are_both_told() -> None:
    result = to_nfc("UÛy ban nhaân daân xaõ\x00")
    assert result.text == "Ủy ban nhân dân xã"
    assert (
        result.notice
        == "Converted from VNI legacy encoding to Unicode. Removed 1 control character that cannot be spoken."
    )


def test_clean_text_has_no_notice() -> None:
    assert to_nfc(SENTENCE) == Conversion(SENTENCE, "nfc")
    assert to_nfc(SENTENCE).notice is None
