"""audit, audit verify: the hash-chained trail of what the console's users did."""

from __future__ import annotations

import click

from broadcaster.cli.common import config_option, echo_json, open_station
from broadcaster.cli.help import Group
from broadcaster.i18n import _


@click.group(invoke_without_command=True, cls=Group)
@config_option
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True, help="How many entries.")
@click.option("--user", "actor", help="Only this user's actions (the command line appears as cli:<system user>).")
@click.option("--action", help="Only this kind of action: login, user, item, or a full one such as item.approve.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def audit(ctx: click.Context, limit: int, actor: str | None, action: str | None, as_json: bool) -> None:
    """The audit trail: who did what in the console and with `users`, when, from where (newest first)."""
    if ctx.invoked_subcommand is not None:
        return
    from broadcaster.auditlog import to_json
    from broadcaster.service import audit_trail

    station = open_station(ctx)
    entries = audit_trail.entries(station, limit=limit, actor=actor, action=action)
    tz = station.config.tz
    if as_json:
        echo_json([to_json(e, tz) for e in entries])
        return
    if not entries:
        filtered = actor or action
        click.echo(_("Nothing in the audit trail for that choice.") if filtered else _("The audit trail is empty."))
    for entry in entries:
        details = ", ".join(f"{k}={v}" for k, v in sorted(entry.details_dict().items()))
        click.echo(
            f"{entry.seq:>6}  {entry.at.astimezone(tz):%d/%m/%Y %H:%M:%S}  {entry.actor}  {entry.action}"
            f"{'  ' + entry.target if entry.target else ''}{'  (' + details + ')' if details else ''}"
            f"  {_('from')} {entry.address or '-'}"
        )


@audit.command("verify")
@config_option
@click.option("--head", help="A verification code printed by an earlier `audit verify` (COUNT:HASH).")
@click.pass_context
def audit_verify(ctx: click.Context, head: str | None) -> None:
    """Check the audit trail's hash chain: exit 0 when intact, 1 naming the first bad entry."""
    from broadcaster.auditlog import parse_head
    from broadcaster.service import audit_trail

    written_down = parse_head(head) if head else None
    result = audit_trail.verify(open_station(ctx), written_down)
    if not result.ok:
        raise click.ClickException(_("The audit trail is NOT intact: {problem}").format(problem=result.problem))
    click.echo(
        _("The audit trail is intact: {count} entries, verification code {code}").format(
            count=result.count, code=result.code
        )
    )


COMMANDS = [audit]
