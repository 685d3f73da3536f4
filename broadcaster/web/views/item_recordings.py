"""Recorded news items in the console: the received file (an upload, or what the browser recorded)
and "Nghe thử", hearing it mastered before the item is saved.

The file is checked by name and first bytes here (uploads.RECORDINGS), then by the same intake as
the command line's `news add --audio` (decoded, measured, mastered) in the services.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import FileResponse, Response

from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _
from broadcaster.service import recording_preview
from broadcaster.web.errors import WebError, status_of
from broadcaster.web.permissions import Actor
from broadcaster.web.security import require
from broadcaster.web.templating import render
from broadcaster.web.uploads import RECORDINGS, safe_file_name, save_upload
from broadcaster.web.views import console_of, wants_fragment

if TYPE_CHECKING:
    from broadcaster.web.app import Console

router = APIRouter()


def sent_file(upload: UploadFile | None) -> UploadFile | None:
    """The form's file, or None when its file field was left empty."""
    return upload if upload is not None and upload.filename else None


def no_file() -> WebError:
    return WebError(
        400,
        _("Choose the audio file of the recording, or record it with the Record button."),
        _("Or choose Text if the station's voice should read it."),
    )


@contextmanager
def received(console: Console, upload: UploadFile) -> Iterator[Path]:
    """The uploaded recording, checked by name and first bytes, under (a safe form of) the name
    the person gave it, in a folder of its own that is gone afterwards; WebError 400/413 otherwise."""
    uploads = console.config.data_dir / "uploads"
    stored = save_upload(upload, uploads, RECORDINGS, console.upload_limit)
    try:
        with tempfile.TemporaryDirectory(dir=uploads) as tmp:
            named = Path(tmp) / safe_file_name(stored.original_name, stored.extension)
            shutil.move(stored.path, named)
            yield named
    finally:
        stored.path.unlink(missing_ok=True)


@router.post("/items/preview-recording")
def preview(
    request: Request,
    actor: Annotated[Actor, require("items.add")],
    audio: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Nghe thử: the recording checked and mastered as it would air, in a player (nothing is saved)."""
    console = console_of(request)
    upload = sent_file(audio)
    try:
        if upload is None:
            raise no_file()
        with received(console, upload) as path:
            made = recording_preview.make_preview(console.station, path, path.name)
    except (BroadcasterError, WebError) as exc:
        status = exc.status if isinstance(exc, WebError) else status_of(exc)
        context = {"message": exc.message, "hint": exc.hint}
        name = "error_fragment.html" if wants_fragment(request) else "error.html"
        return render(request, name, {**context, "title": _("Listen before saving")}, status_code=status)
    name = "item_recording_preview.html" if wants_fragment(request) else "item_recording_preview_page.html"
    return render(request, name, {"preview": made})


@router.get("/items/preview-recording/{token}")
def preview_audio(request: Request, token: str, actor: Annotated[Actor, require("items.add")]) -> Response:
    """The mastered WAV of a preview (answers Range requests for players)."""
    path = recording_preview.preview_path(console_of(request).station, token)
    return FileResponse(path, media_type="audio/wav", content_disposition_type="inline")
