"""Which of the bulletins the hub sent does the station take? Pure: no I/O, takes `now`.

A spoofed emergency on village loudspeakers is the worst case, so nothing is trusted before
its signature is checked against the hub key the station pinned when it was linked. Then:
a bulletin addressed to other stations, or one already received (a replay), is refused; one
past its last day, or an emergency older than the station allows, is recorded as expired and
never aired late. Refusals are kept for the technician with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from broadcaster import signing
from broadcaster.hublink.protocol import Envelope, parse_envelope
from broadcaster.i18n import _


@dataclass(frozen=True)
class Taken:
    """A verified bulletin: queued as a news item, or only recorded (expired; held: audio only)."""

    envelope: Envelope
    cursor: int
    state: str  # queued | expired | held
    signed: dict[str, Any]
    approved: bool  # counts as approved where the station requires approval
    note: str | None = None
    audio_path: str | None = None


@dataclass(frozen=True)
class Refused:
    signed: object
    reason: str
    source_id: str | None = None
    title: str | None = None
    priority: str | None = None
    cursor: int = 0


@dataclass(frozen=True)
class Rules:
    station: str
    hub_key: Ed25519PublicKey
    require_local_approval: bool = False
    emergency_max_age: timedelta = timedelta(hours=6)


# The largest position a station stores (a signed 64-bit column): anything past it is malformed.
MAX_CURSOR = 2**63 - 1


def _peek(doc: object, key: str) -> str | None:
    value = doc.get(key) if isinstance(doc, dict) else None
    return value if isinstance(value, str) else None


def _cursor(item: object) -> int | None:
    """The delivery position the hub gave `item`, when it is one a station can store."""
    raw = item.get("cursor") if isinstance(item, dict) else None
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= MAX_CURSOR else None


def envelope_ids(items: Sequence[object]) -> list[str]:
    """The ids the bulletins of a page claim, read without trusting them (nothing is verified yet):
    an item without one is left out here and refused by `judge`."""
    return [i for i in (_peek(item.get("envelope") if isinstance(item, dict) else None, "id") for item in items) if i]


def judge(item: object, rules: Rules, today: date, now: datetime, known: set[str]) -> Taken | Refused:
    """One delivered bulletin ({"cursor", "envelope", "signature"}) against the station's rules."""
    doc = item.get("envelope") if isinstance(item, dict) else None
    signature = item.get("signature") if isinstance(item, dict) else None
    signed = {"envelope": doc, "signature": signature}
    cursor = _cursor(item)
    context: dict[str, Any] = {
        "source_id": _peek(doc, "id"),
        "title": _peek(doc, "title"),
        "priority": _peek(doc, "priority"),
        "cursor": cursor or 0,
    }
    if not signature:
        return Refused(signed, _("unsigned: the bulletin carries no signature from the district hub"), **context)
    if not signing.verify(rules.hub_key, "bulletin", doc, signature):
        return Refused(
            signed,
            _("bad signature: not signed with the district hub's key this station pinned ({fingerprint})").format(
                fingerprint=signing.fingerprint(rules.hub_key)
            ),
            **context,
        )
    try:
        envelope = parse_envelope(doc)
        if cursor is None:
            raise ValueError(_("the delivery has no position (cursor) on the hub"))
    except ValueError as exc:
        return Refused(signed, _("malformed: {problem}").format(problem=exc), **context)
    if not envelope.addressed_to(rules.station):
        return Refused(
            signed,
            _("addressed to other stations ({codes}), not {station}").format(
                codes=", ".join(envelope.to[:5]), station=rules.station
            ),
            **context,
        )
    if envelope.id in known:
        return Refused(signed, _("replayed: this bulletin was already received"), **context)
    return _take(envelope, cursor, signed, rules, today, now)


def _take(envelope: Envelope, cursor: int, signed: dict[str, Any], rules: Rules, today: date, now: datetime) -> Taken:
    emergency = envelope.priority == "emergency"
    if envelope.valid_until is not None and envelope.valid_until < today:
        note = _("its last day was {day}").format(day=envelope.valid_until.isoformat())
        return Taken(envelope, cursor, "expired", signed, False, note)
    if emergency and now - envelope.approved_at > rules.emergency_max_age:
        hours = (now - envelope.approved_at).total_seconds() / 3600
        note = _("an emergency issued {hours:.0f} hours ago is not aired late").format(hours=hours)
        return Taken(envelope, cursor, "expired", signed, False, note)
    # The district's approval stands for the commune's unless the station asks for its own;
    # an emergency never waits for it (Thông tư 39/2020: khẩn cấp airs at once).
    approved = emergency or not rules.require_local_approval
    if envelope.text is None:
        note = _("a recorded bulletin without text: kept until this station can air recordings")
        return Taken(envelope, cursor, "held", signed, approved, note)
    return Taken(envelope, cursor, "queued", signed, approved)


def judge_page(
    items: Sequence[object], rules: Rules, today: date, now: datetime, known: set[str]
) -> tuple[list[Taken], list[Refused], int]:
    """Every bulletin of a page, in order; the highest cursor seen (the page is done up to it)."""
    taken: list[Taken] = []
    refused: list[Refused] = []
    cursor = 0
    seen = set(known)
    for item in items:
        # Outside the signature: a position past what the station can store is not taken.
        cursor = max(cursor, _cursor(item) or 0)
        verdict = judge(item, rules, today, now, seen)
        if isinstance(verdict, Taken):
            seen.add(verdict.envelope.id)
            taken.append(verdict)
        else:
            refused.append(verdict)
    return taken, refused, cursor
