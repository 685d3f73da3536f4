"""The station's side of its link to the district hub, as the command line shows and changes it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.service.context import Station

if TYPE_CHECKING:
    from broadcaster.config import HubConfig
    from broadcaster.hublink.client import HubClient
    from broadcaster.hublink.sync import SyncReport
    from broadcaster.store.hublink import HubInboxRow, HubLinkRow, HubReceiptRow, HubRefusalRow


@dataclass(frozen=True)
class Synced:
    """One exchange made from the command line, and whether the running daemon heard of its bulletins."""

    report: SyncReport
    told_daemon: bool = False  # the daemon was woken at once (else it sees them at its next queue check)


@dataclass(frozen=True)
class LinkState:
    """Where the exchange with the hub stands: the link's positions and errors, the last receipt,
    the latest refusals and bulletins received (newest first)."""

    link: HubLinkRow
    receipt: HubReceiptRow | None
    refusals: list[HubRefusalRow]
    received: list[HubInboxRow]


def open_linked(path: Path) -> tuple[Station, HubConfig]:
    """The station (its database ready) and its [hub] table."""
    from broadcaster.hublink.settings import load_station
    from broadcaster.store.db import Database

    config, hub = load_station(path)
    station = Station(config=config, db=Database(config.database_url))
    station.ready()
    return station, hub


def forget_exchange(station: Station) -> None:
    """Linked to another hub (or under another code): its positions mean nothing here."""
    from broadcaster.store import hublink as store

    with station.db.session() as session:
        store.reset(session)


def link_state(station: Station, refusals: int = 20, received: int = 10) -> LinkState:
    from broadcaster.store import hublink as store

    with station.db.session() as session:
        return LinkState(
            link=store.link_row(session),
            receipt=store.last_receipt(session),
            refusals=store.refusals(session, refusals),
            received=store.inbox(session, received),
        )


def sync_now(station: Station, hub: HubConfig, *, client: HubClient | None = None) -> Synced:
    """One exchange with the hub now (`broadcaster sync`). Bulletins it queued wake the running daemon,
    as its own syncs do: a district emergency airs at once, not at the daemon's next queue check (up to
    `queue_check_seconds` later)."""
    from broadcaster.hublink.sync import sync_once

    report = sync_once(station, hub, client=client)
    if not report.queued:
        return Synced(report)
    from broadcaster.onair.lock import tell_daemon

    return Synced(report, tell_daemon(station.db, "the district's bulletins"))
