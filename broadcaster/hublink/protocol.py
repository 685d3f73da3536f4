"""The wire format between a station and its district hub. Pure: no I/O, no clock.

Both ends import this module, so what one signs the other verifies with identical code.

Endpoints (JSON over HTTP; TLS in front of the hub is recommended, the signatures below do
not depend on it):

- `GET  /api/v1/hub`: the hub's name and public key (no authentication; compared by
  fingerprint when a station is linked, then pinned).
- `POST /api/v1/exchange`: the station's cursor, chain head and status; answers one page of
  signed bulletins after the cursor, whether more wait, and the hub's acknowledged position
  of the station's airing log. An idle station makes only this request.
- `POST /api/v1/records`: airing records in canonical form from the hub's acknowledged
  position, with the station's signature over the last one; answers a signed receipt.
- `GET  /api/v1/audio/{sha256}`: the audio of a bulletin addressed to the station.

Every station request carries `Authorization: Broadcaster CODE:TIME_MS:NONCE:SIGNATURE`, the
station's Ed25519 signature over the method, path and query, time, nonce and the SHA-256 of
the body. The hub accepts it once (nonce) and only near its own time (freshness window).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster import signing
from broadcaster.airlog import AiringRecord, canonical_doc
from broadcaster.i18n import _

API = "/api/v1"
PATH_HUB = f"{API}/hub"
PATH_EXCHANGE = f"{API}/exchange"
PATH_RECORDS = f"{API}/records"
PATH_AUDIO = f"{API}/audio/{{sha256}}"
AUTH_SCHEME = "Broadcaster"
ENVELOPE_VERSION = 1
PRIORITIES = ("normal", "priority", "emergency")
TO_ALL = "all"
STATION_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
MAX_BODY_BYTES = 8 * 1024 * 1024


def timestamp(moment: datetime) -> str:
    """UTC, to the second, with Z: how every time travels on the wire."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def parse_day(text: object) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# --- request authentication ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Credentials:
    station: str
    time_ms: int
    nonce: str
    signature: str


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_doc(method: str, target: str, station: str, time_ms: int, nonce: str, body: bytes) -> dict[str, Any]:
    """What a station signs for one request; `target` is the path with its query string."""
    return {
        "method": method.upper(),
        "target": target,
        "station": station,
        "time_ms": time_ms,
        "nonce": nonce,
        "body_sha256": body_digest(body),
    }


def authorization(key: Ed25519PrivateKey, station: str, method: str, target: str, body: bytes, now: datetime) -> str:
    time_ms = int(now.timestamp() * 1000)
    nonce = base64.urlsafe_b64encode(secrets.token_bytes(12)).decode("ascii")
    signature = signing.sign(key, "request", request_doc(method, target, station, time_ms, nonce, body))
    return f"{AUTH_SCHEME} {station}:{time_ms}:{nonce}:{signature}"


def parse_authorization(value: str | None) -> Credentials | None:
    if not value:
        return None
    scheme, _, rest = value.strip().partition(" ")
    parts = rest.strip().split(":")
    if scheme != AUTH_SCHEME or len(parts) != 4 or not parts[1].isdigit():
        return None
    station, time_ms, nonce, signature = parts
    if not STATION_CODE.match(station) or not 8 <= len(nonce) <= 64 or not signature:
        return None
    return Credentials(station, int(time_ms), nonce, signature)


def request_is_signed(key: signing.Verifier, creds: Credentials, method: str, target: str, body: bytes) -> bool:
    doc = request_doc(method, target, creds.station, creds.time_ms, creds.nonce, body)
    return signing.verify(key, "request", doc, creds.signature)


# --- bulletins (hub -> station) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AudioRef:
    sha256: str
    bytes: int
    name: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """A district bulletin as the hub signs it."""

    id: str
    priority: str
    title: str
    topic: str
    text: str | None
    audio: AudioRef | None
    valid_from: date | None
    valid_until: date | None
    airings: int
    approved_by: str
    approved_at: datetime
    issued_by: str
    to: tuple[str, ...]

    def addressed_to(self, station: str) -> bool:
        return TO_ALL in self.to or station in self.to


def envelope_doc(envelope: Envelope) -> dict[str, Any]:
    audio = envelope.audio
    return {
        "v": ENVELOPE_VERSION,
        "id": envelope.id,
        "priority": envelope.priority,
        "title": envelope.title,
        "topic": envelope.topic,
        "text": envelope.text,
        "audio": None if audio is None else {"sha256": audio.sha256, "bytes": audio.bytes, "name": audio.name},
        "valid_from": envelope.valid_from.isoformat() if envelope.valid_from else None,
        "valid_until": envelope.valid_until.isoformat() if envelope.valid_until else None,
        "airings": envelope.airings,
        "approved_by": envelope.approved_by,
        "approved_at": timestamp(envelope.approved_at),
        "issued_by": envelope.issued_by,
        "to": list(envelope.to),
    }


