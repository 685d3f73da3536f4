"""Bring any text an official gives us to Unicode NFC, or say clearly why not.

Officials paste from old Word files typed in TCVN3 (ABC) or VNI fonts and
save .txt/.csv files in whatever Notepad chose. to_nfc() repairs pasted
text; decode_text_file() reads bytes and refuses, with a fix, what it cannot
be sure of: encodings such as Windows-1258, Word documents, pictures and
other binary data. Correct Unicode Vietnamese is never "converted", in
either tone placement ("Hoà" and "Hòa").
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from broadcaster.errors import InputError
from broadcaster.i18n import _, ngettext
from broadcaster.text.controls import strip_controls
from broadcaster.text.lazy_re import lazy
from broadcaster.text.legacy import TCVN3_SIGNATURE, VNI_PAIR_RE, from_tcvn3, from_vni
from broadcaster.text.sniff import binary_share, file_kind, utf16_without_bom
from broadcaster.text.syllables import is_syllable

Source = Literal["nfc", "nfd", "tcvn3", "vni"]


def _source_notice(source: Source) -> str | None:
    if source == "nfd":
        return _("Joined decomposed Vietnamese accents into standard Unicode (NFC).")
    if source == "tcvn3":
        return _("Converted from TCVN3 (ABC) legacy encoding to Unicode.")
    if source == "vni":
        return _("Converted from VNI legacy encoding to Unicode.")
    return None


@dataclass(frozen=True)
class Conversion:
    """The text in Unicode NFC, where it came from, and how many unspeakable control characters were removed."""

    text: str
    source: Source
    removed: int = 0

    @property
    def notice(self) -> str | None:
        """A sentence or two for the official when the text was changed, else None."""
        parts = [_source_notice(self.source)]
        if self.removed:
            parts.append(
                ngettext(
                    "Removed {count} control character that cannot be spoken.",
                    "Removed {count} control characters that cannot be spoken.",
                    self.removed,
                ).format(count=self.removed)
            )
        return " ".join(p for p in parts if p) or None


# Letters only Unicode Vietnamese has (ă đ ơ ư ĩ ũ and the Latin Extended Additional block).
_UNICODE_VIETNAMESE = lazy("[ăĂđĐơƠưƯĩĨũŨ\u1ea0-\u1ef9]")
_COMBINING = lazy("[\u0300-\u036f]")
# A toned Latin-1 vowel right after a consonant: ordinary Unicode Vietnamese ("là", "cân"), never VNI.
_UNICODE_EVIDENCE = lazy("(?i)[bcdfghklmnpqrstvx][àáãèéùúõâêý]")
_WORDS = lazy(r"\S+")
_SAMPLE = 65536
# A word as a legacy font wrote it: TCVN3 signature characters (© ¸ · ...) stay inside the word.
_TOKEN = lazy("[^\\s\\d!-/:-@\\[-`{-~“”‘’…–—•]+")


def _tcvn3_hits(word: str) -> int:
    hits = 0
    for i, ch in enumerate(word):
        if ch in TCVN3_SIGNATURE:
            prev = word[i - 1] if i else " "
            nxt = word[i + 1] if i + 1 < len(word) else " "
            if prev.isalpha() or nxt.isalpha():
                hits += 1
    return hits


def _legacy_hits(text: str) -> tuple[int, int]:
    """(TCVN3 hits, VNI hits) counted only in words that are not valid Unicode Vietnamese syllables."""
    tcvn3 = vni = 0
    # The first pages decide: a 20 MB file is judged as fast as a title.
    for word in _TOKEN.findall(text, 0, _SAMPLE):
        if word.isascii() or is_syllable(word):
            continue
        tcvn3 += _tcvn3_hits(word)
        vni += len(VNI_PAIR_RE.findall(word)) + word.count("ñ") + word.count("Ñ")
    return tcvn3, vni


def detect_legacy(text: str) -> Literal["tcvn3", "vni"] | None:
    """Which legacy font encoding `text` was typed in, or None for real Unicode/English.

    Only words that cannot be Unicode Vietnamese count as evidence, so text
    whose every word is a valid syllable ("Toà án", "Khoá XIV") is never converted.
    """
    if _UNICODE_VIETNAMESE.search(text) or _COMBINING.search(text):
        return None
    if text.isascii():
        return None
    tcvn3, vni = _legacy_hits(text)
    if not tcvn3 and not vni:
        return None
    words = max(1, len(_WORDS.findall(text, 0, _SAMPLE)))
    evidence = len(_UNICODE_EVIDENCE.findall(text, 0, _SAMPLE))
    if (tcvn3 >= 2 or (tcvn3 == 1 and words <= 3)) and tcvn3 >= vni:
        return "tcvn3"
    if (vni >= 2 or (vni == 1 and words <= 3)) and vni >= 2 * evidence:
        return "vni"
    if tcvn3 >= 2:
        return "tcvn3"
    return None


def to_nfc(text: str) -> Conversion:
    """Unicode NFC text: converts pasted TCVN3/VNI font text and decomposed accents, removes control characters.

    NUL, other control characters and terminal colour codes cannot be spoken
    (a NUL would cut the speech short); they are removed and counted in the notice.
    """
    text, removed = strip_controls(text)
    legacy = detect_legacy(text)
    if legacy == "tcvn3":
        return Conversion(from_tcvn3(text), "tcvn3", removed)
    if legacy == "vni":
        return Conversion(from_vni(text), "vni", removed)
    nfc = unicodedata.normalize("NFC", text)
    return Conversion(nfc, "nfc" if nfc == text else "nfd", removed)


# The five bytes Windows-1252 leaves undefined are kept as their Latin-1 characters.
_CP1252_GAPS = re.compile(b"([\x81\x8d\x8f\x90\x9d])")


def _latin(data: bytes) -> str:
    """Bytes as the Windows Western code page shows them, as a legacy font text would be pasted."""
    parts = _CP1252_GAPS.split(data)
    return "".join(part.decode("cp1252") if i % 2 == 0 else part.decode("latin-1") for i, part in enumerate(parts))


def _looks_like(data: bytes) -> str:
    """A guess at a non-UTF-8 encoding, for the error message only."""
    cp1258 = data.decode("cp1258", errors="replace")
    if re.search("[ăĂđĐơƠưƯ\u0300\u0301\u0303\u0309\u0323]", cp1258):
        return _("Windows-1258 (Vietnamese Windows code page)")
    if any(b > 0x7F for b in data):
        return _("an 8-bit Windows or legacy code page")
    return _("an unknown encoding")


def _save_as_utf8() -> str:
    return _("Open the file in Notepad, choose File > Save as…, set Encoding: UTF-8, save, and load it again.")


def _refuse_known_format(data: bytes, name: str) -> None:
    kind = file_kind(data)
    if kind is not None:
        raise InputError(
            _("{name} looks like {kind}, not a text file.").format(name=name, kind=kind.description), kind.hint
        )


def _refuse_binary(text: str, name: str, c1: bool = True) -> None:
    # One stray control in a long text is removed with a notice; binary data is full of them.
    share = binary_share(text, c1)
    if share > 0.02 and share * len(text) >= 2:
        raise InputError(
            _("{name} is not text (it contains binary data).").format(name=name),
            _("Give a .txt or .csv file saved with Encoding: UTF-8, or a Word .docx file through "
              "`broadcaster news import`."),
        )  # fmt: skip


def _after_utf8_bom(data: bytes, name: str) -> str:
    body = data[len(codecs.BOM_UTF8) :]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        position = exc.start + len(codecs.BOM_UTF8) + 1
        raise InputError(
            _("{name} starts like a UTF-8 file but byte {position} (0x{value:02X}) is not UTF-8.").format(
                name=name, position=position, value=body[exc.start]
            ),
            _("The file is damaged or mixes encodings. {fix}").format(fix=_save_as_utf8()),
        ) from None


def _utf16(data: bytes, name: str, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            _("{name} starts like UTF-16 but is damaged ({reason}).").format(name=name, reason=exc.reason),
            _("Open it in Notepad and use Save as… with Encoding: UTF-8, then load it again."),
        ) from None


def _unicode_text(data: bytes, name: str) -> str | None:
    """The text of a Unicode file (UTF-8 with or without BOM, UTF-16), None when it is not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return _after_utf8_bom(data, name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16(data, name, "utf-16")
    if b"\x00" in data:
        encoding = utf16_without_bom(data)
        if encoding is None:
            raise InputError(
                _("{name} is not text (it contains binary data: NUL bytes).").format(name=name),
                _("Give a .txt or .csv file saved with Encoding: UTF-8."),
            )
        return _utf16(data, name, encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_text_file(data: bytes, name: str) -> Conversion:
    """Text from a .txt/.csv file: UTF-8 (BOM or not), UTF-16, or TCVN3/VNI bytes.

    Raises InputError naming the file for anything that is not plausible
    text: Word documents, pictures and other known formats, binary data
    (NUL bytes, many control characters), and encodings it cannot be sure of.
    """
    _refuse_known_format(data, name)
    text = _unicode_text(data, name)
    if text is not None:
        _refuse_binary(text, name)
        return to_nfc(text)
    pasted = _latin(data)
    _refuse_binary(pasted, name, c1=False)
    conversion = to_nfc(pasted)
    if conversion.source in ("tcvn3", "vni"):
        return conversion
    raise InputError(
        _("{name} is not UTF-8 text; it looks like {encoding}.").format(name=name, encoding=_looks_like(data)),
        _save_as_utf8(),
    )
