"""run, schedule, status, air-now, devices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click

from broadcaster.cli.common import config_option, echo_json, open_station, warn
from broadcaster.errors import InputError


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
    from broadcaster.daemon import Daemon
    from broadcaster.equipment import make_equipment

    station = open_station(ctx)
    output, amplifier = make_equipment(station)
    daemon = Daemon(station, output, amplifier, equipment=make_equipment)

    def started() -> None:
        click.echo(f"{station.config.station.name}: on air through {output.name}. Ctrl-C to stop.", err=True)

    daemon.run(run_for=run_for, on_started=started)
    click.echo("Station daemon stopped.", err=True)


def _plan_json(station: Any, plan: Any) -> dict[str, Any]:
    return {
        "slot": plan.occurrence.slot.name,
        "at": station.local(plan.occurrence.at).isoformat(),
        "seconds": round(plan.seconds, 1),
        "max_seconds": plan.occurrence.slot.max_seconds,
        "exemption": plan.exemption,
        "items": [
            {
                "id": p.item.id,
                "title": p.item.title,
                "topic": p.item.topic,
                "priority": p.item.priority.value,
                "seconds": round(p.seconds, 1),
            }
            for p in plan.items
        ],
        "waiting": [{"id": item_id, "reason": reason.value} for item_id, reason in plan.waiting],
    }


@click.command()
@config_option
@click.option("--days", type=click.IntRange(1, 60), default=2, show_default=True, help="How many days ahead.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def schedule(ctx: click.Context, days: int, as_json: bool) -> None:
    """Show the coming slots and what would air in each, with durations."""
    from broadcaster.programme import Programme
    from broadcaster.rendering import Speech

    station = open_station(ctx)
    station.ready()
    plans = Programme(station, Speech(station)).upcoming(station.now() + timedelta(days=days))
    if as_json:
        echo_json([_plan_json(station, p) for p in plans])
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
        if plan.exemption:
            click.echo(f"    exemption: {plan.exemption}")


@click.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Is the daemon running, what is on air, the next slot, items waiting for speech or approval."""
    from broadcaster.lock import daemon_holder
    from broadcaster.programme import Programme
    from broadcaster.rendering import Speech
    from broadcaster.store import airings as log_store

    station = open_station(ctx)
    station.ready()
    holder = daemon_holder(station.db)
    pid = holder.pid if holder else None
    programme = Programme(station, Speech(station))
    with station.db.session() as session:
        on_air = [
            {
                "slot": r.slot,
                "kind": r.kind,
                "scheduled_at": station.local(r.scheduled_at).isoformat(),
                "started_at": station.local(r.started_at).isoformat() if r.started_at else None,
            }
            for r in log_store.on_air_rows(session)
        ]
    upcoming = programme.upcoming(station.now() + timedelta(days=8))
    next_plan = _plan_json(station, upcoming[0]) if upcoming else None
    items = programme.live_items()
    no_speech = [i.id for i in items if programme.speech.cached_item(i) is None]
    unapproved = [i.id for i in items if i.approved_at is None] if station.config.station.require_approval else []
    data = {
        "daemon_running": pid is not None,
        "daemon_pid": pid,
        "on_air": on_air,
        "next_slot": next_plan,
        "waiting_for_speech": no_speech,
        "waiting_for_approval": unapproved,
    }
    if as_json:
        echo_json(data)
        return
    click.echo(f"Daemon: {'running (pid ' + str(pid) + ')' if pid else 'NOT running: start it with `broadcaster run`'}")
    click.echo(
        "On air: "
        + ("; ".join(f"{a['slot']} since {a['started_at'] or a['scheduled_at']}" for a in on_air) or "nothing")
    )
    if next_plan:
        titles = ", ".join(f"#{i['id']} {i['title']}" for i in next_plan["items"]) or "nothing (empty slot)"
        click.echo(f"Next slot: {next_plan['slot']} at {next_plan['at']}: {titles}")
    if no_speech:
        click.echo(f"Waiting for speech: {', '.join(map(str, no_speech))} (run `broadcaster render --all`)")
    if unapproved:
        click.echo(f"Waiting for approval: {', '.join(map(str, unapproved))} (`broadcaster news approve ID --by NAME`)")


@click.command("air-now")
@config_option
@click.argument("item_id", type=int)
@click.option("--again", is_flag=True, help="Air it once more although it has aired as often as wanted.")
@click.pass_context
def air_now(ctx: click.Context, item_id: int, again: bool) -> None:
    """Air a news item at once, interrupting any bulletin that is playing (emergencies, khẩn cấp)."""
    from broadcaster.lock import DaemonLock, daemon_holder, wake_daemon
    from broadcaster.newsdesk import NewsDesk
    from broadcaster.store import airings as log_store

    station = open_station(ctx)
    item, on_air = NewsDesk(station).with_air_state(item_id)
    if item.cancelled_at is not None:
        raise InputError(f"News item {item_id} is cancelled.", "Add it again if it must air.")
    if station.config.station.require_approval and item.approved_at is None:
        raise InputError(
            f"News item {item_id} is not approved.", f"Approve it first: broadcaster news approve {item_id} --by NAME"
        )
    if on_air:
        # asking again must not cut it and start it over: villagers would hear it cut
        click.echo(f"News item {item_id} is on air now; it is not started again.")
        return
    if item.airings_done >= item.airings_wanted and not again:
        raise InputError(
            f"News item {item_id} has aired already ({item.airings_done} of {item.airings_wanted}).",
            f"To air it once more, run: broadcaster air-now {item_id} --again",
        )
    if daemon_holder(station.db):
        with station.db.session() as session:
            log_store.request_emergency(session, item_id, station.now())
        wake_daemon(station.db)
        click.echo(f"News item {item_id} goes on air within seconds (the running daemon airs it).")
        return
    from broadcaster.equipment import make_amplifier, make_output
    from broadcaster.onair import Airer
    from broadcaster.programme import Programme
    from broadcaster.rendering import Speech

    with DaemonLock(station.db, station.config.path):
        speech = Speech(station)
        problems = speech.render_items([item])[1]
        for problem in problems:
            warn(problem)
        airer = Airer(station, speech, make_output(station), make_amplifier(station))
        airer.open_log()
        record = airer.air(Programme(station, speech).emergency_request(item, station.now()))
    if record is None:
        raise click.ClickException(
            f"News item {item_id} aired, but the airing log could not be written (is the disk full?). "
            "Free disk space and run `broadcaster doctor`; the daemon's on-air entry will be closed at its next start."
        )
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
