"""config.toml -> frozen dataclasses.

Every problem in the file is collected and reported at once ("did you mean"),
and only the CLI decides to exit. Relative paths resolve against the folder of
the config file, never the working directory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import time as TimeOfDay
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadcaster import limits
from broadcaster.config_rules import (
    WEEKDAYS,
    database_problem,
    did_you_mean,
    engine_url,
    lint,
    parse_time,
    parse_window,
    ranged,
    sized,
    slot_problems,
)
from broadcaster.config_toml import as_dict, read_section, to_toml
from broadcaster.errors import ConfigError

__all__ = [
    "WEEKDAYS",
    "Config",
    "ConfigError",
    "as_dict",
    "lint",
    "load_config",
    "parse_config",
    "parse_time",
    "parse_window",
    "to_toml",
]

ENV_VAR = "BROADCASTER_CONFIG"
ENGINES = ("gtts", "espeak")
PRIORITIES = ("normal", "priority", "emergency")
TARGET_KINDS = ("minutes", "segments", "topic_coverage")
TARGET_PERIODS = ("week", "month", "quarter", "year")
LANGUAGES = ("vi", "en")  # the catalogs in broadcaster/locale


@dataclass(frozen=True)
class StationConfig:
    name: str = "Đài Truyền thanh xã"
    commune: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    database: str = "sqlite:///station.db"
    data_dir: str = "data"
    audio_dir: str = "data/audio"
    jingles_dir: str = ""
    require_approval: bool = False
    ident: str = ""
    closing: str = ""
    language: str = "vi"  # of the web console; the CLI too unless BROADCASTER_LANG says otherwise


@dataclass(frozen=True)
class TopicConfig:
    code: str = sized(max_chars=limits.TOPIC_CODE_MAX_CHARS)
    name: str = sized(max_chars=500)


@dataclass(frozen=True)
class SlotConfig:
    name: str  # at most limits.SLOT_NAME_MAX_CHARS: checked with the other slot rules
    time: str
    days: list[str] = field(default_factory=lambda: list(WEEKDAYS))
    max_minutes: float = ranged(30.0, 0, 240, above=True, unit="minutes")
    topics: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)

    @property
    def start(self) -> TimeOfDay:
        return parse_time(self.time)


@dataclass(frozen=True)
class BroadcastHoursConfig:
    # "HH:MM-HH:MM" windows in station time; empty means no limit.
    allowed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SpeechConfig:
    engine: str = "gtts"
    fallback: list[str] = field(default_factory=lambda: ["espeak"])
    espeak_voice: str = "vi"
    espeak_speed: int = ranged(150, 80, 450, unit="words per minute")
    gtts_tld: str = "com.vn"
    gtts_timeout_seconds: float = ranged(10.0, 0, 120, above=True, unit="seconds")
    gtts_retries: int = ranged(3, 1, 10, unit="tries, the first one included")
    # at air time only speech rendered ahead is used: at least an hour ahead
    render_ahead_hours: float = ranged(48.0, 1, 24 * 31, unit="hours")
    render_on_add: bool = True
    abbreviations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MasteringConfig:
    highpass_hz: float = ranged(200.0, 20, 1000, unit="Hz")
    compressor_threshold_db: float = ranged(-20.0, -60, 0, unit="dB")
    compressor_ratio: float = ranged(3.0, 1, 20, unit="1 is no compression")
    # ffmpeg's loudnorm takes -70..-5 LUFS and -9..0 dBTP; a loudspeaker station wants -23..-10
    loudness_lufs: float = ranged(-16.0, -36, -5, unit="LUFS, e.g. -16")
    true_peak_dbtp: float = ranged(-1.5, -9, 0, unit="dBTP, e.g. -1.5")
    tempo: float = ranged(0.92, 0.5, 2.0, unit="0.92 is a little slower")
    sample_rate: int = 44100
    trim_silence: bool = True
    pause_ms: int = ranged(800, 0, 10_000, unit="milliseconds")


@dataclass(frozen=True)
class OutputConfig:
    kind: str = "device"
    device: str = "default"
    backend: str = "auto"
    dir: str = "aired"
    latency_ms: int = ranged(200, 20, 2000, unit="milliseconds of buffer")
    start_offset_ms: float = ranged(0.0, 0, 10_000, unit="milliseconds")


@dataclass(frozen=True)
class AmplifierConfig:
    on_command: list[str] = field(default_factory=list)
    off_command: list[str] = field(default_factory=list)
    warmup_seconds: float = ranged(0.0, 0, 300, unit="seconds")
    timeout_seconds: float = ranged(10.0, 0, 300, above=True, unit="seconds")


@dataclass(frozen=True)
class DaemonConfig:
    late_grace_minutes: float = ranged(15.0, 0, 24 * 60, unit="minutes")
    # a rebuild every few seconds would keep the daemon busy; none at all would never see config changes
    rebuild_minutes: float = ranged(5.0, 0.5, 24 * 60, unit="minutes")
    emergency_poll_seconds: float = ranged(1.0, 0.2, 60, unit="seconds")


@dataclass(frozen=True)
class TargetConfig:
    name: str
    kind: str
    value: float = ranged(low=0, high=1_000_000, above=True)
    per: str = "month"
    topic: str = ""


@dataclass(frozen=True)
class ReportConfig:
    governing_body: str = ""
    issuing_body: str = ""
    place: str = ""
    signer_title: str = "CHỦ TỊCH"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WebConfig:
    """The web console (`broadcaster web`)."""

    host: str = "127.0.0.1"  # localhost only; "0.0.0.0" opens it to the commune's LAN
    port: int = 8080
    upload_limit_mb: float = 20.0
    session_hours: float = 12.0  # a login lasts this long without use
    secret_file: str = ""  # signs the session cookies; empty: <data_dir>/web-secret (created once, mode 0600)


@dataclass(frozen=True)
class Config:
    path: Path
    station: StationConfig
    topics: list[TopicConfig]
    slots: list[SlotConfig]
    broadcast_hours: BroadcastHoursConfig
    speech: SpeechConfig
    mastering: MasteringConfig
    output: OutputConfig
    amplifier: AmplifierConfig
    daemon: DaemonConfig
    targets: list[TargetConfig]
    report: ReportConfig
    web: WebConfig = field(default_factory=WebConfig)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.station.timezone)

    def resolve(self, relative: str) -> Path:
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.folder / candidate

    @property
    def database_url(self) -> str:
        """The URL to open: SQLite paths are relative to the config file's folder."""
        return engine_url(self.station.database, lambda path: str(self.resolve(path)))

    @property
    def data_dir(self) -> Path:
        return self.resolve(self.station.data_dir)

    @property
    def audio_dir(self) -> Path:
        return self.resolve(self.station.audio_dir)

    @property
    def output_dir(self) -> Path:
        return self.resolve(self.output.dir)

    @property
    def web_secret_path(self) -> Path:
        return self.resolve(self.web.secret_file) if self.web.secret_file else self.data_dir / "web-secret"

    def topic_names(self) -> dict[str, str]:
        return {t.code: t.name for t in self.topics}

    @property
    def ident_text(self) -> str:
        return self.station.ident or f"Đây là {self.station.name}."

    @property
    def closing_text(self) -> str:
        return (
            self.station.closing or f"{self.station.name} xin kết thúc buổi phát thanh. Xin cảm ơn quý vị đã lắng nghe."
        )


def default_config_path() -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path("config.toml")


# ---------------------------------------------------------------- loading

_SECTIONS: dict[str, Any] = {
    "station": StationConfig,
    "topics": list[TopicConfig],
    "slots": list[SlotConfig],
    "broadcast_hours": BroadcastHoursConfig,
    "speech": SpeechConfig,
    "mastering": MasteringConfig,
    "output": OutputConfig,
    "amplifier": AmplifierConfig,
    "daemon": DaemonConfig,
    "targets": list[TargetConfig],
    "report": ReportConfig,
    "web": WebConfig,
}


def _cross_check(cfg: dict[str, Any], problems: list[str]) -> None:
    station: StationConfig = cfg["station"]
    database = database_problem(station.database)
    if database:
        problems.append(database)
    try:
        ZoneInfo(station.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"station.timezone: '{station.timezone}' is not a known time zone; use e.g. \"Asia/Ho_Chi_Minh\""
        )
    topics: list[TopicConfig] = [t for t in cfg["topics"] if t is not None]
    codes = [t.code for t in topics]
    if not cfg["topics"]:
        problems.append("topics: no [[topics]] defined; add the plan's content topics")
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"topics: code '{dup}' is used more than once")

    def check_topic(code: str, where: str) -> None:
        if code not in codes:
            problems.append(f"{where}: unknown topic code '{code}'.{did_you_mean(code, codes)}")

    slot_names = [s.name for s in cfg["slots"] if s is not None]
    for dup in sorted({n for n in slot_names if slot_names.count(n) > 1}):
        problems.append(f"slots: name '{dup}' is used more than once")
    for i, slot in enumerate(cfg["slots"], start=1):
        if slot is None:
            continue
        where = f"slots[{i}]"
        try:
            parse_time(slot.time)
        except ValueError as exc:
            problems.append(f"{where}.time: {exc}")
        for day in slot.days:
            if day not in WEEKDAYS:
                problems.append(f"{where}.days: unknown day '{day}'.{did_you_mean(day, WEEKDAYS)}")
        for code in slot.topics:
            check_topic(code, f"{where}.topics")
        for prio in slot.priorities:
            if prio not in PRIORITIES:
                problems.append(f"{where}.priorities: unknown priority '{prio}'.{did_you_mean(prio, PRIORITIES)}")
    problems += slot_problems(cfg["slots"])
    for window in cfg["broadcast_hours"].allowed:
        try:
            parse_window(window)
        except ValueError as exc:
            problems.append(f"broadcast_hours.allowed: {exc}")
    speech: SpeechConfig = cfg["speech"]
    for engine in [speech.engine, *speech.fallback]:
        if engine not in ENGINES:
            problems.append(f"speech: unknown engine '{engine}'.{did_you_mean(engine, ENGINES)} Known: gtts, espeak")
    mastering: MasteringConfig = cfg["mastering"]
    if mastering.sample_rate not in (16000, 22050, 24000, 32000, 44100, 48000):
        problems.append("mastering.sample_rate: use 16000, 22050, 24000, 32000, 44100 or 48000")
    output: OutputConfig = cfg["output"]
    if output.kind not in ("device", "file"):
        problems.append(f'output.kind: must be "device" or "file", not \'{output.kind}\'')
    if output.backend not in ("auto", "pulse", "alsa"):
        problems.append(f'output.backend: must be "auto", "pulse" or "alsa", not \'{output.backend}\'')
    for i, target in enumerate(cfg["targets"], start=1):
        if target is None:
            continue
        where = f"targets[{i}]"
        if target.kind not in TARGET_KINDS:
            problems.append(f"{where}.kind: unknown kind '{target.kind}'.{did_you_mean(target.kind, TARGET_KINDS)}")
        if target.per not in TARGET_PERIODS:
            problems.append(f"{where}.per: unknown period '{target.per}'.{did_you_mean(target.per, TARGET_PERIODS)}")
        if target.topic:
            check_topic(target.topic, f"{where}.topic")


def _check_web(cfg: dict[str, Any], problems: list[str]) -> None:
    station: StationConfig = cfg["station"]
    if station.language not in LANGUAGES:
        problems.append(
            f"station.language: unknown language '{station.language}'.{did_you_mean(station.language, LANGUAGES)}"
            ' Use "vi" (Vietnamese) or "en" (English)'
        )
    web: WebConfig = cfg["web"]
    if not 1 <= web.port <= 65535:
        problems.append("web.port: must be between 1 and 65535 (e.g. 8080)")
    if not web.host.strip():
        problems.append('web.host: must not be empty; use "127.0.0.1" (this PC only) or "0.0.0.0" (the LAN)')
    if not 0 < web.upload_limit_mb <= 1024:
        problems.append("web.upload_limit_mb: must be more than 0 and at most 1024 (megabytes)")
    if not 0 < web.session_hours <= 24 * 90:
        problems.append("web.session_hours: must be more than 0 and at most 2160 (90 days)")


def parse_config(text: str, path: Path) -> Config:
    """Parse config text; raise ConfigError listing every problem found."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.", "Fix the line it names and try again.") from exc
    problems: list[str] = []
    for key in raw:
        if key not in _SECTIONS:
            problems.append(f"{key}: unknown config section.{did_you_mean(key, _SECTIONS)}")
    sections = {name: read_section(name, spec, raw.get(name), problems) for name, spec in _SECTIONS.items()}
    _cross_check(sections, problems)
    _check_web(sections, problems)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise ConfigError(f"{path} has {count}:", None, problems)
    return Config(path=path.resolve(), **sections)


def load_config(path: Path | None = None) -> Config:
    path = path or default_config_path()
    if path.is_dir():
        raise ConfigError(f"{path} is a folder, not a config file.", "Give the path of the config.toml inside it.")
    if not path.exists():
        raise ConfigError(
            f"Config file {path} does not exist.",
            f"Pass --config PATH, set {ENV_VAR}, or copy config.toml from the broadcaster folder.",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Config file {path} cannot be read: {exc}.", "Check its permissions and that it is UTF-8."
        ) from exc
    # Windows Notepad saves UTF-8 with a byte order mark, which TOML does not allow
    return parse_config(text.removeprefix("\ufeff"), path)
