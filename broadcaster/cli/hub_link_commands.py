"""hub-link (link this station to its district hub, or show the link) and sync (one exchange now)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from broadcaster.cli import words
from broadcaster.cli.common import config_option, config_path, notice, warn
from broadcaster.cli.help import Command
from broadcaster.i18n import N_, _

if TYPE_CHECKING:
    from broadcaster.config import HubConfig
    from broadcaster.service.context import Station
    from broadcaster.service.hub_link import LinkState

# What became of a district bulletin the station received (store/hublink.py), in Vietnamese words.
INBOX_STATES = {
    "queued": N_("queued to air"),
    "expired": N_("expired, not aired"),
    "held": N_("held: a recording"),
}


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
            _(
                "The hub at {url} now shows a different key (fingerprint {new}) than the one pinned ({old}). "
                "Nothing was changed. If the district confirms the new fingerprint, run again with --hub-key KEY."
            ).format(url=url, new=signing.fingerprint(fetched), old=signing.fingerprint(pinned.hub_key))
        )
    click.echo(
        _("Hub: {name}, key fingerprint {fingerprint}").format(
            name=info.get("name", "?"), fingerprint=signing.fingerprint(fetched)
        )
    )
    notice(
        _(
            "compare this fingerprint with the one the district reads to you (broadcaster hub key); "
            "if they differ, do not have this station registered and tell the district."
        )
    )
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
        raise click.UsageError(_("Give both --url and --station to link the station (or neither to see the link)."))
    pinned = _pin(url, hub_key, hub, station)
    linked = replace(hub if hub.linked else HubConfig(), url=url.rstrip("/"), station=code.strip(), hub_key=pinned)
    write_hub_table(station.config.path, linked, "The district hub (broadcaster hub-link); docs/hub.md")
    if (hub.url, hub.station, hub.hub_key) != (linked.url, linked.station, linked.hub_key):
        from broadcaster.service.hub_link import forget_exchange

        forget_exchange(station)
    if created:
        notice(_("created this station's key pair in {path}").format(path=path))
    click.echo(_("Wrote [hub] in {path}.").format(path=station.config.path))
    click.echo(_("Station public key: {key}").format(key=public))
    click.echo(_("Fingerprint: {fingerprint}").format(fingerprint=signing.fingerprint(public)))
    name = station.config.station.commune or station.config.station.name
    click.echo(_("Ask the district to register it:"))
    click.echo(f'  broadcaster hub stations add {code.strip()} --name "{name}" --public-key {public}')


def _show(station: Station, hub: HubConfig, public: str) -> None:
    from broadcaster import signing
    from broadcaster.service.hub_link import link_state

    click.echo(
        _("Station public key: {key} (fingerprint {fingerprint})").format(
            key=public, fingerprint=signing.fingerprint(public)
        )
    )
    if not hub.linked:
        click.echo(_("Not linked to a district hub. Link it with: broadcaster hub-link --url URL --station CODE"))
        return
    click.echo(
        _("Linked to {url} as {station}; hub key fingerprint {fingerprint}").format(
            url=hub.url, station=hub.station, fingerprint=signing.fingerprint(hub.hub_key)
        )
    )
    state = link_state(station)
    link, receipt = state.link, state.receipt
    when = words.minute(station.local(link.last_success_at)) if link.last_success_at else _("never")
    click.echo(
        _("Last successful sync: {when}; bulletins received up to position {cursor}").format(
            when=when, cursor=link.cursor
        )
    )
    if link.last_error:
        warn(_("last sync failed: {error}").format(error=link.last_error))
    if link.hub_problem:
        warn(_("the hub reports: {problem}").format(problem=link.hub_problem))
    if receipt is not None:
        click.echo(
            _("Last receipt from the hub: {count}:{hash} ({time})").format(
                count=receipt.count, hash=receipt.hash, time=words.minute(station.local(receipt.issued_at))
            )
        )
    _show_bulletins(state)


def _show_bulletins(state: LinkState) -> None:
    # codes and columns padded outside the texts, so the rows line up in either language
    width = max(8, *(len(words.code(INBOX_STATES, code)) for code in INBOX_STATES))
    priority_width = max(9, *(len(words.priority(code)) for code in ("normal", "priority", "emergency")))
    for row in state.received:
        click.echo(
            _("  received  {state} {priority} {title}  ({source})").format(
                state=f"{words.code(INBOX_STATES, row.state):<{width}}",
                priority=f"{words.priority(row.priority):<{priority_width}}",
                title=row.title,
                source=row.source_id,
            )
        )
    for r in state.refusals:
        times = f" ×{r.times}" if r.times > 1 else ""
        click.echo(
            _("  REFUSED   {title}: {reason}").format(title=r.title or r.source_id or "?", reason=r.reason) + times
        )


@click.command("sync", cls=Command)
@config_option
@click.pass_context
def sync(ctx: click.Context) -> None:
    """Exchange with the district hub now: receive bulletins, send the airing log, keep the receipt."""
    from broadcaster.service.hub_link import sync_now

    station, hub = _open(ctx)
    report = sync_now(station, hub).report
    for title in report.queued:
        click.echo(_("Received: {title}").format(title=title))
    for title in report.expired:
        click.echo(_("Expired (recorded, not aired): {title}").format(title=title))
    for title in report.held:
        click.echo(_("Held (recorded bulletin, not aired yet): {title}").format(title=title))
    for title, reason in report.refused:
        click.echo(_("REFUSED: {title}: {reason}").format(title=title, reason=reason))
    if report.records_sent:
        click.echo(_("Sent {n} airing record(s).").format(n=report.records_sent))
    if report.receipt:
        click.echo(_("Receipt from the hub: {receipt}").format(receipt=report.receipt))
    if report.hub_problem and not report.error:
        warn(_("the hub reports: {problem}").format(problem=report.hub_problem))
    if report.error:
        raise click.ClickException(report.error)
    if not (report.queued or report.expired or report.held or report.refused or report.records_sent):
        click.echo(_("Nothing new; the hub holds {n} airing(s) of this station.").format(n=report.acknowledged))


COMMANDS = [hub_link, sync]
