"""The district's report over a period: per commune and per district bulletin.

Read from the per-day sums kept at ingest (a province's year is 600 × 365 rows, not 1.3 M
records): one grouped query per table. Each commune carries its verification code
(`count:hash` of the chain the hub holds), the outside witness of what it reported.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from broadcaster.errors import InputError
from broadcaster.hub.bulletins import parse_day
from broadcaster.hub.service import Hub
from broadcaster.hub.stations import get_row
from broadcaster.hub.tables import BulletinDayRow, BulletinRow, DeliveryRow, StationDayRow, StationRow
from broadcaster.i18n import _
from broadcaster.reports.periods import Period, month_end, parse_period, period_between
from broadcaster.reports.vietnamese import period_phrase

SUMMED: tuple[str, ...] = ("airings", "completed", "interrupted", "failed", "missed", "empty", "on_air")
SUMMED += ("item_airings", "ms", "district_items", "district_ms")


@dataclass(frozen=True)
class CommuneFigures:
    code: str
    name: str
    airings: int = 0
    completed: int = 0
    interrupted: int = 0
    failed: int = 0
    missed: int = 0
    empty: int = 0
    on_air: int = 0  # airings with an item on air
    item_airings: int = 0
    ms: int = 0
    district_items: int = 0
    district_ms: int = 0
    verification_code: str = ""
    last_contact_at: datetime | None = None
    problem: str | None = None

    @property
    def incomplete(self) -> int:
        return self.interrupted + self.failed + self.missed


@dataclass(frozen=True)
class BulletinFigures:
    id: str
    title: str
    topic: str
    priority: str
    approved_at: datetime | None
    addressed: int
    delivered: int
    aired_by: int
    airings: int  # aired in full
    partial: int
    ms: int


@dataclass(frozen=True)
class DistrictReport:
    period: Period
    hub_name: str
    generated_at: datetime
    communes: tuple[CommuneFigures, ...]
    bulletins: tuple[BulletinFigures, ...]

    @property
    def total(self) -> CommuneFigures:
        sums = {name: sum(getattr(c, name) for c in self.communes) for name in SUMMED}
        return CommuneFigures(code="", name="Tổng cộng", **sums)

    def to_json(self) -> dict[str, Any]:
        def plain(obj: Any) -> dict[str, Any]:
            out = {f.name: getattr(obj, f.name) for f in fields(obj)}
            return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in out.items()}

        return {
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "hub": self.hub_name,
            "generated_at": self.generated_at.isoformat(),
            "communes": [plain(c) for c in self.communes],
            "total": {k: v for k, v in plain(self.total).items() if k in SUMMED},
            "bulletins": [plain(b) for b in self.bulletins],
        }


def commune_figures(session: Session, period: Period) -> list[CommuneFigures]:
    """Every station's figures for the period, by code (stations without airings have zeros)."""
    columns = [func.sum(getattr(StationDayRow, name)).label(name) for name in SUMMED]
    sums = {
        row.station_id: row
        for row in session.execute(
            select(StationDayRow.station_id, *columns)
            .where(StationDayRow.day >= period.start, StationDayRow.day <= period.end)
            .group_by(StationDayRow.station_id)
        )
    }
    result = []
    for station in session.scalars(select(StationRow).order_by(StationRow.code)):
        row = sums.get(station.id)
        figures = {name: int(getattr(row, name) or 0) for name in SUMMED} if row is not None else {}
        result.append(
            CommuneFigures(
                code=station.code,
                name=station.name,
                verification_code=f"{station.head_count}:{station.head_hash}",
                last_contact_at=station.last_contact_at,
                problem=station.problem,
                **figures,
            )
        )
    return result


def _aired(session: Session, period: Period) -> dict[str, Any]:
    """Per district bulletin in the period: stations that aired it in full, airings, partial, ms."""
    per_station = (
        select(
            BulletinDayRow.bulletin_id,
            BulletinDayRow.station_id,
            func.sum(BulletinDayRow.airings).label("airings"),
            func.sum(BulletinDayRow.partial).label("partial"),
            func.sum(BulletinDayRow.ms).label("ms"),
        )
        .where(BulletinDayRow.day >= period.start, BulletinDayRow.day <= period.end)
        .group_by(BulletinDayRow.bulletin_id, BulletinDayRow.station_id)
        .subquery()
    )
    return {
        row.bulletin_id: row
        for row in session.execute(
            select(
                per_station.c.bulletin_id,
                func.sum(case((per_station.c.airings > 0, 1), else_=0)).label("stations"),
                func.sum(per_station.c.airings).label("airings"),
                func.sum(per_station.c.partial).label("partial"),
                func.sum(per_station.c.ms).label("ms"),
            ).group_by(per_station.c.bulletin_id)
        )
    }


