"""A real Icecast server on loopback, and ffmpeg source clients the tests can kill, freeze and restart.

The server is Debian's icecast2, started by scripts/start-icecast.sh. When
scripts/test.sh (or .ci/run) has started one and exported
BROADCASTER_ICECAST_URL/BROADCASTER_ICECAST_PASSWORD, the tests use it;
otherwise the `icecast` fixture starts a private one in a tmp folder on a free
port, as a child of the test run, and stops it at the end. Without icecast2
the tests that need it skip and say how to get it.

Each test streams to mounts of its own (`/<test>-<n>.mp3`), so tests sharing a
server never hear each other.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO


@dataclass
class Icecast:
    url: str  # http://127.0.0.1:PORT
    password: str
    pid_file: Path | None = None  # set when this test run started it

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/status-json.xsl", timeout=2):
                return True
        except (OSError, urllib.error.URLError):
            return False

    def mount_live(self, mount: str) -> bool:
        """True when a source is streaming to `mount` (its listener URL answers 200)."""
        try:
            with urllib.request.urlopen(self.url + mount, timeout=2) as response:
                return bool(response.status == 200 and response.read(1024))
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        if self.pid_file is None or not self.pid_file.exists():
            return
        pid = int(self.pid_file.read_text().strip())
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_icecast(folder: Path) -> Icecast:
    """The server scripts/test.sh started, or a private one in `folder`. Raises RuntimeError when it cannot run."""
    url, password = os.environ.get("BROADCASTER_ICECAST_URL"), os.environ.get("BROADCASTER_ICECAST_PASSWORD")
    if url and password:
        shared = Icecast(url, password)
        if shared.answers():
            return shared
    env = {**os.environ, "BROADCASTER_ICECAST_DIR": str(folder), "BROADCASTER_ICECAST_PORT": str(_free_port())}
    try:
        started = subprocess.run(
            ["sh", str(REPO / "scripts" / "start-icecast.sh")], env=env, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"scripts/start-icecast.sh did not run: {exc}") from exc
    exports = dict(re.findall(r"^export (\w+)=(\S+)$", started.stdout, flags=re.M))
    if started.returncode != 0 or "BROADCASTER_ICECAST_URL" not in exports:
        raise RuntimeError(started.stderr.strip() or "scripts/start-icecast.sh failed")
    return Icecast(exports["BROADCASTER_ICECAST_URL"], exports["BROADCASTER_ICECAST_PASSWORD"], folder / "icecast.pid")


@pytest.fixture(scope="session")
def icecast() -> Iterator[Icecast]:
    # not under pytest's tmp folder: run as root, icecast becomes the icecast2 user, who could not enter it
    folder = Path(tempfile.mkdtemp(prefix="broadcaster-icecast-"))
    folder.chmod(0o755)
    try:
        server = start_icecast(folder)
    except RuntimeError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(
            f"no Icecast streaming server ({exc}): apt-get install icecast2, then run the suite "
            'through scripts/test.sh or eval "$(scripts/start-icecast.sh)"'
        )
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- sources


class Source:
    """ffmpeg sending `inputs` (ffmpeg input arguments) as MP3 to a mount, paced in real time."""

    def __init__(self, server: Icecast, mount: str, inputs: list[str], bitrate: str = "64k") -> None:
        self.server, self.mount, self.inputs, self.bitrate = server, mount, inputs, bitrate
        self.url = server.url + mount
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 10.0) -> Source:
        """Returns once listeners can hear it."""
        target = self.server.url.replace("http://", f"icecast://source:{self.server.password}@") + self.mount
        self.proc = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re", *self.inputs,
             "-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", self.bitrate,
             "-content_type", "audio/mpeg", "-f", "mp3", target],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while not self.server.mount_live(self.mount):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                self.kill()
                raise RuntimeError(f"the source for {self.mount} did not go live: {err}")
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        """The source dies (a crash, a power cut at the district): Icecast drops the mount at once."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            if self.proc.stderr is not None:
                self.proc.stderr.close()
            self.proc = None

    def freeze(self) -> None:
        """The source hangs without disconnecting: listeners get no more bytes (a stall)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)


def tone_inputs(freq: float, amplitude: float = 0.5) -> list[str]:
    return ["-f", "lavfi", "-i", f"aevalsrc={amplitude}*sin(2*PI*{freq}*t):s=44100"]


def silence_inputs() -> list[str]:
    return ["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono"]


def looped_file_inputs(path: Path) -> list[str]:
    return ["-stream_loop", "-1", "-i", str(path)]


class Sources:
    """Makes sources on mounts named after the test; kills them all when the test ends."""

    def __init__(self, server: Icecast, name: str) -> None:
        self.server = server
        self.name = re.sub(r"[^a-z0-9]+", "-", name.lower())[:40]
        self._count = itertools.count(1)
        self.made: list[Source] = []

    def mount(self) -> str:
        return f"/{self.name}-{os.getpid()}-{next(self._count)}.mp3"

    def source(self, inputs: list[str], mount: str | None = None) -> Source:
        source = Source(self.server, mount or self.mount(), inputs)
        self.made.append(source)
        return source

    def close(self) -> None:
        for source in self.made:
            if source.proc is not None:
                try:
                    source.thaw()
                except (AssertionError, ProcessLookupError):
                    pass
            source.kill()


@pytest.fixture
def sources(icecast: Icecast, request: pytest.FixtureRequest) -> Iterator[Sources]:
    made = Sources(icecast, request.node.name)
    try:
        yield made
    finally:
        made.close()
