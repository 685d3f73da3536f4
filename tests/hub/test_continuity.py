"""The hub's pure decisions on a batch of records, and on what the records count for."""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.airlog import GENESIS, AiredItem, AiringRecord, canonical_doc, hash_canonical, record_hash
from broadcaster.hub.continuity import canonical_problem, check_batch, parse_entries
from broadcaster.hub.tally import tally
from broadcaster.hublink.protocol import batch_entry
from tests.hub.helpers import relayed
from tests.reports.factory import chain, draft, item

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2021, 3, 1, 23, 0, tzinfo=UTC)  # 06:00 on 2 March in Vietnam


def records(n: int) -> list[AiringRecord]:
    return chain([draft(T0 + timedelta(hours=11 * k), (item(k + 1, "T1", 30),)) for k in range(n)])


def entries(recs: list[AiringRecord]):  # type: ignore[no-untyped-def]
    parsed, problem = parse_entries([batch_entry(r) for r in recs])
    assert problem is None
    return parsed


def held(recs: list[AiringRecord]) -> dict[int, str]:
    return {r.seq: r.hash for r in recs}


def test_the_hub_hashes_the_document_exactly_as_the_station_does() -> None:
    for rec in records(3):
        assert hash_canonical(rec.prev_hash, canonical_doc(rec)) == rec.hash == record_hash(rec)


def test_a_new_chain_then_its_continuation_are_accepted() -> None:
    recs = records(5)
    first = check_batch(entries(recs[:3]), 0, {})
    assert first.problem is None and [c.seq for c in first.new] == [1, 2, 3]
    assert (first.head_count, first.head_hash) == (3, recs[2].hash)
    # The next batch starts at the last record the hub holds: it is checked again, not stored again.
    second = check_batch(entries(recs[2:]), 3, held(recs[:3]))
    assert second.problem is None and second.duplicates == 1 and [c.seq for c in second.new] == [4, 5]


def test_the_same_records_again_are_a_no_op() -> None:
    recs = records(3)
    again = check_batch(entries(recs), 3, held(recs))
    assert again.problem is None and again.new == [] and again.duplicates == 3 and again.head_hash == recs[2].hash


def test_a_rewritten_chain_is_a_fork_at_the_first_record_that_differs() -> None:
    recs = records(4)
    changed = chain([draft(T0, (item(1, "T1", 30),)), draft(T0 + timedelta(hours=11), (item(2, "T1", 99),))])
    decision = check_batch(entries(changed), 4, held(recs))
    assert decision.problem is not None
    assert (decision.problem.status, decision.problem.code, decision.problem.seq, decision.problem.flag) == (
        409,
        "fork",
        2,
        True,
    )
    assert "rewritten" in decision.problem.message


def test_a_record_edited_without_its_hash_is_named() -> None:
    recs = records(3)
    tampered = [*recs[:2], replace(recs[2], slot="chiều")]  # content changed, stored hash kept
    decision = check_batch(entries(tampered), 2, held(recs[:2]))
    assert decision.problem is not None and decision.problem.code == "altered" and decision.problem.seq == 3
    known = check_batch(entries(tampered), 3, held(recs))
    assert (
        known.problem is not None
        and known.problem.code == "fork"
        and "edited in the station's database" in known.problem.message
    )


def test_a_gap_says_where_to_send_from() -> None:
    recs = records(5)
    decision = check_batch(entries(recs[3:]), 2, held(recs[:2]))
    assert decision.problem is not None and decision.problem.code == "gap" and not decision.problem.flag
    assert "Send from #2" in decision.problem.message


def test_documents_not_in_canonical_form_are_refused() -> None:
    doc = canonical_doc(records(1)[0])
    assert canonical_problem(doc) is None
    assert "fractional" in (canonical_problem(doc | {"duration_ms": 1.5}) or "")
    assert "NFC" in (canonical_problem(doc | {"slot": "Bu\u0309a sa\u0301ng"}) or "")
    assert "'v'" in (canonical_problem({k: v for k, v in doc.items() if k != "v"}) or "")
    _, problem = parse_entries([{"hash": "x", "doc": doc}])
    assert problem is not None and "hash is not 64" in problem.message
    _, problem = parse_entries([{"hash": "0" * 64, "doc": doc}, {"hash": "0" * 64, "doc": doc | {"seq": 3}}])
    assert problem is not None and "jumps from airing #1 to #3" in problem.message


def test_any_canonical_version_verifies_by_its_hash_and_credits_its_source() -> None:
    """A version-2 record (fields the hub does not know, source_id per item) chains and counts."""
    doc = canonical_doc(records(1)[0]) | {"v": 2, "relay": None}
    doc["items"] = [doc["items"][0] | {"kind": "speech", "language": "vi", "source_id": "b-1"}]
    entry = {"hash": hash_canonical(GENESIS, doc), "doc": doc}
    parsed, problem = parse_entries([entry])
    assert problem is None and check_batch(parsed, 0, {}).new[0].doc["v"] == 2
    sums = tally([doc], HCM, {}, {"b-1"})
    assert sums.bulletins == {("b-1", date(2021, 3, 2)): [1, 0, 30_000]}


