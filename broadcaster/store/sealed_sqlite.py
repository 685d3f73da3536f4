"""`log verify` on SQLite: each airing's canonical bytes written by SQLite itself, in C.

Why: verifying 75,000 airings read 18 columns per airing and 18 per item (218,000 items)
through CPython's sqlite3, which releases and takes the GIL again for every value, then wrote
each record's canonical JSON in Python: most of `log verify`'s time. Here one SELECT per batch
hands over, per airing, its canonical bytes (`json_object` with the keys in sorted order, the
items joined and gathered by `json_group_array`) and the few columns the chain and the figures
need; Python only hashes the bytes. The figures still read the items' own columns (`ITEMS_SQL`).

Soundness is `airlog_verify`'s rule: the bytes are judged by their hash only. Where SQLite cannot
write them as the reference would, the SQL gives NULL (or bytes that cannot hash to the stored
hash), and that airing is judged by the reference (`airlog.record_hash` on the record read through
the ORM), so verdicts never differ:

- texts are written by `json_object`, which escapes as `json.dumps(ensure_ascii=False)` does; if a
  version of SQLite escaped a character otherwise, the JSON still holds the same text, so bytes that
  match the sealed ones still mean the same record. Text that is not NFC (the reference normalises
  it) cannot match: sealed text is NFC. A BLOB makes `json_object` fail: `airings.scan` then reads
  the rest of the log the Python way.
- times must be SQLAlchemy's stored text ('YYYY-MM-DD HH:MM:SS.ffffff'), milliseconds integers
  below 10^12 (their seconds round-trip exactly), `completed` and `item_id` integers, the canonical
  version 1 or 2, a relay block valid JSON; else NULL.
- items are taken in id order, and only when their positions are exactly 0, 1, 2... in that order
  (else NULL): then id order is the position order the reference reads them in.
- a relay block is written by `json()` from its stored canonical JSON (as it stands, minus spaces).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from functools import partial
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from broadcaster.airlog import AiringRecord
    from broadcaster.airlog_verify import ChainScan, RawItem
    from broadcaster.reports.log_days import OnRecord

log = logging.getLogger(__name__)

# station_state's keys: the time zone the airtime summary was built for, and the last `log verify`'s verdict
SUMMARY_TZ_KEY = "airtime_sums_tz"
VERDICT_KEY = "log_verify_verdict"
BATCH = 5000  # airings per SELECT
_LAST_SEQ = 2**63 - 1

# Canonical keys in sorted order (the canonical JSON's order), per canonical version.
ITEM_KEYS = {
    1: ("approved_at approved_by completed duration_ms engine item_id offset_ms priority title topic voice").split(),
    2: (
        "approved_at approved_by audio_sha256 completed duration_ms engine item_id kind language offset_ms "
        "original_sha256 priority source_id title topic voice"
    ).split(),
}
AIRING_KEYS = {
    1: (
        "amplifier audio_sha256 device duration_ms ended_at exemption items kind output reason scheduled_at seq slot "
        "started_at status v"
    ).split(),
    2: (
        "amplifier audio_sha256 device duration_ms ended_at exemption items kind output reason relay scheduled_at seq "
        "slot started_at status v"
    ).split(),
}
_TIMES = {"approved_at", "scheduled_at", "started_at", "ended_at"}
_MS = {"duration_ms", "offset_ms"}
_MAX_POSITIONS = 500  # an airing with more items is judged by the reference (slower, never wrong)
_POSITIONS = "".join(f"{n}," for n in range(_MAX_POSITIONS))

# What each airing row holds (`AIRINGS_SQL`); the body is NULL where the reference must decide.
SEALED_COLUMNS = ("seq", "body", "prev_hash", "hash", "scheduled_at", "slot", "status", "duration_ms")


def _time_ok(column: str) -> str:
    # airlog_verify._time: SQLAlchemy's stored text with microseconds (26 characters, ' ' and '.' in place).
    return f"({column} IS NULL OR (typeof({column}) = 'text' AND {column} GLOB '????-??-?? ??:??:??.??????'))"


def _ms_ok(column: str) -> str:
    # Milliseconds below 10^12 round-trip exactly through the record's seconds.
    return f"(typeof({column}) = 'integer' AND {column} > -1000000000000 AND {column} < 1000000000000)"


def _value(table: str, key: str, version: int) -> str:
    """The SQL for one value of the canonical JSON, for a row that passed `_airing_ok` and `_items_ok`."""
    column = f"{table}.{key}"
    if key in _TIMES:
        # ISO 8601 in UTC; a ' ' anywhere else than the 11th character makes it no time, which cannot match.
        return f"replace({column}, ' ', 'T') || 'Z'"
    if key == "completed":
        return f"CASE WHEN {column} THEN json('true') ELSE json('false') END"
    if key == "v":
        return str(version)
    if key == "items":
        return f"json_group_array({_object('i', ITEM_KEYS[version], version)}) FILTER (WHERE i.id IS NOT NULL)"
    if key == "relay":
        return "json(a.relay_json)"
    return column  # text (json_object escapes it as json.dumps does) or an integer checked by the guards


def _object(table: str, keys: list[str], version: int) -> str:
    pairs = ", ".join(f"'{key}', {_value(table, key, version)}" for key in keys)
    return f"json_object({pairs})"


_AIRING_OK = " AND ".join(
    [
        *(_time_ok(f"a.{c}") for c in ("scheduled_at", "started_at", "ended_at")),
        _ms_ok("a.duration_ms"),
        # version 2's relay block: its stored canonical JSON (json() writes valid JSON as it is written)
        "(a.canonical_version = 1 OR a.relay_json IS NULL "
        "OR (typeof(a.relay_json) = 'text' AND json_valid(a.relay_json)))",
    ]
)
_ITEM_OK = " AND ".join(
    [_time_ok("i.approved_at"), _ms_ok("i.duration_ms"), _ms_ok("i.offset_ms")]
    + [f"typeof(i.{c}) = 'integer'" for c in ("completed", "item_id")]
)
# Items in the order the join hands them over (id order), and only when their positions are 0, 1, 2... in
# that order: then it is the position order the reference reads them in.
_POSITIONS_SEEN = (
    "group_concat(CASE WHEN i.id IS NULL THEN '' WHEN typeof(i.position) = 'integer' "
    "THEN i.position || ',' ELSE '!' END, '')"
)
_ITEMS_OK = (
    f"min(CASE WHEN i.id IS NULL THEN 1 ELSE {_ITEM_OK} END) = 1 "
    f"AND substr('{_POSITIONS}', 1, length({_POSITIONS_SEEN})) = {_POSITIONS_SEEN}"
)
_BODY = (
    f"CASE WHEN {_AIRING_OK} AND {_ITEMS_OK} THEN CAST(CASE a.canonical_version "
    + " ".join(f"WHEN {v} THEN {_object('a', AIRING_KEYS[v], v)}" for v in (1, 2))
    + " END AS BLOB) END"
)
# Airings seq in (?, ?], at most ? of them, in log order: SEALED_COLUMNS. One row per airing, its items joined
# in id order (the index on airing_seq hands them over so, without a sort).
AIRINGS_SQL = (
    f"SELECT a.seq, {_BODY}, a.prev_hash, a.hash, a.scheduled_at, a.slot, a.status, a.duration_ms "  # noqa: S608
    "FROM airings AS a LEFT JOIN aired_items AS i ON i.airing_seq = a.seq "
    "WHERE a.seq > ? AND a.seq <= ? GROUP BY a.seq ORDER BY a.seq LIMIT ?"
)

# The items of airings seq in (?, ?], in `reports.daybook.ItemMs`'s field order, then the airing's seq: for the
# figures, which sum them in Python (as JSON built by SQLite they cost more to read back than these columns).
ITEMS_SQL = (
    "SELECT position, item_id, topic, priority, offset_ms, duration_ms, completed, language, airing_seq "
    "FROM aired_items WHERE airing_seq > ? AND airing_seq <= ? ORDER BY airing_seq, id"
)


def usable(session: Any) -> bool:
    """Whether this session's database is SQLite through the standard library's driver."""
    dialect = session.get_bind().dialect
    return bool(dialect.name == "sqlite" and dialect.driver == "pysqlite")


def scan(
    cursor: Any,  # a sqlite3 cursor, or SQLAlchemy's proxy of one
    checker: ChainScan,
    on_record: OnRecord | None,
    after: int,
    until: int | None,
    record_of: Callable[[int], AiringRecord],
) -> None:
    """`airings.scan` on SQLite: the airings after #`after` (up to #`until`) fed to `checker` with the
    canonical bytes SQLite writes (`AIRINGS_SQL`), and (for the figures only) their items' `ITEMS_SQL`
    columns to `on_record`; `record_of(seq)` reads an airing the reference's way, for the rows the bytes
    cannot judge. Raises sqlite3.Error where SQLite fails on a value (a BLOB where text belongs), before
    any airing of that batch is fed."""
    feed, no_items = checker.feed_body, ()
    last, upto = after, _LAST_SEQ if until is None else until
    while True:
        airings = cursor.execute(AIRINGS_SQL, (last, upto, BATCH)).fetchall()
        if not airings:
            return
        top = airings[-1][0]
        items: dict[int, list[RawItem]] = {}
        if on_record is not None:
            rows = cursor.execute(ITEMS_SQL, (last, top)).fetchall()
            items = {seq: list(group) for seq, group in groupby(rows, itemgetter(8))}
        for seq, body, prev, record_hash, at, slot, status, played in airings:
            if not feed(seq, prev, record_hash, body, partial(record_of, seq)):
                return
            if on_record is not None:
                on_record(seq, record_hash, at, slot, status, played, items.get(seq, no_items))
        last = top


def scan_else(
    cursor: Any,
    checker: ChainScan,
    on_record: OnRecord | None,
    after: int,
    until: int | None,
    record_of: Callable[[int], AiringRecord],
    python_way: Callable[[int], None],
) -> None:
    """`scan`; where SQLite's SQL fails on a value (a BLOB where text belongs), `python_way(after)` reads the
    rest the Python way, from the first airing not yet checked."""
    try:
        scan(cursor, checker, on_record, after, until, record_of)
    except sqlite3.Error as exc:
        log.info("log verify reads the rest of the log the Python way: %s", exc)
        python_way(checker.count)  # the last airing fed (an error comes before any airing of its batch is)
