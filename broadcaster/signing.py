"""Ed25519 keys and signatures shared by the station and the district hub.

A key pair per station (its requests and chain heads) and one for the hub (bulletins and
receipts). Private keys live in PEM files readable only by their owner (mode 0600); a key
file anyone else can read is refused, as ssh does, because whoever holds the hub's key can
put an emergency on every loudspeaker of the district.

Public keys travel as text, `ed25519:` and the 32 raw bytes in base64, short enough to read
over the phone; `fingerprint` is the shorter form two people compare. Every signature covers
a purpose line and canonical JSON (`payload`), so a signature made for one purpose (a receipt)
can never be passed off as another (a bulletin).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
import unicodedata
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from broadcaster.canonical_json import dump_canonical
from broadcaster.errors import ConfigError, InputError
from broadcaster.i18n import _

PREFIX = "ed25519:"
PURPOSES = ("bulletin", "receipt", "chain-head", "request")


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def save_private_key(key: Ed25519PrivateKey, path: Path) -> None:
    """Write `key` to a new file only its owner can read (never over an existing key)."""
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes creating the key at once must not overwrite each other's.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise ConfigError(
            _("A key file already exists at {path}.").format(path=path),
            _("Keep it: replacing a key means the district must register the new one."),
        ) from exc
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The key in `path`; refused when the file is readable by other users."""
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(_("The key file {path} does not exist.").format(path=path), None) from exc
    except OSError as exc:
        raise ConfigError(
            _("The key file {path} cannot be read: {error}.").format(path=path, error=exc.strerror),
            _("Run the command as the user that owns the station."),
        ) from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            _("The key file {path} can be read by other users of this computer.").format(path=path),
            _("Make it private with: chmod 600 {path}").format(path=path),
        )
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            _("The key file {path} does not hold a usable private key.").format(path=path),
            _("Restore it from the backup; a new key must be registered again at the district."),
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(_("The key file {path} does not hold an Ed25519 key.").format(path=path), None)
    return key


def load_or_create(path: Path) -> tuple[Ed25519PrivateKey, bool]:
    """The key in `path`, created first if there is none; True when it was just created."""
    if path.exists():
        return load_private_key(path), False
    key = generate()
    try:
        save_private_key(key, path)
    except ConfigError:
        return load_private_key(path), False  # another process created it just now
    return key, True


# --- public keys as text ------------------------------------------------------------


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return PREFIX + base64.b64encode(public_bytes(public)).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    raw = "".join(text.split())
    body = raw[len(PREFIX) :] if raw.lower().startswith(PREFIX) else raw
    try:
        data = base64.b64decode(body, validate=True)
        if len(data) != 32:
            raise ValueError("length")
        return Ed25519PublicKey.from_public_bytes(data)
    except (ValueError, binascii.Error):
        raise InputError(
            _("'{text}' is not an Ed25519 public key.").format(text=text.strip()[:60]),
            _("Copy it exactly as the station printed it: ed25519: followed by 44 letters, digits, + or /."),
        ) from None


def fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey | str) -> str:
    """Sixteen hex digits in groups of four, for two people to compare a key by phone."""
    if isinstance(key, str):
        key = parse_public_key(key)
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    digest = hashlib.sha256(public_bytes(public)).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


# --- payloads and signatures -----------------------------------------------------------


def canonical_json(doc: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, text in NFC: the same bytes on every machine."""
    if _flat_ascii(doc):
        # A request's, a chain head's or a receipt's document (three a push): ASCII text is in NFC
        # already, and orjson writes the reference's bytes for text and whole numbers, 20 times faster.
        return dump_canonical(doc)
    return json.dumps(_nfc(doc), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _flat_ascii(doc: Any) -> bool:
    """A dict of ASCII names to ASCII text or whole numbers (no bool, no fraction, nothing nested)."""
    return (
        type(doc) is dict
        and all(type(k) is str and k.isascii() for k in doc)
        and all(type(v) is int or (type(v) is str and v.isascii()) for v in doc.values())
    )


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc(v) for v in value]
    return value


def payload(purpose: str, doc: Any) -> bytes:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown signing purpose {purpose!r}")
    return f"broadcaster/{purpose}/v1\n".encode("ascii") + canonical_json(doc)


def sign(key: Ed25519PrivateKey, purpose: str, doc: Any) -> str:
    return base64.b64encode(key.sign(payload(purpose, doc))).decode("ascii")


class Verifier(Protocol):
    """A public key that checks signatures: cryptography's Ed25519PublicKey, or the hub's libsodium
    one (hub/auth.py); raises InvalidSignature, ValueError or TypeError when the signature is bad."""

    def verify(self, signature: bytes, data: bytes) -> None: ...


def verify(key: Verifier, purpose: str, doc: Any, signature: object) -> bool:
    """True only for a valid signature of `doc` for `purpose` by `key`; never raises on bad input."""
    if not isinstance(signature, str) or len(signature) > 200:
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), payload(purpose, doc))
    except (InvalidSignature, ValueError, binascii.Error, TypeError):
        return False
    return True
