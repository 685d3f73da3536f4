"""The speech engines a station can name in config.toml, each one module with its settings (`[speech.NAME]`),
its factory and its doctor check (`SPEC` in that module). Voicing, `config check` and `doctor` go through
this table: a new engine is one module and one line here. An engine's module is imported when its spec
is first needed (`engine_spec`), not with this table."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcaster.config.rules import did_you_mean
from broadcaster.i18n import _

if TYPE_CHECKING:
    from broadcaster.config.sections import SpeechConfig
    from broadcaster.speech.engine import EngineSpec, SpeechEngine

# name -> the module whose SPEC it is
ENGINE_MODULES: dict[str, str] = {
    "gtts": "broadcaster.speech.gtts_engine",
    "espeak": "broadcaster.speech.espeak",
    "piper": "broadcaster.speech.piper",
}
# The offline voices after the first engine when the file names no fallback: the neural voice, then espeak-ng.
OFFLINE_ORDER = ("piper", "espeak")


def engine_spec(name: str) -> EngineSpec:
    """The spec of a known engine (KeyError for any other name), its module imported now if not yet."""
    spec: EngineSpec = importlib.import_module(ENGINE_MODULES[name]).SPEC
    return spec


def default_fallback(engine: str, tables: Sequence[str]) -> list[str]:
    """The fallback when config.toml names none: Piper when its table is there, espeak-ng always."""
    return [name for name in OFFLINE_ORDER if name != engine and (name in tables or not engine_spec(name).needs_table)]


def settings_of(speech: SpeechConfig, name: str) -> Any:
    """The `[speech.NAME]` settings (None for an engine without defaults whose table is missing)."""
    return getattr(speech, name, None)


def chain_problems(speech: SpeechConfig) -> list[str]:
    """What stops config.toml from loading: an engine no one knows, one without its table, values out of reach."""
    problems = []
    for name in speech.chain:
        if name not in ENGINE_MODULES:
            problems.append(
                _("speech: unknown engine '{name}'.{close} Known: {known}").format(
                    name=name, close=did_you_mean(name, ENGINE_MODULES), known=", ".join(ENGINE_MODULES)
                )
            )
        elif engine_spec(name).needs_table and settings_of(speech, name) is None:
            problems.append(
                _("speech: the engine '{name}' needs a [speech.{name}] table in config.toml: {how}").format(
                    name=name, how=engine_spec(name).needs_table
                )
            )
    for name in ENGINE_MODULES:
        settings = settings_of(speech, name)
        if settings is not None:
            problems += engine_spec(name).problems(settings)
    return problems


def chain_warnings(speech: SpeechConfig, base_dir: Path) -> list[str]:
    """What `config check` can see is wrong with the engines in the chain without running them."""
    warnings: list[str] = []
    for name in dict.fromkeys(speech.chain):
        settings = settings_of(speech, name)
        if name in ENGINE_MODULES and settings is not None:
            warnings += engine_spec(name).warnings(settings, base_dir)
    return warnings


def build_chain(speech: SpeechConfig, base_dir: Path) -> list[SpeechEngine]:
    """The engines in the order config.toml names them (a loaded config names only usable ones)."""
    engines = []
    for name in dict.fromkeys(speech.chain):
        settings = settings_of(speech, name)
        if name in ENGINE_MODULES and settings is not None:
            engines.append(engine_spec(name).build(settings, base_dir))
    return engines
