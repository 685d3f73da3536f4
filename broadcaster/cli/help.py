"""`--help` in the station's language: command descriptions and option help through the catalog when shown.

The descriptions (docstrings) and `help=` texts stay English literals in the code, where the commands are
defined (before a language is chosen: commands are loaded inside `untranslated()`); these classes pass them
through `_()` only when help is printed, so `--help` speaks whatever `broadcaster.i18n` speaks, like
click's own texts (click_texts.py). Every command is made with `cls=Command` / `cls=Group` (a group's
subcommands follow it); a test walks the tree to check that, and that help_texts.py lists every text for
the catalog (Babel does not read docstrings or `help=`).
"""

from __future__ import annotations

import inspect

import click
from click.utils import make_default_short_help

from broadcaster.i18n import _


def translated(text: str | None) -> str:
    """A command's or option's help as written in the code -> the station's language (the catalog's msgid is
    the text click shows: indentation of a docstring removed)."""
    return _(inspect.cleandoc(text)) if text else ""


class TranslatedHelp(click.Command):
    """The help of a command and of its options, translated when shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = translated(self.help).partition("\f")[0]
        if self.deprecated:
            text = _("(Deprecated) {text}").format(text=text)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            text = translated(self.short_help)
        elif self.help:
            text = make_default_short_help(translated(self.help).partition("\f")[0], limit)
        else:
            return super().get_short_help_str(limit)
        if self.deprecated:
            text = _("(Deprecated) {text}").format(text=text)
        return text.strip()

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [row for param in self.get_params(ctx) if (row := option_help_record(param, ctx)) is not None]
        if rows:
            with formatter.section(_("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.MultiCommand):
            self.format_commands(ctx, formatter)


def option_help_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """click's row for `param` in the Options list, its help text (not the [default: ...] after it) translated."""
    row = param.get_help_record(ctx)
    english = getattr(param, "help", None)
    if row is None or not english:
        return row
    names, text = row
    if text.startswith(english):
        text = translated(english) + text[len(english) :]
    return names, text


class Command(TranslatedHelp):
    """A command whose `--help` speaks the station's language: `@click.command(cls=Command)`."""


class Group(TranslatedHelp, click.Group):
    """A group whose `--help`, and its commands' and subgroups', speak the station's language."""

    command_class = Command
    group_class = type  # subgroups are made with the same class
