"""Checks of single values an official types or imports: dates, counts, lengths, text.

Each check returns the clean value or raises an InputError that names the
value (`what`: "--until", "tin.csv row 3: column 'until'") and says how to
write it. Nothing here reads the database.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from broadcaster import limits
from broadcaster.errors import InputError
from broadcaster.i18n import _, format_day, format_number
from broadcaster.model import VIETNAMESE, Priority
from broadcaster.text.encoding import Conversion, to_nfc

if TYPE_CHECKING:
    from broadcaster.config import Config, SlotConfig

# ASCII digits only: a form broadcaster reads is one the official can see on the keyboard
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_DAY_FIRST = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_DIGITS = re.compile(r"^\+?[0-9]+$")


def date_forms() -> str:
    return _("Write YYYY-MM-DD (2021-03-15) or DD/MM/YYYY, day first as usual in Vietnam (15/03/2021).")


def parse_date(text: str, what: str) -> tuple[date, str | None]:
    """The date, and a notice when a day-first date could be misread as month-first (03/01/2021)."""
    value = text.strip()
    iso, day_first = _ISO.match(value), _DAY_FIRST.match(value)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    elif day_first:
        day, month, year = int(day_first[1]), int(day_first[2]), int(day_first[3])
        if month > 12 >= day:  # 12/25/2021: written month first, as in the US
            raise InputError(
                _("{what} '{text}' is written month first; broadcaster reads DD/MM/YYYY, day first.").format(
                    what=what, text=text
                ),
                _("Write {day:02d}/{month:02d}/{year} or {year}-{month:02d}-{day:02d}.").format(
                    day=month, month=day, year=year
                ),
            )
    else:
        raise InputError(
            _("{what} '{text}' is not a date in a form broadcaster reads.").format(what=what, text=text), date_forms()
        )
    if not limits.YEAR_MIN <= year <= limits.YEAR_MAX:
        raise InputError(
            _("{what} '{text}': the year must be between {low} and {high}.").format(
                what=what, text=text, low=limits.YEAR_MIN, high=limits.YEAR_MAX
            ),
            date_forms(),
        )
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise InputError(
            _("{what} '{text}' is not a date that exists.").format(what=what, text=text),
            _("Check the day and month, e.g. {example}.").format(example=format_day(date(2021, 2, 28))),
        ) from None
    notice = None
    if day_first and day <= 12 and day != month:
        notice = _("{what} {text} is read day first: {iso}.").format(what=what, text=value, iso=format_day(parsed))
    return parsed, notice


def airings(value: int | str | None, what: str) -> int:
    if value is None or value == "":
        return 1
    if isinstance(value, str):
        if not _DIGITS.match(value.strip()):
            raise InputError(
                _("{what} '{value}' is not a whole number.").format(what=what, value=value),
                _("Use a number from 1 to {high}.").format(high=limits.AIRINGS_MAX),
            )
        value = int(value.strip())
    if not 1 <= value <= limits.AIRINGS_MAX:
        raise InputError(
            _("{what} must be between 1 and {high}, not {value}.").format(
                what=what, high=limits.AIRINGS_MAX, value=value
            ),
            _("Say how many times it should air."),
        )
    return value


def unicode_text(text: str, what: str) -> Conversion:
    """Unicode NFC text; text that arrived as bytes in another encoding (a terminal not set to UTF-8) is refused."""
    check_utf8(text, what)
    return to_nfc(text)


def check_utf8(text: str, what: str) -> None:
    """Python hands undecodable command-line bytes over as lone surrogates; no database can store them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            _("{what} contains bytes that are not UTF-8 text.").format(what=what),
            _("Set the terminal to UTF-8, or save the text in a UTF-8 file and give it with --file."),
        ) from None


def check_length(text: str, what: str, limit: int, hint: str) -> None:
    if len(text) > limit:
        raise InputError(
            _("{what} is {count} characters long; the limit is {limit}.").format(
                what=what, count=format_number(len(text)), limit=format_number(limit)
            ),
            hint,
        )


def _slots_for(config: Config, topic: str, priority: Priority, language: str) -> list[SlotConfig]:
    """The slots that may air an item of this topic, priority and language."""
    return [
        s
        for s in config.slots
        if (not s.topics or topic in s.topics)
        and (not s.priorities or priority.value in s.priorities)
        and (not s.languages or language in s.languages)
    ]


def _no_slot(config: Config, topic: str, priority: Priority, language: str) -> str:
    if language == VIETNAMESE and not any(s.languages for s in config.slots):
        return _(
            "no slot in config.toml airs topic '{topic}' with priority {priority}: the item waits until one does."
        ).format(topic=topic, priority=priority.value)
    return _(
        "no slot in config.toml airs topic '{topic}' with priority {priority} in language '{language}': "
        "the item waits until one does."
    ).format(topic=topic, priority=priority.value, language=language)


def check_fits(
    config: Config, chars: int, topic: str, priority: Priority, what: str, language: str = VIETNAMESE
) -> str | None:
    """Refuse a text too long for every slot that could air it; a notice when no slot airs it at all."""
    if priority is Priority.EMERGENCY:
        return None  # an emergency airs at once, outside the slots
    slots = _slots_for(config, topic, priority, language)
    if not slots:
        return _no_slot(config, topic, priority, language)
    longest = max(slots, key=lambda s: s.max_minutes)
    speech = config.speech
    rate = limits.chars_per_second(speech.chain, speech.espeak.speed, config.mastering.tempo)
    minutes = limits.spoken_seconds(chars, rate) / 60
    if minutes > longest.max_minutes:
        raise InputError(
            _(
                "{what} is about {minutes:.0f} minutes of speech; the longest slot it can air in, '{slot}', "
                "is {max:g} minutes."
            ).format(what=what, minutes=minutes, slot=longest.name, max=longest.max_minutes),
            _("Split it into shorter news items, or make that slot longer (max_minutes in config.toml)."),
        )
    return None


def check_recording_fits(
    config: Config, seconds: float, topic: str, priority: Priority, language: str, what: str
) -> str | None:
    """Refuse a recording longer than every slot that could air it; a notice when no slot airs it at all."""
    if priority is Priority.EMERGENCY:
        return None
    slots = _slots_for(config, topic, priority, language)
    if not slots:
        return _no_slot(config, topic, priority, language)
    longest = max(slots, key=lambda s: s.max_minutes)
    if seconds > longest.max_minutes * 60:
        most = longest.max_minutes
        raise InputError(
            _(
                "{what} lasts {minutes} minutes once mastered; the longest slot it can air in, '{slot}', "
                "is {max} minutes."
            ).format(
                what=what,
                minutes=format_number(seconds / 60, 1),
                slot=longest.name,
                max=format_number(most, len(f"{most:g}".partition(".")[2])),  # as many decimals as config.toml has
            ),
            _("Split the recording into shorter ones, or make that slot longer (max_minutes in config.toml)."),
        )
    return None
