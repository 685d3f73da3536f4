"""A request's body is read as `json.loads` reads it, though orjson does most of the reading: the
same document (whole numbers past 64 bits stay whole, NaN is read), or the same 400; and a record
that JSON allows but a canonical record does not hold is refused with a clear 422."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadcaster import signing
from broadcaster.airlog import GENESIS, hash_canonical
from broadcaster.hub import intake, stations
from broadcaster.hub.auth import HubAPIError, SignedRequest, parse_body
from broadcaster.hublink import protocol
from tests.fakes import FakeClock
from tests.hub.helpers import make_hub, make_station

NOW = datetime(2021, 3, 10, 1, 0, tzinfo=UTC)

texts = st.text(max_size=8)  # lone surrogates too: json.dumps escapes them, json.loads reads them back
numbers = st.integers(min_value=-(2**80), max_value=2**80) | st.floats()  # NaN and infinities too
leaves = st.none() | st.booleans() | numbers | texts
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4))
decimals = st.from_regex(r"-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,25})?([eE][-+]?[0-9]{1,3})?", fullmatch=True)


def same(body: bytes) -> None:
    # repr tells 1 from 1.0 and keeps NaN comparable
    assert repr(parse_body(body)) == repr(json.loads(body))


@given(st.dictionaries(texts, values, max_size=6), st.booleans())
def test_any_document_is_read_as_json_loads_reads_it(doc: dict[str, Any], ascii_only: bool) -> None:
    same(json.dumps(doc, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass"))


@given(decimals)
def test_every_number_text_is_read_to_the_same_value(number: str) -> None:
    same(f'{{"relay":{{"seconds":{number}}},"n":[{number}]}}'.encode())


@pytest.mark.parametrize(
    "body",
    [
        b'{"n": 18446744073709551616}',  # 2**64: orjson alone would read a fraction
        b'{"n": -9223372036854775809}',
        b'{"n": 123456789012345678901234567890, "m": 1}',
        b'{"n": 18446744073709551615, "m": -9223372036854775808}',  # still 64 bits: orjson reads them
        b'{"n": NaN, "m": [Infinity, -Infinity]}',
        b'{"t": "\\ud800"}',  # a lone surrogate, escaped
        b'{"t": "\xed\xa0\x80"}',  # and as bytes
        b'\xef\xbb\xbf{"a": 1}',  # a byte-order mark
        '{"t": "Xã"}'.encode("utf-16"),
        b'{"a": 1, "a": 2}',
        b"",
    ],
)
def test_what_orjson_reads_differently_or_refuses_is_read_as_before(body: bytes) -> None:
    same(body or b"{}")


@pytest.mark.parametrize("body", [b"{", b'{"a": 1}x', b'{"t": "a\tb"}', b"\xff{}", b"[1, 2]", b"12"])
def test_what_is_not_a_json_object_is_a_400(body: bytes) -> None:
    with pytest.raises(HubAPIError) as refused:
        parse_body(body)
    assert refused.value.status == 400 and refused.value.code == "bad_json"


def _push(station: Any, doc_text: str, digest: str, now: datetime) -> SignedRequest:
    """A push of one record given as JSON text (what json.dumps cannot write: NaN inside a record)."""
    head = protocol.head_doc(station.code, 1, digest, now)
    rest = json.dumps({"head": head, "head_signature": signing.sign(station.key, "chain-head", head), "cursor": 0})
    body = f'{{"records": [{{"hash": "{digest}", "doc": {doc_text}}}], {rest[1:]}'.encode()
    auth = protocol.authorization(station.key, station.code, "POST", protocol.PATH_RECORDS, body, now)
    return SignedRequest(auth, "POST", protocol.PATH_RECORDS, body)


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        ("NaN", "the record holds a fractional number (nan); canonical records hold whole numbers"),
        ("1e400", "the record holds a fractional number (inf); canonical records hold whole numbers"),
        ('"\\udc00"', "the record holds text that is not valid Unicode"),
    ],
)
def test_a_record_json_allows_but_canonical_records_never_hold_is_a_clear_422(
    tmp_path: Path, hub_url: str, field: str, problem: str
) -> None:
    hub = make_hub(tmp_path / "hub", hub_url, FakeClock(NOW))
    try:
        station = make_station(tmp_path / "x", "XA1", hub.clock)
        stations.add_station(hub, "XA1", "Xã 1", station.public_key)
        doc_text = f'{{"v": 1, "seq": 1, "slot": "Bản tin sáng", "duration_ms": {field}, "items": []}}'
        (result,) = intake.records(hub, [_push(station, doc_text, "ab" * 32, NOW + timedelta(seconds=1))])
        assert isinstance(result, HubAPIError)
        assert (result.status, result.code) == (422, "malformed")
        assert result.message == f"Record 1 of the batch is not valid: {problem}."
    finally:
        hub.close()


def test_a_record_with_a_whole_number_past_64_bits_is_hashed_as_a_whole_number(tmp_path: Path) -> None:
    """Read as a fraction, its hash would not match and the station would be flagged as altered;
    read whole, it is checked and reaches the database (SQLite holds it in the record's text)."""
    hub = make_hub(tmp_path / "hub", f"sqlite:///{tmp_path / 'hub.db'}", FakeClock(NOW))
    try:
        station = make_station(tmp_path / "x", "XA1", hub.clock)
        stations.add_station(hub, "XA1", "Xã 1", station.public_key)
        doc = {"v": 1, "seq": 1, "slot": "Bản tin sáng", "items": [{"item_id": 2**70}]}
        digest = hash_canonical(GENESIS, doc)
        (result,) = intake.records(hub, [_push(station, json.dumps(doc), digest, NOW + timedelta(seconds=1))])
        assert not isinstance(result, Exception), result
        assert result["receipt"]["count"] == 1
    finally:
        hub.close()
