"""What the district's pages show of its communes: the overview of every station, and one commune's page.

Per commune: its last contact and health, what was delivered to it and whether each bulletin's
target was met, what it aired and when (the newest airings the hub holds), the airings that were
missed, failed or cut short in the period, a broken log (forked) and what the district did about
it. Read-only; a handful of indexed queries per page.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from broadcaster.auditlog import AuditRecord
from broadcaster.hub.audit import AUDIT, station_target
from broadcaster.hub.progress import Delivery, deliveries_to, delivery_query, delivery_rows
from broadcaster.hub.reports import CommuneFigures, commune_figures, station_figures
from broadcaster.hub.service import Hub
from broadcaster.hub.stations import StationInfo, get_station, list_stations
from broadcaster.hub.tables import AiringRow, BulletinRow, DeliveryRow, StationRow
from broadcaster.hub.tally import item_ms
from broadcaster.hublink.protocol import parse_timestamp
from broadcaster.reports.periods import Period

STALE_AFTER = timedelta(hours=1)  # stations sync every few minutes: an hour of silence is worth a look
PROBLEM_STATUSES = ("missed", "failed", "interrupted")
RECENT = 30
PROBLEMS = 100


@dataclass(frozen=True)
class Health:
    """What the station said of itself at its last sync (outside the chain: informative only)."""

    version: str | None
    disk_free_mb: int | None
    daemon: str | None  # running | stalled | stopped
    next_slot: datetime | None

    @classmethod
    def of(cls, status: dict[str, Any] | None) -> Health:
        status = status or {}
        disk = status.get("disk_free_mb")
        text = {k: v if isinstance(v, str) else None for k, v in status.items()}
        return cls(
            version=text.get("version"),
            disk_free_mb=disk if isinstance(disk, int) and not isinstance(disk, bool) else None,
            daemon=text.get("daemon"),
            next_slot=parse_timestamp(status.get("next_slot")),
        )


@dataclass(frozen=True)
class CommuneLine:
    """One commune on the overview."""

    station: StationInfo
    figures: CommuneFigures  # the period's airings
    targets: dict[str, int]  # bulletins queued in the period, by target state (progress.MET ...)
    stale: bool  # no contact for a while (or never)


@dataclass(frozen=True)
class Overview:
    period: Period
    communes: tuple[CommuneLine, ...]
    pending: int  # bulletins waiting for an approver
    today: date

    @property
    def forked(self) -> int:
        return sum(line.station.forked for line in self.communes)

    @property
    def stale(self) -> int:
        return sum(line.stale for line in self.communes)


@dataclass(frozen=True)
class ItemLine:
    title: str
    completed: bool
    ms: int  # airtime, as the reports count it
    district: bool  # it came from a district bulletin


@dataclass(frozen=True)
class AiringLine:
    seq: int
    scheduled_at: datetime | None
    slot: str | None
    status: str | None
    duration_ms: int | None
    reason: str | None
    items: tuple[ItemLine, ...]


@dataclass(frozen=True)
class CommunePage:
    station: StationInfo
    health: Health
    stale: bool
    period: Period
    figures: CommuneFigures
    deliveries: tuple[Delivery, ...]
    recent: tuple[AiringLine, ...]  # the newest airings the hub holds
    problems: tuple[AiringLine, ...]  # missed, failed or cut short in the period, newest first
    history: tuple[AuditRecord, ...]  # what the district did to this station (registered, unforked, re-keyed)
    today: date


def _stale(station: StationInfo, now: datetime) -> bool:
    return station.last_contact_at is None or now - station.last_contact_at > STALE_AFTER


def _bounds(hub: Hub, period: Period) -> tuple[datetime, datetime]:
    tz = hub.settings.tz
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def overview(hub: Hub, period: Period) -> Overview:
    """Every commune with the period's figures and the targets of the bulletins queued for it in the period."""
    stations = list_stations(hub)
    start, end = _bounds(hub, period)
    today, now = hub.today(), hub.now()
    with hub.db.session() as session:
        figures = {f.code: f for f in commune_figures(session, period)}
        queued = delivery_rows(
            session, delivery_query().where(DeliveryRow.created_at >= start, DeliveryRow.created_at < end)
        )
        pending = session.scalar(select(func.count()).select_from(BulletinRow).where(BulletinRow.envelope.is_(None)))
    targets: dict[str, Counter[str]] = {}
    for delivery in queued:
        targets.setdefault(delivery.code, Counter())[delivery.target(today)] += 1
    lines = tuple(
        CommuneLine(
            s, figures.get(s.code) or CommuneFigures(s.code, s.name), dict(targets.get(s.code, {})), _stale(s, now)
        )
        for s in stations
    )
    return Overview(period, lines, int(pending or 0), today)


def _line(row: AiringRow, district: set[str]) -> AiringLine:
    try:
        doc = json.loads(row.doc)
    except ValueError:  # pragma: no cover - stored only after its hash was verified
        doc = {}
    items = doc.get("items") if isinstance(doc.get("items"), list) else []
    lines = []
    for item in (i for i in items if isinstance(i, dict)):
        title = item.get("title")
        source = item.get("source_id")
        lines.append(
            ItemLine(
                title=title if isinstance(title, str) else "",
                completed=item.get("completed") is True,
                ms=item_ms(row.status, row.duration_ms or 0, item),
                district=isinstance(source, str) and source in district,
            )
        )
    reason = doc.get("reason")
    return AiringLine(
        seq=row.seq,
        scheduled_at=row.scheduled_at,
        slot=row.slot,
        status=row.status,
        duration_ms=row.duration_ms,
        reason=reason if isinstance(reason, str) else None,
        items=tuple(lines),
    )


def _airings(session: Session, station_id: int, start: datetime, end: datetime) -> tuple[list[Any], list[Any]]:
    recent = session.scalars(
        select(AiringRow).where(AiringRow.station_id == station_id).order_by(AiringRow.seq.desc()).limit(RECENT)
    ).all()
    problems = session.scalars(
        select(AiringRow)
        .where(
            AiringRow.station_id == station_id,
            AiringRow.scheduled_at >= start,
            AiringRow.scheduled_at < end,
            AiringRow.status.in_(PROBLEM_STATUSES),
        )
        .order_by(AiringRow.scheduled_at.desc())
        .limit(PROBLEMS)
    ).all()
    return list(recent), list(problems)


def commune_page(hub: Hub, code: str, period: Period) -> CommunePage:
    station = get_station(hub, code)
    figures = station_figures(hub, station.code, period)
    start, end = _bounds(hub, period)
    with hub.db.session() as session:
        station_id = session.scalar(select(StationRow.id).where(StationRow.code == station.code))
        assert station_id is not None
        deliveries = deliveries_to(session, station_id)
        district = {d.bulletin_id for d in deliveries}
        recent, problems = _airings(session, station_id, start, end)
        history = AUDIT.entries(session, target=station_target(station.code), limit=20)
        return CommunePage(
            station=station,
            health=Health.of(station.status),
            stale=_stale(station, hub.now()),
            period=period,
            figures=figures,
            deliveries=tuple(deliveries),
            recent=tuple(_line(r, district) for r in recent),
            problems=tuple(_line(r, district) for r in problems),
            history=tuple(history),
            today=hub.today(),
        )
