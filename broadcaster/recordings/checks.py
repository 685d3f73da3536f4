"""Is this file a usable spoken news item? Pure decisions on measured figures.

Nothing here touches a file or runs a program: probe.py measures, these
functions decide, so every rule is tested in one line and the same rules run
again on figures kept in the archive when a file is imported a second time.
Each refusal is an InputError that names the file, says what is wrong and
what the official can do about it.
"""

from __future__ import annotations

import math
from pathlib import Path

from broadcaster.errors import InputError
from broadcaster.i18n import _, format_number
from broadcaster.recordings.figures import BLOCK_S, Measurement, ProbeResult, RecordingLimits, SoundFigures


# Demuxers ffmpeg may use on a received file. Anything else (playlists, concat
# scripts, image sequences, the tty "demuxer" that reads any text) is refused
# before it is opened: an HLS playlist or an ffconcat script would make ffmpeg
# read other files or URLs named inside it.
def N_(message: str) -> str:
    """Marks text for the translation catalog; it is translated with _() where it is shown."""
    return message


ALLOWED_DEMUXERS = ("mp3", "aac", "mov", "ogg", "amr", "amrnb", "amrwb", "wav", "flac", "matroska", "webm")
# One sentence for the catalog: the "or" of the list is a word to translate too.
EXPORT_AGAIN = N_("Record or export it again as MP3, M4A, OGG, AMR, WAV or FLAC.")

# A block whose peak reaches this (-0.18 dBFS) is at full scale. Lossy decoders
# overshoot a clipped waveform past 1.0, so this also catches clipped MP3/AAC.
FULL_SCALE = 0.98
# Sound is what rises more than this above the quietest 40 dB under the loudest
# peak (a phone's hiss sits lower), and never counts below an absolute floor.
EDGE_BELOW_PEAK_DB = 40.0
EDGE_FLOOR_DBFS = -60.0
# Kept around the trimmed sound: a soft first consonant starts before the
# threshold is crossed, and a short tail keeps the last word from sounding cut.
LEAD_PAD_S = 0.1
TAIL_PAD_S = 0.3
TRIM_NOTICE_S = 0.5
# Lag-1 autocorrelation: speech and music are smooth from sample to sample
# (0.9-1.0 at 8-48 kHz), random bytes read as samples are not (about 0).
NOISE_CORRELATION_BELOW = 0.5


def dbfs(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else float("-inf")


def format_dbfs(value: float) -> str:
    return f"{value:.0f} dBFS"


def format_duration(seconds: float) -> str:
    """0.3 s, 12 s, 4 min 05 s, 1 h 02 min: what a person reads at a glance (0,3 giây in Vietnamese)."""
    if seconds < 10:
        tenths = round(float(seconds), 1)
        return _("{seconds} s").format(seconds=format_number(tenths, 0 if tenths.is_integer() else 1))
    whole = round(seconds)
    if whole < 60:
        return _("{seconds} s").format(seconds=whole)
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        if not secs:
            return _("{minutes} min").format(minutes=minutes)
        return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=f"{secs:02d}")
    hours, minutes = divmod(minutes, 60)
    return _("{hours} h {minutes} min").format(hours=hours, minutes=f"{minutes:02d}")


def format_bytes(size: int) -> str:
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    if size < 10_000_000:
        return f"{format_number(size / 1_000_000, 1)} MB"
    return f"{size / 1_000_000:.0f} MB"


def check_size(name: str, size: int, limits: RecordingLimits) -> None:
    if size == 0:
        raise InputError(_("{name} is empty (0 bytes).").format(name=name), _("Record or export it again."))
    if size > limits.max_bytes:
        raise InputError(
            _("{name} is {size}; a recording may be at most {most}.").format(
                name=name, size=format_bytes(size), most=format_bytes(limits.max_bytes)
            ),
            _("Export it again as MP3 or M4A, which are far smaller, or split it into shorter items."),
        )


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"#EXTM3U", N_("a playlist")),
    (b"ffconcat", N_("an ffmpeg script")),
    (b"%PDF", N_("a PDF document")),
    (b"PK\x03\x04", N_("a ZIP archive or an Office document")),
    (b"\xd0\xcf\x11\xe0", N_("an Office document")),
    (b"\xff\xd8\xff", N_("a photo")),
    (b"\x89PNG", N_("a picture")),
    (b"GIF8", N_("a picture")),
    (b"\x7fELF", N_("a program")),
    (b"MZ", N_("a program")),
    (b"{\\rtf", N_("a text document")),
)


