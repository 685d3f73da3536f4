import itertools

import pytest

from broadcaster.text.numbers import read_digits, read_number, read_ordinal, roman_to_int


@pytest.mark.parametrize(
    ("n", "spoken"),
    [
        (0, "không"),
        (1, "một"),
        (4, "bốn"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (31, "ba mươi mốt"),
        (55, "năm mươi lăm"),
        (91, "chín mươi mốt"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (104, "một trăm linh bốn"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (111, "một trăm mười một"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (205, "hai trăm linh năm"),
        (1000, "một nghìn"),
        (1001, "một nghìn không trăm linh một"),
        (1010, "một nghìn không trăm mười"),
        (1990, "một nghìn chín trăm chín mươi"),
        (2005, "hai nghìn không trăm linh năm"),
        (2010, "hai nghìn không trăm mười"),
        (2021, "hai nghìn không trăm hai mươi mốt"),
        (2105, "hai nghìn một trăm linh năm"),
        (15000, "mười lăm nghìn"),
        (250000, "hai trăm năm mươi nghìn"),
        (1250000, "một triệu hai trăm năm mươi nghìn"),
        (1000005, "một triệu không trăm linh năm"),
        (1005000, "một triệu không trăm linh năm nghìn"),
        (2000000000, "hai tỷ"),
        (1000050000, "một tỷ không trăm năm mươi nghìn"),
        (10**12, "một nghìn tỷ"),
        (
            123456789012,
            "một trăm hai mươi ba tỷ bốn trăm năm mươi sáu triệu bảy trăm tám mươi chín nghìn không trăm mười hai",
        ),
    ],
)
def test_cardinals_follow_spoken_rules(n: int, spoken: str) -> None:
    assert read_number(n) == spoken


def test_every_number_up_to_ten_thousand_is_words_without_mistakes() -> None:
    for n in range(10_000):
        words = read_number(n).split()
        assert all(w.isalpha() for w in words)
        # "mốt" only after "mươi"; "lăm" only after "mươi"/"mười"; "linh" only after "trăm".
        for prev, word in itertools.pairwise(words):
            if word == "mốt":
                assert prev == "mươi"
            if word == "lăm":
                assert prev in ("mươi", "mười")
            if word == "linh":
                assert prev == "trăm"
        assert words[-1] != "mười" or n % 100 == 10


def test_digits_and_ordinals() -> None:
    assert read_digits("0239") == "không hai ba chín"
    assert [read_ordinal(n) for n in (1, 2, 4, 5, 10)] == ["nhất", "hai", "tư", "năm", "mười"]


@pytest.mark.parametrize(("roman", "value"), [("I", 1), ("IV", 4), ("IX", 9), ("XIII", 13), ("XX", 20), ("XXV", 25)])
def test_roman(roman: str, value: int) -> None:
    assert roman_to_int(roman) == value


def test_malformed_roman_is_rejected() -> None:
    assert roman_to_int("IIII") is None
    assert roman_to_int("") is None
