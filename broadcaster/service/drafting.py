"""Checking a news item as typed (command line, console form, API) or imported, before anything is stored.

Every message names the value as the person gave it: `--title` on the command line,
"tin.csv row 3: column 'title'" in a file, the form's own label ("Tiêu đề") in the console.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from broadcaster import limits, newsinput
from broadcaster.errors import InputError
from broadcaster.i18n import _, format_day
from broadcaster.importers import column_label
from broadcaster.model import VIETNAMESE, Priority, Recording
from broadcaster.service import choices
from broadcaster.service.context import Station

# The fields of a news item, as the command line names them (--title ...) and forms label them.
FIELDS = ("title", "topic", "text", "priority", "from", "until", "airings")


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


def note(text: str) -> str | None:
    """How an item came in (a file, a conversion), cut to fit its column: a note, not the news."""
    if len(text) > limits.SOURCE_NOTE_MAX_CHARS:
        return text[: limits.SOURCE_NOTE_MAX_CHARS - 1] + "…"
    return text or None


def unicode_text(text: str, what: str, label: str | None = None) -> tuple[str, list[str]]:
    """`label` names the value, as the person typed it (--title, the form's Tiêu đề), in an error and at
    the start of a notice about a conversion (default: `what`)."""
    conversion = newsinput.unicode_text(text, label or what)
    notices = [f"{label or what}: {conversion.notice}"] if conversion.notice else []
    return conversion.text, notices


class Drafter:
    """The checks of one station (its topics, its slots)."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def check_topic(self, code: str | None, where: str = "") -> str:
        """`where` names the place in a file (e.g. "news.csv row 3: column 'topic': ")."""
        return choices.check_topic(self.station.config, code, where)

    @staticmethod
    def check_priority(value: str | None, what: str = "--priority") -> Priority:
        return choices.check_priority(value, what)

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
        labels: Mapping[str, str] | None = None,
        recorded: bool = False,
    ) -> Draft:
        """Check raw values; `where` prefixes messages (e.g. "news.csv row 3: ").

        `text_label` names where the text came from (e.g. a file) in messages about it;
        `check_past`: refuse a last day already gone (off when an edit leaves --until as it was);
        `labels`: the form's name of each field (FIELDS), for messages shown beside a form;
        `recorded`: the text is a recording's transcript, optional, and the recording's length is what must fit.
        """

        def name(option: str) -> str:
            if labels is not None:
                return labels.get(option, option)
            return where + (column_label(option) if csv_row else f"--{option}")

        clean_title, clean_text, notices = self._texts(
            title, text, name, where, text_label, labels is not None, recorded
        )
        text_name = text_label or name("text")
        start, end, date_notices = self._window(valid_from, valid_until, name, where, check_past)
        checked_topic = self.check_topic(topic, f"{name('topic')}: " if where or labels is not None else "")
        checked_priority = self.check_priority(priority, name("priority"))
        fit = None
        if not recorded:  # a recording's own length is checked against the slots where it is received
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
            notices=tuple(notices + date_notices + ([where + fit] if fit else [])),
        )

    @staticmethod
    def _texts(
        title: str | None,
        text: str | None,
        name: Callable[[str], str],
        where: str,
        text_label: str | None,
        form: bool,
        recorded: bool = False,
    ) -> tuple[str, str, list[str]]:
        """The title and text in clean Unicode, checked for emptiness and length, and conversion notices."""
        text_name = text_label or name("text")
        # emptiness is judged on the clean text: a title of control characters is an empty title
        clean_title, title_notices = unicode_text(" ".join((title or "").split()), "title", name("title"))
        clean_text, text_notices = unicode_text((text or "").strip(), "text", text_name)
        if not clean_title.strip():
            hint = (
                _("Type a short title; the news goes in the text.") if form else _("Give a short title with --title.")
            )
            raise InputError(_("{where}The title is empty.").format(where=where), hint)
        if not clean_text.strip() and not recorded:
            hint = (
                _("Type the news as the loudspeaker should read it.")
                if form
                else _("Give the text with --text, or --file PATH.")
            )
            raise InputError(_("{where}The news text is empty.").format(where=where), hint)
        clean_title, clean_text = " ".join(clean_title.split()), clean_text.strip()
        newsinput.check_length(
            clean_title, name("title"), limits.TITLE_MAX_CHARS, _("Give a short title; the news goes in the text.")
        )
        newsinput.check_length(clean_text, text_name, limits.TEXT_MAX_CHARS, _("Split it into several news items."))
        return clean_title, clean_text, title_notices + text_notices

    def _window(
        self, valid_from: str | None, valid_until: str | None, name: Callable[[str], str], where: str, check_past: bool
    ) -> tuple[date | None, date | None, list[str]]:
        notices: list[str] = []
        start = end = None
        if valid_from:
            start, notice = newsinput.parse_date(valid_from, name("from"))
            notices += [notice] if notice else []
        if valid_until:
            end, notice = newsinput.parse_date(valid_until, name("until"))
            notices += [notice] if notice else []
        if start and end and end < start:
            raise InputError(
                _("{until} {end} is before {start_name} {start}.").format(
                    until=name("until"),
                    end=format_day(end),
                    start_name=name("from").removeprefix(where),
                    start=format_day(start),
                ),
                _("The validity window must end on or after its first day."),
            )
        today = self.station.today()
        if end and check_past and end < today:
            # Stored, it would be expired the moment it was created: it could never air.
            raise InputError(
                _("{what} {end} is in the past (today is {today}): the item could never air.").format(
                    what=name("until"), end=format_day(end), today=format_day(today)
                ),
                _("Give its last day from today on, or leave it out."),
            )
        return start, end, notices
