"""One exchange with the district hub: `sync_once`.

1. Pull: send the cursor, chain head and status; take the page of bulletins (inbox.py), fetch
   their audio by hash, and store the page with the new cursor in one transaction. Repeat
   until a page comes back empty (so the hub learns the final cursor). An idle station
   makes only that one request.
2. Push: when the log has records the hub has not receipted, send them from the hub's
   acknowledged position (that record included, so the hub rechecks it), in batches, each
   with the station's signature over its last record; keep each signed receipt after
   checking it names this station's own record.

No database transaction stays open during a request, and a failure leaves what was done
before it (pages stored, batches receipted) in place for the next sync.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster import signing
from broadcaster.config import HubConfig
from broadcaster.errors import ConfigError
from broadcaster.hublink import inbox, protocol
from broadcaster.hublink import status as station_status
from broadcaster.hublink.client import HubClient, HubError
from broadcaster.hublink.settings import key_path
from broadcaster.i18n import _
from broadcaster.service.context import Station

log = logging.getLogger(__name__)

MAX_PAGES = 200  # per sync; the next one goes on (a month offline is a few pages)


@dataclass
class SyncReport:
    queued: list[str] = field(default_factory=list)  # titles stored as news items
    expired: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (title or id, reason)
    pages: int = 0
    records_sent: int = 0  # new records the hub stored
    receipt: str | None = None  # "count:hash" of the last receipt
    acknowledged: int = 0
    error: str | None = None
    hub_problem: str | None = None
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Link:
    station: Station
    hub: HubConfig
    client: HubClient
    rules: inbox.Rules
    key: Ed25519PrivateKey
    report: SyncReport


def open_client(station: Station, hub: HubConfig) -> HubClient:
    """A client for the hub in [hub], signing with the station's key."""
    if not hub.linked:
        raise ConfigError(
            _("This station is not linked to a district hub."),
            _("Run `broadcaster hub-link --url URL --station CODE` first."),
        )
    key = signing.load_private_key(key_path(station.config))
    return HubClient(hub.url, hub.station, key, station.clock, hub.timeout_seconds)


def sync_once(
    station: Station, hub: HubConfig, *, client: HubClient | None = None, status: dict[str, Any] | None = None
) -> SyncReport:
    """Pull bulletins, push airing records; never raises for the hub's faults (see `report.error`)."""
    own = client is None
    client = client or open_client(station, hub)
    rules = inbox.Rules(
        station=hub.station,
        hub_key=signing.parse_public_key(hub.hub_key),
        require_local_approval=hub.require_local_approval,
        emergency_max_age=timedelta(hours=hub.emergency_max_age_hours),
    )
    link = _Link(station, hub, client, rules, client.key, SyncReport())
    try:
        answer = _pull(link, status if status is not None else station_status.collect(station))
        _push(link, answer)
    except HubError as exc:
        link.report.error = str(exc)
        if exc.status == 409:
            link.report.hub_problem = exc.message
        # not logged here: the caller (the daemon's log, the command's error) says it once
    finally:
        link.report.requests, link.report.bytes_sent, link.report.bytes_received = (
            client.requests,
            client.sent,
            client.received,
        )
        if own:
            client.close()
    _finish(link)
    return link.report


def _finish(link: _Link) -> None:
    from broadcaster.store import hublink as store

    with link.station.db.session() as session:
        store.finish(session, link.station.now(), link.report.error, link.report.hub_problem)


# ----------------------------------------------------------------------- pull


def _pull(link: _Link, status: dict[str, Any]) -> dict[str, Any]:
    from broadcaster.store import hublink as store

    answer: dict[str, Any] = {}
    for _page in range(MAX_PAGES):
        with link.station.db.session() as session:
            cursor = store.link_row(session).cursor
            count, head_hash = store.head(session)
        answer = link.client.exchange(
            {
                "cursor": cursor,
                "limit": link.hub.page_size,
                "head": {"count": count, "hash": head_hash},
                "status": status,
            }
        )
        link.report.hub_problem = answer.get("problem") if isinstance(answer.get("problem"), str) else None
        page = answer.get("bulletins")
        if not isinstance(page, list) or not page:
            break
        link.report.pages += 1
        if not _take_page(link, page):
            break
    return answer