def test_sums_follow_the_stations_report_and_read_fields_defensively() -> None:
    aired = canonical_doc(records(1)[0])
    cut = canonical_doc(
        chain(
            [
                draft(
                    T0,
                    (AiredItem(9, "t", "T1", "normal", 10.0, 60.0, "e", "v", None, None, False),),
                    status="interrupted",
                    duration=40.0,
                )
            ]
        )[0]
    )
    missed = canonical_doc(chain([draft(T0 + timedelta(days=1), (), status="missed")])[0])
    odd = {"v": 3, "seq": 9, "scheduled_at": "2021-03-02T00:00:00.000000Z", "status": 7, "items": "none"}
    sums = tally([aired, cut, missed, odd], HCM, {9: "b-9"}, {"b-9"})
    day = sums.days[date(2021, 3, 2)]
    assert (day["airings"], day["completed"], day["interrupted"], day["on_air"], day["item_airings"]) == (3, 1, 1, 2, 2)
    assert day["ms"] == 30_000 + 30_000 and day["district_ms"] == 30_000  # the cut item played 30 of its 60 s
    assert sums.bulletins == {("b-9", date(2021, 3, 2)): [0, 1, 30_000]}
    assert sums.days[date(2021, 3, 3)]["missed"] == 1
    assert tally([aired], HCM, {1: "b-x"}, set()).bulletins == {}  # not delivered to this station: not credited


def relay_record() -> AiringRecord:
    """A relay slot as a station seals it: the relay's details hold fractional seconds (RelayResult.as_dict)."""
    start = T0 + timedelta(hours=3)
    return chain([replace(draft(start, ()), kind="relay", relay=relayed(start).as_dict())])[0]


def test_a_relay_record_with_its_fractional_seconds_is_accepted_and_hashed_as_the_station_did() -> None:
    """Stations write a relay's seconds as fractions: refusing them blocked every later sync of the station."""
    record = relay_record()
    doc = canonical_doc(record)
    assert isinstance(doc["relay"]["segments"][0]["seconds"], float)
    assert canonical_problem(doc) is None
    decision = check_batch(entries([record]), 0, {})
    assert decision.problem is None and decision.new[0].hash == record.hash
    # Fractions stay refused anywhere else, and in a relay block only finite ones are allowed.
    assert "fractional" in (canonical_problem(doc | {"duration_ms": 0.5}) or "")
    for odd in (float("nan"), float("inf")):
        assert "fractional" in (canonical_problem(doc | {"relay": {"seconds": odd}}) or "")


def plain_problem(value: object, depth: int, fractions: bool) -> str | None:
    """What `canonical_problem` says of one value, written as plainly as it is defined."""
    if depth > 8:
        return "the record is nested too deeply"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "the record holds text that is not valid Unicode"
        return (
            None
            if unicodedata.is_normalized("NFC", value)
            else f"the record holds text not in Unicode NFC form ({value[:40]!r})"
        )
    if isinstance(value, dict):
        pairs = [
            (plain_problem(k, depth, False) if isinstance(k, str) else "the record has a name that is not text", v)
            for k, v in value.items()
        ]
        return next((p for k, v in pairs for p in (k, plain_problem(v, depth + 1, fractions)) if p), None)
    if isinstance(value, list):
        return next((p for v in value if (p := plain_problem(v, depth + 1, fractions))), None)
    if value is None or isinstance(value, int):
        return None
    if isinstance(value, float):
        if fractions and math.isfinite(value):
            return None
        return f"the record holds a fractional number ({value!r}); canonical records hold whole numbers"
    return f"the record holds a value of type {type(value).__name__}"


def plain_canonical_problem(doc: dict[Any, Any]) -> str | None:
    for key in ("v", "seq"):
        if not isinstance(doc.get(key), int) or isinstance(doc.get(key), bool) or doc[key] < 1:
            return f"the record has no '{key}' (a whole number, 1 or more)"
    return next(
        (
            p
            for k, v in doc.items()
            for p in (
                plain_problem(k, 1, False) if isinstance(k, str) else "the record has a name that is not text",
                plain_problem(v, 1, k == "relay"),
            )
            if p
        ),
        None,
    )


texts = st.text(max_size=4) | st.sampled_from(["Xã", "Xa\u0303", "\u212b", "relay", "\ud800"])
leaves = st.none() | st.booleans() | st.integers() | st.floats() | texts | st.just(b"x")
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts | st.integers(), inner, max_size=3),
    max_leaves=30,
)
# Values nested about as deep as allowed, in lists or objects, ending in plain text
nests = st.tuples(st.integers(6, 10), st.booleans(), st.sampled_from(["Xã", 1])).map(
    lambda n: functools.reduce(lambda v, _k: [v] if n[1] else {"k": v}, range(n[0]), n[2])
)


@settings(max_examples=500)
@given(st.dictionaries(texts, values | nests, max_size=6), st.integers(-1, 2), st.integers(-1, 2))
def test_the_quick_canonical_check_says_what_the_plain_definition_says(doc: dict[Any, Any], v: int, seq: int) -> None:
    """The check passes over plain values without a call each: the same first problem, in the same words."""
    doc |= {"v": v, "seq": seq} if v >= 0 and seq >= 0 else {}
    assert canonical_problem(doc) == plain_canonical_problem(doc)
