"""Receiving a recorded news item: the functions the application calls.

`inspect_recording` checks a file and stores nothing. `accept_recording`
checks it the same way, masters it for the horns and keeps both the original
(byte for byte) and the mastered WAV in the archive. Either raises InputError
naming the file, what is wrong and what to do, and then nothing is stored.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from broadcaster.errors import AudioError, NotFoundError
from broadcaster.i18n import _
from broadcaster.media.mastering import MasteringSettings, master
from broadcaster.recordings import archive
from broadcaster.recordings.checks import (
    archive_extension,
    check_probe,
    check_sound,
    check_source,
    summarize,
)
from broadcaster.recordings.figures import ProbeResult, RecordingLimits, SoundFigures
from broadcaster.recordings.pcm import WavFigures, sha256_file, wav_figures, write_float_wav
from broadcaster.recordings.probe import measure_sound, probe_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordingInfo:
    """A checked file, not stored: for showing the official what was received."""

    name: str
    sha256: str
    byte_size: int
    format_name: str  # ffmpeg's demuxer, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    codec: str  # of the sound track, e.g. "aac"
    extension: str  # what the archive keeps it as, e.g. "m4a"
    sample_rate: int
    channels: int
    duration_s: float
    peak_dbfs: float
    clipped_percent: float
    sound_start_s: float  # the part kept after trimming silence
    sound_end_s: float
    notices: tuple[str, ...]


@dataclass(frozen=True)
class AcceptedRecording:
    """A recording checked, mastered and kept; what a news item and its airings refer to."""

    original_name: str
    original_path: Path
    original_sha256: str
    original_format: str
    original_codec: str
    original_bytes: int
    original_duration_s: float
    mastered_path: Path
    mastered_sha256: str
    mastered_duration_s: float
    loudness_lufs: float
    peak_dbfs: float  # sample peak of the mastered WAV
    trimmed_start_s: float  # silence cut from the start and the end of the original
    trimmed_end_s: float
    settings_key: str
    notices: tuple[str, ...]
    reused: bool  # the archive already held this file mastered with these settings


def recording_mastering(speech: MasteringSettings, tempo: float = 1.0) -> MasteringSettings:
    """The station's mastering for recordings: the speech chain, at the speaker's own pace unless configured."""
    return replace(speech, tempo=tempo)


def inspect_recording(path: Path, limits: RecordingLimits, *, original_name: str | None = None) -> RecordingInfo:
    """Check `path` as accept_recording would, without storing anything."""
    name = original_name or path.name
    check_source(path, name, limits)
    sha256 = sha256_file(path)
    probe = probe_file(path, name, limits)
    notices = check_probe(name, probe, limits)
    figures = summarize(measure_sound(path, name, probe, limits))
    notices += check_sound(name, figures, limits)
    return RecordingInfo(
        name=name,
        sha256=sha256,
        byte_size=path.stat().st_size,
        format_name=probe.format_name,
        codec=probe.audio[0].codec,
        extension=archive_extension(probe),
        sample_rate=probe.sample_rate,
        channels=probe.channels,
        duration_s=figures.duration_s,
        peak_dbfs=figures.peak_dbfs,
        clipped_percent=figures.clipped_percent,
        sound_start_s=figures.start_s,
        sound_end_s=figures.end_s,
        notices=tuple(notices),
    )


def accept_recording(
    source: Path,
    archive_dir: Path,
    limits: RecordingLimits,
    mastering: MasteringSettings,
    *,
    original_name: str | None = None,
) -> AcceptedRecording:
    """Check, master and keep `source`; see the module docstring of archive.py for the layout.

    `mastering` is used as given: build it with recording_mastering() so the
    speech tempo is not applied to a person's own voice. With
    `mastering.trim_silence` the silence before and after the sound is cut;
    pauses inside are kept as recorded.
    """
    with stage_recording(source, archive_dir, limits, mastering, original_name=original_name) as staged:
        return staged.keep()


@dataclass(frozen=True)
class StagedRecording:
    """A recording checked and mastered in a staging folder inside the archive, not kept yet.

    A desk that checks several files before keeping any (an import) stages each once instead of
    decoding every file twice (checked, then accepted): ffprobe and ffmpeg's decoding ran twice
    per file, two of five ffmpeg starts, each ~0.1 s of CPU whatever the file's length.
    """

    accepted: AcceptedRecording  # as it is once kept: its paths are the archive's
    aired_s: float  # the sound that airs (before any tempo): trimmed, unless the station keeps silence
    moves: tuple[tuple[Path, Path, str | None], ...]  # archive.store's arguments, the manifest last
    archive_dir: Path

    def keep(self) -> AcceptedRecording:
        """Move the staged files into the archive (the manifest last: its presence means the pair is whole)."""
        with archive.output_errors(self.accepted.original_name, self.archive_dir):
            for staged, final, sha256 in self.moves:
                archive.store(staged, final, sha256)
        if not self.accepted.reused:
            log.info(
                "recording %s kept as %s, mastered %s",
                self.accepted.original_name,
                self.accepted.original_path.name,
                self.accepted.mastered_path.name,
            )
        return self.accepted


@contextmanager
def stage_recording(
    source: Path,
    archive_dir: Path,
    limits: RecordingLimits,
    mastering: MasteringSettings,
    *,
    original_name: str | None = None,
) -> Iterator[StagedRecording]:
    """Check and master `source` as accept_recording does, into a staging folder removed on leaving
    the block: `keep()` inside it keeps the recording. Raises as accept_recording does."""
    name = original_name or source.name
    check_source(source, name, limits)
    with archive.output_errors(name, archive_dir):
        archive_dir.mkdir(parents=True, exist_ok=True)
        # staged inside the archive folder: same file system, so keeping is a rename
        folder = tempfile.TemporaryDirectory(prefix=".incoming-", dir=archive_dir)
    with folder as tmp:
        with archive.output_errors(name, archive_dir):
            staged = _stage(Path(tmp), source, archive_dir, name, limits, mastering)
        yield staged


def _stage(
    staged: Path, source: Path, archive_dir: Path, name: str, limits: RecordingLimits, mastering: MasteringSettings
) -> StagedRecording:
    key = archive.settings_key(mastering)
    original = staged / "original"
    sha256, size = archive.copy_in(source, original, name, limits)
    earlier = _reuse(archive_dir, sha256, key, original, name, limits, mastering)
    if earlier is not None:
        return earlier
    probe, figures, notices, wav = _check_and_master(original, staged, name, limits, mastering)
    manifest: dict[str, Any] = {
        "version": archive.MANIFEST_VERSION,
        "original": {"sha256": sha256, "bytes": size, "extension": archive_extension(probe)},
        "probe": asdict(probe),
        "figures": asdict(figures),
        "mastered": {
            "sha256": wav.sha256,
            "duration_s": wav.duration_s,
            "loudness_lufs": wav.loudness_lufs,
            "peak_dbfs": wav.peak_dbfs,
        },
        "mastering": asdict(mastering),
    }
    paths = archive.archive_paths(archive_dir, sha256, archive_extension(probe), key)
    archive.write_manifest(staged / "manifest.json", manifest)
    moves = ((original, paths.original, sha256), (staged / "mastered.wav", paths.mastered, None),
             (staged / "manifest.json", paths.manifest, None))  # fmt: skip
    accepted = _accepted(name, paths, manifest, probe, figures, key, notices, reused=False)
    return StagedRecording(accepted, figures.sound_s, moves, archive_dir)


def _aired(figures: SoundFigures, mastering: MasteringSettings) -> SoundFigures:
    """The figures as kept: without trimming, the whole recording airs."""
    return figures if mastering.trim_silence else replace(figures, start_s=0.0, end_s=figures.duration_s)


def _check_and_master(
    original: Path, staged: Path, name: str, limits: RecordingLimits, mastering: MasteringSettings
) -> tuple[ProbeResult, SoundFigures, list[str], WavFigures]:
    """Probe, decode once (checking as it goes), trim, master into staged/mastered.wav.

    Returns the figures as kept (_aired)."""
    probe = probe_file(original, name, limits)
    notices = check_probe(name, probe, limits)
    decoded = staged / "decoded.f32"
    measurement = measure_sound(original, name, probe, limits, raw_out=decoded)
    measured = summarize(measurement)
    notices += check_sound(name, measured, limits, trim=mastering.trim_silence)
    figures = _aired(measured, mastering)
    rate, channels = measurement.sample_rate, measurement.channels
    trimmed = staged / "trimmed.wav"
    write_float_wav(decoded, trimmed, rate, channels, round(figures.start_s * rate), round(figures.end_s * rate))
    decoded.unlink()
    _master(trimmed, staged / "mastered.wav", mastering, name)
    trimmed.unlink()
    # the mastered sound holds nothing above the intermediate's band: loudness is measured on fewer samples
    return probe, figures, notices, wav_figures(staged / "mastered.wav", decimate=mastering.sample_rate // rate)


def _master(trimmed: Path, out: Path, mastering: MasteringSettings, name: str) -> None:
    # edges were trimmed already; the chain's own silence removal would also shorten pauses inside
    try:
        master(trimmed, out, replace(mastering, trim_silence=False))
    except AudioError as exc:
        raise AudioError(
            _("{name} passed the checks but could not be mastered: {error}").format(name=name, error=exc.message),
            _("Run `broadcaster doctor` to check ffmpeg; if it is fine, send the file to the technician."),
        ) from exc


@dataclass(frozen=True)
class _Kept:
    paths: archive.ArchivePaths
    manifest: dict[str, Any]
    probe: ProbeResult
    figures: SoundFigures


def _load_kept(archive_dir: Path, sha256: str, key: str) -> _Kept | None:
    """What the archive holds for these bytes and settings, if its manifest is whole."""
    found = archive.find_manifest(archive_dir, sha256, key)
    manifest = archive.read_manifest(found) if found is not None else None
    if manifest is None:
        return None
    try:
        probe = archive.probe_from(dict(manifest["probe"]))
        figures = archive.figures_from(dict(manifest["figures"]))
        paths = archive.archive_paths(archive_dir, sha256, str(manifest["original"]["extension"]), key)
        if not isinstance(manifest["mastered"]["sha256"], str):
            return None
    except (KeyError, TypeError, ValueError):
        return None  # a manifest from elsewhere or damaged: the recording is made again
    return _Kept(paths, manifest, probe, figures)


def _mastered_intact(kept: _Kept) -> bool:
    path = kept.paths.mastered
    return path.is_file() and sha256_file(path) == kept.manifest["mastered"]["sha256"]


def _reuse(
    archive_dir: Path,
    sha256: str,
    key: str,
    original: Path,
    name: str,
    limits: RecordingLimits,
    mastering: MasteringSettings,
) -> StagedRecording | None:
    """The archived recording of these exact bytes and settings, checked against today's limits."""
    kept = _load_kept(archive_dir, sha256, key)
    if kept is None:
        return None
    if not _mastered_intact(kept):
        log.warning("archived %s does not match its manifest; mastering %s again", kept.paths.mastered.name, name)
        return None
    # the limits may have changed since: the same rules decide again on the kept figures
    notices = check_probe(name, kept.probe, limits)
    notices += check_sound(name, kept.figures, limits, trim=mastering.trim_silence)
    accepted = _accepted(name, kept.paths, kept.manifest, kept.probe, kept.figures, key, notices, reused=True)
    restore = ((original, kept.paths.original, sha256),)  # keeping restores a missing or damaged original
    return StagedRecording(accepted, kept.figures.sound_s, restore, archive_dir)


