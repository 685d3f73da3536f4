"""click's own texts ("Error: ...", "Usage:", "No such option", "Missing argument" ...) in the station's language.

click writes them in English through the standard `gettext` module (its own `_` and `ngettext`,
imported by name into each of its modules), which would pick a language from the process's
locale, not the station's. `install()`, run when this module is imported (broadcaster.cli imports it before defining any
command: click.Path names its kind when it is defined), points those names at broadcaster's catalog instead, so
click speaks whatever `broadcaster.i18n` speaks: Vietnamese by default, English with
BROADCASTER_LANG=en (the English catalog is empty: click's own text is shown as written).

Every text of click 8.1 is listed below with `N_()` so `scripts/i18n.sh update` keeps it in the
catalog; a test compares the list with the installed click, so an upgrade that adds a text is noticed.
A plural pair is two texts: Vietnamese has one form for every number.
"""

from __future__ import annotations

import importlib
from typing import Any

from broadcaster.i18n import N_, _

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click._termui_impl",
)

TEXTS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("No such option: {name}"),
    N_("Did you mean {possibility}?"),
    N_("(Possible options: {possibilities})"),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("Option {name!r} does not take a value."),
    N_("Option {name!r} requires an argument."),
    N_("Option {name!r} requires {nargs} arguments."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Takes {nargs} values but 1 was given."),
    N_("Takes {nargs} values but {len} were given."),
    N_("{len_type} values are required, but {len_value} was given."),
    N_("{len_type} values are required, but {len_value} were given."),
    N_("Value must be an iterable."),
    N_("{value!r} is not {choice}."),
    N_("{value!r} is not one of {choices}."),
    N_("{value!r} does not match the format {format}."),
    N_("{value!r} does not match the formats {formats}."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean."),
    N_("{value!r} is not a valid UUID."),
    N_("Choose from:\n\t{choices}"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not executable."),
    N_("Could not open file {filename!r}: {message}"),
    N_("unknown error"),
    N_("Show the version and exit."),
    N_("Show this message and exit."),
    N_("%(prog)s, version %(version)s"),
    N_("(Deprecated) {text}"),
    N_("DeprecationWarning: The command {name!r} is deprecated."),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("default: {default}"),
    N_("required"),
    N_("Repeat for confirmation"),
    N_("Error: The value you entered was invalid."),
    N_("Error: {e.message}"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
    N_("Press any key to continue..."),
    N_("{editor}: Editing failed"),
    N_("{editor}: Editing failed: {e}"),
    N_("Shell completion is not supported for Bash versions older than 4.4."),
    N_("Couldn't detect Bash version, shell completion is not supported."),
)
# click.Path names its kind once, when a command is defined (before a language is chosen), and
# formats it later ("Directory '/x' is a file."); these nouns are translated when they are shown.
NOUNS = ("file", "directory", "path")


class _Noun(str):
    """click.Path's "file"/"directory"/"path": English in help metavars (FILE), translated in messages."""

    def title(self) -> str:
        text = _(str(self))
        return text[:1].upper() + text[1:]

    def __format__(self, spec: str) -> str:
        return format(_(str(self)), spec)


def gettext(message: str) -> str:
    if message in NOUNS:
        return _Noun(message)
    return _(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)


def install() -> None:
    """click's messages through broadcaster's catalog (idempotent; nothing else in click changes)."""
    for name in CLICK_MODULES:
        module: Any = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


install()
