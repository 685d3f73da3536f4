"""[hub] in the station's config.toml: reading it, and writing it without touching the rest.

`HubConfig` is a plain dataclass so config.py can take it as one more section (the lead
wires it: `"hub": HubConfig` in `_SECTIONS`, `hub: HubConfig` on `Config`, `check_hub` in the
cross-checks). Until then `load_station` reads the [hub] table itself and hands the rest of
the file to config.py, which does not know the section yet.

`write_hub_table` replaces (or appends) the [hub] table only: every other byte of the file
stays as the official wrote it, comments included; the result is parsed back and compared
with the original before it is saved.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from broadcaster import config as station_config
from broadcaster.config import Config, parse_config
from broadcaster.config_toml import read_table, toml_string
from broadcaster.errors import ConfigError
from broadcaster.i18n import _

KEY_FILE = "station-key.pem"


@dataclass(frozen=True)
class HubConfig:
    url: str = ""  # empty: the station is not linked to a district hub
    station: str = ""  # this station's code at the hub
    hub_key: str = ""  # the hub's public key, pinned by `broadcaster hub-link`
    sync_minutes: float = 2.0
    timeout_seconds: float = 20.0
    require_local_approval: bool = False  # district items wait for the commune's approval (not emergencies)
    emergency_max_age_hours: float = 6.0  # an older emergency is recorded as expired, never aired late
    page_size: int = 50
    batch_size: int = 500

    @property
    def linked(self) -> bool:
        return bool(self.url and self.station and self.hub_key)


def check_hub(hub: HubConfig) -> list[str]:
    """Problems in [hub], in config.py's style (for its cross-checks)."""
    from broadcaster.hublink.protocol import STATION_CODE

    problems = []
    if hub.url and not re.match(r"^https?://[^\s/]+", hub.url):
        problems.append(f"hub.url: '{hub.url}' is not a web address; write e.g. \"https://hub.huyen.vn\"")
    if hub.station and not STATION_CODE.match(hub.station):
        problems.append(f"hub.station: '{hub.station}' is not a station code (letters, digits, '-', '_', '.')")
    if hub.hub_key:
        from broadcaster.errors import InputError
        from broadcaster.signing import parse_public_key

        try:
            parse_public_key(hub.hub_key)
        except InputError:
            problems.append("hub.hub_key: not an Ed25519 public key; run `broadcaster hub-link` again")
    if hub.url and not hub.hub_key:
        problems.append("hub.hub_key: missing; run `broadcaster hub-link` to pin the hub's key")
    if not 0.1 <= hub.sync_minutes <= 1440:
        problems.append("hub.sync_minutes: must be between 0.1 and 1440")
    if not 1 <= hub.timeout_seconds <= 300:
        problems.append("hub.timeout_seconds: must be between 1 and 300")
    if not 1 <= hub.page_size <= 500 or not 1 <= hub.batch_size <= 20000:
        problems.append("hub.page_size / hub.batch_size: 1-500 / 1-20000")
    return problems


def key_path(config: Config) -> Path:
    """Where the station's private key lives: its data folder."""
    return config.data_dir / KEY_FILE


def ensure_station_key(config: Config) -> tuple[Path, bool]:
    """Create the station's key pair if it has none (for `broadcaster init`); (path, created)."""
    from broadcaster import signing

    path = key_path(config)
    _, created = signing.load_or_create(path)
    return path, created


# --- reading ---------------------------------------------------------------------------

_HEADER = re.compile(r"^[ \t]*\[[ \t]*hub[ \t]*\][ \t]*(#.*)?$")
_ANY_HEADER = re.compile(r"^[ \t]*\[")


def _span(text: str) -> tuple[int, int] | None:
    """Character offsets of the [hub] table (its header to the next table's header)."""
    lines = text.splitlines(keepends=True)
    offset, start = 0, None
    for line in lines:
        if start is None and _HEADER.match(line.rstrip("\r\n")):
            start = offset
        elif start is not None and _ANY_HEADER.match(line):
            return start, offset
        offset += len(line)
    return (start, offset) if start is not None else None


def read_hub(raw: Any, problems: list[str]) -> HubConfig:
    if raw is None:
        return HubConfig()
    return read_table(HubConfig, raw, "hub", problems) or HubConfig()


def load_station(path: Path) -> tuple[Config, HubConfig]:
    """The station's config and its [hub] table, every problem reported at once."""
    config = station_config.load_config(path) if "hub" in station_config._SECTIONS else None
    if config is not None:
        hub = getattr(config, "hub", HubConfig())
        return config, hub
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    span = _span(text)
    rest = text if span is None else text[: span[0]] + text[span[1] :]
    if span is None:
        config = station_config.load_config(path)
        return config, HubConfig()
    problems: list[str] = []
    hub = read_hub(tomllib.loads(text[span[0] : span[1]]).get("hub"), problems)
    problems += check_hub(hub)
    try:
        config = parse_config(rest, path)
    except ConfigError as exc:
        raise ConfigError(exc.message, exc.hint, exc.problems + problems) from exc
    if problems:
        raise ConfigError(_("{path} has {n} problem(s):").format(path=path, n=len(problems)), None, problems)
    return config, hub


# --- writing ---------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return toml_string(str(value))


def render_table(hub: HubConfig, comment: str) -> str:
    defaults = HubConfig()
    lines = [f"# {comment}", "[hub]"]
    for f in fields(HubConfig):
        value = getattr(hub, f.name)
        if f.name in ("url", "station", "hub_key") or value != getattr(defaults, f.name):
            lines.append(f"{f.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def write_hub_table(path: Path, hub: HubConfig, comment: str) -> None:
    """Put `hub` as the [hub] table of the config file at `path`, leaving every other byte as it was."""
    text = path.read_text(encoding="utf-8")
    table = render_table(hub, comment)
    span = _span(text)
    if span is None:
        if "hub" in tomllib.loads(text):
            raise ConfigError(
                _("{path} sets hub keys in a form this command cannot rewrite.").format(path=path),
                _("Move them into a [hub] table of their own, then run the command again."),
            )
        sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        new = text + sep + table
    else:
        start, end = span
        before = text[:start]
        # Our own comment line above the table is replaced with the table, not repeated.
        if before.endswith(f"# {comment}\n"):
            before = before[: -len(f"# {comment}\n")]
        new = before + table + ("\n" if end < len(text) else "") + text[end:]
    _same_apart_from_hub(text, new, path)
    fd, tmp = tempfile.mkstemp(prefix=".config.", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(new)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _same_apart_from_hub(old: str, new: str, path: Path) -> None:
    before, after = tomllib.loads(old), tomllib.loads(new)
    before.pop("hub", None)
    after.pop("hub", None)
    if before != after:
        raise ConfigError(
            _("Writing [hub] into {path} would change its other settings; nothing was written.").format(path=path),
            _("Add the [hub] table by hand at the end of the file."),
        )
