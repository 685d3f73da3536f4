"""One daemon per station: an exclusive lock on a file in the station's data folder."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from broadcaster.errors import AlreadyRunningError


class StationLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, what: str = "broadcaster run") -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            pid = holder_pid(self.path)
            raise AlreadyRunningError(
                f"This station is already on air: another broadcaster daemon (pid {pid or '?'}) holds {self.path}.",
                "Stop it first (systemctl stop broadcaster, or kill that pid); only one may run per station.",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {what}\n".encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> StationLock:
        self.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def holder_pid(path: Path) -> int | None:
    """The pid of the process holding the lock, or None when nobody holds it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = path.read_text(encoding="utf-8", errors="replace").split()
            return int(text[0]) if text and text[0].isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
