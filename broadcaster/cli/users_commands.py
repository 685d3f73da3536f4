"""users add / list / passwd / disable / enable / token: who may use the web console."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcaster.cli import words
from broadcaster.cli.common import config_option, echo_json, open_station
from broadcaster.cli.help import Group
from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.web.permissions import ROLES

if TYPE_CHECKING:
    from broadcaster.web.accounts import Accounts


def _accounts(ctx: click.Context) -> Accounts:
    from broadcaster.web.accounts import Accounts

    station = open_station(ctx)
    station.ready()
    return Accounts(station.db, station.clock)


def _actor() -> str:
    from broadcaster.web.accounts import cli_actor

    return cli_actor()


def _read_password(password_file: Path | None) -> str | None:
    """From the file (its first line), else typed twice; an empty entry means "generate a one-time password"."""
    if password_file is not None:
        try:
            text = password_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                _("The password file {path} cannot be read: {error}.").format(path=password_file, error=exc),
                _("Check the path and that it is a UTF-8 text file."),
            ) from exc
        password = text.splitlines()[0] if text.splitlines() else ""
        if not password:
            raise InputError(
                _("The password file {path} is empty.").format(path=password_file),
                _("Write the password on its first line."),
            )
        return password
    first = click.prompt(
        _("Password (leave empty for a one-time password)"), default="", hide_input=True, show_default=False
    )
    if not first:
        return None
    second = click.prompt(_("The same password again"), default="", hide_input=True, show_default=False)
    if first != second:
        raise InputError(_("The two passwords differ; nothing was changed."), _("Run the command again."))
    return str(first)


def _print_one_time(name: str, password: str) -> None:
    click.echo(_("One-time password for {name}: {password}").format(name=name, password=password))
    click.echo(_("Give it to them in person; at their first login they choose their own password."))


@click.group(cls=Group)
def users() -> None:
    """Who may use the web console, with which role (official, approver, technician, district)."""


@users.command("add")
@config_option
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="official (văn hóa: queue, edit, import, air now, reports), approver (the chairman: also approves), "
    "technician (kỹ thuật: checks, devices, users), district (huyện: read-only evidence).",
)
@click.option("--full-name", default="", help="The person's full name, shown in the console (e.g. 'Nguyễn Văn A').")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the password from the first line of this file (else: typed twice, or a one-time password).",
)
@click.pass_context
def users_add(ctx: click.Context, name: str, role: str, full_name: str, password_file: Path | None) -> None:
    """Add a user who may log in to the web console."""
    accounts = _accounts(ctx)
    password = _read_password(password_file)
    user, one_time = accounts.add(name, role, password, full_name, actor=_actor(), address="local")
    click.echo(_("Added {name} ({role}).").format(name=user.username, role=user.role_label))
    if one_time:
        _print_one_time(user.username, one_time)


@users.command("list")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """List the console's users, their roles and whether they may log in."""
    accounts = _accounts(ctx)
    found = accounts.list()
    if as_json:
        echo_json([user.to_json() for user in found])
        return
    if not found:
        click.echo(_("No users yet. Add one with: broadcaster users add NAME --role technician"))
        return
    tz = open_station(ctx).config.tz
    width = max(len(u.username) for u in found)
    roles = max(10, *(len(u.role_label) for u in found)) if words.vietnamese() else 10
    for user in found:
        state = _("active") if user.active else _("disabled")
        if user.active and user.must_change_password:
            state = _("must choose a password")
        if user.active and user.locked_until:
            state = _("paused until {time}").format(time=f"{user.locked_until.astimezone(tz):%H:%M}")
        last = f"{user.last_login_at.astimezone(tz):%d/%m/%Y %H:%M}" if user.last_login_at else "-"
        token = _("token") if user.has_token else ""
        role = user.role_label if words.vietnamese() else user.role
        line = f"{user.username:<{width}}  {role:<{roles}}  {state:<22}  {last:<16}  {token:<5}  {user.full_name}"
        click.echo(line.rstrip())


@users.command("passwd")
@config_option
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
    one_time = accounts.set_password(user.id, password, actor=_actor(), address="local")
    click.echo(_("New password set for {name}.").format(name=user.username))
    if one_time:
        _print_one_time(user.username, one_time)


@users.command("disable")
@config_option
@click.argument("name")
@click.pass_context
def users_disable(ctx: click.Context, name: str) -> None:
    """Stop a user from logging in (their sessions and API token stop working at once)."""
    accounts = _accounts(ctx)
    user = accounts.set_active(accounts.find(name).id, False, actor=_actor(), address="local")
    click.echo(_("{name} is disabled.").format(name=user.username))


@users.command("enable")
@config_option
@click.argument("name")
@click.pass_context
def users_enable(ctx: click.Context, name: str) -> None:
    """Let a disabled user log in again."""
    accounts = _accounts(ctx)
    user = accounts.set_active(accounts.find(name).id, True, actor=_actor(), address="local")
    click.echo(_("{name} can log in again.").format(name=user.username))


@users.command("token")
@config_option
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Remove the user's API token instead of making a new one.")
@click.pass_context
def users_token(ctx: click.Context, name: str, revoke: bool) -> None:
    """Make a bearer token for the API (replacing the user's earlier one); it is shown once, stored hashed."""
    accounts = _accounts(ctx)
    user = accounts.find(name)
    if revoke:
        accounts.revoke_token(user.id, actor=_actor(), address="local")
        click.echo(_("{name} has no API token now.").format(name=user.username))
        return
    token = accounts.issue_token(user.id, actor=_actor(), address="local")
    click.echo(token)
    click.echo(
        _("Send it as the header 'Authorization: Bearer <token>'. It is shown only now; keep it like a password."),
        err=True,
    )


COMMANDS = [users]
