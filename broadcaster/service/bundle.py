"""A folder or .zip of recordings with the CSV that describes them, opened safely.

A .zip comes from outside (a phone, the district, a USB stick), so nothing in it is trusted:
every entry is checked before anything is unpacked (no absolute paths, no `../`, only regular
files, not encrypted, no name twice), the sizes its headers declare must stay within the
upload limit, and unpacking counts the bytes it writes. Only the CSV and the recordings the CSV
names are unpacked, into a temporary folder removed afterwards. A folder is read in place, but
a file the CSV names must lie inside it (a link out of it is refused).
"""

from __future__ import annotations

import difflib
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from broadcaster import limits
from broadcaster.errors import InputError, NotFoundError
from broadcaster.i18n import _, format_number

# More entries than rows a CSV may have, twice over (a recording and a picture per row), is not an import.
ZIP_MAX_ENTRIES = 2 * limits.IMPORT_MAX_ITEMS + 10
_DRIVE = re.compile(r"^[A-Za-z]:")
COPY_CHUNK = 1 << 20


def _zip_hint() -> str:
    return _("Make the .zip again from the folder of recordings and its .csv, or import the folder itself.")


def _unsafe(name: str, info: zipfile.ZipInfo) -> str | None:
    """Why an entry of a .zip may not be unpacked, or None."""
    if name.startswith("/") or _DRIVE.match(name):
        return _("has an absolute path")
    if ".." in name.split("/"):
        return _("points outside the .zip (../)")
    kind = stat.S_IFMT(info.external_attr >> 16)
    if not info.is_dir() and kind not in (0, stat.S_IFREG):
        return _("is not a regular file (a link or a device)")
    if info.flag_bits & 0x1:
        return _("is protected by a password")
    return None


def _hidden(name: str) -> bool:
    """Files a Mac or Windows adds to a .zip, never the import's own."""
    parts = name.split("/")
    return parts[0] == "__MACOSX" or parts[-1].startswith(".") or parts[-1].lower() == "thumbs.db"


@dataclass
class Bundle:
    """The CSV of an import and where the recordings it names are."""

    label: str  # the folder or .zip as the official named it, for messages
    csv: Path  # readable on disk
    csv_label: str  # the CSV in messages: "tin.csv", or "tin.zip/tin.csv"
    folder: Path | None = None  # a folder import: its files are read in place
    archive: zipfile.ZipFile | None = None
    workdir: Path | None = None  # a .zip import: where entries are unpacked
    entries: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    csv_dir: str = ""  # the CSV's folder inside the .zip ("" at the top)
    max_bytes: int = 0
    written: int = 0
    unpacked: dict[str, Path] = field(default_factory=dict)

    def audio(self, value: str, where: str) -> Path:
        """The recording a row names (relative to the CSV), checked and, from a .zip, unpacked."""
        wanted = value.strip().replace("\\", "/")
        if wanted.startswith("/") or _DRIVE.match(wanted) or ".." in wanted.split("/"):
            raise InputError(
                _("{where}column 'audio': {name} is not inside {bundle}.").format(
                    where=where, name=value, bundle=self.label
                ),
                _("Name the recording by its path inside the folder, e.g. bai-1.mp3 or ghi-am/bai-1.mp3."),
            )
        if self.archive is not None:
            return self._unpack(wanted, value, where)
        assert self.folder is not None
        path = self.csv.parent / wanted
        if path.is_file() and not path.resolve().is_relative_to(self.folder.resolve()):
            raise InputError(
                _("{where}column 'audio': {name} is a link to a file outside {bundle}.").format(
                    where=where, name=value, bundle=self.label
                ),
                _("Copy the recording itself into the folder."),
            )
        if not path.is_file():
            present = [p.name for p in path.parent.iterdir()] if path.parent.is_dir() else []
            raise self._missing(value, where, present)
        return path

    def _missing(self, value: str, where: str, present: list[str]) -> NotFoundError:
        close = difflib.get_close_matches(PurePosixPath(value).name, present, n=1, cutoff=0.6)
        hint = _("Did you mean {name}? ").format(name=close[0]) if close else ""
        return NotFoundError(
            _("{where}column 'audio': there is no file {name} in {bundle}.").format(
                where=where, name=value, bundle=self.label
            ),
            hint + _("Check the file name: its letters, accents and extension must match exactly."),
        )

    def _unpack(self, wanted: str, value: str, where: str) -> Path:
        assert self.archive is not None and self.workdir is not None
        name = f"{self.csv_dir}/{wanted}" if self.csv_dir else wanted
        info = self.entries.get(name)
        if info is None or info.is_dir():
            folder = f"{self.csv_dir}/" if self.csv_dir else ""
            present = [n[len(folder) :] for n in self.entries if n.startswith(folder)]
            raise self._missing(value, where, present)
        target = self.unpacked.get(name)
        if target is None:
            # one folder per file: two recordings of one name in different folders stay apart
            target = self.workdir / "audio" / str(len(self.unpacked)) / PurePosixPath(name).name
            self._extract(info, target)
            self.unpacked[name] = target
        return target

    def _extract(self, info: zipfile.ZipInfo, target: Path) -> None:
        """Unpack one entry, counting what is written: headers may lie about sizes."""
        assert self.archive is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.archive.open(info) as src, target.open("wb") as out:
                while chunk := src.read(COPY_CHUNK):
                    self.written += len(chunk)
                    if self.written > self.max_bytes:
                        raise _too_big(self.label, self.max_bytes)
                    out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
            raise InputError(
                _("{bundle}: {entry} cannot be unpacked: {reason}.").format(
                    bundle=self.label, entry=info.filename, reason=exc
                ),
                _zip_hint(),
            ) from None


