"""The news queue: add, list, edit, cancel, approve and import news items.

Every input is checked before anything is written, so a bad value leaves the
database exactly as it was; an import is all or nothing.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from broadcaster import limits, newsinput
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.i18n import _
from broadcaster.importers import CSV_COLUMNS, CsvRow, read_bytes, read_csv, read_docx, read_txt
from broadcaster.model import VIETNAMESE, ItemStatus, NewsItem, Priority, Recording
from broadcaster.service.context import Station
from broadcaster.service.news_json import item_json
from broadcaster.store import news as news_store

__all__ = ["CSV_COLUMNS", "Draft", "NewsDesk", "item_json", "read_bytes"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """A checked news item, ready to store."""

    title: str
    topic: str
    text: str
    priority: Priority
    valid_from: date | None
    valid_until: date | None
    airings_wanted: int
    notices: tuple[str, ...] = ()
    language: str = VIETNAMESE
    recording: Recording | None = None  # a recorded item: `text` is its transcript, and may be empty


def parse_date(text: str, what: str) -> date:
    """A validity date in one of the accepted forms (see newsinput.parse_date for the notice)."""
    return newsinput.parse_date(text, what)[0]


def _note(text: str) -> str | None:
    """How an item came in (a file, a conversion), cut to fit its column: a note, not the news."""
    if len(text) > limits.SOURCE_NOTE_MAX_CHARS:
        return text[: limits.SOURCE_NOTE_MAX_CHARS - 1] + "…"
    return text or None


def _unicode(text: str, what: str, label: str | None = None) -> tuple[str, list[str]]:
    """`what` starts a notice about a conversion; `label` names the value in an error (default: `what`)."""
    conversion = newsinput.unicode_text(text, label or what)
    notices = [f"{what}: {conversion.notice}"] if conversion.notice else []
    return conversion.text, notices


class NewsDesk:
    def __init__(self, station: Station) -> None:
        self.station = station
        self.told = False  # whether the last change reached the running daemon at once

    # ------------------------------------------------------------ checking

    def check_topic(self, code: str | None, where: str = "") -> str:
        """`where` names the place in a file (e.g. "news.csv row 3: column 'topic': ")."""
        codes = [t.code for t in self.station.config.topics]
        if not code or not code.strip():
            raise InputError(f"{where}The topic is missing.", f"Give one of the topic codes: {', '.join(codes)}.")
        code = code.strip()
        if code not in codes:
            close = difflib.get_close_matches(code, codes, n=1, cutoff=0.5)
            hint = f"Did you mean '{close[0]}'? " if close else ""
            raise InputError(f"{where}Unknown topic '{code}'.", f"{hint}Run `broadcaster topics` to see the codes.")
        return code

    @staticmethod
    def check_priority(value: str | None, what: str = "--priority") -> Priority:
        try:
            return Priority((value or "normal").strip().lower())
        except ValueError:
            raise InputError(
                f"{what} '{value}' is not a priority.", "Use normal, priority or emergency (Thông tư 39/2020)."
            ) from None

    def draft(
        self,
        *,
        title: str | None,
        topic: str | None,
        text: str | None,
        priority: str | None = None,
        valid_from: str | None = None,
        valid_until: str | None = None,
        airings: int | str | None = None,
        where: str = "",
        csv_row: bool = False,
        text_label: str | None = None,
        check_past: bool = True,
        recorded: bool = False,
    ) -> Draft:
        """Check raw values; `where` prefixes messages (e.g. "news.csv row 3: ").

        `text_label` names where the text came from (e.g. a file) in messages about it;
        `check_past`: refuse a last day already gone (off when an edit leaves --until as it was);
        `recorded`: the text is a recording's transcript, optional, and the recording's length is what must fit.
        """

        def name(option: str) -> str:
            return where + (f"column '{option}'" if csv_row else f"--{option}")

        text_name = text_label or name("text")
        # emptiness is judged on the clean text: a title of control characters is an empty title
        clean_title, title_notices = _unicode(" ".join((title or "").split()), "title", name("title"))
        clean_text, text_notices = _unicode((text or "").strip(), "text", text_name)
        if not clean_title.strip():
            raise InputError(f"{where}The title is empty.", "Give a short title with --title.")
        if not clean_text.strip() and not recorded:
            raise InputError(f"{where}The news text is empty.", "Give the text with --text, or --file PATH.")
        clean_title, clean_text = " ".join(clean_title.split()), clean_text.strip()
        newsinput.check_length(
            clean_title, name("title"), limits.TITLE_MAX_CHARS, _("Give a short title; the news goes in the text.")
        )
        newsinput.check_length(clean_text, text_name, limits.TEXT_MAX_CHARS, _("Split it into several news items."))
        start, end, date_notices = self._window(valid_from, valid_until, name, where, check_past)
        checked_topic = self.check_topic(topic, f"{name('topic')}: " if where else "")
        checked_priority = self.check_priority(priority, name("priority"))
        fit = None
        if not recorded:
            fit = newsinput.check_fits(
                self.station.config, len(clean_title) + len(clean_text), checked_topic, checked_priority, text_name
            )
        return Draft(
            title=clean_title,
            topic=checked_topic,
            text=clean_text,
            priority=checked_priority,
            valid_from=start,
            valid_until=end,
            airings_wanted=newsinput.airings(airings, name("airings")),
            notices=tuple(title_notices + text_notices + date_notices + ([where + fit] if fit else [])),
        )

    def _window(
        self, valid_from: str | None, valid_until: str | None, name: Any, where: str, check_past: bool
    ) -> tuple[date | None, date | None, list[str]]:
        notices: list[str] = []
        start = end = None
        if valid_from:
            start, note = newsinput.parse_date(valid_from, name("from"))
            notices += [note] if note else []
        if valid_until:
            end, note = newsinput.parse_date(valid_until, name("until"))
            notices += [note] if note else []
        if start and end and end < start:
            raise InputError(
                f"{name('until')} {end.isoformat()} is before {name('from').removeprefix(where)} {start.isoformat()}.",
                "The validity window must end on or after its first day.",
            )
        today = self.station.today()
        if end and check_past and end < today:
            # Stored, it would be expired the moment it was created: it could never air.
            raise InputError(
                _("{what} {end} is in the past (today is {today}): the item could never air.").format(
                    what=name("until"), end=end.isoformat(), today=today.isoformat()
                ),
                _("Give its last day from today on, or leave it out."),
            )
        return start, end, notices

    # ------------------------------------------------------------ operations

    def add(self, draft: Draft, source_note: str | None = None) -> NewsItem:
        return self.add_many([draft], source_note)[0]

    def add_many(self, drafts: Sequence[Draft], source_note: str | None = None) -> list[NewsItem]:
        """All in one transaction: either every item is stored or none."""
        self.station.ready()
        with self.station.db.session() as session:
            rows = [
                news_store.add_row(
                    session,
                    self.station.now(),
                    title=d.title,
                    topic=d.topic,
                    text=d.text,
                    priority=d.priority.value,
                    valid_from=d.valid_from,
                    valid_until=d.valid_until,
                    airings_wanted=d.airings_wanted,
                    source_note=_note(source_note or "; ".join(d.notices)),
                    **news_store.audio_columns(d.language, d.recording),
                )
                for d in drafts
            ]
            items = [news_store.to_item(r) for r in rows]
        if any(i.priority is Priority.EMERGENCY for i in items):
            self._tell_daemon()
        return items

    def _tell_daemon(self) -> bool:
        """The queue changed: the running daemon acts at once (an emergency airs, a cancelled item is
        cut) instead of at its next check. Never fails the change itself."""
        from broadcaster.onair.lock import wake_daemon

        try:
            self.told = wake_daemon(self.station.db)
        except BroadcasterError as exc:
            log.warning("the daemon could not be told about the change (%s); it sees it at its next check", exc)
            self.told = False
        return self.told

    def get(self, item_id: int) -> NewsItem:
        self.station.ready()
        with self.station.db.session() as session:
            return news_store.to_item(news_store.get_row(session, item_id))

    def live_items(self) -> list[NewsItem]:
        """Items that may still air (not cancelled, airings still wanted)."""
        self.station.ready()
        with self.station.db.session() as session:
            return [news_store.to_item(r) for r in news_store.live_rows(session)]

    def list_items(self, status: str = "all", topic: str | None = None) -> list[NewsItem]:
        self.station.ready()
        if topic:
            topic = self.check_topic(topic)
        today = self.station.today()
        with self.station.db.session() as session:
            items = [news_store.to_item(r) for r in news_store.all_rows(session, topic)]
        if status == "all":
            return items
        wanted = ItemStatus(status)
        return [i for i in items if i.status(today) is wanted]

    def edit(
        self, item_id: int, *, language: str | None = None, recording: Recording | None = None, **changes: Any
    ) -> NewsItem:
        """Change some fields; the rest keep their values. Checked as a whole before saving.

        `language` and `recording` come checked (service/recorded.py): a new recording makes a
        text item a recorded one, whose text becomes its transcript."""
        current = self.get(item_id)
        recording = recording or current.recording
        draft = self.edited_draft(current, changes, recorded=recording is not None)
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            row.title, row.topic, row.text = draft.title, draft.topic, draft.text
            row.priority = draft.priority.value
            row.valid_from, row.valid_until = draft.valid_from, draft.valid_until
            row.airings_wanted = draft.airings_wanted
            for column, value in news_store.audio_columns(language or current.language, recording).items():
                setattr(row, column, value)
            row.updated_at = self.station.now()
            item = news_store.to_item(row)
        self._tell_daemon()
        return item

    def edited_draft(self, current: NewsItem, changes: dict[str, Any], *, recorded: bool) -> Draft:
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
        # An item whose last day has passed may still be corrected; a new last day must not be past.
        return self.draft(**merged, check_past=changes.get("valid_until") is not None, recorded=recorded)

    def cancel(self, item_id: int) -> NewsItem:
        self.station.ready()
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            if row.cancelled_at is None:
                row.cancelled_at = row.updated_at = self.station.now()
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
        name, _notices = _unicode(" ".join((by or "").split()), "--by")
        name = " ".join(name.split())
        if not name:
            raise InputError("--by is empty.", 'Give the name of the person approving, e.g. --by "Nguyễn Văn A".')
        newsinput.check_length(name, "--by", limits.APPROVER_MAX_CHARS, _("Give the name of the person approving."))
        self.station.ready()
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            if row.cancelled_at is not None:
                raise InputError(f"News item {item_id} is cancelled.", "Add it again if it should air.")
            row.approved_by, row.approved_at = name, self.station.now()
            row.updated_at = row.approved_at
            item = news_store.to_item(row)
        self._tell_daemon()  # an approved emergency may air now
        return item

    # ------------------------------------------------------------ files

    def import_file(
        self, path: Path, topic: str | None, priority: str | None = None, airings: int | None = None
    ) -> tuple[list[NewsItem], list[str]]:
        """Import .txt, .docx or .csv, or recordings (a folder or .zip with their .csv); returns the
        new items and conversion notices."""
        self.station.ready()
        suffix = path.suffix.lower()
        bundle = path.is_dir() or suffix == ".zip"
        if suffix == ".csv" or bundle:
            options = (("--topic", topic), ("--priority", priority), ("--airings", airings))
            given = [option for option, value in options if value is not None]
            if given:
                # silently ignored, a --priority emergency would leave every row at its own priority
                raise InputError(
                    _("{options} cannot be used with a .csv file.").format(options=" and ".join(given)),
                    _("A .csv gives each row's topic, priority and airings in its own columns."),
                )
        if bundle:
            from broadcaster.service.recorded import RecordedNews

            return RecordedNews(self).import_bundle(path)
        if suffix == ".csv":
            drafts = self._csv_drafts(path)
        elif suffix in (".txt", ".docx"):
            title, text, notices = read_docx(path) if suffix == ".docx" else read_txt(path)
            if not text:
                raise InputError(
                    _("{name} has a title but no news text.").format(name=path.name),
                    _("Put the title on the first line and the news text below it."),
                )
            draft = self.draft(
                title=title, topic=topic, text=text, priority=priority, airings=airings, text_label=path.name
            )
            drafts = [Draft(**{**draft.__dict__, "notices": tuple(notices) + draft.notices})]
        else:
            raise InputError(f"{path.name}: cannot import '{suffix or 'no extension'}' files.", _import_hint(suffix))
        notices = [n for d in drafts for n in d.notices]
        return self.add_many(drafts, source_note=f"imported from {path.name}"), notices

    def _csv_drafts(self, path: Path) -> list[Draft]:
        rows, conversion = read_csv(path)
        drafts = [self._csv_row_draft(row, f"{path.name} row {row.number}: ") for row in rows]
        note = (conversion.notice,) if conversion.notice else ()
        return [Draft(**{**d.__dict__, "notices": note + d.notices}) for d in drafts]

    def _csv_row_draft(self, row: CsvRow, where: str) -> Draft:
        values = row.values
        for column in ("title", "topic", "text"):
            if not values.get(column):
                raise InputError(f"{where}column '{column}' is empty.", f"Fill in the {column} of every row.")
        return self.draft(
            title=values["title"],
            topic=values["topic"],
            text=values["text"],
            priority=values.get("priority") or None,
            valid_from=values.get("from") or None,
            valid_until=values.get("until") or None,
            airings=values.get("airings") or None,
            where=where,
            csv_row=True,
        )


def _import_hint(suffix: str) -> str:
    if suffix in (".xlsx", ".xls", ".ods"):
        return _("Save the sheet as CSV UTF-8 (File > Save As) and import the .csv file.")
    if suffix in (".doc", ".odt", ".rtf"):
        return _("Save it as .docx (File > Save As) and import the .docx file.")
    return _("Use a .txt, .docx or .csv file, or a folder or .zip of recordings with their .csv.")
