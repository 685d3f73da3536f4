"""Bring any text an official gives us to Unicode NFC, or say clearly why not.

Officials paste from old Word files typed in TCVN3 (ABC) or VNI fonts and
save .txt/.csv files in whatever Notepad chose. to_nfc() repairs pasted
text; decode_text_file() reads bytes and refuses, with a fix, encodings it
cannot be sure of (such as Windows-1258).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from broadcaster.errors import InputError
from broadcaster.text.legacy import TCVN3_SIGNATURE, VNI_PAIR_RE, from_tcvn3, from_vni

Source = Literal["nfc", "nfd", "tcvn3", "vni"]

_NOTICES: dict[str, str | None] = {
    "nfc": None,
    "nfd": "Joined decomposed Vietnamese accents into standard Unicode (NFC).",
    "tcvn3": "Converted from TCVN3 (ABC) legacy encoding to Unicode.",
    "vni": "Converted from VNI legacy encoding to Unicode.",
}


@dataclass(frozen=True)
class Conversion:
    """The text in Unicode NFC and where it came from."""

    text: str
    source: Source

    @property
    def notice(self) -> str | None:
        """One sentence for the official when the text was changed, else None."""
        return _NOTICES[self.source]


# Letters only Unicode Vietnamese has (ă đ ơ ư ĩ ũ and the Latin Extended Additional block).
_UNICODE_VIETNAMESE = re.compile("[ăĂđĐơƠưƯĩĨũŨ\u1ea0-\u1ef9]")
_COMBINING = re.compile("[\u0300-\u036f]")
# A toned Latin-1 vowel right after a consonant: ordinary Unicode Vietnamese ("là", "cân"), never VNI.
_UNICODE_EVIDENCE = re.compile("(?i)[bcdfghklmnpqrstvx][àáãèéùúõâêý]")
_WORDS = re.compile(r"\S+")


def _tcvn3_hits(text: str) -> int:
    hits = 0
    for i, ch in enumerate(text):
        if ch in TCVN3_SIGNATURE:
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if prev.isalpha() or nxt.isalpha():
                hits += 1
    return hits


def detect_legacy(text: str) -> Literal["tcvn3", "vni"] | None:
    """Which legacy font encoding `text` was typed in, or None for real Unicode/English."""
    if _UNICODE_VIETNAMESE.search(text) or _COMBINING.search(text):
        return None
    if not any(ord(ch) > 0x7F for ch in text):
        return None
    words = max(1, len(_WORDS.findall(text)))
    tcvn3 = _tcvn3_hits(text)
    vni = len(VNI_PAIR_RE.findall(text)) + text.count("ñ") + text.count("Ñ")
    evidence = len(_UNICODE_EVIDENCE.findall(text))
    if tcvn3 >= 2 or (tcvn3 == 1 and words <= 3):
        if tcvn3 >= vni:
            return "tcvn3"
    if (vni >= 2 or (vni == 1 and words <= 3)) and vni >= 2 * evidence:
        return "vni"
    if tcvn3 >= 2:
        return "tcvn3"
    return None


def to_nfc(text: str) -> Conversion:
    """Unicode NFC text, converting pasted TCVN3/VNI font text and decomposed accents."""
    legacy = detect_legacy(text)
    if legacy == "tcvn3":
        return Conversion(from_tcvn3(text), "tcvn3")
    if legacy == "vni":
        return Conversion(from_vni(text), "vni")
    nfc = unicodedata.normalize("NFC", text)
    return Conversion(nfc, "nfc" if nfc == text else "nfd")


def _latin(data: bytes) -> str:
    """Bytes as the Windows Western code page shows them, as a legacy font text would be pasted."""
    return "".join(ch if ch is not None else chr(b) for b, ch in ((b, _cp1252_char(b)) for b in data))


def _cp1252_char(byte: int) -> str | None:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return None


def _looks_like(data: bytes) -> str:
    """A guess at a non-UTF-8 encoding, for the error message only."""
    cp1258 = data.decode("cp1258", errors="replace")
    if re.search("[ăĂđĐơƠưƯ\u0300\u0301\u0303\u0309\u0323]", cp1258):
        return "Windows-1258 (Vietnamese Windows code page)"
    if data[:200].count(0) > 10:
        return "UTF-16 without a byte order mark"
    if any(b > 0x7F for b in data):
        return "an 8-bit Windows or legacy code page"
    return "an unknown encoding"


def decode_text_file(data: bytes, name: str) -> Conversion:
    """Text from a .txt/.csv file: UTF-8 (BOM or not), UTF-16 with BOM, or TCVN3/VNI bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return to_nfc(data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return to_nfc(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name} starts like UTF-16 but is damaged ({exc.reason}).",
                "Open it in Notepad and use Save as… with Encoding: UTF-8, then load it again.",
            ) from exc
    try:
        return to_nfc(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    pasted = _latin(data)
    legacy = detect_legacy(pasted)
    if legacy == "tcvn3":
        return Conversion(from_tcvn3(pasted), "tcvn3")
    if legacy == "vni":
        return Conversion(from_vni(pasted), "vni")
    raise InputError(
        f"{name} is not UTF-8 text; it looks like {_looks_like(data)}.",
        "Open the file in Notepad, choose File > Save as…, set Encoding: UTF-8, save, and load it again.",
    )
