"""What became of the district's bulletins, per bulletin and per commune: delivered, aired, targets met.

Read for the hub's pages from the deliveries and the per-day sums kept at ingest (never the
records themselves), one grouped query each. A bulletin's target at a commune is the number of
airings it asked for: met once the commune aired it in full that many times; missed once its
last day has passed without that; until then it is under way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from broadcaster.errors import NotFoundError
from broadcaster.hub.bulletins import BulletinInfo, bulletin_row, infos
from broadcaster.hub.service import Hub
from broadcaster.hub.tables import AudioRow, BulletinDayRow, BulletinRow, DeliveryRow, StationRow, TargetRow
from broadcaster.i18n import _

MET, UNDER_WAY, MISSED, NOT_FETCHED = "met", "under_way", "missed", "not_fetched"


@dataclass(frozen=True)
class Delivery:
    """One bulletin at one commune."""

    bulletin_id: str
    title: str
    priority: str
    code: str
    name: str
    wanted: int  # airings the bulletin asked each commune for
    valid_until: date | None
    queued_at: datetime
    fetched: bool  # the station has stored it (its cursor is past the delivery)
    aired: int  # airings in full
    partial: int  # airings cut short
    ms: int
    last_day: date | None  # the last local day it aired there

    def target(self, today: date) -> str:
        if self.aired >= self.wanted:
            return MET
        if self.valid_until is not None and self.valid_until < today:
            return MISSED
        return UNDER_WAY if self.fetched else NOT_FETCHED


@dataclass(frozen=True)
class AudioInfo:
    sha256: str
    bytes: int
    name: str


@dataclass(frozen=True)
class BulletinDetail:
    info: BulletinInfo
    text: str | None
    audio: AudioInfo | None
    created_by: str | None
    created_at: datetime
    approved_at: datetime | None
    deliveries: tuple[Delivery, ...]  # one per commune it was queued for
    pending_to: tuple[tuple[str, str], ...]  # (code, name) it is addressed to while it waits for approval

    def met(self, today: date) -> int:
        return sum(d.target(today) == MET for d in self.deliveries)


def delivery_query() -> Select[Any]:
    aired = (
        select(
            BulletinDayRow.bulletin_id,
            BulletinDayRow.station_id,
            func.sum(BulletinDayRow.airings).label("aired"),
            func.sum(BulletinDayRow.partial).label("partial"),
            func.sum(BulletinDayRow.ms).label("ms"),
            func.max(BulletinDayRow.day).label("last_day"),
        )
        .group_by(BulletinDayRow.bulletin_id, BulletinDayRow.station_id)
        .subquery()
    )
    return (
        select(
            DeliveryRow.bulletin_id,
            BulletinRow.title,
            BulletinRow.priority,
            StationRow.code,
            StationRow.name,
            BulletinRow.airings,
            BulletinRow.valid_until,
            DeliveryRow.created_at,
            DeliveryRow.id <= StationRow.cursor,
            aired.c.aired,
            aired.c.partial,
            aired.c.ms,
            aired.c.last_day,
        )
        .join(StationRow, StationRow.id == DeliveryRow.station_id)
        .join(BulletinRow, BulletinRow.id == DeliveryRow.bulletin_id)
        .outerjoin(
            aired, (aired.c.bulletin_id == DeliveryRow.bulletin_id) & (aired.c.station_id == DeliveryRow.station_id)
        )
    )


def delivery_rows(session: Session, query: Select[Any]) -> list[Delivery]:
    return [
        Delivery(
            bulletin_id=str(r[0]),
            title=str(r[1]),
            priority=str(r[2]),
            code=str(r[3]),
            name=str(r[4]),
            wanted=int(r[5]),
            valid_until=r[6],
            queued_at=r[7],
            fetched=bool(r[8]),
            aired=int(r[9] or 0),
            partial=int(r[10] or 0),
            ms=int(r[11] or 0),
            last_day=r[12],
        )
        for r in session.execute(query)
    ]


def bulletin_detail(hub: Hub, bulletin_id: str) -> BulletinDetail:
    """One bulletin with, per commune it was queued for, whether it was fetched, aired and its target met."""
    hub.ready()
    with hub.db.session() as session:
        row = bulletin_row(session, bulletin_id)
        info = infos(session, [row])[0]
        audio = session.get(AudioRow, row.audio_sha256) if row.audio_sha256 else None
        deliveries = delivery_rows(
            session, delivery_query().where(DeliveryRow.bulletin_id == row.id).order_by(StationRow.code)
        )
        pending: list[tuple[str, str]] = []
        if row.envelope is None:
            targets = select(StationRow.code, StationRow.name).order_by(StationRow.code)
            if not row.to_all:
                targets = targets.join(TargetRow, TargetRow.station_id == StationRow.id).where(
                    TargetRow.bulletin_id == row.id
                )
            pending = [(str(code), str(name)) for code, name in session.execute(targets)]
        return BulletinDetail(
            info=info,
            text=row.text,
            audio=AudioInfo(audio.sha256, audio.bytes, audio.name) if audio else None,
            created_by=row.created_by,
            created_at=row.created_at,
            approved_at=row.approved_at,
            deliveries=tuple(deliveries),
            pending_to=tuple(pending),
        )


def deliveries_to(session: Session, station_id: int, limit: int = 100) -> list[Delivery]:
    """The bulletins queued for one station, newest first."""
    query = delivery_query().where(DeliveryRow.station_id == station_id).order_by(DeliveryRow.id.desc()).limit(limit)
    return delivery_rows(session, query)


def bulletin_audio(hub: Hub, bulletin_id: str) -> tuple[bytes, str]:
    """A recorded bulletin's audio and its name, to listen to before approving it."""
    hub.ready()
    with hub.db.session() as session:
        row = bulletin_row(session, bulletin_id)
        audio = session.get(AudioRow, row.audio_sha256) if row.audio_sha256 else None
        if audio is None:
            raise NotFoundError(_("This bulletin has no recording."), _("It is read out from its text."))
        return audio.data, audio.name
