"""What the hub does for a station's request: one function per endpoint, each one transaction.

The HTTP routes (api.py) only hand over the request and format the answer.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster import __version__
from broadcaster.hub import intake
from broadcaster.hub.auth import HubAPIError, SignedRequest, authenticate, forget_nonces, parse_body
from broadcaster.hub.service import Hub
from broadcaster.hub.tables import AudioRow, BulletinRow, DeliveryRow, StationRow
from broadcaster.hublink import protocol
from broadcaster.i18n import _

MAX_STATUS_BYTES = 4096
# The hub's counters and positions are signed 64-bit columns: a larger number must be refused
# before it reaches the database, which would fail the whole request (a 500, not the station's fault).
MAX_WHOLE = 2**63 - 1


def _whole(doc: dict[str, Any], key: str, default: int, shown: str | None = None) -> int:
    value = doc.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise HubAPIError(422, "bad_field", _("'{key}' must be a whole number, 0 or more.").format(key=shown or key))
    if value > MAX_WHOLE:
        raise HubAPIError(
            422,
            "bad_field",
            _("'{key}' is {digits} digits long, larger than any station's log or position.").format(
                key=shown or key, digits=len(str(value))
            ),
            _("Update broadcaster on the station; if it is up to date, tell the district."),
        )
    return value


def _status_json(status: object) -> str | None:
    """What the station says of itself, to show on its page; informative only: never refuse a sync over it."""
    if not isinstance(status, dict):
        return None
    try:
        text = json.dumps(status, ensure_ascii=False)
    except RecursionError:  # nested deeper than Python writes out: no station's status is
        return None
    return text if len(text) <= MAX_STATUS_BYTES else None


def hub_info(hub: Hub) -> dict[str, Any]:
    return {
        "name": hub.settings.name,
        "public_key": hub.public_key,
        "fingerprint": hub.fingerprint,
        "version": __version__,
        "api": 1,
    }


def exchange(hub: Hub, request: SignedRequest) -> dict[str, Any]:
    """The idle sync: status in, one page of bulletins after the station's cursor out."""
    doc = parse_body(request.body)
    cursor = _whole(doc, "cursor", 0)
    limit = min(_whole(doc, "limit", hub.settings.page_size) or 1, hub.settings.page_size)
    status_json = _status_json(doc.get("status"))
    raw_head = doc.get("head")
    head: dict[str, Any] = raw_head if isinstance(raw_head, dict) else {}
    # Informative (the hub's own count is what it checks), so left out when absent or not a number.
    count_given = head.get("count")
    count = (
        _whole(head, "count", 0, "head.count")
        if isinstance(count_given, int) and not isinstance(count_given, bool)
        else None
    )
    now = hub.now()
    with hub.db.session() as session:
        station = authenticate(session, request, now, hub.settings.request_window_seconds)
        forget_nonces(session, station.id, now, hub.settings.request_window_seconds)
        station.cursor = cursor
        station.last_contact_at = now
        if status_json is not None:
            station.status_json = status_json
        if count is not None:
            station.station_count = count
        page, more = page_for(session, station, cursor, limit)
        answer: dict[str, Any] = {
            "bulletins": page,
            "more": more,
            "acknowledged": {"count": station.head_count, "hash": station.head_hash},
            "hub_time": protocol.timestamp(now),
        }
        if station.problem:
            answer["problem"] = station.problem
        return answer


def records(hub: Hub, request: SignedRequest) -> dict[str, Any]:
    """Verify and store a batch of airing records; the signed receipt. A fork: 409, flagged.

    The same path as `hub serve`'s pushes (intake.py), as a group of one."""
    result = intake.records(hub, [request])[0]
    if isinstance(result, Exception):
        raise result  # a refusal is raised after the commit: the flag on a forked station is kept
    return result


def audio(hub: Hub, request: SignedRequest, sha256: str) -> bytes:
    """The audio of a bulletin addressed to the requesting station (by its SHA-256)."""
    if not protocol.HEX64.match(sha256):
        raise HubAPIError(404, "not_found", _("There is no such audio."))
    now = hub.now()
    with hub.db.session() as session:
        station = authenticate(session, request, now, hub.settings.request_window_seconds)
        allowed = session.scalar(
            select(DeliveryRow.id)
            .join(BulletinRow, BulletinRow.id == DeliveryRow.bulletin_id)
            .where(DeliveryRow.station_id == station.id, BulletinRow.audio_sha256 == sha256)
            .limit(1)
        )
        stored = session.get(AudioRow, sha256) if allowed is not None else None
        if stored is None:
            raise HubAPIError(404, "not_found", _("No bulletin for this station has that audio."))
        return stored.data


def page_for(session: Session, station: StationRow, cursor: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Signed bulletins queued for `station` after `cursor`, oldest first, and whether more wait."""
    rows = session.execute(
        select(DeliveryRow.id, BulletinRow.envelope)
        .join(BulletinRow, BulletinRow.id == DeliveryRow.bulletin_id)
        .where(DeliveryRow.station_id == station.id, DeliveryRow.id > cursor)
        .order_by(DeliveryRow.id)
        .limit(limit + 1)
    ).all()
    page = [{"cursor": delivery_id, **json.loads(envelope)} for delivery_id, envelope in rows[:limit] if envelope]
    return page, len(rows) > limit
