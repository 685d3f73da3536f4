"""Is a file plain text at all? Known file formats by their first bytes, binary data by its bytes.

A Word document or a photo given where a .txt is expected must be refused
with what it looks like and what to do, never read as a legacy-encoded text
full of garbage.
"""

from __future__ import annotations

from dataclasses import dataclass

from broadcaster.i18n import _
from broadcaster.text.lazy_re import lazy

_NUL = 0


@dataclass(frozen=True)
class FileKind:
    """A file format that is not plain text: what it looks like and how to get text from it."""

    key: str

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self.key]()

    @property
    def hint(self) -> str:
        return _HINTS.get(self.key, _HINTS["binary"])()


# Descriptions and hints are looked up when shown, so a catalog chosen later translates them.
_DESCRIPTIONS = {
    "docx": lambda: _("a Word document (.docx)"),
    "xlsx": lambda: _("an Excel workbook (.xlsx)"),
    "pptx": lambda: _("a PowerPoint presentation (.pptx)"),
    "odf": lambda: _("an OpenDocument file (.odt/.ods)"),
    "zip": lambda: _("a ZIP archive"),
    "ole": lambda: _("an old Word or Excel document (.doc/.xls)"),
    "pdf": lambda: _("a PDF document"),
    "rtf": lambda: _("a Rich Text document (.rtf)"),
    "image": lambda: _("a picture"),
    "sound": lambda: _("a sound or video file"),
    "archive": lambda: _("a compressed archive"),
    "program": lambda: _("a program"),
    "database": lambda: _("a database file"),
}
_HINTS = {
    "docx": lambda: _(
        "Import it with `broadcaster news import FILE.docx` (the file name must end in .docx), "
        "or open it in Word and save it as Plain Text (.txt) with UTF-8 encoding."
    ),
    "xlsx": lambda: _("Open it in Excel, save it as CSV UTF-8 (.csv), and import the .csv file."),
    "pptx": lambda: _("Copy the text into Notepad and save it as a .txt file with Encoding: UTF-8."),
    "odf": lambda: _("Open it in LibreOffice and save it as Word (.docx) or as Text (.txt) with UTF-8 encoding."),
    "ole": lambda: _(
        "Open it in Word or LibreOffice and save it as Word (.docx), then use `broadcaster news import FILE.docx`."
    ),
    "rtf": lambda: _("Open it in Word and save it as Word (.docx) or as Plain Text (.txt) with UTF-8 encoding."),
    "zip": lambda: _("Unpack it and give the .txt, .csv or .docx file inside."),
    "archive": lambda: _("Unpack it and give the .txt, .csv or .docx file inside."),
    "pdf": lambda: _("Copy the text out of the PDF into Notepad and save it as a .txt file with Encoding: UTF-8."),
    "binary": lambda: _(
        "Give a .txt or .csv file saved with Encoding: UTF-8 (in Notepad: File > Save as…), "
        "or a Word .docx file through `broadcaster news import`."
    ),
}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"%PDF", "pdf"),
    (b"{\\rtf", "rtf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"BM", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"ID3", "sound"),
    (b"\xff\xfb", "sound"),
    (b"\xff\xf3", "sound"),
    (b"OggS", "sound"),
    (b"fLaC", "sound"),
    (b"\x1aE\xdf\xa3", "sound"),
    (b"Rar!\x1a\x07", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"BZh", "archive"),
    (b"\xfd7zXZ\x00", "archive"),
    (b"\x7fELF", "program"),
    (b"MZ", "program"),
    (b"SQLite format 3\x00", "database"),
)
# Two-letter signatures are also the start of ordinary words ("BMI", "MZ..."): trust them only with binary bytes.
_WEAK = frozenset({b"BM", b"MZ", b"ID3", b"\xff\xfb", b"\xff\xf3", b"\x1f\x8b", b"BZh"})
_ZIP_MEMBERS = ((b"word/", "docx"), (b"xl/", "xlsx"), (b"ppt/", "pptx"), (b"opendocument", "odf"))
_RIFF = {b"WAVE": "sound", b"AVI ": "sound", b"WEBP": "image"}
_MP4 = b"ftyp"


def _zip_kind(data: bytes) -> str:
    head = data[:65536]
    for marker, kind in _ZIP_MEMBERS:
        if marker in head:
            return kind
    return "zip"


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return any(b < 0x09 or 0x0E <= b < 0x20 for b in head)


def file_kind(data: bytes) -> FileKind | None:
    """The known non-text format `data` starts with, or None (plain text still has to be checked)."""
    if data[:4] == b"RIFF" and data[8:12] in _RIFF:
        return FileKind(_RIFF[data[8:12]])
    if data[4:8] == _MP4 and _looks_binary(data):
        return FileKind("sound")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if magic in _WEAK and not _looks_binary(data):
                continue
            return FileKind(_zip_kind(data) if kind == "zip" else kind)
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit on every other byte, as UTF-16 text saved without a BOM does."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    even_nul, odd_nul = even.count(_NUL) / len(even), odd.count(_NUL) / len(odd)
    # Vietnamese in UTF-16 still has a zero high byte for spaces and most letters.
    if odd_nul >= 0.3 and even_nul <= 0.01:
        return "utf-16-le"
    if even_nul >= 0.3 and odd_nul <= 0.01:
        return "utf-16-be"
    return None


# Controls no text file has (line layout, Word's line break \x0b and ESC of colour codes are allowed),
# and the replacement character left where bytes could not be decoded.
_BINARY_CHARS = lazy("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]")
_BINARY_C0 = lazy("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def binary_share(text: str, c1: bool = True) -> float:
    """The share of characters in `text` that only binary data has.

    `c1=False` leaves out U+0080..U+009F: in bytes read as a Windows code page
    they are characters of some other code page, not binary.
    """
    if not text:
        return 0.0
    pattern = _BINARY_CHARS if c1 else _BINARY_C0
    return len(pattern.findall(text)) / len(text)
