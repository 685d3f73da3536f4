"""Sound devices: which exist, whether one can be opened, and how to play to it.

Two ways to reach a sound card: PulseAudio/PipeWire (`pacat`, from
pulseaudio-utils) and plain ALSA (`aplay`, from alsa-utils). Both take raw
16-bit PCM on stdin, so one player process can be started ahead of air time
and fed the bulletin at the exact second.
"""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from typing import Literal

from broadcaster.errors import OutputError
from broadcaster.i18n import N_, _

log = logging.getLogger(__name__)

Backend = Literal["pulse", "alsa", "auto"]
ResolvedBackend = Literal["pulse", "alsa"]

# `device = "default"` in config.toml means the system's default output on either backend.
DEFAULT_DEVICE = "default"

PACKAGE_OF = {"pacat": "pulseaudio-utils", "pactl": "pulseaudio-utils", "aplay": "alsa-utils"}
DEVICES_HINT = N_("Check [output] device in config.toml; run `broadcaster devices` to see the sound devices.")


@dataclass(frozen=True)
class Device:
    name: str  # what goes into [output] device
    description: str
    backend: ResolvedBackend


def _run(command: list[str], timeout: float = 5.0) -> subprocess.CompletedProcess[str] | None:
    """Runs a short query; None when the program is missing or hangs."""
    if shutil.which(command[0]) is None:
        return None
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("%s failed: %s", command[0], exc)
        return None


def pulse_reachable() -> bool:
    """True when a PulseAudio (or PipeWire-pulse) server answers."""
    result = _run(["pactl", "info"])
    return result is not None and result.returncode == 0


def resolve_backend(backend: Backend) -> ResolvedBackend:
    """`auto` prefers the sound server when one runs: it shares the card with other programs."""
    if backend == "auto":
        return "pulse" if pulse_reachable() else "alsa"
    return backend


def pulse_sinks() -> list[Device]:
    result = _run(["pactl", "--format=json", "list", "sinks"])
    if result is not None and result.returncode == 0:
        try:
            sinks = json.loads(result.stdout)
            return [Device(s["name"], s.get("description") or s["name"], "pulse") for s in sinks]
        except (ValueError, KeyError, TypeError):
            log.debug("pactl JSON output not understood; falling back to the short list")
    result = _run(["pactl", "list", "short", "sinks"])
    if result is None or result.returncode != 0:
        return []
    devices = []
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2:
            devices.append(Device(fields[1], fields[2] if len(fields) > 2 else fields[1], "pulse"))
    return devices


def alsa_devices() -> list[Device]:
    """`aplay -L`: a name at the start of a line, its description indented below."""
    result = _run(["aplay", "-L"])
    if result is None or result.returncode != 0:
        return []
    devices: list[Device] = []
    name: str | None = None
    description: list[str] = []
    for line in result.stdout.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            if name is not None:
                devices.append(Device(name, " ".join(description) or name, "alsa"))
            name, description = line.strip(), []
        else:
            description.append(line.strip())
    if name is not None:
        devices.append(Device(name, " ".join(description) or name, "alsa"))
    return devices


def list_devices() -> list[Device]:
    """Every output the station could use: sound-server sinks first, then ALSA devices."""
    return pulse_sinks() + alsa_devices()


def player_command(backend: ResolvedBackend, device: str, rate: int, channels: int, latency_ms: int) -> list[str]:
    """A player reading raw 16-bit little-endian PCM from stdin, announcing on stderr when open."""
    if backend == "pulse":
        command = [
            "pacat",
            "--playback",
            "--verbose",
            "--raw",
            "--format=s16le",
            f"--rate={rate}",
            f"--channels={channels}",
            f"--latency-msec={latency_ms}",
            "--client-name=broadcaster",
            "--stream-name=bulletin",
        ]
        if device and device != DEFAULT_DEVICE:
            command.insert(1, f"--device={device}")
        return command
    # aplay only starts once its buffer is full: keep the buffer small so the
    # pre-buffer we write at air time is enough to start it at once.
    return [
        "aplay",
        "-D",
        device or DEFAULT_DEVICE,
        "-t",
        "raw",
        "-f",
        "S16_LE",
        "-r",
        str(rate),
        "-c",
        str(channels),
        f"--buffer-time={latency_ms * 1000}",
    ]


# Printed by each player once the device is open and waiting for sound.
READY_MARKER: dict[ResolvedBackend, str] = {"pulse": "Connected to device", "alsa": "Playing raw data"}


