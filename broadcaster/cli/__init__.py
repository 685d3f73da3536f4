"""The broadcaster command line. Commands are thin: each calls the station's services.

Every BroadcasterError becomes a one-line `Error: ...` and exit status 1 here,
in one place; user-facing wording lives in cli/ and errors.py.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from broadcaster import __version__
from broadcaster.cli import click_texts  # noqa: F401  (click's texts through the catalog, before any command is defined)
from broadcaster.cli.common import config_option
from broadcaster.cli.help import Group
from broadcaster.errors import BroadcasterError
from broadcaster.i18n import cli_language, set_language, untranslated


class BroadcasterGroup(Group):
    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        # The language before the arguments are read, so click's own usage errors speak it too:
        # BROADCASTER_LANG, else [station] language of the config the command line names.
        if parent is None:
            set_language(cli_language(args))
        return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*_MODULE_OF, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _MODULE_OF:
            _load_commands(_MODULE_OF[cmd_name])
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BroadcasterError as exc:
            raise click.ClickException(str(exc)) from exc


# Commands that run unattended, the daemon and the servers: their warnings and errors are the service's
# log (systemd's journal keeps stderr); a server's failed request leaves a trace there and nowhere else.
# Every other command tells the official what went wrong in its own words. (`web` serves from a
# process of its own, python -m broadcaster.web, which logs from INFO up; `hub serve`, a subcommand,
# turns its log on itself with `log_as_a_service`.)
LOGGING_COMMANDS = ("run",)
_HANDLER = "broadcaster-terminal"


@click.group(cls=BroadcasterGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="broadcaster")
@config_option
@click.option("-v", "--verbose", is_flag=True, help="Show what the station is doing (log to the terminal).")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """broadcaster: the software of a commune loudspeaker station (đài truyền thanh xã).

    Queue news, speak it in Vietnamese, air it on schedule, keep evidence, report airtime.
    """
    configure_logging(verbose, ctx.invoked_subcommand in LOGGING_COMMANDS)


def log_as_a_service(ctx: click.Context) -> None:
    """For a server run as a subcommand (`hub serve`): its warnings and errors go to the service's log,
    as the daemon's do (-v: everything)."""
    configure_logging(bool(ctx.find_root().params.get("verbose")), True)


def configure_logging(verbose: bool, daemon: bool) -> None:
    """Log lines on the terminal: all of them with -v, warnings and errors for the daemon and the
    servers (`daemon`), none otherwise.

    Records are still made at WARNING (tests and embedding programs see them); only the
    terminal handler is quiet, so `news add` shows its own "Warning: ..." line, not a
    raw log line above it.
    """
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == _HANDLER), None)
    if handler is None:
        if root.handlers:
            return  # logging was set up by whoever runs us (pytest, a service wrapper): leave it
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_HANDLER)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    elif isinstance(handler, logging.StreamHandler):
        handler.setStream(sys.stderr)  # a new sys.stderr since the last command run in this process
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    handler.setLevel(logging.INFO if verbose else logging.WARNING if daemon else logging.CRITICAL)
    # APScheduler reports every job run at INFO: twice a second for the emergency poll alone.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


# The modules of the commands, each loaded when its command runs or `--help` lists it: `news list` reads
# the queue without importing the web console's roles, the hub or the audio commands (issue 9).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "broadcaster.cli.setup_commands": ("init", "config", "topics", "doctor"),
    "broadcaster.cli.news_commands": ("news",),
    "broadcaster.cli.speech_commands": ("normalize", "render", "speak", "preview"),
    "broadcaster.cli.air_commands": ("run", "schedule", "status", "air-now", "devices"),
    "broadcaster.cli.evidence_commands": ("log", "report"),
    "broadcaster.cli.demo_commands": ("demo",),
    "broadcaster.cli.users_commands": ("users",),
    "broadcaster.cli.audit_commands": ("audit",),
    "broadcaster.cli.web_commands": ("web",),
    "broadcaster.cli.hub_link_commands": ("hub-link", "sync"),
    "broadcaster.hub.cli": ("hub",),
}
_MODULE_OF = {name: module for module, names in COMMAND_MODULES.items() for name in names}


def _load_commands(module_name: str) -> None:
    """Add a module's commands to `cli`. Defined as if at import, before a language is chosen (click.Path
    names its kind when it is defined; click_texts translates it when shown), as when all were loaded at once."""
    with untranslated():
        # __import__, not importlib.import_module: `python -X importtime` (the start-up tests) sees only the former
        module = __import__(module_name, fromlist=["_"])
    for command in getattr(module, "COMMANDS", None) or [module.hub_group]:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="broadcaster")
