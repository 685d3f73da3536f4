"""The audit trail: append-only, hash-chained records of what users did (log in, add, approve ...).

Built like the airing log (airlog.py): each entry's hash is sha256(prev_hash + canonical
bytes of the entry), so editing, deleting, inserting or reordering entries breaks the
chain; deleting the newest entries is caught by comparing with a `ChainHead` (the store
keeps one, and `audit verify` prints one to write down).

The canonical bytes do not depend on how a database hands values back: the time is
written in UTC with microseconds, strings in NFC, and the details as canonical JSON
text (sorted keys, no spaces), which is what the store saves. `seal` returns the
normalised values so the store keeps exactly what was hashed.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from broadcaster.airlog import GENESIS, ChainHead
from broadcaster.errors import InputError
from broadcaster.i18n import _

CANONICAL_VERSION = 1
MAX_TEXT = 500  # actor, action, target and address are short; details carry the rest
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True, slots=True)
class AuditDraft:
    """One user action before it is sealed into the chain."""

    at: datetime
    actor: str  # the user name; "cli:<system user>" for the command line
    action: str  # dotted, e.g. "login", "login.failed", "user.add", "item.approve"
    target: str | None = None  # what it was done to, e.g. "user:vanhoa", "item:12"
    details: Mapping[str, Any] | None = None
    address: str | None = None  # where from: an IP address, or "local"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    action: str
    target: str | None
    details: str  # canonical JSON text, exactly as hashed
    address: str | None
    prev_hash: str
    hash: str

    def details_dict(self) -> dict[str, Any]:
        value = json.loads(self.details)
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    count: int
    head_hash: str
    first_bad_seq: int | None
    problem: str | None

    @property
    def code(self) -> str:
        """The verification code to write down: COUNT:HASH."""
        return f"{self.count}:{self.head_hash}"


def parse_head(text: str) -> ChainHead:
    """Parse a `<count>:<hash>` code printed by `audit verify`."""
    count_text, sep, hash_text = text.strip().partition(":")
    hash_text = hash_text.strip().lower()
    if not sep or not count_text.strip().isdigit() or not _HEX64.match(hash_text):
        raise InputError(
            _("'{code}' is not an audit verification code.").format(code=text.strip()),
            _(
                "Copy it exactly as `broadcaster audit verify` printed it: the number of entries, "
                "a colon, then 64 letters and digits."
            ),
        )
    return ChainHead(hash=hash_text, count=int(count_text))


# --- canonical form -------------------------------------------------------


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()} in the audit trail; attach tzinfo=UTC first")
    return dt.astimezone(UTC)


def _ts(dt: datetime) -> str:
    return _utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _nfc(text: str | None) -> str | None:
    return None if text is None else unicodedata.normalize("NFC", text)


def _short(text: str | None, what: str) -> str | None:
    text = _nfc(text)
    if text is not None and len(text) > MAX_TEXT:
        raise ValueError(f"audit {what} longer than {MAX_TEXT} characters")
    return text


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"audit details must be finite numbers, got {value!r}")
        return value
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            if not isinstance(key, str):
                raise ValueError(f"audit details keys must be text, got {key!r}")
            out[unicodedata.normalize("NFC", key)] = _json_value(inner)
        return out
    raise ValueError(f"audit details must be JSON values (text, numbers, lists, tables), got {type(value).__name__}")


def canonical_details(details: Mapping[str, Any] | None) -> str:
    """Details as the JSON text that is stored and hashed (sorted keys, no spaces, NFC)."""
    return json.dumps(_json_value(dict(details or {})), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_bytes(record: AuditRecord) -> bytes:
    """The bytes that are hashed: every field except `hash` and `prev_hash` (which prefixes them)."""
    doc = {
        "v": CANONICAL_VERSION,
        "seq": record.seq,
        "at": _ts(record.at),
        "actor": _nfc(record.actor),
        "action": _nfc(record.action),
        "target": _nfc(record.target),
        "details": _nfc(record.details),
        "address": _nfc(record.address),
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_hash(record: AuditRecord) -> str:
    digest = hashlib.sha256(record.prev_hash.encode("ascii"))
    digest.update(canonical_bytes(record))
    return digest.hexdigest()


def seal(draft: AuditDraft, prev_hash: str, seq: int) -> AuditRecord:
    """Chain a draft after `prev_hash` as entry number `seq` (the first is 1, after GENESIS)."""
    if not _ACTION.match(draft.action):
        raise ValueError(f"audit action must be dotted lowercase words, got {draft.action!r}")
    if not draft.actor.strip():
        raise ValueError("audit actor must not be empty")
    if not _HEX64.match(prev_hash):
        raise ValueError(f"prev_hash must be 64 lowercase hex digits, got {prev_hash!r}")
    if seq < 1:
        raise ValueError(f"seq starts at 1, got {seq}")
    at = _utc(draft.at)
    record = AuditRecord(
        seq=seq,
        at=at,
        actor=_short(draft.actor, "actor") or "",
        action=draft.action,
        target=_short(draft.target, "target"),
        details=canonical_details(draft.details),
        address=_short(draft.address, "address"),
        prev_hash=prev_hash,
        hash="",
    )
    return replace(record, hash=record_hash(record))


# --- verification ---------------------------------------------------------


def _bad(count: int, head_hash: str, seq: int, problem: str) -> VerifyResult:
    return VerifyResult(ok=False, count=count, head_hash=head_hash, first_bad_seq=seq, problem=problem)


def verify_chain(records: Iterable[AuditRecord], head: ChainHead | None = None) -> VerifyResult:
    """Check entries given in order (by seq), stopping at the first problem.

    With `head` (kept by the store, or written down from an earlier `audit verify`), also
    check that the trail still reaches that entry with that hash: deleting the newest
    entries is caught too. On success `count` is the number of entries, `head_hash` the last hash.
    """
    prev = GENESIS
    expected = 1
    count = 0
    at_head = GENESIS  # the hash of entry number head.count, once seen
    for rec in records:
        if rec.seq != expected:
            if rec.seq < expected:
                problem = _("Audit entry #{seq} appears out of order or twice: entries were inserted or reordered.")
                return _bad(count, prev, rec.seq, problem.format(seq=rec.seq))
            missing = f"#{expected}" if rec.seq == expected + 1 else f"#{expected}–#{rec.seq - 1}"
            problem = _("Audit entry {missing} is missing: it was deleted.").format(missing=missing)
            return _bad(count, prev, expected, problem)
        if record_hash(rec) != rec.hash:
            problem = _("Audit entry #{seq} was changed after it was written (its hash does not match its contents).")
            return _bad(count, prev, rec.seq, problem.format(seq=rec.seq))
        if rec.prev_hash != prev:
            problem = _(
                "Audit entry #{seq} is not linked to the entry before it: entries were deleted, inserted "
                "or rewritten before it."
            )
            return _bad(count, prev, rec.seq, problem.format(seq=rec.seq))
        prev = rec.hash
        expected += 1
        count += 1
        if head is not None and rec.seq == head.count:
            at_head = rec.hash
    if head is not None:
        if head.count > count:
            problem = _(
                "The audit trail has only {count} entries but {expected} were recorded: the newest entries "
                "(from #{first}) were deleted."
            ).format(count=count, expected=head.count, first=count + 1)
            return _bad(count, prev, count + 1, problem)
        if at_head != head.hash.lower():
            problem = _(
                "Audit entry #{seq} does not match the verification code {code}: the trail was rewritten."
            ).format(seq=head.count, code=str(head))
            return _bad(count, prev, max(head.count, 1), problem)
    return VerifyResult(ok=True, count=count, head_hash=prev, first_bad_seq=None, problem=None)


# --- JSON for `broadcaster audit --json` and the API ------------------------


def to_json(record: AuditRecord, tz: tzinfo) -> dict[str, Any]:
    """One entry as a JSON-ready dict; the time in the station's time zone with its offset."""
    return {
        "id": record.seq,
        "at": record.at.astimezone(tz).isoformat(),
        "actor": record.actor,
        "action": record.action,
        "target": record.target,
        "details": record.details_dict(),
        "address": record.address,
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }
