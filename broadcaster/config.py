"""config.toml -> frozen dataclasses.

Every problem in the file is collected and reported at once ("did you mean"),
and only the CLI decides to exit. Relative paths resolve against the folder of
the config file, never the working directory.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import time as TimeOfDay
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadcaster.errors import ConfigError

ENV_VAR = "BROADCASTER_CONFIG"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ENGINES = ("gtts", "espeak")
PRIORITIES = ("normal", "priority", "emergency")
TARGET_KINDS = ("minutes", "segments", "topic_coverage")
TARGET_PERIODS = ("week", "month", "quarter", "year")
LANGUAGES = ("vi", "en")  # the catalogs in broadcaster/locale
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


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
    code: str
    name: str


@dataclass(frozen=True)
class SlotConfig:
    name: str
    time: str
    days: list[str] = field(default_factory=lambda: list(WEEKDAYS))
    max_minutes: float = 30.0
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
    espeak_speed: int = 150
    gtts_tld: str = "com.vn"
    gtts_timeout_seconds: float = 10.0
    gtts_retries: int = 3
    render_ahead_hours: float = 48.0
    render_on_add: bool = True
    abbreviations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MasteringConfig:
    highpass_hz: float = 200.0
    compressor_threshold_db: float = -20.0
    compressor_ratio: float = 3.0
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.5
    tempo: float = 0.92
    sample_rate: int = 44100
    trim_silence: bool = True
    pause_ms: int = 800


@dataclass(frozen=True)
class OutputConfig:
    kind: str = "device"
    device: str = "default"
    backend: str = "auto"
    dir: str = "aired"
    latency_ms: int = 200
    start_offset_ms: float = 0.0


@dataclass(frozen=True)
class AmplifierConfig:
    on_command: list[str] = field(default_factory=list)
    off_command: list[str] = field(default_factory=list)
    warmup_seconds: float = 0.0
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class DaemonConfig:
    late_grace_minutes: float = 15.0
    rebuild_minutes: float = 5.0
    emergency_poll_seconds: float = 1.0


@dataclass(frozen=True)
class TargetConfig:
    name: str
    kind: str
    value: float
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
        """SQLite paths are relative to the config file's folder."""
        url = self.station.database
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
            return prefix + str(self.resolve(url[len(prefix) :]))
        return url

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


def parse_time(text: str) -> TimeOfDay:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time; write HH:MM or HH:MM:SS, e.g. \"06:00\"")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"'{text}' is not a time of day (hours 00-23, minutes and seconds 00-59)")
    return TimeOfDay(hour, minute, second)


def parse_window(text: str) -> tuple[TimeOfDay, TimeOfDay]:
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f'\'{text}\' is not a window; write "HH:MM-HH:MM", e.g. "05:00-21:00"')
    return parse_time(start), parse_time(end)


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
_T = TypeVar("_T")


def _did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is list:
        return "a list"
    if origin is dict:
        return "a table"
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false"}.get(tp, str(tp))


def _check_value(value: Any, tp: Any, where: str, problems: list[str]) -> Any:
    origin = typing.get_origin(tp)
    if origin is list:
        (inner,) = typing.get_args(tp)
        if not isinstance(value, list):
            problems.append(f"{where}: must be {_type_name(tp)}, not {value!r}")
            return None
        checked = [_check_value(v, inner, f"{where}[{i + 1}]", problems) for i, v in enumerate(value)]
        # One bad entry spoils the list: a None inside it would crash the cross-checks.
        return None if any(c is None for c in checked) else checked
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            problems.append(f"{where}: must be a table of text values")
            return None
        return dict(value)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp in (int, float) and isinstance(value, bool):
        problems.append(f"{where}: must be {_type_name(tp)}, not {value!r}")
        return None
    if not isinstance(value, tp):
        problems.append(f"{where}: must be {_type_name(tp)}, not {value!r}")
        return None
    return value


def _read_table(cls: type[_T], table: Any, where: str, problems: list[str]) -> _T | None:
    if not isinstance(table, dict):
        problems.append(f"{where}: must be a table ([{where}])")
        return None
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    ok = True
    for key, value in table.items():
        if key not in known:
            problems.append(f"{where}.{key}: unknown config key.{_did_you_mean(key, known)}")
            ok = False
            continue
        checked = _check_value(value, hints[key], f"{where}.{key}", problems)
        if checked is None:
            ok = False
        else:
            values[key] = checked
    for name, spec in known.items():
        if name not in table and spec.default is MISSING and spec.default_factory is MISSING:
            problems.append(f"{where}: missing required key '{name}'")
            ok = False
    if ok:
        return cls(**values)
    # Keep the good keys of a table with a bad one, so the cross-checks still look at them
    # (a typo in [station] must not hide a wrong timezone); the problems stop loading anyway.
    required = [n for n, f in known.items() if f.default is MISSING and f.default_factory is MISSING]
    return cls(**values) if all(n in values for n in required) else None


