"""`broadcaster hub ...`: the district's service (Phòng Văn hóa - Thông tin).

Thin: each command parses, calls one function of broadcaster.hub, and prints. Heavy imports
(SQLAlchemy models, FastAPI) happen inside the commands, so the station's CLI starts fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from broadcaster.cli.common import echo_json, notice
from broadcaster.cli.help import Group

if TYPE_CHECKING:
    from broadcaster.hub.service import Hub

F = TypeVar("F", bound=Callable[..., Any])
_META = "broadcaster.hub."


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value:
            ctx.meta[_META + name] = value

    return callback


def hub_options(func: F) -> F:
    """--database, --hub-config and --key on the group and on every command."""
    for name, flag, helptext in (
        ("key", "--key", "The hub's signing key file (default: $BROADCASTER_HUB_KEY or hub-key.pem)."),
        ("config", "--hub-config", "Hub config file (default: $BROADCASTER_HUB_CONFIG)."),
        ("database", "--database", "Hub database URL (default: $BROADCASTER_HUB_DATABASE or the hub config)."),
    ):
        func = click.option(
            flag,
            name,
            help=helptext,
            metavar="URL" if name == "database" else "FILE",
            expose_value=False,
            is_eager=True,
            callback=_remember(name),
        )(func)
    return func


def open_hub(ctx: click.Context) -> Hub:
    hub = ctx.meta.get(_META + "hub")
    if hub is None:
        from broadcaster.hub import settings
        from broadcaster.hub.service import Hub

        loaded = settings.load(
            ctx.meta.get(_META + "config"), ctx.meta.get(_META + "database"), ctx.meta.get(_META + "key")
        )
        hub = Hub(loaded)
        ctx.meta[_META + "hub"] = hub
        ctx.call_on_close(hub.close)
    return hub


@click.group("hub", cls=Group)
@hub_options
def hub_group() -> None:
    """The district hub: send bulletins to the communes, collect verified evidence of every airing.

    Each command takes --database URL (PostgreSQL; SQLite for a trial), or BROADCASTER_HUB_DATABASE,
    or a hub config file (--hub-config). See docs/hub.md.
    """


@hub_group.command("init")
@hub_options
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create or upgrade the hub's database and create its signing key (safe to run again)."""
    result = open_hub(ctx).init()
    state = "created" if result.before is None else ("upgraded" if result.before != result.after else "up to date")
    click.echo(f"Hub database {state} (schema {result.after}).")
    made = "created" if result.key_created else "kept"
    click.echo(f"Signing key {result.key_path} ({made}; keep it private and in the backup).")
    click.echo(f"Hub public key: {result.public_key}")
    click.echo(f"Fingerprint: {result.fingerprint} (read it to each commune's technician when linking)")


