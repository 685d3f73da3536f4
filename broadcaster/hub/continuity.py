"""Does a batch of airing records continue the chain the hub holds for a station? Pure.

The hub never trusts a hash it is sent: it recomputes every record's hash from the record's
canonical document (any canonical version, `airlog.hash_canonical`) and the hash before it.
Records the hub already holds must hash to what it holds (else the station's log was changed
or replaced: a fork, refused with 409 and flagged); new records must carry the hash they
hash to (else a record was edited after it was written) and follow on without a gap.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from broadcaster.airlog import GENESIS
from broadcaster.canonical_json import dump_canonical
from broadcaster.hublink.protocol import HEX64
from broadcaster.i18n import _

MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Checked:
    """A record whose hash the hub computed itself."""

    seq: int
    hash: str
    doc: dict[str, Any]
    canonical: bytes  # the canonical JSON that was hashed (UTF-8), stored as received


@dataclass(frozen=True, slots=True)
class Problem:
    status: int  # 409: conflicts with what the hub holds; 422: the batch itself is wrong
    code: str  # fork | altered | gap | malformed | head
    message: str
    seq: int | None = None
    flag: bool = False  # the station's chain is shown as broken until the district resolves it


@dataclass(frozen=True, slots=True)
class Decision:
    new: list[Checked] = field(default_factory=list)
    duplicates: int = 0
    head_count: int = 0
    head_hash: str = GENESIS
    head_prev: str = GENESIS  # the hash before the head (the hub keeps it to check the next batch without a query)
    last_hash: str = GENESIS  # of the batch's last record
    problem: Problem | None = None


def canonical_problem(doc: object) -> str | None:
    """Why a received document is not in canonical form, or None when it is.

    Canonical documents of every version are JSON objects with an integer version `v` and
    sequence number `seq`, holding only objects, arrays, NFC text, integers, booleans and
    null. Fractional numbers, whose text could differ between programs, are allowed only in
    a relay's details (version 2 `relay`: the seconds relayed, as stations have always
    written them), and only finite ones: Python's shortest round-trip text is what the station
    hashed, and parsing and writing it again gives the same bytes.

    The reasons are in the hub's language: the station shows them to its technician."""
    if not isinstance(doc, dict):
        return _("the record is not a JSON object")
    for key in ("v", "seq"):
        value = doc.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            return _("the record has no '{key}' (a whole number, 1 or more)").format(key=key)
    for key, value in doc.items():
        if (
            type(key) is str
            and (key.isascii() or _nfc(key))
            and (type(value) in _PLAIN or (type(value) is str and (value.isascii() or _nfc(value))))
        ):
            continue
        problem = _key_problem(key) or _value_problem(value, 1, fractions=key == "relay")
        if problem is not None:
            return problem
    return None


def _key_problem(key: object) -> str | None:
    if not isinstance(key, str):  # never from JSON; a caller's own document
        return _("the record has a name that is not text")
    return None if key.isascii() else _text_problem(key)


# Every received record goes through here (some 70 values a record): plain loops, and the values
# that need no looking into (text in NFC, whole numbers, true, false and null: nearly all of a
# record) passed over in the loop itself rather than in calls of their own.
_PLAIN = frozenset({int, bool, type(None)})


