"""The news queue: add, list, edit, cancel, approve and import news items.

Every input is checked before anything is written (service/drafting.py), so a bad value
leaves the database exactly as it was; an import is all or nothing. With an actor (who, from
where: service/actor.py) every change is written to the audit trail in its own transaction,
and who queued each item is kept: when approval is required nobody approves their own item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from broadcaster import limits, newsinput
from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.importers import CSV_COLUMNS, read_bytes
from broadcaster.model import NewsItem, Priority, Recording
from broadcaster.service import news_list
from broadcaster.service.actor import Actor
from broadcaster.service.context import Station
from broadcaster.service.drafting import Draft, Drafter, note, parse_date, unicode_text
from broadcaster.service.news_json import item_json
from broadcaster.store import news as news_store
from broadcaster.store import users as authors
from broadcaster.store.tables import NewsItemRow

__all__ = ["CSV_COLUMNS", "Draft", "NewsDesk", "OwnItem", "item_json", "parse_date", "read_bytes"]


def _repeats(session: Session, added: Sequence[NewsItem]) -> list[str]:
    """A notice for each new item whose title and text are those of an item still waiting to air (the
    same file imported twice, a row copied in the spreadsheet): the copy would eat the slots' time."""

    def same(title: str, text: str) -> tuple[str, str]:
        return " ".join(title.casefold().split()), " ".join(text.casefold().split())

    first: dict[tuple[str, str], int] = {}
    for item_id, title, text in news_store.live_with_titles(session, {i.title for i in added}):
        first.setdefault(same(title, text), item_id)  # oldest first: the new ones point at it
    return [
        _("News item {id} repeats news item {first}, which is still waiting to air; cancel one if it was "
          "queued twice.").format(id=item.id, first=first[key])
        for item in added
        if (key := same(item.title, item.text)) in first and first[key] != item.id
    ]  # fmt: skip


def approval_taken_away(item_id: int) -> str:
    """What an edit of an approved item must say: without it, the item silently waits for approval."""
    return _(
        "News item {id} had been approved; this change takes the approval away: it airs only after it is "
        "approved again."
    ).format(id=item_id)


def _cancelled(item_id: int) -> InputError:
    return InputError(_("News item {id} is cancelled.").format(id=item_id), _("Add it again if it should air."))


class OwnItem(InputError):
    """Approving an item one queued oneself, when approval is required."""

    http_status = 409


