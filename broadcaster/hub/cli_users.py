"""`broadcaster hub users ...`: who may use the hub's pages (editor, approver, viewer).

The station's `broadcaster users` commands on the hub's users: the same account code
(web/accounts.py, on the hub's tables and roles) and the same password prompts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcaster.cli.common import echo_json
from broadcaster.cli.help import Group
from broadcaster.cli.users_commands import _print_one_time, _read_password
from broadcaster.hub.cli import hub_options, open_hub
from broadcaster.hub.roles import ROLES
from broadcaster.i18n import _

if TYPE_CHECKING:
    from broadcaster.web.accounts import Accounts

LOCAL = "local"


def _accounts(ctx: click.Context) -> Accounts:
    from broadcaster.hub.users import accounts

    return accounts(open_hub(ctx))


def _actor() -> str:
    from broadcaster.web.accounts import cli_actor

    return cli_actor()


@click.group("users", cls=Group)
@hub_options
def users() -> None:
    """Who may use the hub's pages, with which role (editor, approver, viewer)."""


@users.command("add")
@hub_options
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="editor (composes bulletins), approver (also approves bulletins someone else composed), "
    "viewer (reads the pages and the reports).",
)
@click.option("--full-name", default="", help="The person's full name, shown on the pages and on approved bulletins.")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the password from the first line of this file (else: typed twice, or a one-time password).",
)
@click.pass_context
def users_add(ctx: click.Context, name: str, role: str, full_name: str, password_file: Path | None) -> None:
    """Add a district user who may log in to the hub's pages."""
    accounts = _accounts(ctx)
    password = _read_password(password_file)
    user, one_time = accounts.add(name, role, password, full_name, actor=_actor(), address=LOCAL)
    click.echo(_("Added {name} ({role}).").format(name=user.username, role=user.role_label))
    if one_time:
        _print_one_time(user.username, one_time)


@users.command("list")
@hub_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """List the hub's users, their roles and whether they may log in."""
    found = _accounts(ctx).list()
    if as_json:
        echo_json([user.to_json() for user in found])
        return
    if not found:
        click.echo(_("No users yet. Add one with: broadcaster hub users add NAME --role approver"))
        return
    tz = open_hub(ctx).settings.tz
    width = max(len(u.username) for u in found)
    for user in found:
        state = _("active") if user.active else _("disabled")
        if user.active and user.must_change_password:
            state = _("must choose a password")
        if user.active and user.locked_until:
            state = _("paused until {time}").format(time=f"{user.locked_until.astimezone(tz):%H:%M}")
        last = f"{user.last_login_at.astimezone(tz):%d/%m/%Y %H:%M}" if user.last_login_at else "-"
        click.echo(f"{user.username:<{width}}  {user.role:<8}  {state:<22}  {last:<16}  {user.full_name}".rstrip())


@users.command("passwd")
@hub_options
@click.argument("name")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the new password from the first line of this file (else: typed twice, or a one-time password).",
)
@click.pass_context
def users_passwd(ctx: click.Context, name: str, password_file: Path | None) -> None:
    """Set a user's password (they are logged out everywhere; a login pause is lifted)."""
    accounts = _accounts(ctx)
    user = accounts.find(name)
    password = _read_password(password_file)
    one_time = accounts.set_password(user.id, password, actor=_actor(), address=LOCAL)
    click.echo(_("New password set for {name}.").format(name=user.username))
    if one_time:
        _print_one_time(user.username, one_time)


@users.command("disable")
@hub_options
@click.argument("name")
@click.pass_context
def users_disable(ctx: click.Context, name: str) -> None:
    """Stop a user from logging in (they are logged out at once)."""
    accounts = _accounts(ctx)
    user = accounts.set_active(accounts.find(name).id, False, actor=_actor(), address=LOCAL)
    click.echo(_("{name} is disabled.").format(name=user.username))


@users.command("enable")
@hub_options
@click.argument("name")
@click.pass_context
def users_enable(ctx: click.Context, name: str) -> None:
    """Let a disabled user log in again."""
    accounts = _accounts(ctx)
    user = accounts.set_active(accounts.find(name).id, True, actor=_actor(), address=LOCAL)
    click.echo(_("{name} can log in again.").format(name=user.username))
