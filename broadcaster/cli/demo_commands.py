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
