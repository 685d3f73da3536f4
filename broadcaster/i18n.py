"""User-facing text in the station's language.

Messages are written in English in the source and wrapped in `_()`; gettext
catalogs (Babel) translate them. Until a language is chosen the text is shown
as written. Use placeholders, not f-strings, inside `_()` so a catalog can move
them: `_("News item {id} is cancelled.").format(id=item_id)`. Text defined at
import time (module constants) is marked with `N_()` and translated where it is
shown: `_(LABEL)`.

Two ways a language is chosen:
- process-wide with `use()` / `set_language()`: the CLI follows `BROADCASTER_LANG`,
  else `[station] language` of the config it was given (`cli_language`);
- per request with `activate()`: the web console follows `[station] language`
  whatever the environment says, and tests can run the CLI in English beside it.

The catalogs are shipped compiled (`broadcaster/locale/<lang>/LC_MESSAGES/broadcaster.mo`,
built from the .po files by `scripts/i18n.sh compile`; a test checks they are up to date):
loading one is a single small file read, so the CLI starts as fast as without them.
"""

from __future__ import annotations

import contextlib
import gettext
import os
import tomllib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from datetime import date
from functools import cache
from pathlib import Path

DOMAIN = "broadcaster"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
ENV_LANG = "BROADCASTER_LANG"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language: str | None = None
_active: ContextVar[tuple[str, gettext.NullTranslations] | None] = ContextVar("broadcaster_language", default=None)


def use(translations: gettext.NullTranslations) -> None:
    """Switch every later `_()` to `translations` (process-wide: one station, one language)."""
    global _translations
    _translations = translations


def _current() -> gettext.NullTranslations:
    active = _active.get()
    return active[1] if active is not None else _translations


def current_translations() -> gettext.NullTranslations:
    """The catalog `_()` uses here and now: what a cache of translated texts is keyed by."""
    return _current()


def _(message: str) -> str:
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks text for the catalog without translating it now (module constants)."""
    return message


def normalize_language(text: str | None) -> str | None:
    """`vi`, `vi_VN.UTF-8`, `EN`, `en-US` ... -> `vi` / `en`; None for anything else."""
    if not text:
        return None
    code = text.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGUAGES else None


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of `language` (`vi`, `en`); the source text when it has none."""
    code = normalize_language(language)
    if code is None:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    mo = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError:
        return gettext.NullTranslations()


def set_language(language: str) -> None:
    """Process-wide language (the CLI)."""
    global _language
    use(translations(language))
    _language = normalize_language(language)


def language() -> str:
    """The language `_()` speaks now: the request's, else the process's."""
    active = _active.get()
    if active is not None:
        return active[0]
    return _language or "en"


_VI_SEPARATORS = str.maketrans(",.", ".,")


def format_number(value: float, decimals: int = 0) -> str:
    """1234.5 -> "1.234,5" in Vietnamese, "1,234.5" in English: the language `_()` speaks now.

    Written the English way, "30,000" reads as thirty to a Vietnamese reader."""
    text = f"{value:,.{decimals}f}"
    return text.translate(_VI_SEPARATORS) if language() == "vi" else text


def format_day(day: date) -> str:
    """31/12/2026 in Vietnamese, as the forms ask for it and the documents print it; 2026-12-31 in English."""
    return f"{day:%d/%m/%Y}" if language() == "vi" else day.isoformat()


@contextlib.contextmanager
def activate(language: str) -> Iterator[None]:
    """Speak `language` inside the block only (this thread or task; the web console per request)."""
    code = normalize_language(language) or DEFAULT_LANGUAGE
    token = _active.set((code, translations(code)))
    try:
        yield
    finally:
        _active.reset(token)


@contextlib.contextmanager
def untranslated() -> Iterator[None]:
    """`_()` returns the source text inside the block, as before any language is set (module constants)."""
    token = _active.set(("en", gettext.NullTranslations()))
    try:
        yield
    finally:
        _active.reset(token)


def _config_language(path: Path) -> str | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # `config check` reports it, in the language chosen without it
    station = data.get("station")
    return normalize_language(station.get("language")) if isinstance(station, dict) else None


def cli_language(args: Sequence[str] = (), config_path: Path | None = None) -> str:
    """The CLI's language: `BROADCASTER_LANG`, else `[station] language` of the config the command
    will read (`config_path`, a `--config` among `args`, `BROADCASTER_CONFIG`, ./config.toml), else Vietnamese."""
    from_env = normalize_language(os.environ.get(ENV_LANG))
    if from_env:
        return from_env
    path = config_path
    if path is None:
        for index, arg in enumerate(args):
            if arg == "--config" and index + 1 < len(args):
                path = Path(args[index + 1])
            elif arg.startswith("--config="):
                path = Path(arg.partition("=")[2])
    if path is None:
        path = Path(os.environ.get("BROADCASTER_CONFIG") or "config.toml")
    return _config_language(path) or DEFAULT_LANGUAGE
