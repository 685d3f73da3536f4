"""Properties that hold for any input: the normalizer, the legacy-encoding detector, the file decoder."""

from __future__ import annotations

import codecs
import re
import unicodedata
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.errors import InputError
from broadcaster.text import decode_text_file, normalize, to_nfc
from broadcaster.text.encoding import detect_legacy
from broadcaster.text.syllables import ONSETS, RHYMES, spell
from tests.conftest import examples
from tests.text.vietnamese import fits

# Generous deadline: the machine is shared; a catastrophic regex still takes far longer.
PATIENT = settings(max_examples=examples(300), deadline=timedelta(seconds=2))
ASCII_DIGIT = re.compile("[0-9]")

# ----------------------------------------------------------------- the normalizer


@PATIENT
@given(st.text(max_size=300))
def test_the_normalizer_never_raises_and_returns_nfc(text: str) -> None:
    out = normalize(text)
    assert unicodedata.is_normalized("NFC", out)
    assert "\x00" not in out


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


digits = st.integers(min_value=0, max_value=10**15)
small = st.integers(min_value=0, max_value=99)
numbers = st.one_of(
    digits.map(str),
    digits.map(lambda n: _grouped(n, ".")),
    st.tuples(digits, st.integers(0, 999)).map(lambda p: f"{_grouped(p[0], '.')},{p[1]}"),
    st.tuples(small, st.integers(0, 99999)).map(lambda p: f"{p[0]},{p[1]:0>2}"),
    st.tuples(small, small).map(lambda p: f"{p[0]}.{p[1]}"),
)
dates = st.one_of(
    st.tuples(st.integers(0, 40), st.integers(0, 14), st.integers(1000, 2999)).map(lambda d: f"{d[0]}/{d[1]}/{d[2]}"),
    st.tuples(st.integers(0, 40), st.integers(0, 14)).map(lambda d: f"{d[0]}/{d[1]:02}"),
    st.tuples(st.integers(0, 40), st.integers(0, 14)).map(lambda d: f"{d[0]}-{d[1]}"),
    st.tuples(st.integers(0, 40), st.integers(0, 14), st.integers(1000, 2999)).map(lambda d: f"{d[0]}.{d[1]}.{d[2]}"),
    st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 14)).map(lambda d: f"{d[0]}-{d[1]}/{d[2]}"),
)
times = st.one_of(
    st.tuples(st.integers(0, 30), st.integers(0, 70)).map(lambda t: f"{t[0]}h{t[1]:02}"),
    st.tuples(st.integers(0, 30), st.integers(0, 70)).map(lambda t: f"{t[0]}:{t[1]:02}"),
    st.tuples(st.integers(0, 30), st.integers(0, 30)).map(lambda t: f"{t[0]}h-{t[1]}h"),
)
phones = st.one_of(
    st.from_regex(r"0\d{2,3}[ .]?\d{3,4}[ .]?\d{3,4}", fullmatch=True),
    st.from_regex(r"\+84 ?\d{9}", fullmatch=True),
    st.from_regex(r"1[89]00[ .]?\d{4,6}", fullmatch=True),
    st.sampled_from(["111", "112", "113", "114", "115", "1022"]),
)
codes = st.one_of(
    st.from_regex(r"\d{1,4}/\d{4}/(NĐ-CP|QĐ-TTg|TT-BTTTT|QH1\d)", fullmatch=True),
    st.from_regex(r"\d{1,4}/(KH|QĐ|NQ|TB|CV)-UBND", fullmatch=True),
    st.from_regex(r"\d{1,3}-(NQ|CT)/TW", fullmatch=True),
    st.from_regex(r"(TW|QH)\d{1,2}|COVID-\d{2}|P\.\d{1,2}|Q\.\d{1,2}", fullmatch=True),
    st.from_regex(r"\d{1,3}(/\d{1,3}){1,2}|\d+(,\d+)?/\d+(,\d+)?", fullmatch=True),
    st.from_regex(r"[a-z]{2,8}\d{0,3}@[a-z]{2,8}\.gov\.vn|https?://[a-z]{2,8}\d?\.vn/\d{1,4}", fullmatch=True),
)
units = st.sampled_from(["", "%", " %", " ha", "m2", " km", " đồng", "đ", " kg", "°C", " triệu đồng", " mm", " người"])
words = st.sampled_from(
    ["ngày", "tháng", "năm", "số", "thứ", "lúc", "gọi", "đạt", "từ", "đến", "quý", "khoảng", "", "thôn"]
)
punctuation = st.sampled_from(["", ".", ",", ";", ":", " -", "/", " (", ")", "…", "’", "./."])
numeric_piece = st.tuples(words, st.one_of(numbers, dates, times, phones, codes), units, punctuation).map(
    lambda p: f"{p[0]} {p[1]}{p[2]}{p[3]}"
)


