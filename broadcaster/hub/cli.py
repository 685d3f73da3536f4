"""`broadcaster hub ...`: the district's service (Phòng Văn hóa - Thông tin).

Thin: each command parses, calls one function of broadcaster.hub, and prints. Heavy imports
(SQLAlchemy models, FastAPI) happen inside the commands, so the station's CLI starts fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from broadcaster.cli import words
from broadcaster.cli.common import echo_json, notice
from broadcaster.cli.help import Group
from broadcaster.i18n import _

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
    if result.before is None:
        database = _("Hub database created (schema {schema}).")
    elif result.before != result.after:
        database = _("Hub database upgraded (schema {schema}).")
    else:
        database = _("Hub database up to date (schema {schema}).")
    click.echo(database.format(schema=result.after))
    if result.key_created:
        key_line = _("Signing key {path} (created; keep it private and in the backup).")
    else:
        key_line = _("Signing key {path} (kept; keep it private and in the backup).")
    click.echo(key_line.format(path=result.key_path))
    click.echo(_("Hub public key: {key}").format(key=result.public_key))
    click.echo(
        _("Fingerprint: {fingerprint} (read it to each commune's technician when linking)").format(
            fingerprint=result.fingerprint
        )
    )


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
    from broadcaster.cli import log_as_a_service
    from broadcaster.hub.api import serve as run

    log_as_a_service(ctx)
    hub = open_hub(ctx)
    if workers > 1:
        listening = _("Hub {name} listening on http://{host}:{port} (key {fingerprint}, {workers} processes)")
    else:
        listening = _("Hub {name} listening on http://{host}:{port} (key {fingerprint})")
    click.echo(
        listening.format(name=hub.settings.name, host=host, port=port, fingerprint=hub.fingerprint, workers=workers),
        err=True,
    )
    run(hub, host, port, workers)


@hub_group.command("key")
@hub_options
@click.pass_context
def key(ctx: click.Context) -> None:
    """Print the hub's public key and its fingerprint (what stations pin)."""
    hub = open_hub(ctx)
    click.echo(hub.public_key)
    click.echo(_("Fingerprint: {fingerprint}").format(fingerprint=hub.fingerprint))


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
    click.echo(
        _("Registered station {code} ({name}), key fingerprint {fingerprint}.").format(
            code=info.code, name=info.name, fingerprint=info.fingerprint
        )
    )
    if info.waiting:
        notice(_("{n} bulletin(s) to all stations are waiting for its first sync.").format(n=info.waiting))


def _contact(info: Any) -> str:
    tz = open_hub(click.get_current_context()).settings.tz  # the hub's, as its pages show: not the server's (UTC?)
    return words.minute(info.last_contact_at.astimezone(tz)) if info.last_contact_at else _("never")


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
            _("No stations yet. Register one with `broadcaster hub stations add CODE --name ... --public-key ...`.")
        )
    for i in infos:
        state = _("FORKED (log differs from the hub's copy)") if i.forked else _("ok")
        # the columns are padded here, outside the text, so a translation keeps them lined up
        click.echo(
            _("{code} {name} airings {records}  last contact {contact}  waiting {waiting}  {state}").format(
                code=f"{i.code:<14}",
                name=f"{i.name:<24}",
                records=f"{i.records:>7}",
                contact=f"{_contact(i):<16}",
                waiting=f"{i.waiting:>3}",
                state=state,
            )
        )
        if i.problem:
            click.echo(f"{'':<15}{i.problem}")
            unfork_line = _('Once looked into: broadcaster hub stations unfork {code} --note "..."')
            click.echo(f"{'':<15}" + unfork_line.format(code=i.code))


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
    click.echo(
        _("Cleared the fork flag of {code} ({name}); the note is in the hub's audit trail.").format(
            code=info.code, name=info.name
        )
    )
    notice(_("if the station's log still differs from the hub's copy, its next sync flags it again."))


@stations.command("rekey")
@hub_options
@click.argument("code")
@click.option("--public-key", required=True, help="The station's new key, as `broadcaster hub-link` printed it there.")
@click.pass_context
def stations_rekey(ctx: click.Context, code: str, public_key: str) -> None:
    """Replace a station's registered key (a new or restored station PC); the old key stops working."""
    from broadcaster.hub.stations import rekey

    info = rekey(open_hub(ctx), code, public_key)
    click.echo(
        _(
            "Station {code} ({name}) now signs with the key of fingerprint {fingerprint}; its old key no longer works."
        ).format(code=info.code, name=info.name, fingerprint=info.fingerprint)
    )


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
        notice(
            _("Published: queued for {n} station(s), approved by {name}.").format(
                n=info.addressed, name=info.approved_by
            )
        )
    else:
        notice(_("Waiting for approval: broadcaster hub bulletins approve {id} --by NAME").format(id=info.id))
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
    click.echo(_("Approved by {name}; queued for {n} station(s).").format(name=info.approved_by, n=info.addressed))


@bulletins.command("list")
@hub_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def bulletins_list(ctx: click.Context, as_json: bool) -> None:
    """Bulletins, newest first: addressed to, delivered to, aired by, airings counted."""
    from broadcaster.hub.bulletins import list_bulletins
    from broadcaster.hub.pages.labels import PRIORITIES, STATES

    infos = list_bulletins(open_hub(ctx))
    if as_json:
        echo_json([i.to_json() for i in infos])
        return
    if not infos:
        click.echo(_("No bulletins yet."))
    priorities, states = _column(PRIORITIES), _column(STATES)
    for i in infos:
        click.echo(
            _(
                "{id}  {priority} {state} to {addressed}  delivered {delivered}  aired by {aired_by}  "
                "airings {airings}  {title}"
            ).format(
                id=i.id,
                priority=priorities(i.priority),
                state=states(i.state),
                addressed=f"{i.addressed:>3}",
                delivered=f"{i.delivered:>3}",
                aired_by=f"{i.aired_by:>3}",
                airings=f"{i.airings:>4}",
                title=i.title,
            )
        )


def _column(table: dict[str, str]) -> Callable[[str], str]:
    """A code as the column shows it: the pages' word in Vietnamese, the code in English, padded to
    the longest of them so the rows line up in either language."""
    width = max(9, *(len(words.code(table, code)) for code in table))
    return lambda code: f"{words.code(table, code):<{width}}"


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
        stdout.write(report_writers.render(built, fmt, section, hub.today(), hub.settings.tz))
        stdout.flush()
        return
    path = report_writers.write(built, fmt, output, section, hub.today(), hub.settings.tz)
    click.echo(_("Wrote {path}.").format(path=path))


def _register() -> None:
    from broadcaster.hub.cli_users import users

    hub_group.add_command(users)


_register()