def _take_page(link: _Link, page: list[Any]) -> bool:
    """Judge, fetch audio, store; False when the page could not be finished (audio fetch failed)."""
    from broadcaster.store import hublink as store

    station = link.station
    # Only to look up replays: an item without an id is refused by the inbox like any unsigned one.
    ids = inbox.envelope_ids(page)
    with station.db.session() as session:
        known = store.known_ids(session, [i for i in ids if len(i) <= 64])
    now = station.now()
    taken, refused, cursor = inbox.judge_page(page, link.rules, station.today(), now, known)
    done: list[inbox.Taken] = []
    complete = True
    for t in taken:
        if t.envelope.audio is not None and t.state != "expired":
            try:
                t = replace(t, audio_path=str(_fetch_audio(link, t.envelope.audio)))
            except HubError as exc:
                # Store what came before it; this bulletin comes again with the next sync.
                link.report.error = str(exc)
                cursor, complete = t.cursor - 1, False
                refused = [r for r in refused if r.cursor < t.cursor]
                break
        done.append(t)
    with station.db.session() as session:
        store.store_page(session, now, done, refused, cursor)
    _tell(link.report, done, refused)
    return complete


def _tell(report: SyncReport, taken: list[inbox.Taken], refused: list[inbox.Refused]) -> None:
    for t in taken:
        {"queued": report.queued, "expired": report.expired, "held": report.held}[t.state].append(t.envelope.title)
        if t.state != "queued":
            log.info("district bulletin %s %s: %s", t.envelope.id, t.state, t.note)
    for r in refused:
        report.refused.append((r.title or r.source_id or "?", r.reason))
        log.warning("refused a district bulletin %s (%s): %s", r.source_id, r.title, r.reason)


_SAFE_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")


def _fetch_audio(link: _Link, ref: protocol.AudioRef) -> Path:
    folder = link.station.config.data_dir / "district-audio"
    suffix = Path(ref.name).suffix.lower()
    path = folder / f"{ref.sha256}{suffix if _SAFE_SUFFIX.match(suffix) else '.audio'}"
    if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == ref.sha256:
        return path
    data = link.client.audio(ref.sha256)
    if hashlib.sha256(data).hexdigest() != ref.sha256:
        raise HubError(
            _("The audio the hub sent for a bulletin does not match its signed SHA-256."),
            _("It was not kept; the next sync fetches it again."),
        )
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


# ----------------------------------------------------------------------- push


def _push(link: _Link, answer: dict[str, Any]) -> None:
    from broadcaster.store import hublink as store

    acked = answer.get("acknowledged")
    count_value = acked.get("count") if isinstance(acked, dict) else None
    acked_count = count_value if isinstance(count_value, int) and not isinstance(count_value, bool) else 0
    with link.station.db.session() as session:
        count, _head = store.head(session)
        receipt = store.last_receipt(session)
    link.report.acknowledged = acked_count
    if acked_count > count:
        raise HubError(
            _("The hub holds {hub} airings of this station but its log has only {own}.").format(
                hub=acked_count, own=count
            ),
            _("The log was restored from an older backup or its newest airings were deleted; tell the district."),
        )
    if count == 0 or (receipt is not None and receipt.count == count and acked_count == count):
        return
    start = max(acked_count, 1)
    while True:
        last = _push_batch(link, start)
        if last >= count:
            return
        start = last


def _push_batch(link: _Link, start: int) -> int:
    """Send records from `start` (one batch); store the receipt; the last seq sent."""
    from broadcaster.store import hublink as store

    station = link.station
    with station.db.session() as session:
        records = store.records_from(session, start, link.hub.batch_size)
        sources = store.sources_for(session, {i.item_id for r in records for i in r.items})
        cursor = store.link_row(session).cursor
    body = protocol.records_body(link.key, link.hub.station, records, sources, cursor, station.now())
    answer = link.client.push(body)
    doc, signature = answer.get("receipt"), answer.get("signature")
    last = records[-1]
    if (
        not isinstance(doc, dict)
        or not signing.verify(link.rules.hub_key, "receipt", doc, signature)
        or doc.get("station") != link.hub.station
        or doc.get("count") != last.seq
        or doc.get("hash") != last.hash
    ):
        raise HubError(
            _(
                "The hub's receipt for airings up to #{seq} is not signed by the pinned hub key or names another log."
            ).format(seq=last.seq),
            _("Nothing was recorded as received; tell the district."),
        )
    with station.db.session() as session:
        store.save_receipt(session, doc, str(signature), link.hub.hub_key, station.now())
    link.report.records_sent += int(doc.get("received", 0))
    link.report.receipt = f"{doc['count']}:{doc['hash']}"
    return last.seq