class NewsDesk(Drafter):
    def __init__(self, station: Station, actor: Actor | None = None) -> None:
        super().__init__(station)
        self.actor = actor  # None: not a person's action (tests, tools): nothing is audited
        self.told = False  # whether the last change reached the running daemon at once
        self.unapproved: int | None = None  # the item whose approval the last edit took away
        self.repeats: list[str] = []  # the last items added that repeat one still waiting to air

    # ------------------------------------------------------------ operations

    def add(self, draft: Draft, source_note: str | None = None) -> NewsItem:
        return self.add_many([draft], source_note)[0]

    def add_many(
        self, drafts: Sequence[Draft], source_note: str | None = None, *, imported_from: str | None = None
    ) -> list[NewsItem]:
        """All in one transaction: either every item is stored (with its audit entry) or none.

        `imported_from`: the file's name, for one `item.import` entry instead of an `item.add` per item."""
        self.station.ready()
        now = self.station.now()
        with self.station.db.session() as session:
            rows = [
                news_store.add_row(
                    session,
                    now,
                    title=d.title,
                    topic=d.topic,
                    text=d.text,
                    priority=d.priority.value,
                    valid_from=d.valid_from,
                    valid_until=d.valid_until,
                    airings_wanted=d.airings_wanted,
                    source_note=note(source_note or "; ".join(d.notices)),
                    **news_store.audio_columns(d.language, d.recording),
                )
                for d in drafts
            ]
            items = [news_store.to_item(r) for r in rows]
            self._authored(session, items, imported_from, now)
            self.repeats = _repeats(session, items)
        if any(i.priority is Priority.EMERGENCY for i in items):
            self._tell_daemon()
        return items

    def _authored(self, session: Session, items: list[NewsItem], imported_from: str | None, now: datetime) -> None:
        if self.actor is None:
            return
        for item in items:
            authors.record_author(session, item.id, self.actor.name, now)
        if imported_from is not None:
            details = {"file": imported_from, "items": [i.id for i in items]}
            self.actor.record(session, "item.import", None, details, now)
            return
        for item in items:
            details = {"title": item.title, "topic": item.topic, "priority": item.priority.value}
            self.actor.record(session, "item.add", f"item:{item.id}", details, now)

    def _tell_daemon(self) -> bool:
        """The queue changed: the running daemon acts at once (an emergency airs, a cancelled item is
        cut) instead of at its next check. Never fails the change itself."""
        from broadcaster.onair.lock import tell_daemon

        self.told = tell_daemon(self.station.db, "the change")
        return self.told

    def get(self, item_id: int) -> NewsItem:
        self.station.ready()
        with self.station.db.session() as session:
            return news_store.to_item(news_store.get_row(session, item_id))

    def live_items(self) -> list[NewsItem]:
        """Items that may still air (not cancelled, airings still wanted)."""
        self.station.ready()
        with self.station.db.session() as session:
            return news_store.live_items(session)

    def list_items(self, status: str = "all", topic: str | None = None, priority: str | None = None) -> list[NewsItem]:
        return news_list.list_items(self.station, status, topic, priority)

    def edit(
        self,
        item_id: int,
        *,
        labels: Mapping[str, str] | None = None,
        cleared: Sequence[str] = (),
        language: str | None = None,
        recording: Recording | None = None,
        **changes: Any,
    ) -> NewsItem:
        """Change some fields; the rest keep their values (`cleared`: "valid_from", "valid_until" set
        to none). Checked as a whole before saving; `labels` as for `draft`. `language` and
        `recording` come checked (service/recorded.py): a new recording makes a text item a recorded
        one, whose text becomes its transcript.

        When approval is required, a change to an approved item takes its approval away: what was
        approved is not what would air any more."""
        current = self.get(item_id)
        if current.cancelled_at is not None:
            # an edit form opened before someone cancelled the item: saving would change nothing that airs
            raise _cancelled(item_id)
        recording = recording or current.recording
        draft = self.edited_draft(current, changes, cleared=cleared, labels=labels, recorded=recording is not None)
        now = self.station.now()
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            changed = _apply(row, draft, news_store.audio_columns(language or current.language, recording))
            if changed:
                row.updated_at = now
            unapproved = bool(changed) and row.approved_at is not None and self.station.config.station.require_approval
            if unapproved:
                row.approved_by = row.approved_at = None
            self.unapproved = item_id if unapproved else None
            if self.actor is not None and changed:
                details = {"fields": changed, "title": row.title, "approval_removed": unapproved}
                self.actor.record(session, "item.edit", f"item:{item_id}", details, now)
            item = news_store.to_item(row)
        self._tell_daemon()
        return item

    def edited_draft(
        self,
        current: NewsItem,
        changes: Mapping[str, Any],
        *,
        cleared: Sequence[str] = (),
        labels: Mapping[str, str] | None = None,
        recorded: bool = False,
    ) -> Draft:
        """`current` with `changes` (None: unchanged), checked as a whole as `draft` checks a new item."""
        merged: dict[str, Any] = {
            "title": current.title,
            "topic": current.topic,
            "text": current.text,
            "priority": current.priority.value,
            "valid_from": current.valid_from.isoformat() if current.valid_from else None,
            "valid_until": current.valid_until.isoformat() if current.valid_until else None,
            "airings": current.airings_wanted,
        }
        merged.update({k: v for k, v in changes.items() if v is not None})
        merged.update(dict.fromkeys(cleared))
        # An item whose last day has passed may still be corrected; a new last day must not be past.
        check_past = changes.get("valid_until") is not None and _day(changes["valid_until"]) != current.valid_until
        return self.draft(**merged, check_past=check_past, labels=labels, recorded=recorded)

    def cancel(self, item_id: int) -> NewsItem:
        self.station.ready()
        now = self.station.now()
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            if row.cancelled_at is None:
                row.cancelled_at = row.updated_at = now
                if self.actor is not None:
                    self.actor.record(session, "item.cancel", f"item:{item_id}", {"title": row.title}, now)
            item = news_store.to_item(row)
        self._tell_daemon()
        return item

    def on_air_now(self, item_id: int) -> bool:
        """Whether a bulletin carrying this item is on air (the daemon's on-air journal)."""
        return self.with_air_state(item_id)[1]

    def with_air_state(self, item_id: int) -> tuple[NewsItem, bool]:
        """The item and whether it is on air, read together: an airing that ends in between
        counts the item and clears the journal in one transaction, so the two always agree."""
        from broadcaster.store import airings as log_store

        self.station.ready()
        with self.station.db.session() as session:
            item = news_store.to_item(news_store.get_row(session, item_id))
            rows = log_store.on_air_rows(session)
            return item, any(int(c["item_id"]) == item_id for row in rows for c in log_store.cue_items(row))

    def approve(self, item_id: int, by: str) -> NewsItem:
        """`by` is stored on the item and carried into the airing log (the console gives its user name)."""
        name, _notices = unicode_text(" ".join((by or "").split()), "--by")
        name = " ".join(name.split())
        if not name:
            raise InputError(_("--by is empty."), _('Give the name of the person approving, e.g. --by "Nguyễn Văn A".'))
        newsinput.check_length(name, "--by", limits.APPROVER_MAX_CHARS, _("Give the name of the person approving."))
        self.station.ready()
        now = self.station.now()
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            if row.cancelled_at is not None:
                raise _cancelled(item_id)
            self._not_own(session, item_id)
            row.approved_by, row.approved_at = name, now
            row.updated_at = now
            if self.actor is not None:
                details = {"title": row.title, "approved_by": name}
                self.actor.record(session, "item.approve", f"item:{item_id}", details, now)
            item = news_store.to_item(row)
        self._tell_daemon()  # an approved emergency may air now
        return item

    def _not_own(self, session: Session, item_id: int) -> None:
        if self.actor is None or not self.station.config.station.require_approval:
            return
        if authors.is_author(session, item_id, self.actor.name):
            raise OwnItem(
                _("You queued news item {id} yourself, so you cannot approve it.").format(id=item_id),
                _("Another person who may approve (the commune chairman) must approve it."),
            )
        if authors.has_edited(session, item_id, self.actor.name):
            # what would air is partly the approver's own words: a second person must check it
            raise OwnItem(
                _("You changed news item {id} after it was queued, so you cannot approve it.").format(id=item_id),
                _("Another person who may approve must check and approve it."),
            )

    def author_of(self, item_id: int) -> str | None:
        """Who queued the item (a console user name, or cli:<system user>); None when not recorded."""
        with self.station.db.session() as session:
            return authors.author_of(session, item_id)

    # ------------------------------------------------------------ files

    def import_file(
        self, path: Path, topic: str | None, priority: str | None = None, airings: int | str | None = None
    ) -> tuple[list[NewsItem], list[str]]:
        """Import .txt, .docx or .csv, or recordings (a folder or .zip with their .csv); returns the
        new items and conversion notices."""
        from broadcaster.service.news_import import drafts_from_file, refuse_options_with_csv

        self.station.ready()
        if path.is_dir() or path.suffix.lower() == ".zip":
            from broadcaster.service.recorded import RecordedNews

            refuse_options_with_csv(topic, priority, airings)
            return RecordedNews(self).import_bundle(path)
        drafts = drafts_from_file(self, path, topic, priority, airings)
        notices = [n for d in drafts for n in d.notices]
        items = self.add_many(drafts, source_note=f"imported from {path.name}", imported_from=path.name)
        return items, [*notices, *self.repeats]


def _day(text: str) -> date | None:
    """The day `text` names, or None when it names none (the draft then says why)."""
    try:
        return parse_date(text, "")
    except InputError:
        return None


def _apply(row: NewsItemRow, draft: Draft, audio: Mapping[str, object]) -> list[str]:
    """Write `draft` and the item's audio columns into `row`; the names of the fields that changed."""
    values: dict[str, object] = {
        **audio,
        "title": draft.title,
        "topic": draft.topic,
        "text": draft.text,
        "priority": draft.priority.value,
        "valid_from": draft.valid_from,
        "valid_until": draft.valid_until,
        "airings_wanted": draft.airings_wanted,
    }
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    for field in changed:
        setattr(row, field, values[field])
    return changed
