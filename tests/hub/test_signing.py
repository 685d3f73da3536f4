"""Keys and signatures: private keys stay private, a signature covers its purpose and every byte."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadcaster import signing
from broadcaster.errors import ConfigError, InputError


def test_a_new_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "station-key.pem"
    key, created = signing.load_or_create(path)
    assert created and stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created_again = signing.load_or_create(path)
    assert not created_again and signing.public_text(again) == signing.public_text(key)


def test_a_key_others_can_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "hub-key.pem"
    signing.save_private_key(signing.generate(), path)
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError) as refused:
        signing.load_private_key(path)
    assert "can be read by other users" in refused.value.message
    assert refused.value.hint == f"Make it private with: chmod 600 {path}"


def test_an_existing_key_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    signing.save_private_key(signing.generate(), path)
    with pytest.raises(ConfigError, match="already exists"):
        signing.save_private_key(signing.generate(), path)


def test_public_keys_travel_as_short_text_and_bad_ones_are_named() -> None:
    key = signing.generate()
    text = signing.public_text(key)
    assert text.startswith("ed25519:") and len(text) == 8 + 44
    assert signing.public_text(signing.parse_public_key(f"  {text[:20]} {text[20:]}\n")) == text  # pasted with a break
    assert signing.fingerprint(text) == signing.fingerprint(key)
    assert len(signing.fingerprint(key)) == 19 and signing.fingerprint(key).count("-") == 3
    with pytest.raises(InputError, match="is not an Ed25519 public key"):
        signing.parse_public_key("ed25519:AAAA")


def test_a_signature_covers_every_byte_and_its_purpose() -> None:
    key = signing.generate()
    doc = {"title": "Bão số 3", "priority": "emergency", "airings": 2}
    signature = signing.sign(key, "bulletin", doc)
    public = key.public_key()
    assert signing.verify(public, "bulletin", dict(reversed(list(doc.items()))), signature)  # key order does not matter
    assert not signing.verify(public, "bulletin", doc | {"airings": 3}, signature)
    assert not signing.verify(public, "receipt", doc, signature)  # a receipt's signature is no bulletin's
    assert not signing.verify(signing.generate().public_key(), "bulletin", doc, signature)
    assert not signing.verify(public, "bulletin", doc, None)
    assert not signing.verify(public, "bulletin", doc, "not base64!")


def test_text_is_signed_in_nfc_so_composed_and_decomposed_accents_agree() -> None:
    key = signing.generate()
    composed, decomposed = "Thông báo", "Tho\u0302ng ba\u0301o"
    assert signing.verify(
        key.public_key(), "bulletin", {"t": decomposed}, signing.sign(key, "bulletin", {"t": composed})
    )


def test_the_hubs_libsodium_check_agrees_with_openssls_on_signatures_and_their_alterations() -> None:
    from broadcaster.hub.auth import public_key_of

    for n in range(20):
        key = signing.generate()
        hub_side, openssl = public_key_of(signing.public_text(key)), key.public_key()
        doc = {"station": "XA1", "count": n, "title": "Tin của huyện"}
        signature = signing.sign(key, "chain-head", doc)
        raw = bytearray(base64.b64decode(signature))
        raw[n % 64] ^= 1 << (n % 8)
        altered = base64.b64encode(bytes(raw)).decode()
        for purpose, signed_doc, sig in [
            ("chain-head", doc, signature),
            ("receipt", doc, signature),  # another purpose
            ("chain-head", doc | {"count": n + 1}, signature),  # another document
            ("chain-head", doc, altered),
            ("chain-head", doc, signature[:-4]),  # too short
            ("chain-head", doc, None),
        ]:
            expected = signing.verify(openssl, purpose, signed_doc, sig)
            assert signing.verify(hub_side, purpose, signed_doc, sig) is expected
            assert expected is (sig is signature and purpose == "chain-head" and signed_doc is doc)


def test_the_hubs_check_refuses_a_forgery_openssl_lets_through_for_a_small_order_key() -> None:
    """The identity point as a station's key: OpenSSL accepts R = identity, S = 0 for every message."""
    from broadcaster.hub.auth import public_key_of

    identity = "ed25519:" + base64.b64encode(bytes([1]) + bytes(31)).decode()
    forged = base64.b64encode(bytes([1]) + bytes(63)).decode()
    assert signing.verify(signing.parse_public_key(identity), "request", {"any": "thing"}, forged)
    assert not signing.verify(public_key_of(identity), "request", {"any": "thing"}, forged)


_ascii = st.text(st.characters(max_codepoint=0x7F), max_size=12)


@given(st.dictionaries(_ascii, _ascii | st.integers(min_value=-(2**70), max_value=2**70) | st.booleans(), max_size=7))
def test_flat_documents_are_written_as_the_reference_whichever_writer_takes_them(doc: dict[str, object]) -> None:
    """Requests, chain heads and receipts take orjson's writer (signing._flat_ascii): the same bytes,
    control characters, booleans and numbers past 64 bits included, or a signature would not verify."""
    reference = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert signing.canonical_json(doc) == reference
    assert signing.canonical_json({"station": "XA-1", "count": 6, "hash": "ab" * 32}) == (
        b'{"count":6,"hash":"' + b"ab" * 32 + b'","station":"XA-1"}'
    )


def test_the_hub_signs_receipts_with_libsodium_giving_the_same_signature() -> None:
    """auth.SodiumSigner (receipts) signs as cryptography's key does, byte for byte."""
    from broadcaster.hub.auth import signer_of

    key = signing.generate()
    doc = {"station": "XA-1", "count": 6, "hash": "ab" * 32, "received": 6, "issued_at": "2021-03-01T00:00:00Z"}
    signature = signer_of(key).sign("receipt", doc)
    assert signature == signing.sign(key, "receipt", doc)
    assert signing.verify(key.public_key(), "receipt", doc, signature)
    assert not signing.verify(key.public_key(), "bulletin", doc, signature)