def _nfc(value: str) -> bool:
    """Valid Unicode in NFC (ASCII text, nearly all of a record's, always is: not asked here)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return unicodedata.is_normalized("NFC", value)


def _value_problem(value: object, depth: int, fractions: bool = False) -> str | None:
    if depth > MAX_DEPTH:
        return _("the record is nested too deeply")
    if isinstance(value, dict):
        inside = depth < MAX_DEPTH  # its values may be passed over here; deeper, each is "too deep"
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or _nfc(key)):
                problem = _key_problem(key)
                if problem is not None:
                    return problem
            if inside and (type(item) in _PLAIN or (type(item) is str and (item.isascii() or _nfc(item)))):
                continue
            problem = _value_problem(item, depth + 1, fractions)
            if problem is not None:
                return problem
        return None
    if isinstance(value, list):
        inside = depth < MAX_DEPTH
        for item in value:
            if inside and (type(item) in _PLAIN or (type(item) is str and (item.isascii() or _nfc(item)))):
                continue
            problem = _value_problem(item, depth + 1, fractions)
            if problem is not None:
                return problem
        return None
    return _leaf_problem(value, fractions)


def _leaf_problem(value: object, fractions: bool) -> str | None:
    if isinstance(value, str):
        return None if value.isascii() else _text_problem(value)
    if value is None or isinstance(value, int):  # bool is an int
        return None
    if isinstance(value, float):
        if fractions and math.isfinite(value):
            return None
        return _("the record holds a fractional number ({value}); canonical records hold whole numbers").format(
            value=repr(value)
        )
    return _("the record holds a value of type {type}").format(type=type(value).__name__)


def _text_problem(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _("the record holds text that is not valid Unicode")
    if not unicodedata.is_normalized("NFC", text):
        return _("the record holds text not in Unicode NFC form ({text})").format(text=repr(text[:40]))
    return None


def parse_entries(entries: object) -> tuple[list[tuple[int, str, dict[str, Any]]], Problem | None]:
    """(seq, claimed hash, doc) per entry, in order and consecutive, or the first problem."""
    if not isinstance(entries, list) or not entries:
        return [], Problem(422, "malformed", _("The batch holds no records."))
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for n, entry in enumerate(entries):
        doc = entry.get("doc") if isinstance(entry, dict) else None
        claimed = entry.get("hash") if isinstance(entry, dict) else None
        problem = canonical_problem(doc)
        if problem is None and not (isinstance(claimed, str) and HEX64.match(claimed)):
            problem = _("its hash is not 64 lowercase hex digits")
        if problem is not None:
            message = _("Record {number} of the batch is not valid: {problem}.").format(number=n + 1, problem=problem)
            return [], Problem(422, "malformed", message)
        assert isinstance(doc, dict) and isinstance(claimed, str)
        seq = doc["seq"]
        if parsed and seq != parsed[-1][0] + 1:
            message = _("The batch jumps from airing #{before} to #{after}.").format(before=parsed[-1][0], after=seq)
            return [], Problem(422, "malformed", message, seq)
        parsed.append((seq, claimed, doc))
    return parsed, None


def check_batch(
    entries: Sequence[tuple[int, str, dict[str, Any]]], held_count: int, held: Mapping[int, str]
) -> Decision:
    """`held`: the hashes the hub holds for this station from seq first-1 up to min(last, held_count)."""
    first = entries[0][0]
    if first > held_count + 1:
        return Decision(
            problem=Problem(
                422,
                "gap",
                _(
                    "The hub holds {count} airings of this station; the batch starts at #{first}. Send from #{start}."
                ).format(count=held_count, first=first, start=max(held_count, 1)),
                held_count + 1,
            )
        )
    prev = GENESIS if first == 1 else held[first - 1]
    before_last = prev
    new: list[Checked] = []
    duplicates = 0
    for seq, claimed, doc in entries:
        canonical = dump_canonical(doc)
        digest = hashlib.sha256(prev.encode("ascii"))
        digest.update(canonical)
        computed = digest.hexdigest()
        if seq <= held_count:
            if computed != held[seq]:
                return Decision(problem=_fork(seq, computed == claimed))
            duplicates += 1
        elif computed != claimed:
            return Decision(
                problem=Problem(
                    422,
                    "altered",
                    _(
                        "Airing #{seq} was changed after it was written: its hash does not match its contents. "
                        "The station is flagged as forked until the district looks into it."
                    ).format(seq=seq),
                    seq,
                    flag=True,
                )
            )
        else:
            new.append(Checked(seq, computed, doc, canonical))
        before_last, prev = prev, computed
    last = entries[-1][0]
    if last >= held_count:
        head_hash, head_prev = prev, before_last
    else:
        head_hash, head_prev = held[held_count], held.get(held_count - 1, GENESIS)
    return Decision(
        new=new,
        duplicates=duplicates,
        head_count=max(held_count, last),
        head_hash=head_hash,
        head_prev=head_prev,
        last_hash=prev,
    )


def _fork(seq: int, consistent: bool) -> Problem:
    if consistent:
        message = _(
            "Airing #{seq} differs from the copy the hub already holds: the station's log was rewritten from "
            "there on (or replaced by another copy). The station is flagged as forked until the district looks "
            "into it."
        )
    else:
        message = _(
            "Airing #{seq} differs from the copy the hub already holds: the record was edited in the station's "
            "database. The station is flagged as forked until the district looks into it."
        )
    return Problem(409, "fork", message.format(seq=seq), seq, flag=True)