def explain_player_failure(backend: ResolvedBackend, device: str, stderr: str) -> tuple[str, str]:
    """(message, hint) for a player that exited; plain words for the culture official."""
    text = stderr.strip().splitlines()
    detail = text[-1].strip() if text else _("no message")
    lowered = stderr.lower()
    if backend == "pulse":
        if "no such entity" in lowered:
            return (
                _("Sound device '{device}' was not found by PulseAudio ({detail}).").format(
                    device=device, detail=detail
                ),
                _(DEVICES_HINT),
            )
        if "connection refused" in lowered or "connection failure" in lowered or "access denied" in lowered:
            return (
                _("Cannot reach the PulseAudio sound server to play on '{device}' ({detail}).").format(
                    device=device, detail=detail
                ),
                _(
                    "Is PulseAudio/PipeWire running for this user? Try `pactl info`, "
                    'or set [output] backend = "alsa" in config.toml.'
                ),
            )
    elif "unknown pcm" in lowered or "no such file" in lowered or "no such device" in lowered:
        return (
            _("Sound device '{device}' was not found by ALSA ({detail}).").format(device=device, detail=detail),
            _(DEVICES_HINT),
        )
    elif "busy" in lowered:
        return (
            _("Sound device '{device}' is in use by another program ({detail}).").format(device=device, detail=detail),
            _("Close the other program, or use the PulseAudio backend to share the card."),
        )
    return (
        _("Playing on sound device '{device}' failed: {detail}").format(device=device, detail=detail),
        _(DEVICES_HINT),
    )


class Player:
    """One player process, started ahead of air time, its stdin open and waiting for sound."""

    def __init__(self, command: list[str], backend: ResolvedBackend, device: str, key: tuple[int, int]) -> None:
        self.backend, self.device, self.key = backend, device, key
        self.ready = threading.Event()
        self.doomed = False
        self._stderr: list[str] = []
        try:
            self.proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except FileNotFoundError as exc:
            package = PACKAGE_OF.get(command[0], command[0])
            raise OutputError(
                _("Cannot play sound: {command} is not installed.").format(command=command[0]),
                _("Is {package} installed? apt-get install {package}").format(package=package),
            ) from exc
        except OSError as exc:
            raise OutputError(
                _("Cannot start the sound player {command}: {strerror}.").format(
                    command=command[0], strerror=exc.strerror
                )
            ) from exc
        self._reader = threading.Thread(target=self._read_stderr, name="player-stderr", daemon=True)
        self._reader.start()

    def _read_stderr(self) -> None:
        stream = self.proc.stderr
        assert isinstance(stream, io.BufferedReader)
        marker = READY_MARKER[self.backend]
        pending = ""
        while True:
            block = stream.read1(4096)
            if not block:
                break
            pending += block.decode(errors="replace")
            *lines, pending = re.split(r"[\r\n]", pending)
            for line in lines:
                if marker in line:
                    self.ready.set()
                # pacat --verbose prints a time line every second: keep only lines worth reporting
                if line.strip() and not line.lstrip("\x1b[K").startswith("Time:"):
                    self._stderr = [*self._stderr[-20:], line]
        if pending.strip():
            self._stderr.append(pending)

    @property
    def stderr(self) -> str:
        return "\n".join(self._stderr)

    def alive(self) -> bool:
        return not self.doomed and self.proc.poll() is None

    def interrupt(self) -> None:
        """Kills it from another thread without waiting; it is never reused."""
        self.doomed = True
        if self.proc.poll() is None:
            self.proc.kill()

    def wait_ready(self, timeout: float) -> None:
        """Raises OutputError if the device did not open."""
        deadline_step = 0.01
        waited = 0.0
        while not self.ready.wait(deadline_step):
            waited += deadline_step
            if self.proc.poll() is not None:
                self._reader.join(1.0)
                if self.ready.is_set():
                    break
                raise self.failure()
            if waited >= timeout:
                self.kill()
                raise OutputError(
                    _("Sound device '{device}' did not open within {timeout:g} s.").format(
                        device=self.device, timeout=timeout
                    ),
                    _("Check the sound card and [output] device in config.toml; run `broadcaster devices`."),
                )

    def failure(self) -> OutputError:
        self._reader.join(1.0)
        message, hint = explain_player_failure(self.backend, self.device, self.stderr)
        return OutputError(message, hint)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass


def check_device(device: str, backend: Backend) -> str | None:
    """None when the device exists and opens; otherwise the problem and the command that fixes it."""
    resolved = resolve_backend(backend)
    program = "pacat" if resolved == "pulse" else "aplay"
    if shutil.which(program) is None:
        return _("{program} is not installed. Fix: apt-get install {package}").format(
            program=program, package=PACKAGE_OF[program]
        )
    if resolved == "pulse" and not pulse_reachable():
        return _(
            "The PulseAudio sound server is not running or not reachable. "
            'Fix: start it (`pulseaudio --start`), or set [output] backend = "alsa" in config.toml.'
        )
    if resolved == "pulse" and device != DEFAULT_DEVICE:
        names = [d.name for d in pulse_sinks()]
        if device not in names:
            return _(
                "No PulseAudio sound device named '{device}'. Available: {names}. "
                "Fix: set [output] device in config.toml to one of them."
            ).format(device=device, names=", ".join(names) or _("none"))
    # Open it for real with no sound: the same program and flags that will air the bulletins.
    command = player_command(resolved, device, 44100, 1, 100)
    try:
        result = subprocess.run(command, input=b"", capture_output=True, timeout=10, check=False)
    except subprocess.TimeoutExpired:
        return _("Sound device '{device}' did not open within 10 s ({resolved}). Fix: check the sound card.").format(
            device=device, resolved=resolved
        )
    if result.returncode != 0:
        message, hint = explain_player_failure(resolved, device, result.stderr.decode(errors="replace"))
        return f"{message} {hint}"
    return None
