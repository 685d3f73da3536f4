"""District bulletins: compose, approve (sign and publish), list with what became of them.

A bulletin is published when a district approver approves it: only then is its envelope
signed (naming the approver) and queued for each station it is addressed to. From the CLI
it is either created approved (`--approved-by NAME`) or left pending until
`hub bulletins approve ID --by NAME`. On the hub's pages an editor composes it and an approver
approves it: never the one who composed it (the two-person rule, checked here). Composing and
approving are written to the hub's audit trail in their own transaction.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
import tomllib
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, insert, literal, select
from sqlalchemy.orm import Session

from broadcaster.errors import BroadcasterError, InputError, NotFoundError
from broadcaster.hub import stations as station_ops
from broadcaster.hub.audit import AUDIT, LOCAL, bulletin_target, command_line
from broadcaster.hub.service import Hub
from broadcaster.hub.tables import AudioRow, BulletinDayRow, BulletinRow, DeliveryRow, StationRow, TargetRow
from broadcaster.hublink import protocol
from broadcaster.i18n import _
from broadcaster.service.context import shipped_dir
from broadcaster.service.queue import parse_date
from broadcaster.store.users import login_key
from broadcaster.text.encoding import to_nfc

TOPIC_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_AUDIO_BYTES = 100 * 1024 * 1024


class OwnBulletin(BroadcasterError):
    """The two-person rule: nobody approves a bulletin they composed."""

    http_status = 403


@dataclass(frozen=True)
class BulletinInput:
    """A bulletin as typed at the district, before checking."""

    title: str
    topic: str
    priority: str
    to: str  # "all" or CODE[,CODE...]
    text: str | None = None
    audio: Path | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    airings: int = 1
    created_by: str | None = None  # the login name of who composed it on the pages
    approved_by: str | None = None
    audio_name: str | None = None  # the recording's name as the user knows it (else the file's)


@dataclass(frozen=True)
class BulletinInfo:
    id: str
    title: str
    topic: str
    priority: str
    state: str  # pending | published
    valid_from: date | None
    valid_until: date | None
    airings_wanted: int
    to: tuple[str, ...]
    approved_by: str | None
    approved_at: datetime | None
    addressed: int  # stations it is queued for
    delivered: int  # stations that have fetched it
    aired_by: int  # stations that aired it in full at least once
    airings: int  # airings in full, all stations
    created_by: str | None = None  # who composed it on the pages (None: the command line)
    created_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        doc = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "created_at"}
        doc["to"] = list(self.to)
        return doc | {k: doc[k].isoformat() for k in ("valid_from", "valid_until", "approved_at") if doc[k]}


def _title(text: str | None) -> str:
    if text is None or not text.strip():
        raise InputError(_("The bulletin has no title."), _("Give it a short title, e.g. Lịch tiếp công dân."))
    cleaned = to_nfc(" ".join(text.split())).text
    if len(cleaned) > 500:
        raise InputError(_("The title is longer than {n} characters.").format(n=500), _("Shorten it."))
    return cleaned


def _text(text: str) -> str:
    cleaned = to_nfc(text.strip()).text
    if not cleaned:
        raise InputError(_("The bulletin's text is empty."), _("Write what the stations should read out."))
    if len(cleaned) > 100_000:
        raise InputError(_("The text is longer than {n} characters.").format(n=100_000), _("Split it in two."))
    return cleaned


def parse_day(text: str | None, what: str) -> date | None:
    """A day as the district types it (dd/mm/yyyy or yyyy-mm-dd); None when empty. `what` names the field."""
    if not text or not text.strip():
        return None
    try:
        return parse_date(text, what)
    except InputError:
        raise InputError(
            _("{what} '{text}' is not a date.").format(what=what, text=text.strip()),
            _("Write it as dd/mm/yyyy, e.g. 15/03/2021."),
        ) from None


@functools.cache
def plan_topics() -> dict[str, str]:
    """The plan's topics (code: name, in order) as every station ships them: the hub keeps no list of its own."""
    path = shipped_dir() / "config.toml"  # without it (not installed with its files): only the form is checked
    topics = tomllib.loads(path.read_text(encoding="utf-8")).get("topics", []) if path.is_file() else []
    return {str(t["code"]): str(t.get("name", t["code"])) for t in topics if isinstance(t, dict) and "code" in t}


