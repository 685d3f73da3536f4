"""run, schedule, status, air-now, devices."""

from __future__ import annotations

from datetime import datetime

import click

from broadcaster.cli import words
from broadcaster.cli.common import config_option, echo_json, open_station, warn
from broadcaster.cli.help import Command
from broadcaster.i18n import _
from broadcaster.web import labels


def _at(iso: str) -> str:
    """A station-time ISO moment of the service's answers, as the reader writes moments."""
    return words.second(datetime.fromisoformat(iso)) if words.vietnamese() else iso


@click.command(cls=Command)
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
        click.echo(
            _("{station}: on air through {output}. Ctrl-C to stop.").format(
                station=station.config.station.name, output=output
            ),
            err=True,
        )

    onair.run_daemon(station, run_for, started)
    click.echo(_("Station daemon stopped."), err=True)


@click.command(cls=Command)
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
        click.echo(_("No slots in the next {days} day(s); add [[slots]] to config.toml.").format(days=days))
    for plan in plans:
        when = words.second(station.local(plan.occurrence.at), weekday=True)
        length = _("{seconds} of {max}").format(
            seconds=words.length(plan.seconds), max=words.length(plan.occurrence.slot.max_seconds)
        )
        empty = "  " + _("EMPTY: nothing to air") if plan.empty else ""
        click.echo(f"{when}  {plan.occurrence.slot.name}  ({length}){empty}")
        for planned in plan.items:
            priority = words.priority(planned.item.priority.value)
            click.echo(f"    {words.length(planned.seconds):>6}  #{planned.item.id} [{priority}] {planned.item.title}")
        waiting: dict[str, list[str]] = {}
        for item_id, reason in plan.waiting:
            waiting.setdefault(words.code(labels.WAIT_REASONS, reason.value), []).append(f"#{item_id}")
        for why, ids in waiting.items():
            click.echo("    " + _("waiting ({reason}): {ids}").format(reason=why, ids=", ".join(ids)))
        if plan.exemption:
            click.echo("    " + _("exemption: {exemption}").format(exemption=labels.reason_text(plan.exemption)))


@click.command(cls=Command)
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
        click.echo(_("Daemon: running ({where})").format(where=found.daemon_where))
    else:
        click.echo(_("Daemon: NOT running: start it with `broadcaster run`"))
    on_air = "; ".join(
        _("{slot} since {time}").format(slot=a.slot, time=_at(a.started_at or a.scheduled_at)) for a in found.on_air
    )
    click.echo(_("On air: {what}").format(what=on_air or _("nothing")))
    for cut in found.cut_by_stop:
        click.echo(
            _(
                "Cut by a stop of the station: {slot} (started {time}); "
                "it is logged as interrupted when the daemon starts."
            ).format(slot=cut.slot, time=_at(cut.started_at or cut.scheduled_at))
        )
    if data["next_slot"]:
        plan = data["next_slot"]
        titles = ", ".join(f"#{i['id']} {i['title']}" for i in plan["items"]) or _("nothing (empty slot)")
        click.echo(
            _("Next slot: {slot} at {time}: {items}").format(slot=plan["slot"], time=_at(plan["at"]), items=titles)
        )
    if found.waiting_for_speech:
        ids = ", ".join(map(str, found.waiting_for_speech))
        click.echo(_("Waiting for speech: {ids} (run `broadcaster render --all`)").format(ids=ids))
    if found.waiting_for_approval:
        ids = ", ".join(map(str, found.waiting_for_approval))
        click.echo(_("Waiting for approval: {ids} (`broadcaster news approve ID --by NAME`)").format(ids=ids))


@click.command("air-now", cls=Command)
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
        click.echo(_("News item {id} is on air now; it is not started again.").format(id=item_id))
    elif result.outcome == "asked the daemon":
        click.echo(_("News item {id} goes on air within seconds (the running daemon airs it).").format(id=item_id))
    else:
        record = result.record
        assert record is not None
        click.echo(
            _("Aired news item {id}: {status}, {seconds} s (log #{seq}).").format(
                id=item_id,
                status=words.airing_status(record.status),
                seconds=words.decimal(record.duration_seconds),
                seq=record.seq,
            )
        )


@click.command(cls=Command)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def devices(as_json: bool) -> None:
    """List sound devices (names for [output] device in config.toml)."""
    from broadcaster.sound.devices import list_devices

    found = list_devices()
    if as_json:
        echo_json([{"name": d.name, "description": d.description, "backend": d.backend} for d in found])
        return
    if not found:
        click.echo(
            _("No sound device found. Is the sound card connected? (apt-get install alsa-utils pulseaudio-utils)")
        )
    for device in found:
        click.echo(f"{device.backend:<6} {device.name:<40} {device.description}")


COMMANDS = [run, schedule, status, air_now, devices]
