"""[hub] in the station's config.toml (the section itself is config.HubConfig): the station's key,
and writing the table without touching the rest of the file.

`write_hub_table` replaces (or appends) the [hub] table only: every other byte of the file
stays as the official wrote it, comments included; the result is parsed back and compared
with the original before it is saved.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from broadcaster.config import Config, HubConfig, load_config
from broadcaster.config.tomlio import toml_string
from broadcaster.errors import ConfigError
from broadcaster.i18n import _

KEY_FILE = "station-key.pem"


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


def load_station(path: Path) -> tuple[Config, HubConfig]:
    """The station's config and its [hub] table."""
    config = load_config(path)
    return config, config.hub


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
