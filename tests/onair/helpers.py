"""A real station in a tmp folder, and its daemon run as a real process, as a technician would.

Bulletins are kept short (chirp jingles of 0.4 s, a two-word ident and closing,
one short item) so a slot a few seconds ahead has aired a few seconds later.
The chirps also give the e2e tests a sharp mark for when a bulletin started.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

from broadcaster.media.pcm import pcm_sha256
from tests.audio_server import chirp, write_wav
from tests.conftest import REPO, StationCLI, write_config

if TYPE_CHECKING:
    from broadcaster.model import NewsItem
    from broadcaster.onair.airer import Airer
    from broadcaster.service.context import Station

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SHARED_CACHE: Path | None = None  # set by tests/onair/conftest.py
JINGLE_S = 0.4
SHIPPED = (REPO / "config.toml").read_text(encoding="utf-8")
# The shipped programme (06:00, 17:30, 18:00) would air in the middle of a test run at those hours.
PROGRAMME_MARK = "# the test's programme\n"
SHIPPED_SLOTS = SHIPPED[SHIPPED.index("[[slots]]") : SHIPPED.index("# Loudspeaker hours")]


def opening_jingle() -> np.ndarray:
    return chirp(JINGLE_S, 400.0, 3000.0)


def closing_jingle() -> np.ndarray:
    return chirp(JINGLE_S, 3000.0, 400.0)


@dataclass(frozen=True)
class Slot:
    name: str
    at: datetime  # aware UTC, whole second
    extra: str = ""  # more TOML for this slot, e.g. 'topics = ["y-nghia"]'

    @property
    def local(self) -> str:
        return self.at.astimezone(TZ).strftime("%H:%M:%S")

    def toml(self, max_minutes: float = 5) -> str:
        return f'[[slots]]\nname = "{self.name}"\ntime = "{self.local}"\nmax_minutes = {max_minutes}\n{self.extra}\n'


def slot_in(seconds: float, name: str = "Bản tin thử", extra: str = "") -> Slot:
    """A slot `seconds` from now, on a whole second (slot times are HH:MM:SS)."""
    at = datetime.fromtimestamp(math.ceil(time.time() + seconds), UTC)
    return Slot(name, at, extra)


def make_station(
    folder: Path,
    slots: Iterable[Slot] = (),
    *,
    grace_minutes: float = 15,
    hours: str = "[]",
    device: str | None = None,
    render_on_add: bool = False,
    db_url: str = "sqlite:///station.db",
) -> StationCLI:
    """An initialised station whose programme is `slots` (nothing else airs), file output unless `device`."""
    folder.mkdir(parents=True, exist_ok=True)
    jingles = folder / "jingles"
    jingles.mkdir(exist_ok=True)
    write_wav(jingles / "opening.wav", opening_jingle())
    write_wav(jingles / "closing.wav", closing_jingle())
    replace = {
        SHIPPED_SLOTS: PROGRAMME_MARK + "".join(s.toml() for s in slots) + "\n",
        'allowed = ["05:00-21:00"]': f"allowed = {hours}",
        "late_grace_minutes = 15 ": f"late_grace_minutes = {grace_minutes} ",
        'ident = "Đây là Đài Truyền thanh xã Sơn Kim 1, huyện Hương Sơn, tỉnh Hà Tĩnh."': 'ident = "Đài Sơn Kim."',
        'closing = "Đài Truyền thanh xã Sơn Kim 1 xin kết thúc buổi phát thanh. Xin cảm ơn bà con đã lắng nghe."': (
            'closing = "Xin cảm ơn."'
        ),
        'audio_dir = "data/audio"     #': 'jingles_dir = "jingles"\naudio_dir = "data/audio"     #',
        "pause_ms = 800 ": "pause_ms = 300 ",
    }
    if device is not None:
        replace['kind = "file"              #'] = 'kind = "device"            #'
        replace['device = "default"           #'] = f'device = "{device}"  #'
        replace['backend = "auto"             #'] = 'backend = "pulse"            #'
    cli = StationCLI(write_config(folder, db_url, replace=replace, render_on_add=render_on_add))
    if SHARED_CACHE is not None:
        shutil.copytree(SHARED_CACHE, folder / "data" / "audio" / "cache", dirs_exist_ok=True)
    cli.init()
    return cli


def render_all(cli: StationCLI) -> None:
    """`broadcaster render --all`, as the official runs it; the speech is kept for the next tests."""
    cli.ok("render", "--all")
    if SHARED_CACHE is not None:
        shutil.copytree(cli.config.parent / "data" / "audio" / "cache", SHARED_CACHE, dirs_exist_ok=True)


def set_programme(cli: StationCLI, slots: Iterable[Slot]) -> None:
    """Replace the station's slots (done after rendering, so slots can be a few seconds ahead)."""
    text = cli.config.read_text(encoding="utf-8")
    start = text.index(PROGRAMME_MARK) + len(PROGRAMME_MARK)
    end = text.index("# Loudspeaker hours")
    body = "".join(s.toml() for s in slots)
    cli.config.write_text(text[:start] + body + "\n" + text[end:], encoding="utf-8")


def add_news(cli: StationCLI, title: str = "Tin một cửa", text: str = "Làm việc thứ bảy.", *extra: str) -> int:
    return cli.add(title, "mot-cua", text, *extra)


@dataclass
class InProcess:
    """A station with one rendered item and an airer writing to files, all in this process."""

    cli: StationCLI
    station: Station
    item: NewsItem
    airer: Airer


