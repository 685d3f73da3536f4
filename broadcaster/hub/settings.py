"""The hub's settings: a hub config file (hub.toml), environment variables and options.

Each value is taken from, in order: the command's option, the environment
(BROADCASTER_HUB_DATABASE, BROADCASTER_HUB_KEY), the hub config file (--hub-config or
BROADCASTER_HUB_CONFIG), then the default. Relative paths in the file resolve against its
folder. Every problem in the file is reported at once, as for the station's config.toml.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadcaster.config.rules import did_you_mean
from broadcaster.config.tomlio import read_table
from broadcaster.errors import ConfigError
from broadcaster.i18n import _

ENV_CONFIG = "BROADCASTER_HUB_CONFIG"
ENV_DATABASE = "BROADCASTER_HUB_DATABASE"
ENV_KEY = "BROADCASTER_HUB_KEY"
DEFAULT_KEY_FILE = "hub-key.pem"
DEFAULT_WEB_SECRET = "hub-web-secret"  # noqa: S105 (a file name, not a secret)


@dataclass(frozen=True)
class HubFileSection:
    """[hub] in hub.toml."""

    name: str = "Phòng Văn hóa và Thông tin"
    database: str = ""
    key_file: str = DEFAULT_KEY_FILE
    timezone: str = "Asia/Ho_Chi_Minh"
    request_window_seconds: float = 600.0
    page_size: int = 50
    max_records: int = 2000


@dataclass(frozen=True)
class HubReportSection:
    """[report] in hub.toml: who issues and signs the district's report (Nghị định 30/2020)."""

    governing_body: str = ""
    issuing_body: str = "PHÒNG VĂN HÓA VÀ THÔNG TIN"
    place: str = ""
    signer_title: str = "TRƯỞNG PHÒNG"
    signer_name: str = ""
    signer_authority: str = ""
    recipients: list[str] = field(default_factory=lambda: ["UBND huyện", "Sở Thông tin và Truyền thông", "Lưu: VT"])


@dataclass(frozen=True)
class HubWebSection:
    """[web] in hub.toml: the district's pages, served by `hub serve` next to the stations' API."""

    secret_file: str = ""  # signs the login cookies; default: hub-web-secret next to the signing key
    session_hours: float = 12.0  # a login lasts this long without use
    upload_limit_mb: float = 20.0  # the largest recorded bulletin the pages accept
    language: str = "vi"


@dataclass(frozen=True)
class HubSettings:
    database: str
    key_file: Path
    name: str = HubFileSection.name
    timezone: str = HubFileSection.timezone
    request_window_seconds: float = HubFileSection.request_window_seconds
    page_size: int = HubFileSection.page_size
    max_records: int = HubFileSection.max_records
    report: HubReportSection = field(default_factory=HubReportSection)
    web: HubWebSection = field(default_factory=HubWebSection)
    web_secret_file: Path | None = None  # None: hub-web-secret next to the key file
    config_file: Path | None = None  # the hub.toml these settings were read from

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def web_secret_path(self) -> Path:
        return self.web_secret_file or self.key_file.parent / DEFAULT_WEB_SECRET


_SECTIONS: dict[str, Any] = {"hub": HubFileSection, "report": HubReportSection, "web": HubWebSection}


def _read_file(path: Path) -> tuple[HubFileSection, HubReportSection, HubWebSection]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            _("The hub config file {path} does not exist.").format(path=path),
            _("Check --hub-config or {env}.").format(env=ENV_CONFIG),
        ) from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            _("The hub config file {path} cannot be read: {error}.").format(path=path, error=exc)
        ) from exc
    problems: list[str] = []
    for key in raw:
        if key not in _SECTIONS:
            problems.append(_("{key}: unknown section.").format(key=key) + did_you_mean(key, _SECTIONS))
    hub = read_table(HubFileSection, raw.get("hub", {}), "hub", problems) or HubFileSection()
    report = read_table(HubReportSection, raw.get("report", {}), "report", problems) or HubReportSection()
    web = read_table(HubWebSection, raw.get("web", {}), "web", problems) or HubWebSection()
    problems += check(hub) + check_web(web)
    if problems:
        raise ConfigError(_("{path} has {n} problem(s):").format(path=path, n=len(problems)), None, problems)
    return hub, report, web