def _read_section(name: str, raw: Any, problems: list[str]) -> Any:
    spec = _SECTIONS[name]
    if typing.get_origin(spec) is list:
        (cls,) = typing.get_args(spec)
        if raw is None:
            return []
        if not isinstance(raw, list):
            problems.append(f"{name}: must be an array of tables ([[{name}]])")
            return []
        # A bad entry stays as None so the cross-checks still number the others as the file does.
        return [_read_table(cls, entry, f"{name}[{i + 1}]", problems) for i, entry in enumerate(raw)]
    result = _read_table(spec, raw if raw is not None else {}, name, problems)
    return result if result is not None else spec()


def _cross_check(cfg: dict[str, Any], problems: list[str]) -> None:
    station: StationConfig = cfg["station"]
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
            problems.append(f"{where}: unknown topic code '{code}'.{_did_you_mean(code, codes)}")

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
                problems.append(f"{where}.days: unknown day '{day}'.{_did_you_mean(day, WEEKDAYS)}")
        if slot.max_minutes <= 0:
            problems.append(f"{where}.max_minutes: must be more than 0")
        for code in slot.topics:
            check_topic(code, f"{where}.topics")
        for prio in slot.priorities:
            if prio not in PRIORITIES:
                problems.append(f"{where}.priorities: unknown priority '{prio}'.{_did_you_mean(prio, PRIORITIES)}")
    for window in cfg["broadcast_hours"].allowed:
        try:
            parse_window(window)
        except ValueError as exc:
            problems.append(f"broadcast_hours.allowed: {exc}")
    speech: SpeechConfig = cfg["speech"]
    for engine in [speech.engine, *speech.fallback]:
        if engine not in ENGINES:
            problems.append(f"speech: unknown engine '{engine}'.{_did_you_mean(engine, ENGINES)} Known: gtts, espeak")
    mastering: MasteringConfig = cfg["mastering"]
    if not 0.5 <= mastering.tempo <= 2.0:
        problems.append("mastering.tempo: must be between 0.5 and 2.0 (e.g. 0.92 for a little slower)")
    if mastering.sample_rate not in (16000, 22050, 24000, 32000, 44100, 48000):
        problems.append("mastering.sample_rate: use 16000, 22050, 24000, 32000, 44100 or 48000")
    output: OutputConfig = cfg["output"]
    if output.kind not in ("device", "file"):
        problems.append(f'output.kind: must be "device" or "file", not \'{output.kind}\'')
    if not 20 <= output.latency_ms <= 2000:
        problems.append("output.latency_ms: must be between 20 and 2000 (milliseconds of buffer)")
    if output.backend not in ("auto", "pulse", "alsa"):
        problems.append(f'output.backend: must be "auto", "pulse" or "alsa", not \'{output.backend}\'')
    for i, target in enumerate(cfg["targets"], start=1):
        if target is None:
            continue
        where = f"targets[{i}]"
        if target.kind not in TARGET_KINDS:
            problems.append(f"{where}.kind: unknown kind '{target.kind}'.{_did_you_mean(target.kind, TARGET_KINDS)}")
        if target.per not in TARGET_PERIODS:
            problems.append(f"{where}.per: unknown period '{target.per}'.{_did_you_mean(target.per, TARGET_PERIODS)}")
        if target.topic:
            check_topic(target.topic, f"{where}.topic")
        if target.value <= 0:
            problems.append(f"{where}.value: must be more than 0")


def _check_web(cfg: dict[str, Any], problems: list[str]) -> None:
    station: StationConfig = cfg["station"]
    if station.language not in LANGUAGES:
        problems.append(
            f"station.language: unknown language '{station.language}'.{_did_you_mean(station.language, LANGUAGES)}"
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
            problems.append(f"{key}: unknown config section.{_did_you_mean(key, _SECTIONS)}")
    sections = {name: _read_section(name, raw.get(name), problems) for name in _SECTIONS}
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
    return parse_config(text, path)


def as_dict(value: Any) -> Any:
    """The effective config as plain TOML-able data (for `config show`)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_dict(getattr(value, f.name)) for f in fields(value) if f.name != "path"}
    if isinstance(value, list):
        return [as_dict(v) for v in value]
    if isinstance(value, dict):
        return {k: as_dict(v) for k, v in value.items()}
    return value


def to_toml(data: dict[str, Any]) -> str:
    """Small TOML writer for the effective config (tables, arrays of tables, scalars, lists)."""
    lines: list[str] = []

    def scalar(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(scalar(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{_key(k)} = {scalar(x)}" for k, x in v.items()) + " }"
        return _string(str(v))

    for section, body in data.items():
        if isinstance(body, list):
            for entry in body:
                lines += ["", f"[[{section}]]"] + [f"{k} = {scalar(v)}" for k, v in entry.items()]
        else:
            lines += ["", f"[{section}]"] + [f"{k} = {scalar(v)}" for k, v in body.items()]
    return "\n".join(lines).lstrip() + "\n"


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _string(k)


def _string(text: str) -> str:
    """A TOML basic string: a multi-line ident or a Windows path must come back unchanged."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