def in_process_airer(tmp_path: Path, real_clock: bool = False) -> InProcess:
    """On the fake clock, through the fake output and amplifier: an airing takes no real time.
    `real_clock`: the system clock and the file output, for tests of threads racing in real time."""
    from broadcaster.clock import SystemClock
    from broadcaster.onair.airer import Airer
    from broadcaster.service.context import Station
    from broadcaster.service.programme import Programme
    from broadcaster.service.voicing import Voicing
    from broadcaster.sound.amplifier import NoAmplifier
    from broadcaster.sound.file_output import FileOutput
    from tests.fakes import FakeAmplifier, FakeClock, FakeOutput, ToneEngine

    cli = make_station(tmp_path)
    add_news(cli)
    clock = SystemClock() if real_clock else FakeClock(datetime.now(UTC))
    station = Station.open(cli.config, clock=clock)
    voicing = Voicing(station, engines=[ToneEngine()])
    [item] = Programme(station, voicing).live_items()
    voicing.prepare_all([item])
    voicing.station_lines()
    if isinstance(clock, FakeClock):
        airer = Airer(station, voicing, FakeOutput(clock), FakeAmplifier())  # type: ignore[arg-type]
    else:
        airer = Airer(station, voicing, FileOutput(tmp_path / "aired", clock, tz=TZ), NoAmplifier())
    return InProcess(cli, station, item, airer)


def airing_log(cli: StationCLI) -> list[dict[str, Any]]:
    return list(json.loads(cli.ok("log", "--json")))


def item_json(cli: StationCLI, item_id: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("news", "show", str(item_id), "--json")))


def when(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text)


def broadcaster_command() -> list[str]:
    script = Path(sys.executable).with_name("broadcaster")
    return [str(script)] if script.exists() else [sys.executable, "-m", "broadcaster"]


class DaemonProcess:
    """`broadcaster run` as its own process, exactly as systemd would start it."""

    def __init__(self, cli: StationCLI, run_for: float | None = None, log_dir: Path | None = None) -> None:
        self.cli = cli
        self.stderr_path = (log_dir or cli.config.parent) / f"daemon-{time.monotonic_ns()}.log"
        args = [*broadcaster_command(), "--config", str(cli.config), "-v", "run"]
        if run_for is not None:
            args += ["--for", str(run_for)]
        self._stderr = self.stderr_path.open("wb")
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL, env={**os.environ}
        )

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def wait_started(self, timeout: float = 20) -> None:
        """Until the daemon has rebuilt its jobs (after recovery and catch-up)."""
        self.wait_for(lambda: "daemon started for" in self.stderr, timeout, "the daemon to start")

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.proc.poll() is not None and not condition():
                raise AssertionError(f"daemon exited ({self.proc.returncode}) waiting for {what}:\n{self.stderr}")
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}:\n{self.stderr[-4000:]}")

    def wait_record(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float, what: str = "a log record"
    ) -> dict[str, Any]:
        found: list[dict[str, Any]] = []

        def check() -> bool:
            found[:] = [r for r in airing_log(self.cli) if predicate(r)]
            return bool(found)

        self.wait_for(check, timeout, what)
        return found[0]

    def wait_on_air(self, timeout: float = 15) -> None:
        """Until `broadcaster status` shows sound on air (started_at written)."""

        def on_air() -> bool:
            data = json.loads(self.cli.ok("status", "--json"))
            return any(a["started_at"] for a in data["on_air"])

        self.wait_for(on_air, timeout, "sound on air")

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def use_programme(self, slots: list[Slot]) -> None:
        """The running daemon airs `slots` (config written, SIGHUP), as a technician's edit would do.
        Slots a few seconds ahead are set this way once the daemon is up: a daemon starting slowly on
        a loaded machine would otherwise start after them and air them late, as the catch-up does."""
        reloads = self.stderr.count("config reloaded")
        set_programme(self.cli, slots)
        self.signal(signal.SIGHUP)
        self.wait_for(lambda: self.stderr.count("config reloaded") > reloads, 10, "the new programme")

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM and wait: the clean way a station is stopped."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill9(self) -> None:
        self.proc.kill()
        self.wait(10)

    def wait(self, timeout: float = 15) -> int:
        try:
            code = self.proc.wait(timeout)
        finally:
            self._stderr.close()
            if self.proc.stdout is not None:
                self.proc.stdout.close()
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.wait(10)


def aired_files(cli: StationCLI) -> list[Path]:
    return sorted((cli.config.parent / "aired").glob("*.wav"))


def bulletin_file(cli: StationCLI, record: dict[str, Any]) -> Path:
    """The bulletin the record aired, rebuilt from the station's rendered speech into one WAV
    (the daemon plays bulletins from their parts and writes none)."""
    from broadcaster.service.context import Station
    from broadcaster.service.voicing import Voicing
    from broadcaster.sound.stream import BulletinStream
    from broadcaster.store import news as news_store

    station = Station.open(cli.config)
    try:
        speech = Voicing(station)
        with station.db.session() as session:
            items = [news_store.to_item(news_store.get_row(session, i["item_id"])) for i in record["items"]]
        speeches = [speech.audio_for(item) for item in items]
        assert all(speeches), "an item of the record has no cached speech"
        parts = speech.bulletin_parts([s for s in speeches if s], speech.station_lines(render_missing=False))
        stream = BulletinStream.from_parts(parts, station.config.mastering.pause_ms, speech.mastering.sample_rate)
        path = cli.config.parent / f"expected-{record['id']}.wav"
        stream.write_wav(path)
        return path
    finally:
        station.db.dispose()


def sha256_of_pcm(path: Path) -> str:
    return pcm_sha256(path)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seconds_between(a: datetime, b: datetime) -> float:
    return (a - b).total_seconds()


def later(moment: datetime, seconds: float) -> datetime:
    return moment + timedelta(seconds=seconds)


def sleep_until(moment: datetime) -> None:
    remaining = (moment - datetime.now(UTC)).total_seconds()
    if remaining > 0:
        time.sleep(remaining)