@PATIENT
@given(st.lists(numeric_piece, min_size=1, max_size=8).map(" ".join))
def test_no_ascii_digit_is_left_for_numeric_input(text: str) -> None:
    out = normalize(text)
    assert not ASCII_DIGIT.search(out), (text, out)
    assert unicodedata.is_normalized("NFC", out)


@settings(max_examples=examples(100), deadline=timedelta(seconds=2))
@given(st.lists(numeric_piece, min_size=1, max_size=5).map(" ".join))
def test_normalizing_twice_changes_nothing_for_numeric_input(text: str) -> None:
    once = normalize(text)
    assert not ASCII_DIGIT.search(normalize(once))


# ------------------------------------------------------ the legacy-encoding detector

parts = st.sampled_from([(o, r) for o in ONSETS for r in sorted(RHYMES) if fits(o, r)])


@st.composite
def syllables(draw: st.DrawFn) -> str:
    onset, rhyme = draw(parts)
    stop = rhyme.endswith(("p", "t", "c", "ch"))
    tone = draw(st.sampled_from((2, 5) if stop else range(6)))
    word = spell(onset, rhyme, tone, old_style=draw(st.booleans()))
    return draw(st.sampled_from([word, word.capitalize(), word.upper()]))


separators = st.sampled_from(
    [" ", " ", " ", ", ", ". ", "; ", ": ", " - ", "\n", " (", ") ", "“", "” ", "…", "! ", "? "]
)
tokens = st.one_of(syllables(), syllables(), syllables(), st.from_regex(r"\d{1,4}([.,/]\d{1,4})?", fullmatch=True))


@settings(max_examples=examples(300), deadline=timedelta(seconds=2))
@given(st.lists(st.tuples(tokens, separators), min_size=1, max_size=12))
def test_valid_unicode_vietnamese_is_never_converted(pieces: list[tuple[str, str]]) -> None:
    text = "".join(token + sep for token, sep in pieces)
    assert detect_legacy(text) is None
    assert to_nfc(text).text == text


@settings(max_examples=examples(100), deadline=timedelta(seconds=2))
@given(st.lists(st.tuples(syllables(), separators), min_size=1, max_size=8))
def test_a_file_of_valid_vietnamese_reads_back_unchanged(pieces: list[tuple[str, str]]) -> None:
    text = "".join(token + sep for token, sep in pieces)
    assert decode_text_file(text.encode("utf-8"), "tin.txt").text == text


# ------------------------------------------------------------- the file decoder

prefixes = st.sampled_from(
    [
        b"",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        b"PK\x03\x04",
        b"%PDF",
        b"\x89PNG\r\n\x1a\n",
        b"MZ",
    ]
)


@settings(max_examples=examples(500), deadline=timedelta(seconds=2))
@given(prefixes, st.binary(max_size=3000))
def test_random_bytes_never_raise_anything_but_input_error(prefix: bytes, data: bytes) -> None:
    try:
        result = decode_text_file(prefix + data, "tin.txt")
    except InputError as error:
        assert "tin.txt" in error.message
        return
    assert "\x00" not in result.text
    assert unicodedata.is_normalized("NFC", result.text)
