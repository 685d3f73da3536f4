"""hub-link (link this station to its district hub, or show the link) and sync (one exchange now)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from broadcaster.cli.common import config_option, config_path, notice, warn
from broadcaster.cli.help import Command

if TYPE_CHECKING:
    from broadcaster.config import HubConfig
    from broadcaster.service.context import Station


def _open(ctx: click.Context) -> tuple[Station, HubConfig]:
    from broadcaster.service.hub_link import open_linked

    station, hub = open_linked(config_path(ctx))
    ctx.call_on_close(station.close)
    return station, hub


def _pin(url: str, hub_key: str | None, pinned: HubConfig, station: Station) -> str:
    """The hub key to pin: given, or fetched and shown for the technician to compare."""
    from broadcaster import signing
    from broadcaster.hublink.client import HubClient
    from broadcaster.hublink.settings import key_path

    if hub_key:
        return signing.public_text(signing.parse_public_key(hub_key))
    key = signing.load_private_key(key_path(station.config))
    with HubClient(url, "-", key, station.clock) as client:
        info = client.hub_info()
    fetched = signing.public_text(signing.parse_public_key(str(info.get("public_key", ""))))
    if pinned.hub_key and pinned.url.rstrip("/") == url.rstrip("/") and pinned.hub_key != fetched:
        raise click.ClickException(
            f"The hub at {url} now shows a different key (fingerprint {signing.fingerprint(fetched)}) than the one "
            f"pinned ({signing.fingerprint(pinned.hub_key)}). Nothing was changed. If the district confirms the new "
            "fingerprint, run again with --hub-key KEY."
        )
    click.echo(f"Hub: {info.get('name', '?')}, key fingerprint {signing.fingerprint(fetched)}")
    notice("compare this fingerprint with the one the district reads to you (broadcaster hub key).")
    return fetched


@click.command("hub-link", cls=Command)
@config_option
@click.option("--url", help="The district hub's address, e.g. https://hub.huyen.vn")
@click.option("--station", "code", help="This station's code at the district, e.g. SON-KIM-1.")
@click.option("--hub-key", help="The hub's public key, if the district gave it (else it is fetched and shown).")
@click.pass_context
def hub_link(ctx: click.Context, url: str | None, code: str | None, hub_key: str | None) -> None:
    """Link this station to its district hub, or show the link, its receipts and refusals.

    With --url and --station: writes [hub] in config.toml (nothing else in the file changes) and
    prints this station's public key for the district to register. Without them: shows the link.
    """
    from dataclasses import replace

    from broadcaster import signing
    from broadcaster.config import HubConfig
    from broadcaster.hublink.settings import ensure_station_key, write_hub_table

    station, hub = _open(ctx)
    path, created = ensure_station_key(station.config)
    public = signing.public_text(signing.load_private_key(path))
    if not (url or code):
        _show(station, hub, public)
        return
    if not (url and code):
        raise click.UsageError("Give both --url and --station to link the station (or neither to see the link).")
    pinned = _pin(url, hub_key, hub, station)
    linked = replace(hub if hub.linked else HubConfig(), url=url.rstrip("/"), station=code.strip(), hub_key=pinned)
    write_hub_table(station.config.path, linked, "The district hub (broadcaster hub-link); docs/hub.md")
    if (hub.url, hub.station, hub.hub_key) != (linked.url, linked.station, linked.hub_key):
        from broadcaster.service.hub_link import forget_exchange

        forget_exchange(station)
    if created:
        notice(f"created this station's key pair in {path}")
    click.echo(f"Wrote [hub] in {station.config.path}.")
    click.echo(f"Station public key: {public}")
    click.echo(f"Fingerprint: {signing.fingerprint(public)}")
    name = station.config.station.commune or station.config.station.name
    click.echo("Ask the district to register it:")
    click.echo(f'  broadcaster hub stations add {code.strip()} --name "{name}" --public-key {public}')


def _show(station: Station, hub: HubConfig, public: str) -> None:
    from broadcaster import signing
    from broadcaster.service.hub_link import link_state

    click.echo(f"Station public key: {public} (fingerprint {signing.fingerprint(public)})")
    if not hub.linked:
        click.echo("Not linked to a district hub. Link it with: broadcaster hub-link --url URL --station CODE")
        return
    click.echo(f"Linked to {hub.url} as {hub.station}; hub key fingerprint {signing.fingerprint(hub.hub_key)}")
    state = link_state(station)
    link, receipt = state.link, state.receipt
    when = station.local(link.last_success_at).strftime("%Y-%m-%d %H:%M") if link.last_success_at else "never"
    click.echo(f"Last successful sync: {when}; bulletins received up to position {link.cursor}")
    if link.last_error:
        warn(f"last sync failed: {link.last_error}")
    if link.hub_problem:
        warn(f"the hub reports: {link.hub_problem}")
    if receipt is not None:
        click.echo(
            f"Last receipt from the hub: {receipt.count}:{receipt.hash} ({receipt.issued_at:%Y-%m-%d %H:%M} UTC)"
        )
    for row in state.received:
        click.echo(f"  received  {row.state:<8} {row.priority:<9} {row.title}  ({row.source_id})")
    for r in state.refusals:
        times = f" ×{r.times}" if r.times > 1 else ""
        click.echo(f"  REFUSED   {r.title or r.source_id or '?'}: {r.reason}{times}")


@click.command("sync", cls=Command)
@config_option
@click.pass_context
def sync(ctx: click.Context) -> None:
    """Exchange with the district hub now: receive bulletins, send the airing log, keep the receipt."""
    from broadcaster.hublink.sync import sync_once

    station, hub = _open(ctx)
    report = sync_once(station, hub)
    for title in report.queued:
        click.echo(f"Received: {title}")
    for title in report.expired:
        click.echo(f"Expired (recorded, not aired): {title}")
    for title in report.held:
        click.echo(f"Held (recorded bulletin, not aired yet): {title}")
    for title, reason in report.refused:
        click.echo(f"REFUSED: {title}: {reason}")
    if report.records_sent:
        click.echo(f"Sent {report.records_sent} airing record(s).")
    if report.receipt:
        click.echo(f"Receipt from the hub: {report.receipt}")
    if report.hub_problem and not report.error:
        warn(f"the hub reports: {report.hub_problem}")
    if report.error:
        raise click.ClickException(report.error)
    if not (report.queued or report.expired or report.held or report.refused or report.records_sent):
        click.echo(f"Nothing new; the hub holds {report.acknowledged} airing(s) of this station.")


COMMANDS = [hub_link, sync]
