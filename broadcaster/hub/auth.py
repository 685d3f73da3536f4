"""Who is asking: a station's request is accepted when signed by its registered key, near the
hub's time, and never twice (its nonce is remembered for the freshness window).

Errors are `HubAPIError`s carrying the HTTP status and a message the station's technician
can act on; the API turns them into JSON.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from broadcaster import signing
from broadcaster.hub.tables import NonceRow, StationRow, table
from broadcaster.hublink import protocol
from broadcaster.i18n import _


@dataclass
class HubAPIError(Exception):
    status: int
    code: str
    message: str
    hint: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        return body | self.extra


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A station's request as the API received it."""

    authorization: str | None
    method: str
    target: str  # path and query string
    body: bytes


@functools.lru_cache(maxsize=4096)
def public_key_of(text: str) -> Ed25519PublicKey:
    return signing.parse_public_key(text)


def _skew_text(offset_ms: int) -> str:
    minutes = abs(offset_ms) / 60_000
    direction = _("ahead of") if offset_ms > 0 else _("behind")
    return _("{minutes:.0f} minutes {direction}").format(minutes=minutes, direction=direction)


def authenticate(session: Session, request: SignedRequest, now: datetime, window_seconds: float) -> StationRow:
    """The station that signed `request`, locked for this transaction; its nonce is recorded."""
    creds = protocol.parse_authorization(request.authorization)
    if creds is None:
        raise HubAPIError(
            401,
            "unauthenticated",
            _("The request is not signed by a station."),
            _("Stations sign every request; update broadcaster on the station if it is older than the hub."),
        )
    station = session.scalar(select(StationRow).where(StationRow.code == creds.station).with_for_update())
    if station is None:
        raise HubAPIError(
            403,
            "unknown_station",
            _("Station {code} is not registered at this hub.").format(code=creds.station),
            _(
                "Ask the district to register it: broadcaster hub stations add {code} --name ... --public-key ..."
            ).format(code=creds.station),
        )
    offset = creds.time_ms - int(now.timestamp() * 1000)
    if abs(offset) > window_seconds * 1000:
        raise HubAPIError(
            401,
            "clock",
            _("The station's clock is {skew} the hub's.").format(skew=_skew_text(offset)),
            _("Set the station computer's clock (turn on automatic time, NTP), then sync again."),
            {"hub_time": protocol.timestamp(now)},
        )
    if not protocol.request_is_signed(
        public_key_of(station.public_key), creds, request.method, request.target, request.body
    ):
        raise HubAPIError(
            401,
            "bad_signature",
            _("The request is not signed with the key registered for station {code}.").format(code=creds.station),
            _("If the station's key was replaced, the district must register the new one."),
        )
    _remember_nonce(session, station.id, creds.nonce, now)
    station.clock_offset_ms = offset
    return station


def _remember_nonce(session: Session, station_id: int, nonce: str, now: datetime) -> None:
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table(NonceRow))
    values = {"station_id": station_id, "nonce": nonce, "seen_at": now}
    # RETURNING, not rowcount: psycopg reports no row count for INSERT ... ON CONFLICT DO NOTHING.
    fresh = stmt.values(**values).on_conflict_do_nothing(index_elements=["station_id", "nonce"])
    if session.execute(fresh.returning(stmt.table.c.nonce)).first() is None:
        raise HubAPIError(
            401, "replayed", _("This request was already received once."), _("Each request is accepted once.")
        )


def forget_nonces(session: Session, station_id: int, now: datetime, window_seconds: float) -> None:
    """Drop a station's nonces older than twice the window (a request signed at either edge is
    still caught); called once per sync, from the exchange."""
    cutoff = now - timedelta(seconds=2 * window_seconds)
    session.execute(delete(NonceRow).where(NonceRow.station_id == station_id, NonceRow.seen_at < cutoff))
