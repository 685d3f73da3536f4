"""Sound that is not a finished file: raw PCM fed block by block to the sound card or to a WAV.

A relay's sound is made while it airs (the stream, the fallback, back again),
so it cannot go through `Output.play(wav)`. A `PcmSink` takes blocks instead;
the caller paces them in real time. `PlayerSink` keeps one pacat/aplay open
for the whole slot, built exactly like the bulletin output's player
(devices.player_command), so switching sources never reopens the device.
`WavSink` writes what would have aired, for stations whose output is a folder.
"""

from __future__ import annotations

import logging
import re
import shutil
import struct
import subprocess
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import BinaryIO, Protocol

from broadcaster.errors import OutputError
from broadcaster.i18n import _
from broadcaster.sound.devices import PACKAGE_OF, Backend, Player, ResolvedBackend, player_command, resolve_backend
from broadcaster.sound.file_output import FileOutput
from broadcaster.sound.outputs import DeviceOutput, Output

log = logging.getLogger(__name__)


class PcmSink(Protocol):
    name: str
    lead_s: float  # how far ahead of real time blocks may be written
    start_offset_s: float  # the card's output latency, added to reported start times

    def open(self, rate: int, channels: int) -> None:
        """Pre-roll: get ready to sound at the first write. Blocks until ready; raises OutputError."""
        ...

    def begin(self, when: datetime) -> None:
        """Sound starts now (names the file of a WavSink)."""
        ...

    def write(self, block: bytes) -> None: ...

    def finish(self) -> None:
        """Lets written sound play out, then closes. Raises OutputError if the device failed."""
        ...

    def abort(self) -> None:
        """From any thread: silence at once; later writes are ignored."""
        ...


class PlayerSink:
    """A sound card through pacat (PulseAudio/PipeWire) or aplay (ALSA), opened ahead of air time."""

    def __init__(
        self,
        device: str,
        backend: Backend = "auto",
        *,
        latency_ms: int = 200,
        lead_s: float = 0.4,
        start_offset_s: float = 0.0,
        ready_timeout_s: float = 5.0,
    ) -> None:
        self.device, self.backend = device, backend
        self.name = f"device:{device}"
        self.latency_ms = latency_ms
        # aplay starts only once its buffer is full: what is written ahead must fill it at once
        self.lead_s = max(lead_s, latency_ms / 1000 + 0.1)
        self.start_offset_s = start_offset_s
        self.ready_timeout_s = ready_timeout_s
        self._player: Player | None = None
        self._aborted = False

    def open(self, rate: int, channels: int) -> None:
        self._aborted = False
        resolved: ResolvedBackend = resolve_backend(self.backend)
        command = player_command(resolved, self.device, rate, channels, self.latency_ms)
        command = [part.replace("--stream-name=bulletin", "--stream-name=relay") for part in command]
        if shutil.which(command[0]) is None:
            package = PACKAGE_OF[command[0]]
            raise OutputError(
                _("Cannot play sound: {program} is not installed.").format(program=command[0]),
                _("Is {package} installed? apt-get install {package}").format(package=package),
            )
        self._player = Player(command, resolved, self.device, (rate, channels))
        self._player.wait_ready(self.ready_timeout_s)

    def begin(self, when: datetime) -> None:
        pass

    def write(self, block: bytes) -> None:
        player = self._player
        if player is None or self._aborted:
            return
        stdin = player.proc.stdin
        assert stdin is not None
        try:
            stdin.write(block)
            stdin.flush()
        except (BrokenPipeError, ValueError, OSError) as exc:
            if not self._aborted:
                raise player.failure() from exc

    def finish(self) -> None:
        player = self._player
        if player is None:
            return
        try:
            if not self._aborted and player.proc.stdin is not None:
                try:
                    player.proc.stdin.close()
                except OSError:
                    pass
                # the player drains its buffer to the card and exits
                player.proc.wait(self.lead_s + self.latency_ms / 1000 + 5)
            if not self._aborted and player.proc.returncode not in (0, None):
                raise player.failure()
        except subprocess.TimeoutExpired:
            log.warning("the sound player did not finish playing; stopping it")
        finally:
            player.kill()
            self._player = None

    def abort(self) -> None:
        self._aborted = True
        player = self._player
        if player is not None:
            # killing the player drops its buffer: the horns go quiet now, not after the buffer drains
            player.interrupt()


class WavSink:
    """Writes the relay's sound to `folder`/<start time>_<name>.wav, a valid WAV even when cut short."""

    lead_s = 0.0  # written as it would sound: a stop truncates the file where the horns would have gone quiet
    start_offset_s = 0.0

    def __init__(self, folder: Path, tz: tzinfo = UTC, stem: str = "relay") -> None:
        self.folder = Path(folder)
        self.tz = tz
        self.stem = re.sub(r"[^\w.-]+", "_", stem) or "relay"
        self.name = f"file:{self.folder}"
        self.path: Path | None = None
        self._format: tuple[int, int] = (44100, 1)
        self._file: BinaryIO | None = None
        self._written = 0
        self._aborted = False

    def open(self, rate: int, channels: int) -> None:
        self._aborted = False
        self._format = (rate, channels)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                _("Cannot create the output folder {folder}: {error}.").format(folder=self.folder, error=exc.strerror),
                _("Check [output] dir in config.toml and the folder's permissions."),
            ) from exc

    def begin(self, when: datetime) -> None:
        stamp = when.astimezone(self.tz).isoformat(timespec="seconds").replace(":", "-")
        path, n = self.folder / f"{stamp}_{self.stem}.wav", 2
        while path.exists():
            path, n = self.folder / f"{stamp}_{self.stem}-{n}.wav", n + 1
        self.path = path
        try:
            self._file = path.open("wb")
            self._file.write(self._header(0))
        except OSError as exc:
            raise self._write_error(path, exc) from exc

    @staticmethod
    def _write_error(path: Path | None, exc: OSError) -> OutputError:
        return OutputError(
            _("Cannot write {path}: {error}.").format(path=path, error=exc.strerror), _("Check free disk space.")
        )

    def _header(self, data_size: int) -> bytes:
        rate, channels = self._format
        return struct.pack(
            "<4sI4s4sIHHIIHH4sI",
            b"RIFF", 36 + data_size, b"WAVE", b"fmt ", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16,
            b"data", data_size,
        )  # fmt: skip

    def write(self, block: bytes) -> None:
        if self._file is None or self._aborted:
            return
        try:
            self._file.write(block)
        except OSError as exc:
            raise self._write_error(self.path, exc) from exc
        self._written += len(block)

    def finish(self) -> None:
        f, self._file = self._file, None
        if f is None:
            return
        try:
            f.seek(0)
            f.write(self._header(self._written))
        finally:
            f.close()
        log.info("wrote %s (%s)", self.path, "stopped" if self._aborted else "complete")

    def abort(self) -> None:
        self._aborted = True


def pcm_sink_for(output: Output, stem: str = "relay") -> PcmSink:
    """The sink that plays a relay where `output` plays bulletins: the same card and settings, or folder."""
    if isinstance(output, DeviceOutput):
        return PlayerSink(
            output.device,
            output.backend,
            latency_ms=output.latency_ms,
            lead_s=output.lead_s,
            start_offset_s=output.start_offset_s,
            ready_timeout_s=output.ready_timeout_s,
        )
    if isinstance(output, FileOutput):
        return WavSink(output.folder, output.tz, stem)
    raise TypeError(f"no relay sink for output {output.name}")