def describe_content(head: bytes) -> str | None:
    """What the first bytes of a file look like when they are clearly not audio, else None."""
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    for signature, what in _SIGNATURES:
        if stripped.startswith(signature) or head.startswith(signature):
            return what
    if stripped[:15].lower().startswith((b"<!doctype html", b"<html")):
        return N_("a web page")
    try:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        # text is still text when the head cuts its last character in two
        if exc.reason != "unexpected end of data":
            return None
        text = head.removeprefix(b"\xef\xbb\xbf")[: exc.start].decode("utf-8")
    if not text:
        return None
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return N_("text") if printable / len(text) > 0.95 else None


def not_decodable(name: str, what: str | None) -> InputError:
    if what:
        message = _("{name} is not audio ffmpeg can decode (it looks like {what}).").format(name=name, what=_(what))
    else:
        message = _("{name} is not audio ffmpeg can decode (it may be damaged or in an unusual format).").format(
            name=name
        )
    return InputError(message, _(EXPORT_AGAIN))


_STREAM_KINDS = {
    "subtitle": N_("subtitles"),
    "attachment": N_("attachments"),
    "data": N_("data"),
    "video": N_("pictures"),
}


def check_probe(name: str, probe: ProbeResult, limits: RecordingLimits) -> list[str]:
    """Refuse files without a decodable sound track or plainly too long; return notices."""
    audio = probe.audio
    if not audio:
        if probe.video:
            raise InputError(
                _("{name} has no sound track (video only).").format(name=name),
                _("Record the announcement again with sound, or send the audio file itself."),
            )
        kinds = sorted({_(_STREAM_KINDS.get(s.kind, s.kind)) for s in probe.streams})
        raise InputError(
            _("{name} has no sound track (it holds only {what}).").format(
                name=name, what=", ".join(kinds) if kinds else _("nothing ffmpeg can read")
            ),
            _(EXPORT_AGAIN),
        )
    if not audio[0].codec:
        raise InputError(
            _("{name} has sound in a format ffmpeg cannot decode.").format(name=name),
            _(EXPORT_AGAIN),
        )
    if probe.duration_s is not None and probe.duration_s > limits.max_seconds + 1:
        raise too_long(name, limits, probe.duration_s)
    notices = []
    if probe.video:
        notices.append(_("{name} is a video: only its sound is kept.").format(name=name))
    if len(audio) > 1:
        notices.append(_("{name} has {count} sound tracks; the first one is used.").format(name=name, count=len(audio)))
    return notices


def too_long(name: str, limits: RecordingLimits, duration_s: float | None) -> InputError:
    most = format_duration(limits.max_seconds)
    if duration_s is None:
        message = _("{name} is longer than {most}, the most a news item may last.").format(name=name, most=most)
    else:
        message = _("{name} is {length} long; a news item may last at most {most}.").format(
            name=name, length=format_duration(duration_s), most=most
        )
    return InputError(message, _("Split it into shorter items, or cut it before sending it again."))


def summarize(measurement: Measurement) -> SoundFigures:
    """Peak, clipping, correlation and where the sound starts and ends, from the block peaks."""
    import numpy as np

    peaks = measurement.block_peaks
    top = float(peaks.max()) if peaks.size else 0.0
    duration = measurement.duration_s
    threshold = max(10 ** (EDGE_FLOOR_DBFS / 20), top * 10 ** (-EDGE_BELOW_PEAK_DB / 20))
    sound = np.flatnonzero(peaks > threshold)
    if sound.size == 0:  # nothing above the floor: silent, and there is nothing to keep
        return SoundFigures(duration, dbfs(top), 0.0, measurement.correlation, 0.0, 0.0, measurement.decode_errors)
    clipped = float(np.count_nonzero(peaks[sound] >= FULL_SCALE)) / len(sound)
    start = max(0.0, sound[0] * BLOCK_S - LEAD_PAD_S)
    end = min(duration, (sound[-1] + 1) * BLOCK_S + TAIL_PAD_S)
    return SoundFigures(
        duration_s=duration,
        peak_dbfs=dbfs(top),
        clipped_percent=100 * clipped,
        correlation=measurement.correlation,
        start_s=round(start, 3),
        end_s=round(end, 3),
        decode_errors=measurement.decode_errors,
    )


