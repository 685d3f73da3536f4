"""Uploaded files: size limit, allowed kinds checked by name AND content, stored under generated names.

- The size limit (`[web] upload_limit_mb`) is enforced twice: `BodyLimit` refuses a request whose
  Content-Length is larger, or stops reading a chunked one, with 413 before the body is read whole;
  `save_upload` counts again while copying.
- A file is accepted when its extension is in the allow-list of the kind asked for AND its first
  bytes look like that kind (a .docx is a ZIP holding word/document.xml, a .wav starts RIFF....WAVE ...).
- It is stored as `<folder>/<random hex><extension from the allow-list>`: the name the browser
  sent is never part of a path (kept only as text to show), so path traversal cannot happen.

Use: `stored = save_upload(upload, folder, DOCUMENTS, limit_bytes)` in a route with an
`UploadFile` parameter; `stored.path` is the file, `stored.original_name` what the user called it.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO, Protocol

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from broadcaster.i18n import _
from broadcaster.web.errors import WebError, error_response, same_site_referer

CHUNK = 64 * 1024
SNIFF_BYTES = 8192


class UploadLike(Protocol):
    filename: str | None
    file: BinaryIO


# ------------------------------------------------------------ sniffing


def _is_docx(head: bytes, file: BinaryIO) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_text(head: bytes, _file: BinaryIO) -> bool:
    # Text from old office PCs may be TCVN3 or VNI (8-bit), so no encoding is required here;
    # text never holds NUL bytes, and must not be another known binary format.
    if b"\x00" in head:
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 with its byte order mark
    return not any(head.startswith(magic) for magic in (b"PK\x03\x04", b"%PDF", b"\x7fELF", b"MZ", b"RIFF"))


def _is_wav(head: bytes, _file: BinaryIO) -> bool:
    return len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _is_mp3(head: bytes, _file: BinaryIO) -> bool:
    return head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0)


def _is_ogg(head: bytes, _file: BinaryIO) -> bool:
    return head.startswith(b"OggS")


def _is_flac(head: bytes, _file: BinaryIO) -> bool:
    return head.startswith(b"fLaC")


def _is_m4a(head: bytes, _file: BinaryIO) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp"


def _is_aac(head: bytes, _file: BinaryIO) -> bool:
    # ADTS frames (12 sync bits, layer 0), possibly behind an ID3 tag
    return head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xF6) == 0xF0)


def _is_amr(head: bytes, _file: BinaryIO) -> bool:
    return head.startswith((b"#!AMR\n", b"#!AMR-WB\n"))


def _is_webm(head: bytes, _file: BinaryIO) -> bool:
    return head.startswith(b"\x1a\x45\xdf\xa3")  # EBML, as a browser's MediaRecorder writes it


Sniffer = Callable[[bytes, BinaryIO], bool]

# extension -> (how to recognise its content, a name for messages)
DOCUMENTS: Mapping[str, Sniffer] = {".docx": _is_docx, ".csv": _is_text, ".txt": _is_text}
AUDIO: Mapping[str, Sniffer] = {
    ".wav": _is_wav,
    ".mp3": _is_mp3,
    ".ogg": _is_ogg,
    ".oga": _is_ogg,
    ".opus": _is_ogg,
    ".flac": _is_flac,
    ".m4a": _is_m4a,
}
# What the news desk takes as a recorded item (anything ffmpeg decodes that a phone, a PC or a
# browser's MediaRecorder writes); the intake decodes and checks it again before anything is kept.
RECORDINGS: Mapping[str, Sniffer] = {
    **AUDIO,
    ".aac": _is_aac,
    ".mp4": _is_m4a,
    ".amr": _is_amr,
    ".webm": _is_webm,
    ".weba": _is_webm,
}


@dataclass(frozen=True)
class StoredUpload:
    path: Path  # where it is now: a generated name inside the folder given
    original_name: str  # what the user's computer called it (for showing only)
    extension: str  # from the allow-list, lower case, with its dot
    size: int
    sha256: str


def display_name(filename: str | None) -> str:
    """The last part of the name the browser sent, without folders or control characters (for showing)."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    return name.strip()[:200] or _("(no name)")


