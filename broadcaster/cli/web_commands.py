"""web: serve the web console."""

from __future__ import annotations

import os
import socket
import sys

import click

from broadcaster.cli.common import config_option, open_station, warn
from broadcaster.cli.help import Command
from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise BroadcasterError(
                _("The console cannot listen on {host} port {port}: {error}.").format(host=host, port=port, error=exc),
                _(
                    "Is the console already running (systemctl status broadcaster-web)? Otherwise choose another port "
                    "with --port or [web] port in config.toml."
                ),
            ) from exc


@click.command(cls=Command)
@config_option
@click.option("--host", help="Address to listen on (default: [web] host, 127.0.0.1; 0.0.0.0 for the commune's LAN).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default: [web] port, 8080).")
@click.pass_context
def web(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the web console (in Vietnamese) for the official, the chairman, the technician and the district.

    Runs until stopped (Ctrl+C, or `systemctl stop broadcaster-web` when installed as a service).
    """
    from broadcaster.web.accounts import Accounts
    from broadcaster.web.security import load_or_create_secret

    station = open_station(ctx)
    station.ready()
    load_or_create_secret(station.config.web_secret_path)
    settings = station.config.web
    host = host or settings.host
    port = port or settings.port
    _check_port_free(host, port)
    everywhere = host in ("0.0.0.0", "::")  # noqa: S104 (compared, not bound)
    shown = _("<this PC's address>") if everywhere else (f"[{host}]" if ":" in host else host)
    click.echo(_("The console is at http://{host}:{port}/ (stop it with Ctrl+C).").format(host=shown, port=port))
    if not Accounts(station.db, station.clock).list():
        warn(_("Nobody can log in yet: add a user with `broadcaster users add NAME --role technician`."))
    station.close()
    sys.stdout.flush()
    sys.stderr.flush()
    # The server is a fresh, lean process (python -m broadcaster.web): the command line's reports,
    # .docx and chart libraries would otherwise stay in the console's memory for good.
    command = [sys.executable, "-m", "broadcaster.web", "--config", str(station.config.path), "--host", host]
    # Each login's argon2id hash takes 19 MiB: with glibc's default (a threshold that grows after the
    # first free) those blocks stay in the heap of every server thread; mmap them so they are returned.
    env = {"MALLOC_MMAP_THRESHOLD_": "131072", **os.environ}
    os.execve(sys.executable, [*command, "--port", str(port)], env)  # noqa: S606 (our own interpreter, no shell)


COMMANDS = [web]
