"""run, schedule, status, air-now, devices."""

from __future__ import annotations

import click

from broadcaster.cli.common import config_option, echo_json, open_station, warn


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


@click.command()
@config_option
@click.option("--for", "run_for", type=float, default=None, help="Stop after this many seconds (demo, tests).")
@click.pass_context
def run(ctx: click.Context, run_for: float | None) -> None:
    """Run the station daemon: air every slot on time, emergencies at once, log everything.

    Stop with Ctrl-C or SIGTERM (an airing cut short is logged as interrupted);
    SIGHUP reloads config.toml.
    """
    from broadcaster.service import onair

    station = open_station(ctx)

    def started(output: str) -> None:
        click.echo(f"{station.config.station.name}: on air through {output}. Ctrl-C to stop.", err=True)

    onair.run_daemon(station, run_for, started)
    click.echo("Station daemon stopped.", err=True)


@click.command()
@config_option
@click.option("--days", type=click.IntRange(1, 60), default=2, show_default=True, help="How many days ahead.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def schedule(ctx: click.Context, days: int, as_json: bool) -> None:
    """Show the coming slots and what would air in each, with durations."""
    from broadcaster.service import onair

    station = open_station(ctx)
    plans = onair.schedule(station, days)
    if as_json:
        echo_json([onair.plan_json(station, p) for p in plans])
        return
    if not plans:
        click.echo(f"No slots in the next {days} day(s); add [[slots]] to config.toml.")
    for plan in plans:
        local = station.local(plan.occurrence.at)
        length = f"{_minutes(plan.seconds)} of {_minutes(plan.occurrence.slot.max_seconds)}"
        click.echo(
            f"{local:%a %Y-%m-%d %H:%M:%S}  {plan.occurrence.slot.name}  ({length})"
            + ("  EMPTY: nothing to air" if plan.empty else "")
        )
        for planned in plan.items:
            click.echo(
                f"    {_minutes(planned.seconds):>6}  #{planned.item.id} [{planned.item.priority.value}] "
                f"{planned.item.title}"
            )
        waiting: dict[str, list[str]] = {}
        for item_id, reason in plan.waiting:
            waiting.setdefault(reason.value, []).append(f"#{item_id}")
        for why, ids in waiting.items():
            click.echo(f"    waiting ({why}): {', '.join(ids)}")
        if plan.exemption:
            click.echo(f"    exemption: {plan.exemption}")


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Is the daemon running, what is on air, the next slot, items waiting for speech or approval."""
    from broadcaster.service import onair

    station = open_station(ctx)
    found = onair.status(station)
    data = onair.status_json(station, found)
    if as_json:
        echo_json(data)
        return
    if found.daemon_running:
        click.echo(f"Daemon: running ({found.daemon_where})")
    else:
        click.echo("Daemon: NOT running: start it with `broadcaster run`")
    on_air = "; ".join(f"{a.slot} since {a.started_at or a.scheduled_at}" for a in found.on_air)
    click.echo(f"On air: {on_air or 'nothing'}")
    for cut in found.cut_by_stop:
        click.echo(
            f"Cut by a stop of the station: {cut.slot} (started {cut.started_at or cut.scheduled_at}); "
            "it is logged as interrupted when the daemon starts."
        )
    if data["next_slot"]:
        plan = data["next_slot"]
        titles = ", ".join(f"#{i['id']} {i['title']}" for i in plan["items"]) or "nothing (empty slot)"
        click.echo(f"Next slot: {plan['slot']} at {plan['at']}: {titles}")
    if found.waiting_for_speech:
        ids = ", ".join(map(str, found.waiting_for_speech))
        click.echo(f"Waiting for speech: {ids} (run `broadcaster render --all`)")
    if found.waiting_for_approval:
        ids = ", ".join(map(str, found.waiting_for_approval))
        click.echo(f"Waiting for approval: {ids} (`broadcaster news approve ID --by NAME`)")


@click.command("air-now")
@config_option
@click.argument("item_id", type=int)
@click.option("--again", is_flag=True, help="Air it once more although it has aired as often as wanted.")
@click.pass_context
def air_now(ctx: click.Context, item_id: int, again: bool) -> None:
    """Air a news item at once, interrupting any bulletin that is playing (emergencies, khẩn cấp)."""
    from broadcaster.service import onair
    from broadcaster.service.actor import Actor

    result = onair.air_now(open_station(ctx), item_id, again, Actor.command_line())
    for problem in result.problems:
        warn(problem)
    if result.outcome == "on air already":
        click.echo(f"News item {item_id} is on air now; it is not started again.")
    elif result.outcome == "asked the daemon":
        click.echo(f"News item {item_id} goes on air within seconds (the running daemon airs it).")
    else:
        record = result.record
        assert record is not None
        click.echo(f"Aired news item {item_id}: {record.status}, {record.duration_seconds:.1f} s (log #{record.seq}).")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def devices(as_json: bool) -> None:
    """List sound devices (names for [output] device in config.toml)."""
    from broadcaster.sound.devices import list_devices

    found = list_devices()
    if as_json:
        echo_json([{"name": d.name, "description": d.description, "backend": d.backend} for d in found])
        return
    if not found:
        click.echo("No sound device found. Is the sound card connected? (apt-get install alsa-utils pulseaudio-utils)")
    for device in found:
        click.echo(f"{device.backend:<6} {device.name:<40} {device.description}")


COMMANDS = [run, schedule, status, air_now, devices]