def check_sound(name: str, figures: SoundFigures, limits: RecordingLimits, *, trim: bool = True) -> list[str]:
    """Refuse what cannot air; return notices for what the official should hear before saving."""
    if figures.duration_s == 0:
        raise InputError(
            _("{name} contains no sound ffmpeg can decode.").format(name=name),
            _(EXPORT_AGAIN),
        )
    if figures.duration_s < limits.min_seconds:
        raise InputError(
            _("{name} is {length} long; a news item must be at least {least}.").format(
                name=name, length=format_duration(figures.duration_s), least=format_duration(limits.min_seconds)
            ),
            _("Record the whole announcement again."),
        )
    if figures.duration_s > limits.max_seconds:
        raise too_long(name, limits, None)
    if figures.peak_dbfs < limits.silent_below_dbfs:
        if math.isinf(figures.peak_dbfs):
            message = _("{name} is silent (no sound at all).").format(name=name)
        else:
            message = _("{name} is silent (loudest sound {peak}).").format(
                name=name, peak=format_dbfs(figures.peak_dbfs)
            )
        raise InputError(message, _("Check that the microphone was on and not covered, and record it again."))
    if figures.correlation < NOISE_CORRELATION_BELOW:
        raise InputError(
            _("{name} sounds like noise, not speech: the file is damaged or not a recording.").format(name=name),
            _(EXPORT_AGAIN),
        )
    if figures.clipped_percent >= limits.clipped_refuse_percent:
        raise InputError(
            # the % sign goes in with the number: "% o" in a msgid reads to gettext tools as a %-placeholder
            _("{name} is clipped throughout ({percent} of the sound is at full scale).").format(
                name=name, percent=f"{figures.clipped_percent:.0f}%"
            ),
            _("Record it again further from the microphone, or with the recording level lower."),
        )
    if trim and figures.sound_s < limits.min_seconds:
        raise InputError(
            _("{name} has only {sound} of sound in {length}; a news item must be at least {least}.").format(
                name=name,
                sound=format_duration(figures.sound_s),
                length=format_duration(figures.duration_s),
                least=format_duration(limits.min_seconds),
            ),
            _("Record the whole announcement again."),
        )
    return sound_notices(name, figures, limits, trim=trim)


def sound_notices(name: str, figures: SoundFigures, limits: RecordingLimits, *, trim: bool) -> list[str]:
    notices = []
    if figures.clipped_percent >= limits.clipped_notice_percent:
        notices.append(
            _("{name} is clipped in places ({percent} of the sound is at full scale); it may sound harsh.").format(
                name=name, percent=f"{figures.clipped_percent:.0f}%"
            )
        )
    if figures.decode_errors:
        notices.append(_("ffmpeg found damaged parts in {name}; listen to the result before saving.").format(name=name))
    if trim and figures.lead_trimmed_s + figures.tail_trimmed_s >= TRIM_NOTICE_S:
        notices.append(
            _("Trimmed {total} of silence ({lead} at the start, {tail} at the end).").format(
                total=format_duration(figures.lead_trimmed_s + figures.tail_trimmed_s),
                lead=format_duration(figures.lead_trimmed_s),
                tail=format_duration(figures.tail_trimmed_s),
            )
        )
    return notices


def archive_extension(probe: ProbeResult) -> str:
    """The file extension an original is kept under, from its content (not the name it came with)."""
    demuxer = probe.format_name.split(",")[0]
    codec = probe.audio[0].codec if probe.audio else ""
    if demuxer == "mov":
        if probe.brand.lower().startswith("3g"):
            return "3gp"
        return "mp4" if probe.video else "m4a"
    if demuxer == "ogg":
        return "opus" if codec == "opus" else "ogg"
    if demuxer == "matroska":
        if codec in ("opus", "vorbis"):
            return "webm"
        return "mkv" if probe.video else "mka"
    if demuxer in ("amrnb", "amrwb"):
        return "amr"
    return demuxer if demuxer in ALLOWED_DEMUXERS else "bin"


SNIFF_BYTES = 4096


def check_source(path: Path, name: str, limits: RecordingLimits) -> None:
    """Cheap refusals before ffmpeg sees the file: not a file, empty, too big, plainly not audio."""
    if not path.is_file():
        raise InputError(
            _("{name} is not a file that can be read.").format(name=name),
            _("Choose the recording itself, not a folder or a shortcut."),
        )
    check_size(name, path.stat().st_size, limits)
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(
            _("{name} cannot be read: {reason}.").format(name=name, reason=exc.strerror or exc),
            _("Check the file's permissions, or copy it to the station PC again."),
        ) from exc
    what = describe_content(head)
    if what is not None:
        raise not_decodable(name, what)