def _bulletins(session: Session, period: Period, start_utc: datetime, end_utc: datetime) -> list[BulletinFigures]:
    """The bulletins approved in the period or aired in it."""
    aired = _aired(session, period)
    in_period = and_(BulletinRow.approved_at >= start_utc, BulletinRow.approved_at < end_utc)
    rows = list(
        session.scalars(
            select(BulletinRow)
            .where(or_(in_period, BulletinRow.id.in_(list(aired))))
            .order_by(BulletinRow.approved_at, BulletinRow.id)
        )
    )
    deliveries = {
        bulletin_id: (total, int(fetched or 0))
        for bulletin_id, total, fetched in session.execute(
            select(
                DeliveryRow.bulletin_id, func.count(), func.sum(case((DeliveryRow.id <= StationRow.cursor, 1), else_=0))
            )
            .join(StationRow, StationRow.id == DeliveryRow.station_id)
            .where(DeliveryRow.bulletin_id.in_([r.id for r in rows]))
            .group_by(DeliveryRow.bulletin_id)
        )
    }
    result = []
    for r in rows:
        a = aired.get(r.id)
        addressed, delivered = deliveries.get(r.id, (0, 0))
        result.append(
            BulletinFigures(
                id=r.id,
                title=r.title,
                topic=r.topic,
                priority=r.priority,
                approved_at=r.approved_at,
                addressed=addressed,
                delivered=delivered,
                aired_by=int(a.stations or 0) if a else 0,
                airings=int(a.airings or 0) if a else 0,
                partial=int(a.partial or 0) if a else 0,
                ms=int(a.ms or 0) if a else 0,
            )
        )
    return result


def district_report(hub: Hub, period: Period) -> DistrictReport:
    hub.ready()
    tz = hub.settings.tz
    start_utc = datetime.combine(period.start, datetime.min.time(), tzinfo=tz)
    end_utc = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    with hub.db.session() as session:
        communes = commune_figures(session, period)
        bulletins = _bulletins(session, period, start_utc, end_utc)
    return DistrictReport(period, hub.settings.name, hub.now(), tuple(communes), tuple(bulletins))


def station_figures(hub: Hub, code: str, period: Period) -> CommuneFigures:
    """One commune's figures for a period (what its page shows)."""
    hub.ready()
    with hub.db.session() as session:
        station = get_row(session, code)
        columns = [func.sum(getattr(StationDayRow, name)).label(name) for name in SUMMED]
        row = session.execute(
            select(*columns).where(
                StationDayRow.station_id == station.id,
                StationDayRow.day >= period.start,
                StationDayRow.day <= period.end,
            )
        ).one()
        figures = {name: int(getattr(row, name) or 0) for name in SUMMED}
        return CommuneFigures(
            code=station.code,
            name=station.name,
            verification_code=f"{station.head_count}:{station.head_hash}",
            last_contact_at=station.last_contact_at,
            problem=station.problem,
            **figures,
        )


# ------------------------------------------------------------ periods as the pages choose them


def this_month(today: date) -> Period:
    return Period(today.replace(day=1), month_end(today.year, today.month), f"{today.year}-{today.month:02d}")


def quick_periods(today: date) -> list[tuple[str, str]]:
    """(what the page shows, the period's code) for the periods a district asks for most."""
    last = today.replace(day=1) - timedelta(days=1)
    quarter = (today.month - 1) // 3 + 1
    last_quarter = f"{today.year}-Q{quarter - 1}" if quarter > 1 else f"{today.year - 1}-Q4"
    codes = [
        f"{today.year}-{today.month:02d}",
        f"{last.year}-{last.month:02d}",
        f"{today.year}-Q{quarter}",
        last_quarter,
        str(today.year),
    ]
    phrases = [period_phrase(parse_period(code)) for code in codes]
    return [(phrase[:1].upper() + phrase[1:], code) for phrase, code in zip(phrases, codes, strict=True)]


def page_period(code: str | None, start: str | None, end: str | None, today: date) -> Period:
    """The period a page asks for: a code (2021-03, 2021-Q1, 2021) or two dates (dd/mm/yyyy); this month
    when none is given."""
    if start or end:
        if not (start and end):
            raise InputError(_("Give both the first and the last day of the period."), _("Write them as dd/mm/yyyy."))
        first, last = parse_day(start, _("The first day")), parse_day(end, _("The last day"))
        assert first is not None and last is not None
        if last < first:
            raise InputError(_("The period ends before it starts."), _("Put the earlier date first."))
        return period_between(first, last)
    if not code:
        return this_month(today)
    try:
        return parse_period(code)
    except InputError:
        raise InputError(
            _("'{code}' is not a report period.").format(code=code), _("Choose one of the periods on the page.")
        ) from None
