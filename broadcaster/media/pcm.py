"""The PCM inside the WAV files broadcaster airs: layout, reading in chunks, checksums."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from broadcaster.errors import AudioError, OutputError
from broadcaster.i18n import _


@dataclass(frozen=True)
class WavLayout:
    rate: int
    channels: int
    header: bytes  # everything up to and including the data chunk's size field
    data_offset: int
    data_size: int

    @property
    def frame_bytes(self) -> int:
        return 2 * self.channels

    @property
    def duration_s(self) -> float:
        return self.data_size / self.frame_bytes / self.rate


def read_wav_layout(wav_path: Path) -> WavLayout:
    """Finds the PCM inside a WAV; only 16-bit PCM airs (what mastering writes)."""
    try:
        with wav_path.open("rb") as f:
            riff = f.read(12)
            if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
                raise AudioError(
                    _("{wav_path} is not a WAV file.").format(wav_path=wav_path), _("Render the bulletin again.")
                )
            fmt: tuple[int, int, int, int, int, int] | None = None
            while True:
                head = f.read(8)
                if len(head) < 8:
                    raise AudioError(
                        _("{wav_path} has no audio data.").format(wav_path=wav_path), _("Render the bulletin again.")
                    )
                chunk_id, size = head[:4], struct.unpack("<I", head[4:])[0]
                if chunk_id == b"data":
                    if fmt is None:
                        raise AudioError(
                            _("{wav_path} has no format chunk.").format(wav_path=wav_path),
                            _("Render the bulletin again."),
                        )
                    data_offset = f.tell()
                    file_size = f.seek(0, 2)
                    f.seek(0)
                    header = f.read(data_offset)
                    data_size = min(size, file_size - data_offset)
                    data_size -= data_size % (2 * fmt[1])
                    break
                body = f.read(size + (size & 1))
                if chunk_id == b"fmt " and len(body) >= 16:
                    fmt = struct.unpack("<HHIIHH", body[:16])
    except OSError as exc:
        raise OutputError(
            _("Cannot read the bulletin {wav_path}: {strerror}.").format(wav_path=wav_path, strerror=exc.strerror),
            _("Check that the file exists; render the bulletin again."),
        ) from exc
    audio_format, channels, rate, bits = fmt[0], fmt[1], fmt[2], fmt[5]
    # 0xFFFE (extensible) also carries plain PCM when the bits are 16
    if audio_format not in (1, 0xFFFE) or bits != 16:
        raise AudioError(
            f"{wav_path} is not 16-bit PCM (format {audio_format}, {bits} bits).",
            _("Render the bulletin again; only 16-bit PCM WAV files are aired."),
        )
    return WavLayout(rate, channels, header, data_offset, data_size)


def pcm_sha256(wav_path: Path) -> str:
    """What a complete airing of this file reports as its sha256."""
    layout = read_wav_layout(wav_path)
    digest = hashlib.sha256()
    with wav_path.open("rb") as f:
        f.seek(layout.data_offset)
        remaining = layout.data_size
        while remaining:
            block = f.read(min(remaining, 1 << 20))
            if not block:
                break
            digest.update(block)
            remaining -= len(block)
    return digest.hexdigest()


def wav_header(rate: int, channels: int, data_size: int = 0) -> bytes:
    """A canonical 44-byte header for 16-bit PCM (sizes patched when the length is known)."""
    block_align = 2 * channels
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_size)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block_align, block_align, 16)
        + b"data"
        + struct.pack("<I", data_size)
    )


def patch_sizes(out: BinaryIO, data_offset: int, written: int) -> None:
    """Sizes for what was written: a stopped airing leaves a valid, shorter WAV."""
    out.seek(4)
    out.write(struct.pack("<I", data_offset + written - 8))
    out.seek(data_offset - 4)
    out.write(struct.pack("<I", written))
    out.seek(0, 2)