def _number(value: float) -> str:
    return f"{value:g}"  # 600, not 600.0: as it is written in the file


def check_web(web: HubWebSection) -> list[str]:
    """Each problem names the key and what to write there, in the language of the command that reads it."""
    problems = []
    if not 0.1 <= web.session_hours <= 24 * 30:
        problems.append(
            _(
                "web.session_hours: must be between 0.1 and 720 (hours a login lasts without use, e.g. 12), not {value}"
            ).format(value=_number(web.session_hours))
        )
    if not 1 <= web.upload_limit_mb <= 100:
        problems.append(
            _(
                "web.upload_limit_mb: must be between 1 and 100 (the largest recorded bulletin, in megabytes, "
                "e.g. 20), not {value}"
            ).format(value=_number(web.upload_limit_mb))
        )
    if web.language not in ("vi", "en"):
        problems.append(
            _('web.language: \'{value}\' is not a language; use "vi" (Vietnamese) or "en" (English)').format(
                value=web.language
            )
        )
    return problems


def check(hub: HubFileSection) -> list[str]:
    problems = []
    try:
        ZoneInfo(hub.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            _("hub.timezone: '{zone}' is not a known time zone; use e.g. \"Asia/Ho_Chi_Minh\"").format(
                zone=hub.timezone
            )
        )
    if not 30 <= hub.request_window_seconds <= 3600:
        problems.append(
            _(
                "hub.request_window_seconds: must be between 30 and 3600 (seconds a station's clock may be off, "
                "e.g. 600), not {value}"
            ).format(value=_number(hub.request_window_seconds))
        )
    if not 1 <= hub.page_size <= 500:
        problems.append(
            _("hub.page_size: must be between 1 and 500 (bulletins per page, e.g. 50), not {value}").format(
                value=hub.page_size
            )
        )
    if not 10 <= hub.max_records <= 20000:
        problems.append(
            _(
                "hub.max_records: must be between 10 and 20000 (airing records per request, e.g. 2000), not {value}"
            ).format(value=hub.max_records)
        )
    return problems


def _sqlite_relative(url: str, folder: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(folder / url[len(prefix) :])
    return url


def load(
    config_file: str | Path | None = None, database: str | None = None, key_file: str | Path | None = None
) -> HubSettings:
    """Settings from options (None: not given), the environment and the hub config file."""
    chosen = config_file or os.environ.get(ENV_CONFIG)
    path = Path(chosen).expanduser() if chosen else Path()
    if chosen:
        section, report, web = _read_file(path)
        folder = path.resolve().parent
    else:
        section, report, web, folder = HubFileSection(), HubReportSection(), HubWebSection(), Path.cwd()
    url = database or os.environ.get(ENV_DATABASE) or _sqlite_relative(section.database, folder)
    if not url:
        raise ConfigError(
            _("Say which database the hub uses."),
            _("Pass --database URL, set {env}, or set database in the hub config file (--hub-config).").format(
                env=ENV_DATABASE
            ),
        )
    key = Path(key_file or os.environ.get(ENV_KEY) or section.key_file).expanduser()
    secret = Path(web.secret_file).expanduser() if web.secret_file else None
    return HubSettings(
        database=url,
        key_file=key if key.is_absolute() else folder / key,
        name=section.name,
        timezone=section.timezone,
        request_window_seconds=section.request_window_seconds,
        page_size=section.page_size,
        max_records=section.max_records,
        report=report,
        web=web,
        web_secret_file=None if secret is None else (secret if secret.is_absolute() else folder / secret),
        config_file=path.resolve() if chosen else None,
    )


def with_database(settings: HubSettings, url: str) -> HubSettings:
    return replace(settings, database=url)