def _topic(given: str) -> str:
    topic, codes = given.strip(), tuple(plan_topics())
    if not TOPIC_CODE.match(topic):
        raise InputError(
            _("'{topic}' is not a topic code.").format(topic=topic),
            _("Use the code of the plan's topic, e.g. thu-tuc (lower-case letters, digits and '-')."),
        )
    # A typo would be aired at every commune and counted under no topic of the plan: refused, as the station does.
    if codes and topic not in codes:
        close = difflib.get_close_matches(topic, codes, n=1, cutoff=0.5)
        hint = _("Did you mean '{code}'? ").format(code=close[0]) if close else ""
        raise InputError(
            _("{where}Unknown topic '{code}'.").format(where="", code=topic),
            hint + _("Give one of the topic codes: {codes}.").format(codes=", ".join(codes)),
        )
    return topic


def _check(hub: Hub, given: BulletinInput) -> tuple[str, str, str, str | None, date | None, date | None]:
    title = _title(given.title)
    topic = _topic(given.topic)
    priority = given.priority.strip().lower()
    if priority not in protocol.PRIORITIES:
        raise InputError(
            _("'{value}' is not a priority.").format(value=given.priority),
            _("Use normal, priority or emergency (Thông tư 39/2020)."),
        )
    if (given.text is None) == (given.audio is None):
        raise InputError(_("Give the bulletin's text or its audio file, one of the two."), None)
    text = _text(given.text) if given.text is not None else None
    start, end = parse_day(given.valid_from, _("The first day")), parse_day(given.valid_until, _("The last day"))
    today = hub.today()
    if end is None and priority == "emergency":
        if start is not None and start > today:  # no last day was typed: never say "{today} is before {start}"
            raise InputError(
                _("An emergency without a last day is for today only; its first day cannot be {day}.").format(
                    day=f"{start:%d/%m/%Y}"
                ),
                _("Give its last day too, or leave out the first day to send it today."),
            )
        end = today  # an emergency is never aired days late by a station that was offline
    if start and end and end < start:
        raise InputError(
            _("The last day {end} is before the first day {start}.").format(
                end=f"{end:%d/%m/%Y}", start=f"{start:%d/%m/%Y}"
            ),
            _("Put the earlier date first."),
        )
    if end and end < today:
        raise InputError(
            _("The last day {end} is already past.").format(end=f"{end:%d/%m/%Y}"), _("Give a date from today on.")
        )
    if not 1 <= given.airings <= 1000:
        raise InputError(
            _("The number of airings must be between 1 and 1000, not {n}.").format(n=given.airings),
            _("Say how many times each commune should air it."),
        )
    return title, topic, priority, text, start, end


def _store_audio(session: Session, path: Path, now: datetime, name: str | None) -> tuple[str, int, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            _("The audio file {path} cannot be read: {error}.").format(path=path, error=exc.strerror), None
        ) from exc
    if not data or len(data) > MAX_AUDIO_BYTES:
        raise InputError(_("The audio file {path} is empty or larger than 100 MB.").format(path=path), None)
    sha = hashlib.sha256(data).hexdigest()
    shown = (name or path.name)[:200]
    if session.get(AudioRow, sha) is None:
        session.add(AudioRow(sha256=sha, data=data, bytes=len(data), name=shown, created_at=now))
    return sha, len(data), shown


