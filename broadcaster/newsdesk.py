"""The news queue: add, list, edit, cancel, approve and import news items.

Every input is checked before anything is written, so a bad value leaves the
database exactly as it was; an import is all or nothing.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from broadcaster.errors import InputError, NotFoundError
from broadcaster.model import ItemStatus, NewsItem, Priority
from broadcaster.service.context import Station
from broadcaster.store import news as news_store
from broadcaster.text.encoding import Conversion, decode_text_file, to_nfc

CSV_COLUMNS = ("title", "topic", "text", "priority", "from", "until", "airings")
_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), (3, 2, 1)),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), (3, 2, 1)),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), (3, 2, 1)),
)


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


def parse_date(text: str, what: str) -> date:
    value = text.strip()
    for pattern, (y, m, d) in _DATE_FORMATS:
        match = pattern.match(value)
        if match:
            year, month, day = int(match[y]), int(match[m]), int(match[d])
            try:
                return date(year, month, day)
            except ValueError:
                raise InputError(
                    f"{what} '{text}' is not a date that exists.", "Check the day and month, e.g. 2021-02-28."
                ) from None
    raise InputError(
        f"{what} '{text}' is not a date.", "Write it as YYYY-MM-DD (2021-03-15) or DD/MM/YYYY (15/03/2021)."
    )


def _unicode(text: str, what: str) -> tuple[str, list[str]]:
    conversion = to_nfc(text)
    notices = [f"{what}: {conversion.notice}"] if conversion.notice else []
    return conversion.text, notices


class NewsDesk:
    def __init__(self, station: Station) -> None:
        self.station = station

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
    ) -> Draft:
        """Check raw values; `where` prefixes messages (e.g. "news.csv row 3: ")."""

        def name(option: str) -> str:
            return where + (f"column '{option}'" if csv_row else f"--{option}")

        if title is None or not title.strip():
            raise InputError(f"{where}The title is empty.", "Give a short title with --title.")
        if text is None or not text.strip():
            raise InputError(f"{where}The news text is empty.", "Give the text with --text, or --file PATH.")
        clean_title, title_notices = _unicode(" ".join(title.split()), "title")
        clean_text, text_notices = _unicode(text.strip(), "text")
        start = parse_date(valid_from, name("from")) if valid_from else None
        end = parse_date(valid_until, name("until")) if valid_until else None
        if start and end and end < start:
            raise InputError(
                f"{name('until')} {end.isoformat()} is before {name('from').removeprefix(where)} {start.isoformat()}.",
                "The validity window must end on or after its first day.",
            )
        wanted = 1 if airings in (None, "") else airings
        try:
            wanted = int(wanted)
        except (TypeError, ValueError):
            raise InputError(f"{name('airings')} '{airings}' is not a whole number.", "Use 1 or more.") from None
        if wanted < 1:
            raise InputError(
                f"{name('airings')} must be at least 1, not {wanted}.", "Say how many times it should air."
            )
        return Draft(
            title=clean_title,
            topic=self.check_topic(topic, f"{name('topic')}: " if where else ""),
            text=clean_text,
            priority=self.check_priority(priority, name("priority")),
            valid_from=start,
            valid_until=end,
            airings_wanted=wanted,
            notices=tuple(title_notices + text_notices),
        )

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
                    source_note=source_note or ("; ".join(d.notices) or None),
                )
                for d in drafts
            ]
            return [news_store.to_item(r) for r in rows]

    def get(self, item_id: int) -> NewsItem:
        self.station.ready()
        with self.station.db.session() as session:
            return news_store.to_item(news_store.get_row(session, item_id))

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

    def edit(self, item_id: int, **changes: Any) -> NewsItem:
        """Change some fields; the rest keep their values. Checked as a whole before saving."""
        current = self.get(item_id)
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
        draft = self.draft(**merged)
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            row.title, row.topic, row.text = draft.title, draft.topic, draft.text
            row.priority = draft.priority.value
            row.valid_from, row.valid_until = draft.valid_from, draft.valid_until
            row.airings_wanted = draft.airings_wanted
            row.updated_at = self.station.now()
            return news_store.to_item(row)

    def cancel(self, item_id: int) -> NewsItem:
        self.station.ready()
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            if row.cancelled_at is None:
                row.cancelled_at = row.updated_at = self.station.now()
            return news_store.to_item(row)

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
        if not by or not by.strip():
            raise InputError("--by is empty.", 'Give the name of the person approving, e.g. --by "Nguyễn Văn A".')
        self.station.ready()
        name, _ = _unicode(" ".join(by.split()), "--by")
        with self.station.db.session() as session:
            row = news_store.get_row(session, item_id)
            if row.cancelled_at is not None:
                raise InputError(f"News item {item_id} is cancelled.", "Add it again if it should air.")
            row.approved_by, row.approved_at = name, self.station.now()
            row.updated_at = row.approved_at
            return news_store.to_item(row)

    # ------------------------------------------------------------ files

    def import_file(
        self, path: Path, topic: str | None, priority: str | None = None, airings: int | None = None
    ) -> tuple[list[NewsItem], list[str]]:
        """Import .txt, .docx or .csv; returns the new items and conversion notices."""
        self.station.ready()
        suffix = path.suffix.lower()
        if suffix == ".csv":
            drafts = self._csv_drafts(path)
        elif suffix in (".txt", ".docx"):
            title, text, notices = read_docx(path) if suffix == ".docx" else read_txt(path)
            drafts = [self.draft(title=title, topic=topic, text=text, priority=priority, airings=airings)]
            drafts = [Draft(**{**drafts[0].__dict__, "notices": tuple(notices) + drafts[0].notices})]
        else:
            raise InputError(
                f"{path.name}: cannot import '{suffix or 'no extension'}' files.", "Use a .txt, .docx or .csv file."
            )
        notices = [n for d in drafts for n in d.notices]
        return self.add_many(drafts, source_note=f"imported from {path.name}"), notices

    def _csv_drafts(self, path: Path) -> list[Draft]:
        conversion = read_bytes(path)
        reader = csv.DictReader(io.StringIO(conversion.text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in ("title", "topic", "text") if c not in header]
        unknown = [h for h in header if h not in CSV_COLUMNS]
        if missing or unknown:
            raise InputError(
                f"{path.name}: the header row is {','.join(header) or 'empty'}"
                + (f"; missing column(s) {', '.join(missing)}" if missing else "")
                + (f"; unknown column(s) {', '.join(unknown)}" if unknown else "")
                + ".",
                f"The first row must be: {','.join(CSV_COLUMNS)}.",
            )
        drafts = []
        for number, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if not any(row.values()):
                continue
            where = f"{path.name} row {number}: "
            drafts.append(self._csv_row_draft(row, where))
        if not drafts:
            raise InputError(f"{path.name} has no news rows.", "Add one row per news item under the header.")
        note = (conversion.notice,) if conversion.notice else ()
        return [Draft(**{**d.__dict__, "notices": note + d.notices}) for d in drafts]

    def _csv_row_draft(self, row: dict[str, str], where: str) -> Draft:
        for column in ("title", "topic", "text"):
            if not row.get(column):
                raise InputError(f"{where}column '{column}' is empty.", f"Fill in the {column} of every row.")
        return self.draft(
            title=row["title"],
            topic=row["topic"],
            text=row["text"],
            priority=row.get("priority") or None,
            valid_from=row.get("from") or None,
            valid_until=row.get("until") or None,
            airings=row.get("airings") or None,
            where=where,
            csv_row=True,
        )


def read_bytes(path: Path) -> Conversion:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"File {path} does not exist.", "Check the path and the file name.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file.", "Give the path of a file.") from None
    except OSError as exc:
        raise InputError(f"File {path} cannot be read: {exc.strerror}.", "Check its permissions.") from None
    return decode_text_file(data, path.name)


def read_txt(path: Path) -> tuple[str, str, list[str]]:
    """First non-empty line is the title, the rest is the text."""
    conversion = read_bytes(path)
    lines = conversion.text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise InputError(f"{path.name} is empty.", "Put the title on the first line and the news text below it.")
    notices = [f"{path.name}: {conversion.notice}"] if conversion.notice else []
    return lines[0].strip(), "\n".join(lines[1:]).strip(), notices


def read_docx(path: Path) -> tuple[str, str, list[str]]:
    """First non-empty paragraph is the title, the rest is the text."""
    import docx  # python-docx; imported here so the CLI starts fast
    from docx.opc.exceptions import PackageNotFoundError

    if not path.exists():
        raise NotFoundError(f"File {path} does not exist.", "Check the path and the file name.")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(
            f"{path.name} is not a readable Word (.docx) file: {exc}.",
            "Open it in Word or LibreOffice and save it again as .docx.",
        ) from None
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    if not paragraphs:
        raise InputError(f"{path.name} has no text.", "Put the title in the first paragraph and the news below it.")
    notices: list[str] = []
    title, title_notes = _unicode(paragraphs[0], path.name)
    text, text_notes = _unicode("\n".join(paragraphs[1:]), path.name)
    notices += title_notes + [n for n in text_notes if n not in title_notes]
    return title, text, notices


def item_json(item: NewsItem, station: Station, speech: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The documented, stable JSON shape of a news item (docs/json.md); times in station time."""
    today = station.today()
    topic_names = station.config.topic_names()

    def iso(moment: datetime | None) -> str | None:
        return station.local(moment).isoformat() if moment else None

    return {
        "id": item.id,
        "title": item.title,
        "topic": item.topic,
        "topic_name": topic_names.get(item.topic, item.topic),
        "priority": item.priority.value,
        "status": item.status(today).value,
        "text": item.text,
        "valid_from": item.valid_from.isoformat() if item.valid_from else None,
        "valid_until": item.valid_until.isoformat() if item.valid_until else None,
        "airings_wanted": item.airings_wanted,
        "airings_done": item.airings_done,
        "approved_by": item.approved_by,
        "approved_at": iso(item.approved_at),
        "created_at": iso(item.created_at),
        "cancelled_at": iso(item.cancelled_at),
        "speech": speech or [],
    }