@hub_group.command("serve")
@hub_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every network).")
@click.option("--port", default=8470, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Processes serving at once (PostgreSQL only): about one per CPU core. Each keeps up to 30 "
    "database connections.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Run the hub until stopped (Ctrl+C): the stations' API and the district's pages, at one address."""
    from broadcaster.hub.api import serve as run

    hub = open_hub(ctx)
    processes = f", {workers} processes" if workers > 1 else ""
    click.echo(
        f"Hub {hub.settings.name} listening on http://{host}:{port} (key {hub.fingerprint}{processes})", err=True
    )
    run(hub, host, port, workers)


@hub_group.command("key")
@hub_options
@click.pass_context
def key(ctx: click.Context) -> None:
    """Print the hub's public key and its fingerprint (what stations pin)."""
    hub = open_hub(ctx)
    click.echo(hub.public_key)
    click.echo(f"Fingerprint: {hub.fingerprint}")


@hub_group.group("stations")
@hub_options
def stations() -> None:
    """The communes' stations registered at the hub."""


@stations.command("add")
@hub_options
@click.argument("code")
@click.option("--name", required=True, help='The commune\'s name, e.g. "Sơn Kim 1".')
@click.option("--public-key", required=True, help="The key `broadcaster hub-link` printed at the station.")
@click.pass_context
def stations_add(ctx: click.Context, code: str, name: str, public_key: str) -> None:
    """Register a commune's station by the public key it printed."""
    from broadcaster.hub.stations import add_station

    info = add_station(open_hub(ctx), code, name, public_key)
    click.echo(f"Registered station {info.code} ({info.name}), key fingerprint {info.fingerprint}.")
    if info.waiting:
        notice(f"{info.waiting} bulletin(s) to all stations are waiting for its first sync.")


def _contact(info: Any) -> str:
    return info.last_contact_at.astimezone().strftime("%Y-%m-%d %H:%M") if info.last_contact_at else "never"


@stations.command("list")
@hub_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def stations_list(ctx: click.Context, as_json: bool) -> None:
    """The stations with their last contact, airings held and any broken log (forked)."""
    from broadcaster.hub.stations import list_stations

    infos = list_stations(open_hub(ctx))
    if as_json:
        echo_json([i.to_json() for i in infos])
        return
    if not infos:
        click.echo(
            "No stations yet. Register one with `broadcaster hub stations add CODE --name ... --public-key ...`."
        )
    for i in infos:
        state = "FORKED (log differs from the hub's copy)" if i.forked else "ok"
        click.echo(
            f"{i.code:<14} {i.name:<24} airings {i.records:>7}  last contact {_contact(i):<16}  "
            f"waiting {i.waiting:>3}  {state}"
        )
        if i.problem:
            click.echo(f"{'':<15}{i.problem}")
            click.echo(f'{"":<15}Once looked into: broadcaster hub stations unfork {i.code} --note "..."')


@stations.command("unfork")
@hub_options
@click.argument("code")
@click.option("--note", required=True, help="What the district found, e.g. 'Checked on site 12/03: log restored'.")
@click.pass_context
def stations_unfork(ctx: click.Context, code: str, note: str) -> None:
    """Clear a station's FORKED flag once the district has looked into it (written to the audit trail).

    The hub's copy of the station's log is kept as it is: if the station still sends a log that
    differs from it, its next sync flags it again."""
    from broadcaster.hub.stations import unfork

    info = unfork(open_hub(ctx), code, note)
    click.echo(f"Cleared the fork flag of {info.code} ({info.name}); the note is in the hub's audit trail.")
    notice("if the station's log still differs from the hub's copy, its next sync flags it again.")


@stations.command("rekey")
@hub_options
@click.argument("code")
@click.option("--public-key", required=True, help="The station's new key, as `broadcaster hub-link` printed it there.")
@click.pass_context
def stations_rekey(ctx: click.Context, code: str, public_key: str) -> None:
    """Replace a station's registered key (a new or restored station PC); the old key stops working."""
    from broadcaster.hub.stations import rekey

    info = rekey(open_hub(ctx), code, public_key)
    click.echo(f"Station {info.code} ({info.name}) now signs with the key of fingerprint {info.fingerprint}.")


@hub_group.group("bulletins")
@hub_options
def bulletins() -> None:
    """Bulletins the district sends to its communes."""


@bulletins.command("add")
@hub_options
@click.option("--title", required=True, help="Short title of the bulletin.")
@click.option("--topic", required=True, help="Topic code of the plan, e.g. thu-tuc.")
@click.option("--text", help="The text the stations speak.")
@click.option("--audio", type=click.Path(path_type=Path, dir_okay=False), help="A recorded bulletin (audio file).")
@click.option(
    "--priority",
    type=click.Choice(["normal", "priority", "emergency"]),
    default="normal",
    show_default=True,
    help="thông thường, ưu tiên (first in the next slot) or khẩn cấp (airs at once).",
)
@click.option("--from", "valid_from", help="First day it may air (YYYY-MM-DD).")
@click.option("--until", "valid_until", help="Last day it may air (emergencies: today unless given).")
@click.option("--airings", default=1, show_default=True, type=int, help="How many times each station airs it.")
@click.option("--to", "to", required=True, help="Station codes, comma-separated, or all.")
@click.option("--approved-by", help="Approver's name: publish at once. Without it the bulletin waits for approval.")
@click.pass_context
def bulletins_add(ctx: click.Context, /, **values: Any) -> None:
    """Compose a bulletin for some or all communes; prints its id."""
    from broadcaster.hub.bulletins import BulletinInput, create

    info = create(open_hub(ctx), BulletinInput(**values))
    if info.state == "published":
        notice(f"Published: queued for {info.addressed} station(s), approved by {info.approved_by}.")
    else:
        notice(f"Waiting for approval: broadcaster hub bulletins approve {info.id} --by NAME")
    click.echo(info.id)


@bulletins.command("approve")
@hub_options
@click.argument("bulletin_id")
@click.option("--by", "approved_by", required=True, help="Name of the district approver.")
@click.pass_context
def bulletins_approve(ctx: click.Context, bulletin_id: str, approved_by: str) -> None:
    """Approve a pending bulletin: sign it and queue it for its stations."""
    from broadcaster.hub.bulletins import approve

    info = approve(open_hub(ctx), bulletin_id, approved_by)
    click.echo(f"Approved by {info.approved_by}; queued for {info.addressed} station(s).")


@bulletins.command("list")
@hub_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def bulletins_list(ctx: click.Context, as_json: bool) -> None:
    """Bulletins, newest first: addressed to, delivered to, aired by, airings counted."""
    from broadcaster.hub.bulletins import list_bulletins

    infos = list_bulletins(open_hub(ctx))
    if as_json:
        echo_json([i.to_json() for i in infos])
        return
    if not infos:
        click.echo("No bulletins yet.")
    for i in infos:
        click.echo(
            f"{i.id}  {i.priority:<9} {i.state:<9} to {i.addressed:>3}  delivered {i.delivered:>3}  "
            f"aired by {i.aired_by:>3}  airings {i.airings:>4}  {i.title}"
        )


@hub_group.command("report")
@hub_options
@click.option("--period", required=True, help="2021-Q1, 2021-03, 2021 or 2021-03-05..2021-04-10.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json", "docx", "png"]),
    default="text",
    show_default=True,
    help="text, csv (opens in Excel), json, docx (the report to sign) or png (chart).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (docx/png: required).")
@click.pass_context
def report(ctx: click.Context, period: str, fmt: str, output: Path | None) -> None:
    """The district's report for a period: per commune and per district bulletin."""
    from broadcaster.hub import report_writers
    from broadcaster.hub.reports import district_report
    from broadcaster.reports.periods import parse_period

    hub = open_hub(ctx)
    built = district_report(hub, parse_period(period))
    section = hub.settings.report
    if output is None and fmt in ("docx", "png"):
        output = Path(f"bao-cao-huyen-{built.period.label}.{fmt}")
    if output is None:
        stdout = click.get_binary_stream("stdout")
        stdout.write(report_writers.render(built, fmt, section, hub.today()))
        stdout.flush()
        return
    path = report_writers.write(built, fmt, output, section, hub.today())
    click.echo(f"Wrote {path}.")


def _register() -> None:
    from broadcaster.hub.cli_users import users

    hub_group.add_command(users)


_register()