def extension_of(filename: str | None) -> str:
    return PurePosixPath(display_name(filename)).suffix.lower()


def too_large(limit_bytes: int) -> WebError:
    return WebError(
        413,
        _("The file is larger than the console accepts ({mb} MB).").format(mb=_megabytes(limit_bytes)),
        _("Send a smaller file (a shorter recording, or the document without pictures)."),
    )


def _megabytes(limit_bytes: int) -> str:
    mb = limit_bytes / (1024 * 1024)
    return f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}".replace(".", ",")


def save_upload(upload: UploadLike, folder: Path, kinds: Mapping[str, Sniffer], limit_bytes: int) -> StoredUpload:
    """Check and store one uploaded file; raises WebError 400 (wrong kind) or 413 (too large)."""
    shown = display_name(upload.filename)
    extension = extension_of(upload.filename)
    allowed = ", ".join(sorted(kinds))
    if extension not in kinds:
        raise WebError(
            400,
            _("'{name}' is not a file the console accepts here.").format(name=shown),
            _("Send one of: {kinds}.").format(kinds=allowed),
        )
    source = upload.file
    source.seek(0)
    head = source.read(SNIFF_BYTES)
    if not head:
        raise WebError(400, _("'{name}' is empty.").format(name=shown), _("Choose the file again."))
    if not kinds[extension](head, source):
        raise WebError(
            400,
            _("'{name}' is not really a {ext} file (its content is something else).").format(name=shown, ext=extension),
            _("Open it on your computer and save it again as {ext}, then send it.").format(ext=extension),
        )
    folder.mkdir(parents=True, exist_ok=True)
    # Generated, never derived from the user's name: nothing outside `folder` can be reached.
    target = folder / f"{secrets.token_hex(16)}{extension}"
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    size = 0
    source.seek(0)
    try:
        with partial.open("xb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit_bytes:
                    raise too_large(limit_bytes)
                digest.update(chunk)
                out.write(chunk)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return StoredUpload(path=target, original_name=shown, extension=extension, size=size, sha256=digest.hexdigest())


def sniff_bytes(data: bytes, filename: str, kinds: Mapping[str, Sniffer]) -> bool:
    """Whether `data` named `filename` would be accepted (for tests and previews)."""
    extension = extension_of(filename)
    return extension in kinds and bool(data) and kinds[extension](data[:SNIFF_BYTES], io.BytesIO(data))


# ------------------------------------------------------------ the request body limit


class _TooLarge(Exception):
    pass


class BodyLimit:
    """413 for a request body over the limit, before it is read whole (by Content-Length, or by counting)."""

    def __init__(self, app: ASGIApp, limit_bytes: int) -> None:
        self.app = app
        self.limit = limit_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(scope, receive, send)
            return
        received = 0
        exceeded = False
        forwarded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal forwarded
            if exceeded:
                return  # whatever the app makes of a cut-off body (FastAPI: a 400), the answer is 413
            forwarded = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except Exception:
            if not exceeded:
                raise  # the app's own failure; a cut-off body is answered below
        if exceeded and not forwarded:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = too_large(self.limit)
        request = Request(scope)
        # the body was never read, so the form cannot be shown again with what was typed: link back to it
        back = same_site_referer(request)
        response = error_response(request, 413, error.message, error.hint, {"Connection": "close"}, back=back)
        await response(scope, receive, send)


def safe_file_name(shown: str, extension: str) -> str:
    """A name for an upload, to keep it under inside a folder of its own, close to what the person called
    it (messages about the file then name it as they know it): no folders, no leading dot, only
    letters, digits, spaces and -_.(), and the extension from the allow-list."""
    stem = PurePosixPath(shown).stem if shown.lower().endswith(extension) else shown
    clean = "".join(ch if ch.isalnum() or ch in " -_.()" else "_" for ch in stem).strip(" .")[:100]
    return (clean or "tep") + extension
