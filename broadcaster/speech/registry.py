"""The speech engines a station can name in config.toml, each one module with its settings (`[speech.NAME]`),
its factory and its doctor check (`SPEC` in that module). Voicing, `config check` and `doctor` go through
this table: a new engine is one module and one line here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcaster.config.rules import did_you_mean
from broadcaster.i18n import _
from broadcaster.speech import espeak, gtts_engine, piper
from broadcaster.speech.engine import EngineSpec, SpeechEngine

if TYPE_CHECKING:
    from broadcaster.config.sections import SpeechConfig

ENGINES: dict[str, EngineSpec] = {spec.name: spec for spec in (gtts_engine.SPEC, espeak.SPEC, piper.SPEC)}
# The offline voices after the first engine when the file names no fallback: the neural voice, then espeak-ng.
OFFLINE_ORDER = ("piper", "espeak")


def default_fallback(engine: str, tables: Sequence[str]) -> list[str]:
    """The fallback when config.toml names none: Piper when its table is there, espeak-ng always."""
    return [name for name in OFFLINE_ORDER if name != engine and (name in tables or not ENGINES[name].needs_table)]


def settings_of(speech: SpeechConfig, name: str) -> Any:
    """The `[speech.NAME]` settings (None for an engine without defaults whose table is missing)."""
    return getattr(speech, name, None)


def chain_problems(speech: SpeechConfig) -> list[str]:
    """What stops config.toml from loading: an engine no one knows, one without its table, values out of reach."""
    problems = []
    for name in speech.chain:
        spec = ENGINES.get(name)
        if spec is None:
            problems.append(
                _("speech: unknown engine '{name}'.{close} Known: {known}").format(
                    name=name, close=did_you_mean(name, ENGINES), known=", ".join(ENGINES)
                )
            )
        elif spec.needs_table and settings_of(speech, name) is None:
            problems.append(
                _("speech: the engine '{name}' needs a [speech.{name}] table in config.toml: {how}").format(
                    name=name, how=spec.needs_table
                )
            )
    for name, spec in ENGINES.items():
        settings = settings_of(speech, name)
        if settings is not None:
            problems += spec.problems(settings)
    return problems


def chain_warnings(speech: SpeechConfig, base_dir: Path) -> list[str]:
    """What `config check` can see is wrong with the engines in the chain without running them."""
    warnings: list[str] = []
    for name in dict.fromkeys(speech.chain):
        spec, settings = ENGINES.get(name), settings_of(speech, name)
        if spec is not None and settings is not None:
            warnings += spec.warnings(settings, base_dir)
    return warnings


def build_chain(speech: SpeechConfig, base_dir: Path) -> list[SpeechEngine]:
    """The engines in the order config.toml names them (a loaded config names only usable ones)."""
    engines = []
    for name in dict.fromkeys(speech.chain):
        spec, settings = ENGINES.get(name), settings_of(speech, name)
        if spec is not None and settings is not None:
            engines.append(spec.build(settings, base_dir))
    return engines
