"""The commune's pronunciation list: whole words, any case or tone placement, longest first."""

from __future__ import annotations

from broadcaster.text import apply_pronunciations, normalize

TABLE = {
    "Hòa Bình": "Hoà Bình thôn",
    "Kim": "Kim (Sơn Kim)",
    "Sơn Kim": "Sơn Kim xã",
    "Nguyễn Thị Huệ": "Nguyễn Thị Huệ (cán bộ)",
    "vắc xin": "vác xin",
}


def test_whole_phrases_are_replaced_keeping_the_replacements_case() -> None:
    out = apply_pronunciations("bà nguyễn thị huệ tiêm vắc xin ở sơn kim", TABLE)
    assert out == "bà Nguyễn Thị Huệ (cán bộ) tiêm vác xin ở Sơn Kim xã"


def test_the_longest_phrase_wins_and_parts_of_words_are_untouched() -> None:
    assert apply_pronunciations("Sơn Kim và Kim Sơn, không phải Kimchi", TABLE) == (
        "Sơn Kim xã và Kim (Sơn Kim) Sơn, không phải Kimchi"
    )


def test_either_tone_placement_and_any_case_match() -> None:
    for said in ("xã Hòa Bình", "xã Hoà Bình", "xã HOÀ BÌNH", "xã hòa  bình"):
        assert apply_pronunciations(said, TABLE) == "xã Hoà Bình thôn"


def test_decomposed_text_matches() -> None:
    import unicodedata

    assert apply_pronunciations(unicodedata.normalize("NFD", "tiêm vắc xin"), TABLE) == "tiêm vác xin"


def test_an_empty_list_changes_nothing() -> None:
    assert apply_pronunciations("Sơn Kim", {}) == "Sơn Kim"
    assert apply_pronunciations("Sơn Kim", {"  ": "x"}) == "Sơn Kim"


def test_normalize_applies_the_list_after_normalization() -> None:
    table = {"Sơn Kim 1": "Sơn Kim Một", "ủy ban nhân dân": "Ủy ban Nhân dân"}
    out = normalize("UBND xã Sơn Kim 1 thông báo lịch tiêm ngày 15/3.", pronunciations=table)
    # the entry written as in a news text ("Sơn Kim 1") still matches its spoken form ("Sơn Kim một")
    assert out == "Ủy ban Nhân dân xã Sơn Kim Một thông báo lịch tiêm ngày mười lăm tháng ba."


def test_a_replacement_with_digits_is_spoken_in_words() -> None:
    assert normalize("Thôn Trung", pronunciations={"Trung": "Trung 2"}) == "Thôn Trung hai"


def test_normalize_without_a_list_is_unchanged() -> None:
    text = "Họp lúc 14h30 ngày 15/3 tại xã Hoà Bình."
    assert normalize(text, pronunciations=None) == normalize(text) == normalize(text, pronunciations={})