def kept_recording(
    archive_dir: Path, original_sha256: str, mastering: MasteringSettings, *, check_hash: bool = True
) -> AcceptedRecording:
    """A recording accepted earlier, its mastered file checked against its SHA-256: what airs.

    NotFoundError when the archive holds no version mastered with these
    settings (they changed since: `remaster` masters it again); AudioError
    when the mastered file was changed or damaged. Without `check_hash` the
    mastered file is only looked for, not read: planning asks for every
    item's audio, and hashing a 30-minute recording each time would take a second.
    """
    key = archive.settings_key(mastering)
    kept = _load_kept(archive_dir, original_sha256, key)
    if kept is not None and not check_hash and not kept.paths.mastered.is_file():
        kept = None
    if kept is None:
        raise NotFoundError(
            _("No recording {sha} mastered with the station's current settings is kept in {folder}.").format(
                sha=original_sha256[:12], folder=archive_dir
            ),
            _("Import the recording again: its kept original is mastered again with the current settings."),
        )
    if check_hash and not _mastered_intact(kept):
        raise AudioError(
            _(
                "The mastered recording {file} does not match its SHA-256: it was changed or the disk is failing."
            ).format(file=kept.paths.mastered),
            _("Import the recording again from its kept original, and run `broadcaster doctor` to check the disk."),
        )
    return _accepted(
        kept.paths.original.name, kept.paths, kept.manifest, kept.probe, kept.figures, key, [], reused=True
    )


