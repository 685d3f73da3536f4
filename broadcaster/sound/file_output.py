"""The dry-run output: each bulletin written to a folder as the WAV the amplifier would have heard."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from broadcaster.clock import Clock, SystemClock
from broadcaster.errors import OutputError
from broadcaster.i18n import _
from broadcaster.media.pcm import patch_sizes, wav_header
from broadcaster.sound.outputs import Playable, PlaybackResult, StopAwareWait, StoppableOutput, as_source
from broadcaster.sound.stream import WavSource

log = logging.getLogger(__name__)


class FileOutput(StoppableOutput):
    """Writes exactly what would have aired, one WAV per airing, named by its start time.

    With `realtime` the file grows at the speed sound would play and start_at
    is waited for, so dry runs keep the station's timing and stop() truncates
    the file where the horns would have gone quiet.
    """

    def __init__(
        self,
        folder: Path,
        clock: Clock | None = None,
        *,
        tz: tzinfo = UTC,
        realtime: bool = True,
        chunk_s: float = 0.05,
    ) -> None:
        self.folder = Path(folder)
        self.clock: Clock = clock or SystemClock()
        self.tz = tz
        self.realtime = realtime
        self.chunk_s = chunk_s
        self.name = f"file:{self.folder}"
        self._stopped = threading.Event()

    def prepare(self, audio: Playable) -> None:
        as_source(audio)
        self._make_folder()
        self._arm()

    def _make_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                _("Cannot create the output folder {folder}: {strerror}.").format(
                    folder=self.folder, strerror=exc.strerror
                ),
                _("Check [output] dir in config.toml and the folder's permissions."),
            ) from exc

    def path_for(self, name: str, when: datetime) -> Path:
        stamp = when.astimezone(self.tz).isoformat(timespec="seconds").replace(":", "-")
        stem = re.sub(r"[^\w.-]+", "_", name)
        path = self.folder / f"{stamp}_{stem}.wav"
        n = 2
        while path.exists():
            path = self.folder / f"{stamp}_{stem}-{n}.wav"
            n += 1
        return path

    def play(
        self, audio: Playable, start_at: datetime | None, on_started: Callable[[datetime], None] | None = None
    ) -> PlaybackResult:
        source = as_source(audio)
        if not self._take_arming():
            now = self.clock.now()
            return PlaybackResult(now, now, False, 0.0, hashlib.sha256().hexdigest())
        self._make_folder()
        waiter = StopAwareWait(self.clock, self._stopped)
        digest = hashlib.sha256()
        if self.realtime and not waiter.until(start_at):
            now = self.clock.now()
            return PlaybackResult(now, now, False, 0.0, digest.hexdigest())
        started_at = self.clock.now()
        target = self.path_for(_name_of(audio), start_at or started_at)
        bytes_per_s = source.rate * 2 * source.channels
        t0 = self.clock.monotonic()
        written = 0
        completed = True
        header = source.header if isinstance(source, WavSource) else wav_header(source.rate, source.channels)
        try:
            with target.open("wb") as out:
                out.write(header)
                if on_started is not None:
                    on_started(started_at)
                for block in source.chunks(max(1, round(source.rate * self.chunk_s))):
                    if self.realtime and not waiter.until_monotonic(t0 + written / bytes_per_s):
                        completed = False
                        break
                    if self._stopped.is_set():
                        completed = False
                        break
                    out.write(block)
                    digest.update(block)
                    written += len(block)
                patch_sizes(out, len(header), written)
        except OSError as exc:
            raise OutputError(
                _("Cannot write {target}: {strerror}.").format(target=target, strerror=exc.strerror),
                _(_("Check free disk space and [output] dir in config.toml.")),
            ) from exc
        log.info("wrote %s (%s)", target, "complete" if completed else "stopped")
        return PlaybackResult(
            started_at, self.clock.now(), completed, round(written / bytes_per_s, 3), digest.hexdigest()
        )

    def stop(self) -> None:
        self._stopped.set()


def _name_of(audio: Playable) -> str:
    return audio.stem if isinstance(audio, Path) else str(getattr(audio, "name", "bulletin"))
