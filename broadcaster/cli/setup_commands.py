"""init, config check/show, topics, doctor."""

from __future__ import annotations

import click

from broadcaster import config as station_config  # its parts load on first use
from broadcaster.cli.common import config_option, config_path, echo_json, open_station, warn
from broadcaster.cli.help import Command, Group
from broadcaster.i18n import _


@click.command(cls=Command)
@config_option
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the station's database and folders, or upgrade an older database (safe to run again)."""
    station = open_station(ctx)
    before, after = station.init()
    if before is None:
        message = _("Created the station database (schema {after}) and folders under {folder}.")
    elif before != after:
        message = _("Upgraded the station database from schema {before} to {after}; existing records kept.")
    else:
        message = _("The station is ready (schema {after}); nothing to do.")
    click.echo(message.format(before=before, after=after, folder=station.config.folder))


@click.group(cls=Group)
def config() -> None:
    """Check or show the station configuration."""


@config.command("check")
@config_option
@click.pass_context
def config_check(ctx: click.Context) -> None:
    """Report every problem in config.toml at once (exit 1 if there is any), then what looks unintended."""
    path = config_path(ctx)
    cfg = station_config.load_config(path)
    click.echo(
        _("{path}: ok ({topics} topics, {slots} slots, {targets} targets).").format(
            path=cfg.path, topics=len(cfg.topics), slots=len(cfg.slots), targets=len(cfg.targets)
        )
    )
    for warning in station_config.lint(cfg):
        warn(warning)


@config.command("show")
@config_option
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """Print the effective configuration, defaults included."""
    from broadcaster.service.context import describe_database

    cfg = station_config.load_config(config_path(ctx))
    click.echo(f"# effective configuration of {cfg.path}")
    click.echo(f"# relative paths are relative to {cfg.folder}; the database is {describe_database(cfg.database_url)}")
    click.echo(station_config.to_toml(station_config.as_dict(cfg)), nl=False)


@click.command(cls=Command)
@config_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def topics(ctx: click.Context, as_json: bool) -> None:
    """List the plan's content topics (codes to use with --topic)."""
    cfg = station_config.load_config(config_path(ctx))
    if as_json:
        echo_json([{"code": t.code, "name": t.name} for t in cfg.topics])
        return
    width = max(len(t.code) for t in cfg.topics)
    for topic in cfg.topics:
        click.echo(f"{topic.code:<{width}}  {topic.name}")


@click.command(cls=Command)
@config_option
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check that the station can run: config, database, ffmpeg, voices, disk, sound, amplifier."""
    from broadcaster.service.doctor import run_checks

    checks = run_checks(config_path(ctx))
    # "ok       database: ..." / "PROBLEM  database: ..." / "         fix: ...", in columns in any language
    ok, problem = _("ok"), _("PROBLEM")
    width = max(len(ok), len(problem)) + 2
    for check in checks:
        line = f"{_(check.name)}: {check.detail}"
        if check.ok:
            click.echo(ok.ljust(width) + line)
        else:
            click.secho(problem.ljust(width) + line, fg="red")
            if check.fix:
                click.echo(" " * width + _("fix: {fix}").format(fix=check.fix))
    problems = sum(not c.ok for c in checks)
    if problems:
        raise click.ClickException(
            _("{count} problem(s) found; fix them and run `broadcaster doctor` again.").format(count=problems)
        )
    click.echo(_("All checks passed."))


COMMANDS = [init, config, topics, doctor]
