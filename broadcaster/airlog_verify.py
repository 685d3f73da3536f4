"""Verifying a long airing log as it streams from the database: `airlog.verify_chain`'s verdicts, faster.

`verify_chain` judges `AiringRecord`s. Building a record and its canonical bytes costs about
40 µs, so a 75,000-airing log took seconds in hashing alone. Here each airing arrives as the
plain row the database holds (`RawAiring` and its `RawItem`s, no ORM objects) and its
canonical bytes are written straight from the row: the same bytes as
`airlog.canonical_bytes(record)` for every row the store writes (tests compare the two).

Soundness does not rest on that shortcut. A row whose fast hash matches its stored hash has
the bytes that were sealed, so the reference would agree. A row whose fast hash does not match,
or that holds something the shortcut does not handle (text where a number belongs, an
unusual time format...), is judged again by `airlog.record_hash` on the record the caller
builds the usual way (`exact`). So the shortcut can only be slower, never give another
verdict, and the messages are `verify_chain`'s own.

The rows must come in log order (by seq, as the primary key hands them out). Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from broadcaster.airlog import GENESIS, AiringRecord, ChainHead, VerifyResult, head_problem
from broadcaster.airlog import record_hash as exact_hash

# (seq, kind, slot, scheduled_at, started_at, ended_at, duration_ms, status, reason, output,
#  device, amplifier, audio_sha256, exemption, prev_hash, hash, canonical_version, relay_json); times are SQLite's
#  stored text
# ("2021-03-01 23:00:00.000000", UTC) or aware datetimes (PostgreSQL).
RawAiring = Sequence[Any]
# (position, item_id, topic, priority, offset_ms, duration_ms, completed, language, airing_seq, title,
#  engine, voice, approved_by, approved_at, kind, source_id, original_sha256, audio_sha256): fields 0..7
#  are a `reports.daybook.ItemMs`, so `log verify` sums the log from the same rows as they come.
RawItem = Sequence[Any]

AIRING_COLUMNS = (
    "seq",
    "kind",
    "slot",
    "scheduled_at",
    "started_at",
    "ended_at",
    "duration_ms",
    "status",
    "reason",
    "output",
    "device",
    "amplifier",
    "audio_sha256",
    "exemption",
    "prev_hash",
    "hash",
    "canonical_version",
    "relay_json",
)
ITEM_COLUMNS = (
    "position",
    "item_id",
    "topic",
    "priority",
    "offset_ms",
    "duration_ms",
    "completed",
    "language",
    "airing_seq",
    "title",
    "engine",
    "voice",
    "approved_by",
    "approved_at",
    "kind",
    "source_id",
    "original_sha256",
    "audio_sha256",
)
ITEM_SEQ = ITEM_COLUMNS.index("airing_seq")

_encode: Callable[[str], str] = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses
_normalize = unicodedata.normalize
_MAX_MS = 10**12  # beyond this, ms -> seconds -> ms may not round-trip exactly: leave it to the reference


class _Unusual(Exception):
    """A value the shortcut does not handle: the reference decides."""


def _time(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is str:
        # SQLAlchemy's SQLite storage format, always with microseconds, naive UTC.
        if len(value) != 26 or value[10] != " " or value[19] != ".":
            raise _Unusual
        return f'"{value[:10]}T{value[11:]}Z"'
    if isinstance(value, datetime) and value.tzinfo is not None and value.year >= 1000:
        # isoformat and strftime("%Y") agree from year 1000 on; "+00:00" becomes "Z".
        return f'"{value.astimezone(UTC).isoformat(timespec="microseconds")[:-6]}Z"'
    raise _Unusual


def _ints(*values: Any) -> None:
    for value in values:
        if type(value) is not int or not -_MAX_MS < value < _MAX_MS:
            raise _Unusual


class Canon:
    """Writes canonical bytes from plain rows. A log repeats its slots, topics, titles and voices
    thousands of times, so the JSON of each text, and of each item's unchanging fields, is
    remembered (up to `limit` entries)."""

    def __init__(self, limit: int = 200_000) -> None:
        self._texts: dict[Any, str] = {None: "null"}
        self._items: dict[tuple[Any, ...], tuple[str, str, str, str]] = {}
        self._airings: dict[tuple[Any, ...], tuple[str, str, str, str, str]] = {}
        self._limit = limit

    def text(self, value: Any) -> str:
        found = self._texts.get(value)
        if found is None:
            if type(value) is not str:
                raise _Unusual
            found = _encode(_normalize("NFC", value))
            if len(self._texts) < self._limit:
                self._texts[value] = found
        return found

    def _item_parts(self, i: RawItem, version: int) -> tuple[str, str, str, str]:
        """An item's unchanging fields as the JSON between its numbers, in sorted key order: around
        "completed", "item_id" and "offset_ms" (version 2 adds kind, language, source_id and the audio's
        SHA-256s)."""
        key = (version, i[13], i[12], i[17], i[10], i[14], i[7], i[16], i[3], i[15], i[9], i[2], i[11])
        parts = self._items.get(key)
        if parts is None:
            text = self.text
            if version == 1:
                parts = (
                    f'{{"approved_at":{_time(i[13])},"approved_by":{text(i[12])},"completed":',
                    f',"engine":{text(i[10])},"item_id":',
                    ',"offset_ms":',
                    f',"priority":{text(i[3])},"title":{text(i[9])},"topic":{text(i[2])},"voice":{text(i[11])}}}',
                )
            else:
                parts = (
                    f'{{"approved_at":{_time(i[13])},"approved_by":{text(i[12])},"audio_sha256":{text(i[17])},'
                    '"completed":',
                    f',"engine":{text(i[10])},"item_id":',
                    f',"kind":{text(i[14])},"language":{text(i[7])},"offset_ms":',
                    f',"original_sha256":{text(i[16])},"priority":{text(i[3])},"source_id":{text(i[15])},'
                    f'"title":{text(i[9])},"topic":{text(i[2])},"voice":{text(i[11])}}}',
                )
            if len(self._items) < self._limit:
                self._items[key] = parts
        return parts

    def _items_json(self, items: Sequence[RawItem], version: int) -> str:
        # Inlined on purpose: this runs for every item of a ten-year log (218,000 of them).
        known = self._items.get
        parts = []
        for n, i in enumerate(items):
            if i[0] != n:
                # Rows come in id order; the reference reads them by position. Only when the positions are
                # 0, 1, 2... in id order are both orders one and the same.
                raise _Unusual
            first, engine, kind, last = known(
                (version, i[13], i[12], i[17], i[10], i[14], i[7], i[16], i[3], i[15], i[9], i[2], i[11])
            ) or self._item_parts(i, version)
            duration, item_id, offset, completed = i[5], i[1], i[4], i[6]
            if (
                type(duration) is not int
                or type(item_id) is not int
                or type(offset) is not int
                or not (-_MAX_MS < duration < _MAX_MS and -_MAX_MS < offset < _MAX_MS)
                or (type(completed) is not bool and type(completed) is not int)
            ):
                raise _Unusual
            flag = "true" if completed else "false"
            parts.append(f'{first}{flag},"duration_ms":{duration}{engine}{item_id}{kind}{offset}{last}')
        return ",".join(parts)

    def _airing_parts(self, a: RawAiring, version: int) -> tuple[str, str, str, str, str]:
        key = (a[11], a[10], a[1], a[9], a[2], a[7], version)
        parts = self._airings.get(key)
        if parts is None:
            text = self.text
            parts = (
                f'{{"amplifier":{text(a[11])},"audio_sha256":',
                f',"device":{text(a[10])},"duration_ms":',
                f'],"kind":{text(a[1])},"output":{text(a[9])},"reason":',
                f',"slot":{text(a[2])},"started_at":',
                f',"status":{text(a[7])},"v":{version}}}',
            )
            if len(self._airings) < self._limit:
                self._airings[key] = parts
        return parts

    def canonical(self, airing: RawAiring, items: Sequence[RawItem]) -> bytes | None:
        """`airlog.canonical_bytes` of the record these rows hold, or None when the reference must decide."""
        a, text = airing, self.text
        try:
            _ints(a[6], a[0])
            version = a[16] if len(a) > 16 else 1
            if version == 1:
                items_json, relay = self._items_json(items, 1), ""
            elif version == 2:
                relay_json = a[17]
                if relay_json is not None and type(relay_json) is not str:
                    raise _Unusual
                # '' is no JSON (the reference fails on it), so it is written as '' and cannot match.
                relay = f',"relay":{"null" if relay_json is None else relay_json}'
                items_json = self._items_json(items, 2)
            else:
                raise _Unusual
            amplifier, device, kind_output, slot, status = self._airing_parts(a, version)
            body = (
                f"{amplifier}{text(a[12])}{device}{a[6]},"
                f'"ended_at":{_time(a[5])},"exemption":{text(a[13])},'
                f'"items":[{items_json}{kind_output}{text(a[8])}{relay},'
                f'"scheduled_at":{_time(a[3])},"seq":{a[0]}{slot}{_time(a[4])}{status}'
            )
            return body.encode("utf-8")
        except (_Unusual, UnicodeEncodeError, TypeError):
            return None  # TypeError: an unhashable value where text belongs

    def hash(self, airing: RawAiring, items: Sequence[RawItem]) -> str | None:
        """The hash the record should carry (see `airlog.record_hash`), or None when the reference must decide."""
        return body_hash(airing[14], self.canonical(airing, items))


def body_hash(prev: Any, body: bytes | None) -> str | None:
    """sha256(prev_hash + canonical bytes), as `airlog.record_hash`; None when the reference must decide."""
    if body is None or type(prev) is not str or not prev.isascii():
        return None
    digest = hashlib.sha256(prev.encode("ascii"))
    digest.update(body)
    return digest.hexdigest()


def fast_canonical(airing: RawAiring, items: Sequence[RawItem]) -> bytes | None:
    """`airlog.canonical_bytes` of the record these rows hold, or None when the reference must decide."""
    return Canon().canonical(airing, items)


def fast_hash(airing: RawAiring, items: Sequence[RawItem]) -> str | None:
    """The hash the record should carry (see `airlog.record_hash`), or None when the reference must decide."""
    return Canon().hash(airing, items)


def _exact_matches(exact: Callable[[], AiringRecord]) -> bool:
    try:
        record = exact()
        return exact_hash(record) == record.hash
    except (ValueError, TypeError, UnicodeError, OverflowError):
        return False  # a row that cannot even be read back as a record was not written by broadcaster


class ChainScan:
    """`verify_chain` one airing at a time: feed rows in log order, then read `result()`.

    `feed` returns False once a problem is found; later rows are not looked at (as `verify_chain`
    stops at the first problem).

    A scan may start after airing #`after` whose hash is `prev` (the log checked in two parts,
    see `after`); its counts stay those of the whole log.
    """

    def __init__(self, head: ChainHead | None = None, after: int = 0, prev: str = GENESIS) -> None:
        self.head = head
        self.count = after
        self.prev = prev
        self._expected = after + 1
        self._seen: set[int] = set()
        self._at_head = GENESIS if head is not None and head.count == 0 else None
        self._bad: VerifyResult | None = None
        self._canon = Canon()
        self.start_prev = prev
        self._expected_first = after + 1

    def at_head(self) -> str | None:
        """The hash of the head's airing, if this scan verified it (see `after`)."""
        return self._at_head

    def after(self, first: VerifyResult, first_at_head: str | None) -> VerifyResult | None:
        """The verdict on a log checked in two parts: `first` (airings 1..M, checked without the head, and
        its hash of the head's airing if M reached it), then this scan (started after M with the hash
        it read for airing #M). None when the parts do not meet (the log changed meanwhile): check again."""
        if not first.ok:
            return first  # the first problem in log order
        if first.count != self._expected_first - 1 or first.head_hash != self.start_prev:
            return None
        if self._at_head is None:
            self._at_head = first_at_head
        return self.result()

    def feed(self, airing: RawAiring, items: Sequence[RawItem], exact: Callable[[], AiringRecord]) -> bool:
        """Check one airing; `exact` builds its AiringRecord the usual way, for the rows the shortcut cannot judge."""
        if self._bad is not None:
            return False
        if airing[0] != self._expected:
            return self._fail(self._order_problem(airing[0]))
        return self._link(airing[0], airing[14], airing[15], self._canon.hash(airing, items), exact)

    def feed_body(
        self, seq: Any, prev: Any, stored: Any, body: bytes | None, exact: Callable[[], AiringRecord]
    ) -> bool:
        """`feed` for an airing whose canonical bytes were written elsewhere (by the database: store/sealed_sqlite.py),
        or None where they could not be: the same checks, the same rule (a mismatch is judged by `exact`)."""
        if self._bad is not None:
            return False
        if seq != self._expected:
            return self._fail(self._order_problem(seq))
        return self._link(seq, prev, stored, body_hash(prev, body), exact)

    def _link(self, seq: int, prev: Any, stored: Any, fast: str | None, exact: Callable[[], AiringRecord]) -> bool:
        """The airing #seq, in its place: its hash (`fast`, or the reference's), then its link to the one before."""
        if (fast is None or fast != stored) and not _exact_matches(exact):
            return self._fail(
                (seq, f"Airing #{seq} was changed after it was written (its hash does not match its contents).")
            )
        if prev != self.prev:
            before = "the start of the log" if seq == 1 else f"airing #{seq - 1}"
            return self._fail(
                (
                    seq,
                    f"Airing #{seq} is not linked to {before} (its previous-hash does not match): "
                    "records were deleted, inserted or rewritten before it.",
                )
            )
        self.prev = stored
        self._seen.add(seq)
        self._expected += 1
        self.count += 1
        if self.head is not None and seq == self.head.count:
            self._at_head = stored
        return True

    def _order_problem(self, seq: int) -> tuple[int, str]:
        expected = self._expected
        if seq < expected:
            if seq in self._seen:
                return seq, f"Airing #{seq} appears twice in the log: a record was inserted or copied."
            return seq, f"Airing #{seq} is out of order: the records were reordered."
        # Rows come by seq from the primary key, so #expected cannot turn up later: it is missing.
        missing = f"#{expected}" if seq == expected + 1 else f"#{expected} to #{seq - 1}"
        return expected, f"Airing {missing} is missing from the log: it was deleted."

    def _fail(self, bad: tuple[int, str]) -> bool:
        seq, problem = bad
        self._bad = VerifyResult(ok=False, count=self.count, head_hash=self.prev, first_bad_seq=seq, problem=problem)
        return False

    def result(self, check_head: bool = True) -> VerifyResult:
        """The verdict; `check_head=False` for the first part of a log checked in two (see `after`)."""
        if self._bad is not None:
            return self._bad
        count, last = self.count, self.prev
        if self.head is not None and check_head:
            problem = head_problem(count, self._at_head, self.head)
            if problem is not None:
                return VerifyResult(
                    ok=False,
                    count=count,
                    head_hash=last,
                    first_bad_seq=min(self.head.count, count + 1) or 1,
                    problem=problem,
                )
        return VerifyResult(ok=True, count=count, head_hash=last, first_bad_seq=None, problem=None)
