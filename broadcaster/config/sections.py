"""The sections of config.toml as frozen dataclasses, and `Config`, the whole file checked.

Each field carries its default and, where it matters, its allowed range (`ranged`, `sized`
from rules.py): `config check` reports every value outside it at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time as TimeOfDay
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from broadcaster import limits
from broadcaster.config.rules import WEEKDAYS, engine_url, parse_time, ranged, sized
from broadcaster.i18n import N_
from broadcaster.speech.espeak import EspeakSettings
from broadcaster.speech.gtts_engine import GttsSettings
from broadcaster.speech.piper import PiperSettings

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
    max_minutes: float = ranged(30.0, 0, 240, above=True, unit=N_("minutes"))
    topics: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # ISO 639-3 codes of [[languages]]; empty: any
    # tiếp sóng: the slot relays this stream (http(s)://, or file:// for tests) instead of the station's news
    relay_url: str = ""
    relay_name: str = ""  # e.g. "Đài Truyền thanh huyện", named in the log and the report
    relay_topic: str = ""  # a relay counts as the commune's news of this topic only when it is set

    @property
    def is_relay(self) -> bool:
        return bool(self.relay_url)

    @property
    def start(self) -> TimeOfDay:
        return parse_time(self.time)


@dataclass(frozen=True)
class BroadcastHoursConfig:
    # "HH:MM-HH:MM" windows in station time; empty means no limit.
    allowed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SpeechConfig:
    """[speech]: the engines in the order they are tried, each with its own sub-table
    ([speech.gtts], [speech.espeak], [speech.piper]; broadcaster/speech/registry.py knows them)."""

    engine: str = "gtts"
    # when the file names none: ["piper", "espeak"] with a [speech.piper] table, else ["espeak"] (load.py)
    fallback: list[str] = field(default_factory=lambda: ["espeak"])
    # at air time only speech rendered ahead is used: at least an hour ahead
    render_ahead_hours: float = ranged(48.0, 1, 24 * 31, unit=N_("hours"))
    render_on_add: bool = True
    abbreviations: dict[str, str] = field(default_factory=dict)
    # how to say words an engine gets wrong (place and people's names), applied after normalization
    pronunciations: dict[str, str] = field(default_factory=dict)
    gtts: GttsSettings = field(default_factory=GttsSettings)
    espeak: EspeakSettings = field(default_factory=EspeakSettings)
    piper: PiperSettings | None = None  # Piper has no default voice: no table, no Piper

    @property
    def chain(self) -> list[str]:
        return [self.engine, *self.fallback]


@dataclass(frozen=True)
class MasteringConfig:
    highpass_hz: float = ranged(200.0, 20, 1000, unit=N_("Hz"))
    compressor_threshold_db: float = ranged(-20.0, -60, 0, unit=N_("dB"))
    compressor_ratio: float = ranged(3.0, 1, 20, unit=N_("1 is no compression"))
    # ffmpeg's loudnorm takes -70..-5 LUFS and -9..0 dBTP; a loudspeaker station wants -23..-10
    loudness_lufs: float = ranged(-16.0, -36, -5, unit=N_("LUFS, e.g. -16"))
    true_peak_dbtp: float = ranged(-1.5, -9, 0, unit=N_("dBTP, e.g. -1.5"))
    tempo: float = ranged(0.92, 0.5, 2.0, unit=N_("0.92 is a little slower"))
    sample_rate: int = 44100
    trim_silence: bool = True
    pause_ms: int = ranged(800, 0, 10_000, unit=N_("milliseconds"))


@dataclass(frozen=True)
class OutputConfig:
    kind: str = "device"
    device: str = "default"
    backend: str = "auto"
    dir: str = "aired"
    latency_ms: int = ranged(200, 20, 2000, unit=N_("milliseconds of buffer"))
    start_offset_ms: float = ranged(0.0, 0, 10_000, unit=N_("milliseconds"))


@dataclass(frozen=True)
class AmplifierConfig:
    on_command: list[str] = field(default_factory=list)
    off_command: list[str] = field(default_factory=list)
    warmup_seconds: float = ranged(0.0, 0, 300, unit=N_("seconds"))
    timeout_seconds: float = ranged(10.0, 0, 300, above=True, unit=N_("seconds"))


@dataclass(frozen=True)
class DaemonConfig:
    late_grace_minutes: float = ranged(15.0, 0, 24 * 60, unit=N_("minutes"))
    # a rebuild every few seconds would keep the daemon busy; none at all would never see config changes
    rebuild_minutes: float = ranged(5.0, 0.5, 24 * 60, unit=N_("minutes"))
    # a safety net: the CLI and the console wake the daemon when the queue changes
    queue_check_seconds: float = ranged(60.0, 1, 600, unit=N_("seconds"))


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
class LanguageConfig:
    """A language news is broadcast in (ISO 639-3 code and its Vietnamese name)."""

    code: str = sized(max_chars=8)
    name: str = sized(max_chars=100)


DEFAULT_LANGUAGES = [
    LanguageConfig("vie", "Tiếng Việt"),
    LanguageConfig("tyz", "Tày"),
    LanguageConfig("blt", "Thái (Đen)"),
    LanguageConfig("mtq", "Mường"),
    LanguageConfig("khm", "Khmer"),
    LanguageConfig("hmn", "H'Mông"),
    LanguageConfig("nut", "Nùng"),
    LanguageConfig("rad", "Ê Đê"),
    LanguageConfig("jra", "Gia Rai"),
    LanguageConfig("bdq", "Ba Na"),
    LanguageConfig("cjm", "Chăm"),
]


@dataclass(frozen=True)
class RecordingsConfig:
    """Recorded news items: phone recordings, district files, minority-language announcements."""

    folder: str = "data/recordings"  # originals kept byte for byte beside their mastered versions
    max_minutes: float = ranged(30.0, 0, 240, above=True, unit=N_("minutes"))
    min_seconds: float = ranged(1.0, 0, 60, unit=N_("seconds"))
    max_upload_mb: float = ranged(400.0, 0, 4000, above=True, unit=N_("megabytes"))
    tempo: float = ranged(1.0, 0.5, 2.0, unit=N_("1 keeps the speaker's own pace"))
    trim_silence: bool = True
    silent_below_dbfs: float = ranged(-45.0, -90, -10, unit=N_("dBFS"))
    clipped_refuse_percent: float = ranged(50.0, 1, 100, unit=N_("percent of the sound at full scale"))


@dataclass(frozen=True)
class RelayConfig:
    """Relays (tiếp sóng) of the district's or VOV's programme: never dead air."""

    probe_lead_seconds: float = ranged(60.0, 0, 3600, unit=N_("seconds before the slot"))
    preroll_seconds: float = ranged(10.0, 1, 120, unit=N_("seconds"))
    silence_dbfs: float = ranged(-50.0, -90, -10, unit=N_("dBFS"))
    silence_seconds: float = ranged(4.0, 1, 60, unit=N_("seconds"))
    stall_seconds: float = ranged(3.0, 1, 60, unit=N_("seconds"))
    recover_seconds: float = ranged(2.0, 0.5, 60, unit=N_("seconds"))
    # spoken by the station's voice when the relay fails and no bulletin is waiting
    notice: str = "Chương trình tiếp sóng tạm thời gián đoạn. Xin quý vị vui lòng chờ trong giây lát."


@dataclass(frozen=True)
class HubConfig:
    """The district hub this station is linked to (`broadcaster hub-link` writes this table)."""

    url: str = ""  # empty: the station is not linked to a district hub
    station: str = ""  # this station's code at the hub
    hub_key: str = ""  # the hub's public key, pinned by `broadcaster hub-link`
    sync_minutes: float = ranged(2.0, 0.1, 1440, unit=N_("minutes"))
    timeout_seconds: float = ranged(20.0, 1, 300, unit=N_("seconds"))
    require_local_approval: bool = False  # district items wait for the commune's approval (not emergencies)
    emergency_max_age_hours: float = ranged(6.0, 0, 24 * 7, above=True, unit=N_("hours"))
    page_size: int = ranged(50, 1, 500, unit=N_("bulletins per page"))
    batch_size: int = ranged(500, 1, 20000, unit=N_("records per batch"))

    @property
    def linked(self) -> bool:
        return bool(self.url and self.station and self.hub_key)


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
    languages: list[LanguageConfig] = field(default_factory=lambda: list(DEFAULT_LANGUAGES))
    recordings: RecordingsConfig = field(default_factory=RecordingsConfig)
    relay: RelayConfig = field(default_factory=RelayConfig)
    hub: HubConfig = field(default_factory=HubConfig)
    # what the file still says the old way (a key renamed since): shown by `config check` and the daemon
    notices: tuple[str, ...] = ()

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

    @property
    def recordings_dir(self) -> Path:
        return self.resolve(self.recordings.folder)

    def topic_names(self) -> dict[str, str]:
        return {t.code: t.name for t in self.topics}

    def language_names(self) -> dict[str, str]:
        return {language.code: language.name for language in self.languages}

    @property
    def ident_text(self) -> str:
        return self.station.ident or f"Đây là {self.station.name}."

    @property
    def closing_text(self) -> str:
        return (
            self.station.closing or f"{self.station.name} xin kết thúc buổi phát thanh. Xin cảm ơn quý vị đã lắng nghe."
        )


# The tables of config.toml, in the order `config show` writes them.
SECTIONS: dict[str, Any] = {
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
    "languages": list[LanguageConfig],
    "recordings": RecordingsConfig,
    "relay": RelayConfig,
    "hub": HubConfig,
}