def remaster(
    archive_dir: Path, original_sha256: str, limits: RecordingLimits, mastering: MasteringSettings, *, name: str
) -> AcceptedRecording:
    """Master the kept original of `original_sha256` again (the settings changed, or the mastered
    file was damaged), checked under today's `limits`; `name` is the file's name as received."""
    original = archive.find_original(archive_dir, original_sha256)
    if original is None:
        raise NotFoundError(
            _("The original of the recording {name} ({sha}) is no longer in the recordings folder {folder}.").format(
                name=name, sha=original_sha256[:12], folder=archive_dir
            ),
            _("Restore the recordings folder from the backup, or give the item its recording again with --audio."),
        )
    accepted = accept_recording(original, archive_dir, limits, mastering, original_name=name)
    if accepted.original_sha256 != original_sha256:
        raise AudioError(
            _("The kept original of the recording {name} was changed: its SHA-256 is no longer {sha}.").format(
                name=name, sha=original_sha256[:12]
            ),
            _("Restore the recordings folder from the backup, or give the item its recording again with --audio."),
        )
    return accepted


def _accepted(
    name: str,
    paths: archive.ArchivePaths,
    manifest: dict[str, Any],
    probe: ProbeResult,
    figures: SoundFigures,
    key: str,
    notices: list[str],
    *,
    reused: bool,
) -> AcceptedRecording:
    mastered = manifest["mastered"]
    return AcceptedRecording(
        original_name=name,
        original_path=paths.original,
        original_sha256=str(manifest["original"]["sha256"]),
        original_format=probe.format_name,
        original_codec=probe.audio[0].codec,
        original_bytes=int(manifest["original"]["bytes"]),
        original_duration_s=figures.duration_s,
        mastered_path=paths.mastered,
        mastered_sha256=str(mastered["sha256"]),
        mastered_duration_s=float(mastered["duration_s"]),
        loudness_lufs=float(mastered["loudness_lufs"]),
        peak_dbfs=float(mastered["peak_dbfs"]),
        trimmed_start_s=figures.lead_trimmed_s,
        trimmed_end_s=figures.tail_trimmed_s,
        settings_key=key,
        notices=tuple(notices),
        reused=reused,
    )
