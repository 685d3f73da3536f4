"""Correct Unicode Vietnamese is never "converted" from a legacy font, in either tone placement."""

from __future__ import annotations

import pytest

from broadcaster.text.encoding import Conversion, decode_text_file, detect_legacy, to_nfc
from broadcaster.text.legacy import to_tcvn3, to_vni
from tests.text.vietnamese import every_syllable, oa_oe_uy_syllables, public_inputs, seed_lines


@pytest.mark.parametrize(
    "text",
    [
        "Toà án",
        "Toà án nhân dân huyện Hương Sơn",
        "Hoà Bình",
        "Khoá XIV",
        "Thuý Hoà",
        "Hoà giải ở cơ sở",
        "khoẻ mạnh",
        "Uỷ ban",
        "Quý I",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "HOÀ BÌNH",
        "Chào bà con",
        "Toà",
    ],
)
def test_old_style_tone_placement_is_kept_as_typed(text: str) -> None:
    result = to_nfc(text)
    assert result == Conversion(text, "nfc")
    assert result.notice is None


def test_title_typed_with_old_style_tones_is_stored_unchanged() -> None:
    # The words of issue 8: "Toà án" became "Tồ án", "Hoà Bình" "Hồ Bình", "Khoá XIV" "Khố XIV".
    for title in ("Toà án", "Hoà Bình", "Khoá XIV"):
        assert to_nfc(title).text == title


def test_every_oa_oe_uy_syllable_in_both_placements_is_left_alone() -> None:
    words = oa_oe_uy_syllables()
    assert len(words) > 5000
    assert [w for w in words if detect_legacy(w) is not None] == []


def test_every_syllable_alone_and_in_runs_is_left_alone() -> None:
    words = every_syllable()
    assert len(words) > 50000
    converted = [w for w in words if to_nfc(w).source != "nfc"]
    assert converted == []
    runs = [" ".join(words[i : i + 9]) + "." for i in range(0, len(words), 9)]
    assert [r for r in runs if detect_legacy(r) is not None] == []


def test_the_seed_plan_and_public_cases_are_never_converted() -> None:
    lines = seed_lines() + public_inputs()
    assert len(lines) > 100, "the shared seed plan and test data are expected beside the project"
    converted = [line for line in lines if to_nfc(line).source in ("tcvn3", "vni")]
    assert converted == []
    # Word by word as well: short titles are where a single word decides.
    words = {w for line in lines for w in line.split()}
    assert [w for w in words if detect_legacy(w) is not None] == []


def test_a_utf8_file_in_old_style_placement_is_not_converted() -> None:
    text = "Toà án nhân dân huyện thông báo lịch hoà giải.\nKhoá học bắt đầu thứ Hai."
    assert decode_text_file(text.encode("utf-8"), "tin.txt") == Conversion(text, "nfc")
    old_only = "Toà án. Hoà Bình. Khoá XIV. Thuý Hoà."  # only Latin-1 letters: the hard case
    assert decode_text_file(old_only.encode("utf-8"), "tin.txt") == Conversion(old_only, "nfc")


@pytest.mark.parametrize(
    "sentence",
    [
        "Toà án nhân dân huyện thông báo lịch hoà giải",
        "Khoá học về cải cách hành chính",
        "Xã Hoà Bình hoàn thành kế hoạch",
    ],
)
def test_the_same_words_typed_in_a_legacy_font_are_still_converted(sentence: str) -> None:
    assert to_nfc(to_vni(sentence)) == Conversion(sentence, "vni")
    assert to_nfc(to_tcvn3(sentence)).source == "tcvn3"