def sign_envelope(key: Ed25519PrivateKey, envelope: Envelope) -> dict[str, Any]:
    """The signed form the hub stores and delivers: {"envelope": {...}, "signature": "..."}."""
    doc = envelope_doc(envelope)
    return {"envelope": doc, "signature": signing.sign(key, "bulletin", doc)}


def _text(doc: Mapping[str, Any], key: str, limit: int, *, required: bool = True) -> str | None:
    value = doc.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValueError(_("field '{key}' is missing or too long").format(key=key))
    return value


def parse_envelope(doc: object) -> Envelope:
    """The envelope's fields, checked; ValueError says which one is wrong, in the station's language
    (the technician reads it among the refused bulletins)."""
    if not isinstance(doc, dict):
        raise ValueError(_("the envelope is not a JSON object"))
    _check_version(doc.get("v"))
    priority = doc.get("priority")
    if priority not in PRIORITIES:
        raise ValueError(
            _("unknown priority {priority}; a newer hub may send it: update broadcaster at this station").format(
                priority=repr(priority)
            )
        )
    airings = doc.get("airings")
    if not isinstance(airings, int) or isinstance(airings, bool) or not 1 <= airings <= 1000:
        raise ValueError(_("field 'airings' must be a whole number from 1 to 1000"))
    audio = _audio(doc.get("audio"))
    text = _text(doc, "text", 100_000, required=False)
    if text is None and audio is None:
        raise ValueError(_("the bulletin has neither text nor audio"))
    approved_at = parse_timestamp(doc.get("approved_at"))
    if approved_at is None:
        raise ValueError(_("field 'approved_at' is not a time"))
    to = doc.get("to")
    if not isinstance(to, list) or not to or not all(isinstance(c, str) for c in to):
        raise ValueError(_("field 'to' must list station codes"))
    valid_from, valid_until = doc.get("valid_from"), doc.get("valid_until")
    start, end = parse_day(valid_from), parse_day(valid_until)
    if (valid_from is not None and start is None) or (valid_until is not None and end is None):
        raise ValueError(_("the validity dates are not dates"))
    return Envelope(
        id=_text(doc, "id", 64) or "",
        priority=priority,
        title=_text(doc, "title", 500) or "",
        topic=_text(doc, "topic", 64) or "",
        text=text,
        audio=audio,
        valid_from=start,
        valid_until=end,
        airings=airings,
        approved_by=_text(doc, "approved_by", 200) or "",
        approved_at=approved_at,
        issued_by=_text(doc, "issued_by", 300, required=False) or "",
        to=tuple(to),
    )


def _check_version(version: object) -> None:
    if version == ENVELOPE_VERSION:
        return
    if isinstance(version, int) and not isinstance(version, bool) and version > ENVELOPE_VERSION:
        # docs/hub.md §4: a newer hub writes bulletins this station's broadcaster cannot read yet
        raise ValueError(
            _(
                "the bulletin is written in a newer format (version {version}) than this station reads; "
                "update broadcaster at this station and ask the district to send it again"
            ).format(version=version)
        )
    raise ValueError(
        _("unknown envelope version {version}; tell the district, whose hub wrote it").format(version=repr(version))
    )


def _audio(value: object) -> AudioRef | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(_("field 'audio' is not an object"))
    sha, size, name = value.get("sha256"), value.get("bytes"), value.get("name")
    if not isinstance(sha, str) or not HEX64.match(sha):
        raise ValueError(_("the audio's sha256 is not 64 hex digits"))
    if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= 200 * 1024 * 1024:
        raise ValueError(_("the audio's size is not a number of bytes"))
    return AudioRef(sha, size, name if isinstance(name, str) else "")


# --- airing records (station -> hub) ------------------------------------------------------------


def batch_entry(record: AiringRecord) -> dict[str, Any]:
    """One record as sent: its canonical document and the hash the station holds for it."""
    return {"hash": record.hash, "doc": canonical_doc(record)}


def head_doc(station: str, count: int, head_hash: str, signed_at: datetime) -> dict[str, Any]:
    """What a station signs about its chain: record `count` has hash `head_hash`."""
    return {"station": station, "count": count, "hash": head_hash, "signed_at": timestamp(signed_at)}


def records_body(
    key: Ed25519PrivateKey,
    station: str,
    records: Sequence[AiringRecord],
    sources: Mapping[int, str],
    cursor: int,
    now: datetime,
) -> dict[str, Any]:
    last = records[-1]
    head = head_doc(station, last.seq, last.hash, now)
    return {
        "records": [batch_entry(r) for r in records],
        "head": head,
        "head_signature": signing.sign(key, "chain-head", head),
        # Which district bulletin each local news item came from, for records without `source_id`.
        "sources": {str(item_id): source for item_id, source in sources.items()},
        "cursor": cursor,
    }


def receipt_doc(station: str, count: int, head_hash: str, received: int, issued_at: datetime) -> dict[str, Any]:
    return {
        "station": station,
        "count": count,
        "hash": head_hash,
        "received": received,
        "issued_at": timestamp(issued_at),
    }
