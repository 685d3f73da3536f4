"""The district's stations: registering a commune's key, listing them with their state, clearing a
fork flag once the district has looked into it, and replacing a station's key. Every change is
written to the hub's audit trail in its own transaction."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, literal, or_, select
from sqlalchemy.orm import Session

from broadcaster import signing
from broadcaster.airlog import GENESIS
from broadcaster.errors import InputError, NotFoundError
from broadcaster.hub.audit import AUDIT, LOCAL, command_line, station_target
from broadcaster.hub.service import Hub
from broadcaster.hub.tables import BulletinRow, DeliveryRow, StationRow
from broadcaster.hublink.protocol import STATION_CODE, TO_ALL
from broadcaster.i18n import _


@dataclass(frozen=True)
class StationInfo:
    code: str
    name: str
    public_key: str
    fingerprint: str
    registered_at: datetime
    records: int  # airing records the hub holds
    head_hash: str
    station_records: int | None  # what the station last said its log holds
    last_contact_at: datetime | None
    clock_offset_ms: int | None
    status: dict[str, Any] | None
    forked: bool
    problem: str | None
    problem_at: datetime | None
    waiting: int  # bulletins published to it and not yet fetched
    problem_seq: int | None = None  # the airing where its log first differed from the hub's copy

    @property
    def verification_code(self) -> str:
        return f"{self.records}:{self.head_hash}"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
            "registered_at": self.registered_at.isoformat(),
            "records": self.records,
            "verification_code": self.verification_code,
            "station_records": self.station_records,
            "last_contact_at": self.last_contact_at.isoformat() if self.last_contact_at else None,
            "clock_offset_ms": self.clock_offset_ms,
            "status": self.status,
            "forked": self.forked,
            "problem": self.problem,
            "problem_at": self.problem_at.isoformat() if self.problem_at else None,
            "bulletins_waiting": self.waiting,
        }


def check_code(code: str) -> str:
    code = code.strip()
    if not STATION_CODE.match(code) or code.lower() == TO_ALL:
        raise InputError(
            _("'{code}' cannot be a station code.").format(code=code),
            _("Use up to 32 letters, digits, '-', '_' or '.', e.g. SON-KIM-1 (and not 'all')."),
        )
    return code


def add_station(
    hub: Hub, code: str, name: str, public_key: str, *, actor: str | None = None, address: str = LOCAL
) -> StationInfo:
    """Register a commune's station by the public key it printed; it receives bulletins from now on,
    including those to all stations that are still valid."""
    code = check_code(code)
    if not name.strip():
        raise InputError(_("The station's name is empty."), _("Give the commune's name with --name."))
    key_text = signing.public_text(signing.parse_public_key(public_key))
    hub.ready()
    now = hub.now()
    with hub.db.session() as session:
        if session.scalar(select(StationRow.id).where(StationRow.code == code)) is not None:
            raise InputError(
                _("Station {code} is already registered.").format(code=code),
                _("Run `broadcaster hub stations list` to see it."),
            )
        _key_unused(session, key_text, code)
        row = StationRow(
            code=code,
            name=" ".join(name.split()),
            public_key=key_text,
            created_at=now,
            head_count=0,
            head_hash=GENESIS,
            head_prev_hash=GENESIS,
            cursor=0,
        )
        session.add(row)
        session.flush()
        _deliver_standing(session, row.id, now, hub.today())
        details = {"name": row.name, "fingerprint": signing.fingerprint(key_text)}
        AUDIT.record(session, actor or command_line(), "station.add", station_target(code), details, address, at=now)
        return _info(session, row)


def _key_unused(session: Session, key_text: str, code: str) -> None:
    same_key = session.scalar(select(StationRow.code).where(StationRow.public_key == key_text))
    if same_key is not None:
        raise InputError(
            _("This key is already registered for station {other}.").format(other=same_key),
            _("Each station has its own key: copy the key printed by `broadcaster hub-link` at {code}.").format(
                code=code
            ),
        )


def _deliver_standing(session: Session, station_id: int, now: datetime, today: Any) -> None:
    """Bulletins to all stations that are published and still valid reach a newly registered one too."""
    standing = select(literal(station_id), BulletinRow.id, literal(now, type_=DeliveryRow.created_at.type)).where(
        BulletinRow.to_all.is_(True),
        BulletinRow.envelope.is_not(None),
        or_(BulletinRow.valid_until.is_(None), BulletinRow.valid_until >= today),
    )
    session.execute(
        insert(DeliveryRow).from_select(["station_id", "bulletin_id", "created_at"], standing.order_by(BulletinRow.id))
    )


def _info(session: Session, row: StationRow, waiting: int | None = None) -> StationInfo:
    if waiting is None:
        waiting = session.scalar(
            select(func.count()).where(DeliveryRow.station_id == row.id, DeliveryRow.id > row.cursor)
        )
    return StationInfo(
        code=row.code,
        name=row.name,
        public_key=row.public_key,
        fingerprint=signing.fingerprint(row.public_key),
        registered_at=row.created_at,
        records=row.head_count,
        head_hash=row.head_hash,
        station_records=row.station_count,
        last_contact_at=row.last_contact_at,
        clock_offset_ms=row.clock_offset_ms,
        status=json.loads(row.status_json) if row.status_json else None,
        forked=row.problem is not None,
        problem=row.problem,
        problem_at=row.problem_at,
        waiting=waiting or 0,
        problem_seq=row.problem_seq,
    )


def list_stations(hub: Hub) -> list[StationInfo]:
    hub.ready()
    with hub.db.session() as session:
        waiting = dict(
            session.execute(
                select(DeliveryRow.station_id, func.count())
                .join(StationRow, StationRow.id == DeliveryRow.station_id)
                .where(DeliveryRow.id > StationRow.cursor)
                .group_by(DeliveryRow.station_id)
            ).all()
        )
        rows = session.scalars(select(StationRow).order_by(StationRow.code)).all()
        return [_info(session, row, waiting.get(row.id, 0)) for row in rows]


def get_station(hub: Hub, code: str) -> StationInfo:
    hub.ready()
    with hub.db.session() as session:
        return _info(session, get_row(session, code.strip()))


def get_row(session: Session, code: str, *, lock: bool = False) -> StationRow:
    """The station of `code` (locked for this transaction with `lock`: a sync may be writing it)."""
    query = select(StationRow).where(StationRow.code == code)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        codes = list(session.scalars(select(StationRow.code)))
        close = difflib.get_close_matches(code, codes, n=1, cutoff=0.6)
        hint = _("Did you mean '{code}'? ").format(code=close[0]) if close else ""
        raise NotFoundError(
            _("There is no station {code} at this hub.").format(code=code),
            hint + _("Run `broadcaster hub stations list` to see the codes."),
            console_hint=hint + _("Find it on the Communes page."),
        )
    return row


def station_ids(session: Session, codes: list[str]) -> dict[str, int]:
    """Ids of the given codes; an unknown code is an error naming it."""
    found = dict(session.execute(select(StationRow.code, StationRow.id).where(StationRow.code.in_(codes))).all())
    for code in codes:
        if code not in found:
            get_row(session, code)  # raises with did-you-mean
    return found


def unfork(hub: Hub, code: str, note: str, *, actor: str | None = None, address: str = LOCAL) -> StationInfo:
    """Clear a station's fork flag once the district has looked into it. The problem it showed and the
    district's note go to the audit trail. It does not change the hub's copy of the log: if the
    station still sends a log that differs from it, its next sync flags it again."""
    note = " ".join(note.split())
    if not note:
        raise InputError(
            _("Say what the district found before clearing the flag."),
            _("Write a note, e.g. who checked the station and what they found."),
        )
    if len(note) > 1000:
        raise InputError(_("The note is longer than {n} characters.").format(n=1000), None)
    hub.ready()
    now = hub.now()
    with hub.db.session() as session:
        row = get_row(session, code.strip(), lock=True)
        if row.problem is None:
            raise InputError(
                _("Station {code} is not flagged as forked: there is nothing to clear.").format(code=row.code), None
            )
        details = {
            "problem": row.problem,
            "seq": row.problem_seq,
            "flagged_at": row.problem_at.isoformat() if row.problem_at else None,
            "note": note,
        }
        AUDIT.record(
            session, actor or command_line(), "station.unfork", station_target(row.code), details, address, at=now
        )
        row.problem = row.problem_at = row.problem_seq = None
        return _info(session, row)


def rekey(hub: Hub, code: str, public_key: str, *, actor: str | None = None, address: str = LOCAL) -> StationInfo:
    """Register a new key for a station (a new or restored station PC): from now on only requests signed
    with the new key are accepted. The old and new fingerprints go to the audit trail."""
    key_text = signing.public_text(signing.parse_public_key(public_key))
    hub.ready()
    now = hub.now()
    with hub.db.session() as session:
        row = get_row(session, code.strip(), lock=True)
        if row.public_key == key_text:
            raise InputError(
                _("Station {code} already has this key; nothing was changed.").format(code=row.code),
                _("Copy the new key that `broadcaster hub-link` printed at the station."),
            )
        _key_unused(session, key_text, row.code)
        details = {"old": signing.fingerprint(row.public_key), "new": signing.fingerprint(key_text)}
        AUDIT.record(
            session, actor or command_line(), "station.rekey", station_target(row.code), details, address, at=now
        )
        row.public_key = key_text
        return _info(session, row)