def create(hub: Hub, given: BulletinInput, *, actor: str | None = None, address: str = LOCAL) -> BulletinInfo:
    """Store a checked bulletin; published at once when `approved_by` is given. One transaction."""
    title, topic, priority, text, start, end = _check(hub, given)
    to_all = given.to.strip().lower() == protocol.TO_ALL
    codes = [] if to_all else sorted({c.strip() for c in given.to.split(",") if c.strip()})
    if not to_all and not codes:
        raise InputError(
            _("Say which communes the bulletin is for."), _("Choose one or more communes, or all of them.")
        )
    hub.ready()
    now = hub.now()
    with hub.db.session() as session:
        ids = station_ops.station_ids(session, codes)
        audio_sha = _store_audio(session, given.audio, now, given.audio_name)[0] if given.audio else None
        row = BulletinRow(
            id=str(uuid.uuid4()),
            title=title,
            topic=topic,
            priority=priority,
            text=text,
            audio_sha256=audio_sha,
            valid_from=start,
            valid_until=end,
            airings=given.airings,
            to_all=to_all,
            created_by=given.created_by,
            created_at=now,
        )
        session.add(row)
        session.flush()
        if ids:
            session.execute(insert(TargetRow), [{"bulletin_id": row.id, "station_id": i} for i in ids.values()])
        details = {"title": title, "priority": priority, "to": codes or [protocol.TO_ALL]}
        who = actor or command_line()
        AUDIT.record(session, who, "bulletin.add", bulletin_target(row.id), details, address, at=now)
        if given.approved_by:
            _publish(hub, session, row, given.approved_by, now)
            AUDIT.record(
                session, who, "bulletin.approve", bulletin_target(row.id), {"by": row.approved_by}, address, at=now
            )
        return infos(session, [row])[0]


def approve(
    hub: Hub,
    bulletin_id: str,
    approved_by: str,
    *,
    user: str | None = None,
    actor: str | None = None,
    address: str = LOCAL,
) -> BulletinInfo:
    """Approve a pending bulletin: sign it and queue it. `user`: the approver's login name on the pages,
    who must not be the one who composed it."""
    if not approved_by.strip():
        raise InputError(_("Say who approves the bulletin."), _("Give the approver's name."))
    hub.ready()
    now = hub.now()
    with hub.db.session() as session:
        row = bulletin_row(session, bulletin_id, lock=True)
        if row.envelope is not None:
            raise InputError(
                _("Bulletin {id} was already approved by {name}.").format(id=row.id, name=row.approved_by), None
            )
        if user is not None and row.created_by and login_key(row.created_by) == login_key(user):
            raise OwnBulletin(
                _("You composed this bulletin, so you cannot approve it yourself."),
                _("Another approver of the district must approve it (two-person rule)."),
            )
        if row.valid_until is not None and row.valid_until < hub.today():
            raise InputError(
                _("Bulletin {id} expired on {day}.").format(id=row.id, day=f"{row.valid_until:%d/%m/%Y}"),
                _("Compose it again with new dates if it is still needed."),
            )
        _publish(hub, session, row, approved_by, now)
        details = {"title": row.title, "by": row.approved_by}
        AUDIT.record(
            session, actor or command_line(), "bulletin.approve", bulletin_target(row.id), details, address, at=now
        )
        return infos(session, [row])[0]


def _publish(hub: Hub, session: Session, row: BulletinRow, approved_by: str, now: datetime) -> None:
    """Sign the envelope and queue it for every station it is addressed to, in the caller's transaction."""
    row.approved_by = " ".join(approved_by.split())
    row.approved_at = now
    codes = _codes(session, row)
    audio = None
    if row.audio_sha256:
        stored = session.get(AudioRow, row.audio_sha256)
        assert stored is not None
        audio = protocol.AudioRef(stored.sha256, stored.bytes, stored.name)
    envelope = protocol.Envelope(
        id=row.id,
        priority=row.priority,
        title=row.title,
        topic=row.topic,
        text=row.text,
        audio=audio,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        airings=row.airings,
        approved_by=row.approved_by,
        approved_at=now,
        issued_by=hub.settings.name,
        to=codes,
    )
    row.envelope = json.dumps(protocol.sign_envelope(hub.key, envelope), ensure_ascii=False, separators=(",", ":"))
    targets = (
        select(StationRow.id) if row.to_all else select(TargetRow.station_id).where(TargetRow.bulletin_id == row.id)
    )
    rows = targets.add_columns(literal(row.id), literal(now, type_=DeliveryRow.created_at.type))
    session.execute(insert(DeliveryRow).from_select(["station_id", "bulletin_id", "created_at"], rows))


