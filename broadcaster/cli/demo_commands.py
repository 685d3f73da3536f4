"""demo: a short demo day on the embedded defaults."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-station"),
    show_default=True,
    help="Folder of the demo station (replaced if it holds an earlier demo).",
)
def demo(folder: Path) -> None:
    """Run a short demo day: sample news, three slots a few seconds apart, an emergency, the log and the report."""
    from broadcaster import demo as demo_day
    from broadcaster.clock import SystemClock

    plan = demo_day.prepare(folder.resolve(), SystemClock().now())
    click.echo(f"Demo station in {plan.folder} (SQLite, offline voice).")
    station = demo_day.run(plan, click.echo)
    text, files = demo_day.summary(station)
    click.echo("\n== Airing log ==")
    click.echo(text)
    click.echo("== Files ==")
    for fmt, path in files.items():
        click.echo(f"{fmt:>5}: {path}")
    click.echo(f"Try: broadcaster --config {plan.folder / 'config.toml'} log")


COMMANDS = [demo]
