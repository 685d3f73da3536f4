"""Who is asking: a station's request is accepted when signed by its registered key, near the
hub's time, and never twice (its nonce is remembered for the freshness window).

Errors are `HubAPIError`s carrying the HTTP status and a message the station's technician
can act on; the API turns them into JSON.
"""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import nacl.exceptions
import nacl.signing
import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from broadcaster import signing
from broadcaster.hub import bulk
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


# Bytes as digits or not: a run of 19 digits may be a number past 64 bits (see parse_body).
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_NUMBER = b"0" * 19


def parse_body(body: bytes) -> dict[str, Any]:
    """The request's JSON object, exactly as `json.loads` reads it (what the hub has always accepted).

    orjson reads a push in a third of the time, but refuses more (NaN, lone surrogates, a byte-order
    mark), and turns whole numbers past 64 bits into fractions (a record's hash would then not match,
    or a whole number be refused as a fraction). So a body holding a run of 19 digits or more, or one
    orjson refuses, is read by `json.loads`: the same document, or the same refusal (400), either way."""
    try:
        doc = _loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: arrays nested thousands deep, which no station sends (and which anyone
        # can send before the signature is checked): unreadable, not the hub's fault.
        raise HubAPIError(400, "bad_json", _("The request body is not JSON.")) from None
    if not isinstance(doc, dict):
        raise HubAPIError(400, "bad_json", _("The request body must be a JSON object."))
    return doc


def _loads(body: bytes) -> Any:
    if _LONG_NUMBER not in body.translate(_DIGITS):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    return json.loads(body)


class SodiumKey:
    """A station's public key, its signatures checked by libsodium (PyNaCl): 64 µs a check on the
    hub's machine against OpenSSL's 122-145 µs, and every push has two. Never less strict: both check
    the same equation on the same bytes, and libsodium also refuses small-order keys and points."""

    __slots__ = ("_key",)

    def __init__(self, key: Ed25519PublicKey) -> None:
        self._key = nacl.signing.VerifyKey(signing.public_bytes(key))

    def verify(self, signature: bytes, data: bytes) -> None:
        try:
            self._key.verify(data, signature)
        except nacl.exceptions.BadSignatureError:
            raise InvalidSignature from None


class SodiumSigner:
    """The hub's key signing with libsodium (PyNaCl): 22 µs a receipt on the hub's machine against
    OpenSSL's 34 µs. The same signature: Ed25519 signs deterministically (tests/hub/test_signing.py)."""

    __slots__ = ("_key",)

    def __init__(self, key: Ed25519PrivateKey) -> None:
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        self._key = nacl.signing.SigningKey(raw)

    def sign(self, purpose: str, doc: Any) -> str:
        """`signing.sign(key, purpose, doc)`."""
        return base64.b64encode(self._key.sign(signing.payload(purpose, doc)).signature).decode("ascii")


@functools.lru_cache(maxsize=8)
def signer_of(key: Ed25519PrivateKey) -> SodiumSigner:
    return SodiumSigner(key)


@functools.lru_cache(maxsize=4096)
def public_key_of(text: str) -> SodiumKey:
    return SodiumKey(signing.parse_public_key(text))


def _skew_text(offset_ms: int) -> str:
    minutes = abs(offset_ms) / 60_000
    direction = _("ahead of") if offset_ms > 0 else _("behind")
    return _("{minutes:.0f} minutes {direction}").format(minutes=minutes, direction=direction)


def credentials(request: SignedRequest) -> protocol.Credentials:
    """The request's signed credentials as claimed (not yet checked against any key)."""
    creds = protocol.parse_authorization(request.authorization)
    if creds is None:
        raise HubAPIError(
            401,
            "unauthenticated",
            _("The request is not signed by a station."),
            _("Stations sign every request; update broadcaster on the station if it is older than the hub."),
        )
    return creds


class Keyed(Protocol):
    public_key: str


def check_signed(
    station: Keyed | None, creds: protocol.Credentials, request: SignedRequest, now: datetime, window: float
) -> int:
    """Refuse unless `station` (the row named by the credentials) signed `request` near `now`; the
    station's clock offset in milliseconds."""
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
    if abs(offset) > window * 1000:
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
    return offset


def authenticate(session: Session, request: SignedRequest, now: datetime, window_seconds: float) -> StationRow:
    """The station that signed `request`, locked for this transaction; its nonce is recorded."""
    creds = credentials(request)
    station = session.scalar(select(StationRow).where(StationRow.code == creds.station).with_for_update())
    offset = check_signed(station, creds, request, now, window_seconds)
    assert station is not None
    if not remember_nonces(session, [(station.id, creds.nonce)], now):
        raise replayed()
    station.clock_offset_ms = offset
    return station


def replayed() -> HubAPIError:
    return HubAPIError(
        401, "replayed", _("This request was already received once."), _("Each request is accepted once.")
    )


def remember_nonces(session: Session, nonces: list[tuple[int, str]], now: datetime) -> set[tuple[int, str]]:
    """Record (station id, nonce) pairs; those not seen before (one statement for a whole group).
    RETURNING, not a row count: psycopg reports none for INSERT ... ON CONFLICT DO NOTHING."""
    keys = ("station_id", "nonce")
    columns: dict[str, list[Any]] = {"station_id": [s for s, _n in nonces], "nonce": [n for _s, n in nonces]}
    inserted = bulk.insert_columns(
        session, table(NonceRow), columns, constants={"seen_at": now}, keys=keys, ignore=True, returning=keys
    )
    return {(row[0], row[1]) for row in inserted}


def forget_nonces(session: Session, station_id: int, now: datetime, window_seconds: float) -> None:
    """Drop a station's nonces older than twice the window (a request signed at either edge is
    still caught); called once per sync, from the exchange."""
    cutoff = now - timedelta(seconds=2 * window_seconds)
    session.execute(delete(NonceRow).where(NonceRow.station_id == station_id, NonceRow.seen_at < cutoff))
