"""Reading config.toml: every problem in the file collected and reported at once ("did you mean");
only the CLI decides to exit. Relative paths resolve against the folder of the config file."""

from __future__ import annotations

import os
import threading
import tomllib
from collections import OrderedDict
from pathlib import Path
from typing import Any

from broadcaster.config import ENV_VAR
from broadcaster.config.checks import check_sections
from broadcaster.config.rules import did_you_mean
from broadcaster.config.sections import DEFAULT_LANGUAGES, SECTIONS, Config
from broadcaster.config.tomlio import read_section
from broadcaster.errors import ConfigError
from broadcaster.i18n import _, current_translations, ngettext

# [speech] keys of before the per-engine sub-tables: old key -> (sub-table, key)
_SPEECH_MOVED = {
    "espeak_voice": ("espeak", "voice"),
    "espeak_speed": ("espeak", "speed"),
    "gtts_tld": ("gtts", "tld"),
    "gtts_timeout_seconds": ("gtts", "timeout_seconds"),
    "gtts_retries": ("gtts", "retries"),
}


def default_config_path() -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path("config.toml")


def _renamed(raw: dict[str, Any], notices: list[str]) -> None:
    """Keys renamed since: still read, so existing stations keep working, with a notice saying the new name."""
    daemon = raw.get("daemon")
    if isinstance(daemon, dict) and "emergency_poll_seconds" in daemon:
        old = daemon.pop("emergency_poll_seconds")
        notices.append(
            "daemon.emergency_poll_seconds is now daemon.queue_check_seconds (a safety net: the CLI and the "
            "console wake the daemon at once); rename it in config.toml"
        )
        if "queue_check_seconds" not in daemon and isinstance(old, int | float) and not isinstance(old, bool):
            daemon["queue_check_seconds"] = max(float(old), 1.0)
    speech = raw.get("speech")
    if isinstance(speech, dict):
        _speech_moved(speech, notices)


def _speech_moved(speech: dict[str, Any], notices: list[str]) -> None:
    """speech.espeak_speed and the like move into their engine's sub-table ([speech.espeak] speed)."""
    for old, (table, key) in _SPEECH_MOVED.items():
        if old not in speech:
            continue
        value = speech.pop(old)
        sub = speech.setdefault(table, {})
        if not isinstance(sub, dict):
            continue  # [speech.espeak] that is no table: reported when the table is read
        if key in sub:
            notices.append(
                _(
                    "speech.{old} is set twice: the old way and as {key} in [speech.{table}]; the value in "
                    "[speech.{table}] is used. Delete the line speech.{old} from config.toml"
                ).format(old=old, key=key, table=table)
            )
            continue
        sub[key] = value
        notices.append(
            _(
                "speech.{old} is now {key} in the [speech.{table}] table; the old key is still read, but move it "
                "there in config.toml: [speech.{table}] {key} = ..."
            ).format(old=old, key=key, table=table)
        )


def _speech_defaults(raw: dict[str, Any]) -> None:
    """With a [speech.piper] table and no fallback named, Piper speaks before espeak-ng."""
    speech = raw.get("speech")
    if isinstance(speech, dict) and "fallback" not in speech and isinstance(speech.get("piper"), dict):
        from broadcaster.speech.registry import default_fallback

        engine = speech.get("engine", "gtts")
        speech["fallback"] = default_fallback(engine if isinstance(engine, str) else "gtts", list(speech))


# The last few configs parsed, keyed by their text (an edited file is a new key), where the file is
# (relative paths resolve against it) and the catalog its notices are written with. The console and the
# daemon read config.toml again for each request or wake-up, the tests ~3,000 times a run: parsing costs
# ~2 ms (TOML, then every section and rule checked), a lookup nothing. A Config is frozen and only ever
# read, so one instance serves every caller. Errors are never kept: each read reports them afresh.
_PARSED: OrderedDict[tuple[str, Path, object], Config] = OrderedDict()
_PARSED_KEPT = 8
_PARSED_LOCK = threading.Lock()


def parse_config(text: str, path: Path) -> Config:
    """Parse config text; raise ConfigError listing every problem found."""
    key = (text, path.resolve(), current_translations())
    with _PARSED_LOCK:  # the console reads it from its worker threads
        found = _PARSED.get(key)
        if found is not None:
            _PARSED.move_to_end(key)
            return found
    config = _parse(text, path)
    with _PARSED_LOCK:
        _PARSED[key] = config
        if len(_PARSED) > _PARSED_KEPT:
            _PARSED.popitem(last=False)
    return config


def _parse(text: str, path: Path) -> Config:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from broadcaster.config.toml_errors import toml_problem

        raise ConfigError(
            _("{path} is not valid TOML: {error}.").format(path=path, error=toml_problem(exc)),
            _("Fix the line it names and try again."),
        ) from exc
    problems: list[str] = []
    notices: list[str] = []
    _renamed(raw, notices)
    _speech_defaults(raw)
    for key in raw:
        if key not in SECTIONS:
            problems.append(_("{key}: unknown config section.").format(key=key) + did_you_mean(key, SECTIONS))
    sections = {name: read_section(name, spec, raw.get(name), problems) for name, spec in SECTIONS.items()}
    if "languages" not in raw:
        sections["languages"] = list(DEFAULT_LANGUAGES)
    check_sections(sections, problems)
    if problems:
        count = ngettext("{path} has {n} problem:", "{path} has {n} problems:", len(problems))
        raise ConfigError(count.format(path=path, n=len(problems)), None, problems)
    return Config(path=path.resolve(), notices=tuple(notices), **sections)


def load_config(path: Path | None = None) -> Config:
    path = path or default_config_path()
    if path.is_dir():
        raise ConfigError(
            _("{path} is a folder, not a config file.").format(path=path),
            _("Give the path of the config.toml inside it."),
        )
    if not path.exists():
        raise ConfigError(
            _("Config file {path} does not exist.").format(path=path),
            _("Pass --config PATH, set {env}, or copy config.toml from the broadcaster folder.").format(env=ENV_VAR),
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            _("Config file {path} cannot be read: {error}.").format(path=path, error=exc.strerror or exc),
            _("Check its permissions and that it is UTF-8."),
        ) from exc
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # Notepad's byte order mark, which TOML does not allow
    except UnicodeDecodeError:
        from broadcaster.config.toml_errors import config_text

        text = config_text(data, path)  # UTF-16, or refused naming the line
    return parse_config(text, path)