def _too_big(label: str, max_bytes: int) -> InputError:
    return InputError(
        _("{bundle} unpacks to more than {limit:.0f} MB, the most an import may hold.").format(
            bundle=label, limit=max_bytes / 1e6
        ),
        _("Import the recordings in several smaller .zip files, or raise max_upload_mb in [recordings]."),
    )


def _only_csv(label: str, names: list[str]) -> str:
    if not names:
        raise InputError(
            _("{bundle} has no .csv file describing its recordings.").format(bundle=label),
            _("Put a .csv in it with the columns title,topic,audio,language,priority,from,until,airings."),
        )
    if len(names) > 1:
        raise InputError(
            _("{bundle} has several .csv files ({names}); an import reads one.").format(
                bundle=label, names=", ".join(sorted(names))
            ),
            _("Keep one .csv describing all the recordings, or import them in several folders."),
        )
    return names[0]


@contextmanager
def open_bundle(path: Path, max_bytes: int, scratch: Path) -> Iterator[Bundle]:
    """The folder or .zip at `path`; a .zip is unpacked under `scratch` and removed afterwards."""
    if path.is_dir():
        csvs = [p.name for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file() and not _hidden(p.name)]
        name = _only_csv(path.name, csvs)
        yield Bundle(label=path.name, csv=path / name, csv_label=name, folder=path)
        return
    if not path.exists():
        raise NotFoundError(_("File {path} does not exist.").format(path=path), _("Check the path and the file name."))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            _("{name} is not a readable .zip file: {reason}.").format(name=path.name, reason=exc), _zip_hint()
        ) from None
    with archive:
        entries = _checked_entries(path.name, archive, max_bytes)
        csvs = [n for n, i in entries.items() if n.lower().endswith(".csv") and not i.is_dir() and not _hidden(n)]
        csv_name = _only_csv(path.name, csvs)
        scratch.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=".import-", dir=scratch))
        try:
            bundle = Bundle(
                label=path.name,
                csv=workdir / "csv" / PurePosixPath(csv_name).name,
                csv_label=f"{path.name}/{csv_name}",
                archive=archive,
                workdir=workdir,
                entries=entries,
                csv_dir="" if "/" not in csv_name else str(PurePosixPath(csv_name).parent),
                max_bytes=max_bytes,
            )
            bundle._extract(entries[csv_name], bundle.csv)
            yield bundle
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _checked_entries(label: str, archive: zipfile.ZipFile, max_bytes: int) -> dict[str, zipfile.ZipInfo]:
    """Every entry by its name, once each, after checking all of them: one bad entry refuses the .zip."""
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_ENTRIES:
        raise InputError(
            _("{bundle} holds {count} files; an import may hold at most {limit}.").format(
                bundle=label, count=format_number(len(infos)), limit=format_number(ZIP_MAX_ENTRIES)
            ),
            _("Import the recordings in several smaller .zip files."),
        )
    entries: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/")
        problem = _unsafe(name, info)
        if problem is not None:
            raise InputError(
                _("{bundle}: the entry {entry} {problem}; nothing was imported.").format(
                    bundle=label, entry=info.filename, problem=problem
                ),
                _zip_hint(),
            )
        key = name.rstrip("/")
        if key in entries and not info.is_dir():
            raise InputError(
                _("{bundle}: the entry {entry} appears twice; nothing was imported.").format(
                    bundle=label, entry=info.filename
                ),
                _zip_hint(),
            )
        entries[key] = info
        total += info.file_size
        if total > max_bytes:
            raise _too_big(label, max_bytes)
    return entries
