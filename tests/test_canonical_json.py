"""The canonical writer must give exactly the bytes of its reference (json.dumps with sorted keys, no
spaces, UTF-8): a single differing byte would make an honest station's records look altered."""

from __future__ import annotations

import enum
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from broadcaster.canonical_json import dump_canonical, dump_reference


def reference(doc: Any) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# Any text a record may hold: every code point but lone surrogates (which neither writer can encode).
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
whole = st.integers(min_value=-(2**70), max_value=2**70)  # past 64 bits too: orjson refuses, the reference writes
leaves = st.none() | st.booleans() | whole | texts
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=5))
fractions = st.floats(allow_nan=False, allow_infinity=False)


@given(st.dictionaries(texts, values, max_size=8))
def test_every_document_without_fractions_is_written_byte_for_byte_as_the_reference(doc: dict[str, Any]) -> None:
    assert dump_canonical(doc) == reference(doc)


@given(st.dictionaries(texts, values, max_size=4), st.dictionaries(texts, fractions | values, min_size=1, max_size=4))
def test_a_record_with_a_relay_block_and_its_fractions_is_written_as_the_reference(
    doc: dict[str, Any], relay: dict[str, Any]
) -> None:
    assert dump_canonical(doc | {"relay": relay}) == reference(doc | {"relay": relay})


def test_the_cases_where_json_writers_usually_differ() -> None:
    class Colour(enum.StrEnum):
        RED = "đỏ"

    doc = {
        "controls": '\x00\x08\x0c\x1f\x7f\t\n\r"\\/',
        "separators": "\u2028\u2029",
        "vietnamese": "Ủy ban nhân dân xã",
        "astral": "𝄞😀",
        "ints": [0, -1, 2**63 - 1, -(2**63)],
        "nested": {"b": [True, False, None], "a": {}},
        "\uffff": 1,
        "😀": 2,
        "Ä": 3,
        "subclass": Colour.RED,
    }
    assert dump_canonical(doc) == reference(doc)
    assert dump_canonical({"big": 2**64}) == b'{"big":18446744073709551616}'
    assert dump_canonical({1: "one"}) == b'{"1":"one"}'  # not text: the reference way
    # Why fractions go the reference way: the two writers disagree on their text.
    relay = {"seconds": 1e-07, "played": 1190.417}
    assert dump_canonical({"relay": relay}) == b'{"relay":{"played":1190.417,"seconds":1e-07}}'
    assert dump_reference(relay) == b'{"played":1190.417,"seconds":1e-07}'
