"""The recordings archive: originals byte for byte, mastered WAVs, and what was measured.

Layout under the archive folder, content-addressed so the same file imported
twice is stored once, whatever it was called:

    originals/<sha256 of the original>.<ext>        exactly the bytes received
    recordings/<sha256>-<settings key>.wav          mastered with those settings
    recordings/<sha256>-<settings key>.json         the manifest: probe, figures, hashes

The manifest is written last, so its presence means the pair is complete.
Every file is written under a temporary name in the archive folder, flushed
to disk and renamed into place: a power cut leaves either nothing or a whole file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from broadcaster.errors import OutputError
from broadcaster.i18n import _
from broadcaster.media.mastering import MasteringSettings
from broadcaster.recordings.checks import check_size
from broadcaster.recordings.figures import ProbeResult, RecordingLimits, SoundFigures, StreamInfo
from broadcaster.recordings.pcm import sha256_file

ORIGINALS = "originals"
RECORDINGS = "recordings"
# Bump when the intake's own processing (trimming, decoding) changes what a mastered file sounds like.
PIPELINE_VERSION = 1
MANIFEST_VERSION = 1
COPY_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


def settings_key(settings: MasteringSettings) -> str:
    """Short fingerprint of everything that shapes the mastered sound."""
    canonical = json.dumps({"pipeline": PIPELINE_VERSION, "mastering": asdict(settings)}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ArchivePaths:
    original: Path
    mastered: Path
    manifest: Path


def archive_paths(archive_dir: Path, sha256: str, ext: str, key: str) -> ArchivePaths:
    stem = f"{sha256}-{key}"
    return ArchivePaths(
        original=archive_dir / ORIGINALS / f"{sha256}.{ext}",
        mastered=archive_dir / RECORDINGS / f"{stem}.wav",
        manifest=archive_dir / RECORDINGS / f"{stem}.json",
    )


def find_manifest(archive_dir: Path, sha256: str, key: str) -> Path | None:
    path = archive_dir / RECORDINGS / f"{sha256}-{key}.json"
    return path if path.is_file() else None


def find_original(archive_dir: Path, sha256: str) -> Path | None:
    """The kept original with this SHA-256, whatever extension it was kept under."""
    if not _SHA256.fullmatch(sha256):
        return None
    found = sorted(p for p in (archive_dir / ORIGINALS).glob(f"{sha256}.*") if p.is_file())
    return found[0] if found else None


def copy_in(source: Path, dest: Path, name: str, limits: RecordingLimits) -> tuple[str, int]:
    """Copy `source` to `dest`, hashing as it goes; refuse it once it passes the byte limit.

    Everything later works on this copy, so the bytes kept are exactly the
    bytes checked, even if the source changes meanwhile; and a source that
    never ends (a device, a growing file) cannot fill the disk.
    """
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, dest.open("wb") as dst:
        while chunk := src.read(COPY_CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                check_size(name, size, limits)  # raises, naming the limit
            digest.update(chunk)
            dst.write(chunk)
    check_size(name, size, limits)
    return digest.hexdigest(), size


def write_manifest(staged: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest into the staging folder; `store` moves it into place last."""
    staged.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest's contents, or None when it is unreadable (then the recording is made again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    return data


def probe_from(data: dict[str, Any]) -> ProbeResult:
    streams = tuple(StreamInfo(**s) for s in data.pop("streams"))
    return ProbeResult(streams=streams, **data)


def figures_from(data: dict[str, Any]) -> SoundFigures:
    return SoundFigures(**data)


def store(staged: Path, dest: Path, sha256: str | None = None) -> None:
    """Move a finished file from the staging folder into the archive, atomically.

    With `sha256`, a file already at `dest` with that content is kept as it is
    (the same recording imported again); a damaged one is replaced.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    if sha256 is not None and dest.is_file() and sha256_file(dest) == sha256:
        return
    _publish(staged, dest)


def _publish(tmp: Path, dest: Path) -> None:
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, dest)
    _fsync_dir(dest.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename itself is still atomic
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def output_errors(name: str, archive_dir: Path) -> Iterator[None]:
    """OSError while writing the archive as an OutputError naming the file and the folder."""
    try:
        yield
    except OSError as exc:
        # the staging folder is gone with the exception: nothing half-written is left
        raise OutputError(
            _("{name} could not be kept in the recordings folder {folder}: {reason}.").format(
                name=name, folder=archive_dir, reason=exc.strerror or exc
            ),
            _("Check that the folder exists, the station's user may write to it, and the disk is not full."),
        ) from exc
