from __future__ import annotations

import dataclasses
import json
import sqlite3
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from broadcaster.airlog import (
    GENESIS,
    AiredItem,
    AiringDraft,
    AiringRecord,
    ChainHead,
    canonical_bytes,
    parse_chain_head,
    record_hash,
    seal,
    to_json,
    verify_chain,
)
from broadcaster.errors import InputError

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CHANGED = "was changed after it was written (its hash does not match its contents)."


def draft(n: int, status: str = "completed") -> AiringDraft:
    start = datetime(2021, 3, 1, 6, 0, tzinfo=HCM) + timedelta(days=n)
    item = AiredItem(
        item_id=100 + n,
        title="Hướng dẫn nộp hồ sơ trực tuyến mức độ 3",
        topic="T4",
        priority="normal",
        offset_seconds=4.2,
        duration_seconds=61.337,
        engine="gtts",
        voice="vi",
        approved_by="Nguyễn Văn An",
        approved_at=start - timedelta(hours=3),
        completed=True,
    )
    return AiringDraft(
        slot="sáng",
        kind="slot",
        scheduled_at=start,
        started_at=start + timedelta(seconds=2),
        ended_at=start + timedelta(seconds=70),
        duration_seconds=68.0,
        status=status,
        reason=None,
        output="soundcard",
        device="default",
        amplifier="gpio",
        audio_sha256="ab" * 32,
        exemption=None,
        items=(item,),
    )


def chain(n: int) -> list[AiringRecord]:
    records: list[AiringRecord] = []
    prev = GENESIS
    for i in range(1, n + 1):
        rec = seal(draft(i), prev, i)
        records.append(rec)
        prev = rec.hash
    return records


def test_intact_chain_verifies_and_reports_its_head() -> None:
    records = chain(5)
    result = verify_chain(records)
    assert result.ok and result.problem is None and result.first_bad_seq is None
    assert result.count == 5
    assert result.head_hash == records[-1].hash
    assert verify_chain(records, ChainHead(records[-1].hash, 5)).ok
    assert verify_chain(records, ChainHead(records[2].hash, 3)).ok  # newer airings since the report


def test_empty_log_verifies() -> None:
    result = verify_chain([])
    assert result.ok and result.count == 0 and result.head_hash == GENESIS
    assert verify_chain([], ChainHead(GENESIS, 0)).ok


def test_edited_record_is_named() -> None:
    records = chain(5)
    records[2] = dataclasses.replace(records[2], reason="sửa lại", status="interrupted")
    result = verify_chain(records)
    assert not result.ok and result.first_bad_seq == 3
    assert result.problem == f"Airing #3 {CHANGED}"


def test_edited_item_duration_is_detected() -> None:
    records = chain(3)
    item = dataclasses.replace(records[1].items[0], duration_seconds=600.0)
    records[1] = dataclasses.replace(records[1], items=(item,))
    assert verify_chain(records).first_bad_seq == 2


def test_deleted_record_is_named() -> None:
    records = chain(5)
    del records[2]
    result = verify_chain(records)
    assert not result.ok and result.first_bad_seq == 3
    assert result.problem == "Airing #3 is missing from the log: it was deleted."


def test_deleted_and_renumbered_records_break_the_link() -> None:
    # A careful forger renumbers and re-hashes what follows: the link to #2 still breaks.
    records = chain(5)
    forged = [records[0], records[1]]
    for i, rec in enumerate(records[3:], start=3):
        moved = dataclasses.replace(rec, seq=i)
        forged.append(dataclasses.replace(moved, hash=record_hash(moved)))
    result = verify_chain(forged)
    assert not result.ok and result.first_bad_seq == 3
    assert "not linked to airing #2" in (result.problem or "")


def test_inserted_duplicate_is_named() -> None:
    records = chain(4)
    fake = seal(draft(9), records[1].hash, 2)
    records.insert(2, fake)
    result = verify_chain(records)
    assert not result.ok and result.first_bad_seq == 2
    assert "appears twice" in (result.problem or "")


def test_inserted_and_rechained_record_breaks_the_next_link() -> None:
    records = chain(4)
    fake = seal(draft(9), records[1].hash, 3)
    renumbered = [dataclasses.replace(r, seq=r.seq + 1) for r in records[2:]]
    result = verify_chain([*records[:2], fake, *renumbered])
    assert not result.ok and result.first_bad_seq == 4
    assert result.problem == f"Airing #4 {CHANGED}"


def test_reordered_records_are_named() -> None:
    records = chain(4)
    records[1], records[2] = records[2], records[1]
    result = verify_chain(records)
    assert not result.ok and result.first_bad_seq == 2
    assert "reordered" in (result.problem or "")


def test_swapped_contents_with_kept_numbers_fail_the_hash() -> None:
    records = chain(4)
    a, b = records[1], records[2]
    records[1] = dataclasses.replace(b, seq=2)
    records[2] = dataclasses.replace(a, seq=3)
    result = verify_chain(records)
    assert not result.ok and result.first_bad_seq == 2