def _codes(session: Session, row: BulletinRow) -> tuple[str, ...]:
    if row.to_all:
        return (protocol.TO_ALL,)
    query = select(StationRow.code).join(TargetRow, TargetRow.station_id == StationRow.id)
    return tuple(session.scalars(query.where(TargetRow.bulletin_id == row.id).order_by(StationRow.code)))


def bulletin_row(session: Session, bulletin_id: str, *, lock: bool = False) -> BulletinRow:
    # Locked when approving: two approvers clicking at once publish it once.
    row = session.get(BulletinRow, bulletin_id.strip(), with_for_update=lock)
    if row is None:
        raise NotFoundError(
            _("There is no bulletin {id}.").format(id=bulletin_id),
            _("Run `broadcaster hub bulletins list` to see the ids."),
            console_hint=_("Find it on the Bulletins page."),
        )
    return row


def infos(session: Session, rows: list[BulletinRow]) -> list[BulletinInfo]:
    ids = [r.id for r in rows]
    addressed: dict[str, int] = {}
    delivered: dict[str, int] = {}
    for bulletin_id, total, fetched in session.execute(
        select(
            DeliveryRow.bulletin_id,
            func.count(),
            func.sum(case((DeliveryRow.id <= StationRow.cursor, 1), else_=0)),
        )
        .join(StationRow, StationRow.id == DeliveryRow.station_id)
        .where(DeliveryRow.bulletin_id.in_(ids))
        .group_by(DeliveryRow.bulletin_id)
    ):
        addressed[bulletin_id], delivered[bulletin_id] = total, int(fetched or 0)
    aired: dict[str, tuple[int, int]] = {}
    per_station = (
        select(BulletinDayRow.bulletin_id, BulletinDayRow.station_id, func.sum(BulletinDayRow.airings).label("n"))
        .where(BulletinDayRow.bulletin_id.in_(ids))
        .group_by(BulletinDayRow.bulletin_id, BulletinDayRow.station_id)
        .subquery()
    )
    for bulletin_id, stations, total in session.execute(
        select(
            per_station.c.bulletin_id, func.sum(case((per_station.c.n > 0, 1), else_=0)), func.sum(per_station.c.n)
        ).group_by(per_station.c.bulletin_id)
    ):
        aired[bulletin_id] = (int(stations or 0), int(total or 0))
    targets: dict[str, list[str]] = {}
    for bulletin_id, code in session.execute(
        select(TargetRow.bulletin_id, StationRow.code)
        .join(StationRow, StationRow.id == TargetRow.station_id)
        .where(TargetRow.bulletin_id.in_(ids))
        .order_by(StationRow.code)
    ):
        targets.setdefault(bulletin_id, []).append(code)
    as_stored = ("id", "title", "topic", "priority", "valid_from", "valid_until", "approved_by", "approved_at")
    return [
        BulletinInfo(
            **{name: getattr(r, name) for name in (*as_stored, "created_by", "created_at")},
            state="published" if r.envelope else "pending",
            airings_wanted=r.airings,
            to=(protocol.TO_ALL,) if r.to_all else tuple(targets.get(r.id, ())),
            addressed=addressed.get(r.id, 0),
            delivered=delivered.get(r.id, 0),
            aired_by=aired.get(r.id, (0, 0))[0],
            airings=aired.get(r.id, (0, 0))[1],
        )
        for r in rows
    ]


def list_bulletins(hub: Hub, limit: int = 200) -> list[BulletinInfo]:
    """The newest bulletins first."""
    hub.ready()
    with hub.db.session() as session:
        rows = list(session.scalars(select(BulletinRow).order_by(BulletinRow.created_at.desc()).limit(limit)))
        return infos(session, rows)
