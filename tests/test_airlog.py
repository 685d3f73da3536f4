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
    verify_chain,
)
from broadcaster.canonical_json import dump_reference
from broadcaster.errors import InputError
from broadcaster.reports.airing_json import to_json

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


# --- the streamed verifier (airlog_verify): the same bytes, the same verdicts ------------------


def _stored_time(dt: datetime | None, as_text: bool) -> object:
    if dt is None or not as_text:
        return dt
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(" ", timespec="microseconds")  # SQLite's format


def raw_rows(rec: AiringRecord, as_text: bool = True) -> tuple[tuple[object, ...], list[tuple[object, ...]]]:
    """The plain rows the store reads for `rec` (SQLite's text times, or PostgreSQL's datetimes)."""
    airing = (
        rec.seq, rec.kind, rec.slot, _stored_time(rec.scheduled_at, as_text), _stored_time(rec.started_at, as_text),
        _stored_time(rec.ended_at, as_text), round(rec.duration_seconds * 1000), rec.status, rec.reason, rec.output,
        rec.device, rec.amplifier, rec.audio_sha256, rec.exemption, rec.prev_hash, rec.hash, rec.version,
        None if rec.relay is None else dump_reference(dict(rec.relay)).decode(),
    )  # fmt: skip
    items = [
        (
            n,
            i.item_id,
            i.topic,
            i.priority,
            round(i.offset_seconds * 1000),
            round(i.duration_seconds * 1000),
            i.completed,
            i.language,
            rec.seq,
            i.title,
            i.engine,
            i.voice,
            i.approved_by,
            _stored_time(i.approved_at, as_text),
            i.kind,
            i.source_id,
            i.original_sha256,
            i.audio_sha256,
        )
        for n, i in enumerate(rec.items)
    ]
    return airing, items


ODD_TEXTS = [
    'dấu "ngoặc" \\ gạch',
    "xuống\ndòng\tvà\r\x00\x1f\x7f",
    unicodedata.normalize("NFD", "Hoà Bình, Khoá XIV"),
    "emoji 📻 and \u2028 line separator",
    "",
]


def odd_records() -> list[AiringRecord]:
    base = draft(1)
    records, prev = [], GENESIS
    variants = [
        base,
        dataclasses.replace(base, reason=ODD_TEXTS[0], exemption=ODD_TEXTS[1], audio_sha256=None),
        dataclasses.replace(base, slot=ODD_TEXTS[2], status="interrupted", started_at=None, ended_at=None),
        dataclasses.replace(
            base,
            scheduled_at=datetime(2021, 6, 1, 6, 0, 0, 1, tzinfo=HCM),
            items=tuple(
                dataclasses.replace(base.items[0], title=t, approved_by=None, approved_at=None, completed=n % 2 == 0)
                for n, t in enumerate(ODD_TEXTS)
            ),
        ),
        dataclasses.replace(base, items=(), status="empty", duration_seconds=0.0),
        dataclasses.replace(
            base,
            kind="relay",
            relay={"url": "http://huyen/live.mp3", "name": ODD_TEXTS[2], "segments": [{"kind": "relay", "why": "ổn"}]},
            items=tuple(
                dataclasses.replace(
                    item,
                    kind="recording",
                    language="tyz",
                    source_id="b-1",
                    original_sha256="a" * 64,
                    audio_sha256="b" * 64,
                )
                for item in base.items
            ),
        ),
    ]
    for seq, d in enumerate(variants, start=1):
        rec = seal(d, prev, seq)
        records.append(rec)
        prev = rec.hash
    return records


@pytest.mark.parametrize("as_text", [True, False])
def test_fast_canonical_bytes_are_the_canonical_bytes(as_text: bool) -> None:
    from broadcaster.airlog_verify import fast_canonical, fast_hash

    for rec in [*chain(3), *odd_records()]:
        airing, items = raw_rows(rec, as_text)
        assert fast_canonical(airing, items) == canonical_bytes(rec), rec.seq
        assert fast_hash(airing, items) == rec.hash


def scan(records: list[AiringRecord], head: ChainHead | None = None) -> object:
    from broadcaster.airlog_verify import ChainScan

    checker = ChainScan(head)
    for rec in records:
        airing, items = raw_rows(rec)
        if not checker.feed(airing, items, lambda rec=rec: rec):  # type: ignore[misc]
            break
    return checker.result()


def renumbered(records: list[AiringRecord], start: int) -> list[AiringRecord]:
    return [dataclasses.replace(r, seq=n) for n, r in enumerate(records, start=start)]


def tampered_logs() -> list[tuple[list[AiringRecord], ChainHead | None]]:
    records = chain(6)
    edited = list(records)
    edited[2] = dataclasses.replace(records[2], reason="sửa lại")
    item = dataclasses.replace(records[1].items[0], duration_seconds=600.0)
    edited_item = [records[0], dataclasses.replace(records[1], items=(item,)), *records[2:]]
    fake = seal(draft(9), records[1].hash, 3)
    resealed = [*records[:2], dataclasses.replace(records[2], reason="x")]
    resealed[2] = dataclasses.replace(resealed[2], hash=record_hash(resealed[2]))
    a, b = records[1], records[2]
    return [
        (records, None),
        ([], None),
        ([], ChainHead(GENESIS, 0)),
        (records, ChainHead(records[3].hash, 4)),
        (edited, None),
        (edited_item, None),
        ([*records[:2], *records[3:]], None),  # deleted #3
        ([*records[:2], *records[4:]], None),  # deleted #3 and #4
        ([*records[:2], fake, *renumbered(records[2:], 4)], None),  # inserted, the rest renumbered
        ([records[0], dataclasses.replace(b, seq=2), dataclasses.replace(a, seq=3), *records[3:]], None),
        ([*resealed, *records[3:]], None),  # re-sealed #3: #4 no longer links
        (records[:4], ChainHead(records[-1].hash, 6)),  # newest deleted
        ([*records[:4], seal(draft(42), records[3].hash, 5)], ChainHead(records[4].hash, 5)),  # rewritten tail
        (records, ChainHead("f" * 64, 3)),
        (records, ChainHead(GENESIS, 0)),
    ]


def test_the_streamed_verifier_gives_verify_chains_verdicts() -> None:
    for n, (records, head) in enumerate(tampered_logs()):
        assert scan(records, head) == verify_chain(records, head), n


def test_a_row_the_shortcut_cannot_read_is_judged_by_the_reference() -> None:
    """A time stored without microseconds (by another tool) is the same time: the reference judges it intact."""
    from broadcaster.airlog_verify import ChainScan, fast_hash

    records = chain(2)
    airing, items = raw_rows(records[1])
    airing = (*airing[:3], str(airing[3])[:19], *airing[4:])
    assert fast_hash(airing, items) is None
    checker = ChainScan()
    first_airing, first_items = raw_rows(records[0])
    assert checker.feed(first_airing, first_items, lambda: records[0])
    assert checker.feed(airing, items, lambda: records[1])  # what the store reads back through the ORM
    assert checker.result() == verify_chain(records)


def test_a_row_that_cannot_be_read_back_at_all_counts_as_changed() -> None:
    from broadcaster.airlog_verify import ChainScan

    rec = chain(1)[0]
    airing, items = raw_rows(rec)
    broken = (*airing[:3], "2021-13-45 99:00:00.000000", *airing[4:])

    def unreadable() -> AiringRecord:
        raise ValueError("month must be in 1..12")

    checker = ChainScan()
    assert not checker.feed(broken, items, unreadable)
    assert checker.result().problem == f"Airing #1 {CHANGED}"