def test_truncated_newest_records_caught_by_printed_head() -> None:
    records = chain(6)
    head = ChainHead(records[-1].hash, 6)
    truncated = records[:4]
    assert verify_chain(truncated).ok  # the chain alone cannot tell
    result = verify_chain(truncated, head)
    assert not result.ok and result.first_bad_seq == 5
    assert result.problem == (
        "The log has only 4 airings but an earlier report counted 6: the newest airings (#5 to #6) were deleted."
    )


def test_rewritten_tail_caught_by_printed_head() -> None:
    records = chain(5)
    head = ChainHead(records[-1].hash, 5)
    rewritten = [*records[:4], seal(draft(42), records[3].hash, 5)]
    assert verify_chain(rewritten).ok
    result = verify_chain(rewritten, head)
    assert not result.ok and result.first_bad_seq == 5
    assert "Airing #5 does not match the verification code" in (result.problem or "")


def test_chain_head_prints_and_parses() -> None:
    head = ChainHead("a" * 64, 120)
    assert str(head) == "120:" + "a" * 64
    assert parse_chain_head(" 120:" + "A" * 64 + "\n") == head
    assert ChainHead.parse(str(head)) == head
    for bad in ["", "120", "x:" + "a" * 64, "12:abc", "12:" + "g" * 64]:
        with pytest.raises(InputError) as err:
            parse_chain_head(bad)
        assert err.value.hint and "colon" in err.value.hint


def test_canonical_bytes_ignore_time_zone_and_float_noise() -> None:
    rec = chain(1)[0]
    plus7 = timezone(timedelta(hours=7))
    noisy = dataclasses.replace(
        rec,
        scheduled_at=rec.scheduled_at.astimezone(plus7),
        started_at=rec.started_at.astimezone(HCM) if rec.started_at else None,
        duration_seconds=rec.duration_seconds + 1e-9,
        items=(dataclasses.replace(rec.items[0], duration_seconds=61.337 - 3e-10),),
    )
    assert canonical_bytes(noisy) == canonical_bytes(rec)
    assert record_hash(noisy) == rec.hash


def test_canonical_bytes_normalise_unicode() -> None:
    rec = chain(1)[0]
    decomposed = unicodedata.normalize("NFD", rec.items[0].title)
    assert decomposed != rec.items[0].title
    other = dataclasses.replace(rec, items=(dataclasses.replace(rec.items[0], title=decomposed),))
    assert canonical_bytes(other) == canonical_bytes(rec)
    doc = json.loads(canonical_bytes(rec))
    assert doc["items"][0]["title"] == "Hướng dẫn nộp hồ sơ trực tuyến mức độ 3"
    assert doc["scheduled_at"] == "2021-03-01T23:00:00.000000Z"


def test_seal_stores_normalised_values() -> None:
    d = dataclasses.replace(draft(1), duration_seconds=68.00049999, slot=unicodedata.normalize("NFD", "sáng"))
    rec = seal(d, GENESIS, 1)
    assert rec.scheduled_at.tzinfo is UTC
    assert rec.duration_seconds == 68.0
    assert rec.slot == "sáng"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        seal(dataclasses.replace(draft(1), scheduled_at=datetime(2021, 3, 1, 6, 0)), GENESIS, 1)


def test_round_trip_through_sqlite_text_and_real_columns_still_verifies() -> None:
    # What the store does: keep the sealed values, read them back, re-attach UTC.
    records = chain(3)
    db = sqlite3.connect(":memory:")
    db.execute("create table a (seq int, at text, started text, dur real, item_dur real, item_off real, body text)")
    for r in records:
        db.execute(
            "insert into a values (?,?,?,?,?,?,?)",
            (
                r.seq,
                r.scheduled_at.replace(tzinfo=None).isoformat(" "),
                r.started_at.replace(tzinfo=None).isoformat(" ") if r.started_at else None,
                r.duration_seconds,
                r.items[0].duration_seconds,
                r.items[0].offset_seconds,
                r.hash,
            ),
        )
    back = []
    for seq, at, started, dur, item_dur, item_off, stored_hash in db.execute("select * from a order by seq"):
        original = records[seq - 1]
        item = dataclasses.replace(original.items[0], duration_seconds=item_dur, offset_seconds=item_off)
        back.append(
            dataclasses.replace(
                original,
                scheduled_at=datetime.fromisoformat(at).replace(tzinfo=UTC),
                started_at=datetime.fromisoformat(started).replace(tzinfo=UTC),
                duration_seconds=dur,
                items=(item,),
                hash=stored_hash,
            )
        )
    assert verify_chain(back).ok


def test_to_json_uses_station_time_and_documented_names() -> None:
    rec = chain(1)[0]
    doc = to_json(rec, HCM)
    assert doc["id"] == 1
    assert doc["scheduled_at"] == "2021-03-02T06:00:00+07:00"
    assert doc["started_at"] == "2021-03-02T06:00:02+07:00"
    assert doc["prev_hash"] == GENESIS and doc["hash"] == rec.hash
    for key in ["slot", "ended_at", "duration_seconds", "status", "reason", "output", "audio_sha256"]:
        assert key in doc
    item = doc["items"][0]
    names = "item_id title topic priority offset_seconds duration_seconds engine voice approved_by"
    assert set(item) >= set(names.split())
    json.dumps(doc)  # serialisable as is
