"""demo: a short demo day on the embedded defaults."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcaster.cli import airing_output
from broadcaster.cli.help import Command
from broadcaster.i18n import _
from broadcaster.web.permissions import role_label

if TYPE_CHECKING:
    from broadcaster.service.context import Station


@click.command(cls=Command)
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-station"),
    show_default=True,
    help="Folder of the demo station: a new or empty one, or one an earlier demo made (only that is replaced).",
)
@click.option(
    "--quick",
    is_flag=True,
    help="One bulletin of one item, written to a WAV file at once: checks an installation in about 20 seconds.",
)
def demo(folder: Path, quick: bool) -> None:
    """Run a short demo day: sample news, three slots a few seconds apart, an emergency, the log and the report."""
    from broadcaster.clock import SystemClock
    from broadcaster.service import demo as demo_day

    plan = demo_day.prepare(folder.resolve(), SystemClock().now(), lead_s=8.0 if quick else 20.0, quick=quick)
    click.echo(_("Demo station in {folder} (SQLite, offline voice).").format(folder=plan.folder))
    station = demo_day.run(plan, click.echo)
    done = demo_day.results(station)
    click.echo("\n== " + _("Airing log") + " ==")
    for record in done.records:
        click.echo(airing_output.log_line(record, station))
    click.echo(airing_output.verdict_line(done.verified) + "\n")
    click.echo(done.report_text)
    click.echo("== " + _("Report files") + " ==")
    for fmt, path in done.files.items():
        click.echo(f"{fmt:>5}: {path}")
    click.echo(_("The whole log: broadcaster --config {config} log").format(config=plan.folder / "config.toml"))
    _console(station, plan.folder)


def _console(station: Station, folder: Path) -> None:
    """How to open the web console on the demo station, with the users the demo made for it."""
    from broadcaster.web.demo_users import console_address, create_demo_users

    logins, path = create_demo_users(station, folder)
    click.echo("\n== " + _("Web console") + " ==")
    click.echo(_("Start it:   broadcaster --config {config} web").format(config=folder / "config.toml"))
    click.echo(_("Then open:  {url} in a browser on this computer").format(url=console_address(station)))
    click.echo(_("Log in as one of (these passwords are also in {path}):").format(path=path))
    for login in logins:
        click.echo(f"  {login.username:<10} {login.password:<14} {role_label(login.role)}")


COMMANDS = [demo]
