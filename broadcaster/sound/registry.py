"""The station's sound output and amplifier, built from config."""

from __future__ import annotations

from pathlib import Path

from broadcaster.service.context import Station
from broadcaster.sound.amplifier import Amplifier, CommandAmplifier, NoAmplifier
from broadcaster.sound.devices import pulse_reachable
from broadcaster.sound.file_output import FileOutput
from broadcaster.sound.outputs import DeviceOutput, Output


def make_output(station: Station, kind: str | None = None) -> Output:
    config = station.config
    if (kind or config.output.kind) == "file":
        return FileOutput(config.output_dir, station.clock, tz=config.tz)
    return DeviceOutput(
        config.output.device,
        config.output.backend,  # type: ignore[arg-type]
        station.clock,
        latency_ms=config.output.latency_ms,
        start_offset_s=config.output.start_offset_ms / 1000,
    )


def make_amplifier(station: Station) -> Amplifier:
    amp = station.config.amplifier
    if not amp.on_command and not amp.off_command:
        return NoAmplifier()
    return CommandAmplifier(amp.on_command, amp.off_command, amp.warmup_seconds, amp.timeout_seconds)


def make_equipment(station: Station) -> tuple[Output, Amplifier]:
    return make_output(station), make_amplifier(station)


def sound_card_available() -> bool:
    """Whether a sound server or an ALSA card is there to play to (the demo falls back to files otherwise)."""
    if pulse_reachable():
        return True
    cards = Path("/proc/asound/cards")
    return cards.exists() and "no soundcards" not in cards.read_text(errors="replace")
