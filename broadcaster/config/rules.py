"""Rules config.toml must follow beyond each value's type and range: times, the programme, the database.

`slot_problems` and `database_problem` stop the file from loading (a slot that
never airs, two bulletins at the same second, a database broadcaster cannot
open); `lint` finds what is allowed but probably not meant (a slot that may
still be on air when the next one starts, a slot outside broadcast hours) for
`config check` and `doctor` to show.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import typing
from collections.abc import Iterable, Sequence
from dataclasses import MISSING, dataclass, field
from datetime import time as TimeOfDay
from typing import Any

from broadcaster import limits
from broadcaster.i18n import _

if typing.TYPE_CHECKING:
    from broadcaster.config.sections import Config, SlotConfig

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DAY_S = 24 * 3600
_WEEK_S = 7 * _DAY_S
# What SQLAlchemy can open with the drivers broadcaster installs.
_SQLITE = re.compile(r"^sqlite://")
_POSTGRES = re.compile(r"^(postgresql|postgres)(\+psycopg)?://", re.I)
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return " " + _("Did you mean '{word}'?").format(word=close[0]) if close else ""


def parse_time(text: str) -> TimeOfDay:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(_("'{text}' is not a time; write HH:MM or HH:MM:SS, e.g. \"06:00\"").format(text=text))
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(_("'{text}' is not a time of day (hours 00-23, minutes and seconds 00-59)").format(text=text))
    return TimeOfDay(hour, minute, second)


def parse_window(text: str) -> tuple[TimeOfDay, TimeOfDay]:
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(_('\'{text}\' is not a window; write "HH:MM-HH:MM", e.g. "05:00-21:00"').format(text=text))
    first, last = parse_time(start), parse_time(end)
    if first == last:
        raise ValueError(
            _(
                "'{text}' starts and ends at the same time, so it allows nothing; for no limit write allowed = []"
            ).format(text=text)
        )
    return first, last


def in_windows(moment: TimeOfDay, windows: Sequence[tuple[TimeOfDay, TimeOfDay]]) -> bool:
    """The same rule as planning.Hours.allows: a window may run past midnight."""
    if not windows:
        return True
    return any(start <= moment < end if start <= end else (moment >= start or moment < end) for start, end in windows)


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Range:
    """The values a number in config.toml may take; checked for every file, not left to crash later."""

    low: float
    high: float
    above: bool = False  # `low` itself is not allowed ("more than 0")
    unit: str = ""

    def contains(self, value: float) -> bool:
        # NaN compares false with everything and inf is above any high: both are refused here
        if not math.isfinite(value) or value > self.high:
            return False
        return value > self.low if self.above else value >= self.low

    def describe(self) -> str:
        low, high = _number(self.low), _number(self.high)
        if self.above:
            span = _("more than {low} and at most {high}").format(low=low, high=high)
        else:
            span = _("between {low} and {high}").format(low=low, high=high)
        return span + (f" ({_(self.unit)})" if self.unit else "")


def ranged(
    default: Any = MISSING, low: float = 0, high: float = math.inf, *, above: bool = False, unit: str = ""
) -> Any:
    """A numeric field with the range it must lie in (declared next to the field)."""
    return field(default=default, metadata={"range": Range(low, high, above, unit)})


def sized(default: Any = MISSING, max_chars: int = 0) -> Any:
    """A text field the database stores in a column of `max_chars` characters."""
    return field(default=default, metadata={"max_chars": max_chars})


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def check_limits(value: Any, metadata: Any, where: str, problems: list[str]) -> bool:
    """The range or length declared next to the field; nan and inf are never in a range."""
    allowed: Range | None = metadata.get("range")
    if allowed is not None and not allowed.contains(value):
        problems.append(
            _("{where}: must be {range}, not {value}").format(
                where=where, range=allowed.describe(), value=_number(value)
            )
        )
        return False
    max_chars: int | None = metadata.get("max_chars")
    if max_chars and len(value) > max_chars:
        problems.append(
            _("{where}: is {count} characters long; at most {limit} fit in the station's records").format(
                where=where, count=len(value), limit=max_chars
            )
        )
        return False
    return True


# ---------------------------------------------------------------- database


def hide_password(url: str) -> str:
    return _PASSWORD.sub(r"\1***@", url)


def database_problem(url: str) -> str | None:
    """Why broadcaster cannot use this [station] database URL, or None."""
    if _SQLITE.match(url) and url.rstrip("/") in ("sqlite:", "sqlite:///:memory:"):
        return _(
            "station.database: an in-memory database keeps nothing from one command to the next; "
            'give a file, e.g. "sqlite:///station.db"'
        )
    if _SQLITE.match(url) or _POSTGRES.match(url):
        return None
    return _(
        "station.database: '{url}' is not a database broadcaster can use; write "
        '"sqlite:///station.db" (a file next to config.toml) or "postgresql+psycopg://user:password@host/dbname"'
    ).format(url=hide_password(url))


def engine_url(url: str, folder_of: typing.Callable[[str], str]) -> str:
    """The URL SQLAlchemy opens: a relative SQLite path made absolute, PostgreSQL through psycopg 3.

    Built with SQLAlchemy's URL, never by pasting strings: a folder named
    "Đài?xã" or "tin#1" or "a%20b" must stay a folder, not become a query, a
    fragment or a space.
    """
    from sqlalchemy.engine import make_url

    if _POSTGRES.match(url):
        return _POSTGRES.sub("postgresql+psycopg://", url, count=1)
    if not _SQLITE.match(url):
        return url  # refused by database_problem before anything opens it
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        parsed = parsed.set(database=folder_of(parsed.database))
    return parsed.render_as_string(hide_password=False)


# ---------------------------------------------------------------- programme


def _week_seconds(slot: SlotConfig, day: str) -> int:
    start = parse_time(slot.time)
    return WEEKDAYS.index(day) * _DAY_S + start.hour * 3600 + start.minute * 60 + start.second


def _starts(slots: Sequence[SlotConfig | None]) -> list[tuple[int, int, str]]:
    """(second of the week, slot number, day) of every slot that has a valid time, in time order."""
    found = []
    for number, slot in enumerate(slots, start=1):
        if slot is None:
            continue
        try:
            parse_time(slot.time)
        except ValueError:
            continue
        found += [(_week_seconds(slot, day), number, day) for day in dict.fromkeys(slot.days) if day in WEEKDAYS]
    return sorted(found)


def slot_problems(slots: Sequence[SlotConfig | None]) -> list[str]:
    """A slot that never airs, and two slots starting at the same second."""
    problems = [
        _("slots[{n}].name: is {count} characters long; at most {limit} fit in the airing log").format(
            n=n, count=len(slot.name), limit=limits.SLOT_NAME_MAX_CHARS
        )
        for n, slot in enumerate(slots, start=1)
        if slot is not None and len(slot.name) > limits.SLOT_NAME_MAX_CHARS
    ]
    problems += [
        _('slots[{n}].days: is empty, so the slot never airs; list its days (e.g. ["mon", "fri"]) or remove it').format(
            n=n
        )
        for n, slot in enumerate(slots, start=1)
        if slot is not None and not slot.days
    ]
    same: dict[tuple[int, int], list[str]] = {}
    starts = _starts(slots)
    for (at, first, day), (next_at, second, _day) in itertools.pairwise(starts):
        if at == next_at:
            same.setdefault((first, second), []).append(day)
    for (first, second), days in same.items():
        slot = slots[first - 1]
        assert slot is not None
        problems.append(
            _(
                "slots[{second}].time: starts at the same time as slots[{first}] '{name}' ({time}) on {days}; "
                "give one of them another time"
            ).format(second=second, first=first, name=slot.name, time=slot.time, days=", ".join(days))
        )
    return problems


def lint(config: Config) -> list[str]:
    """What is allowed but probably not meant, one sentence each (shown by `config check`); keys renamed
    since the file was written come first."""
    from broadcaster.speech.registry import chain_warnings

    warnings: list[str] = list(config.notices)
    warnings += chain_warnings(config.speech, config.folder)
    slots: list[SlotConfig | None] = list(config.slots)
    starts = _starts(slots)
    overlaps: dict[tuple[int, int], list[str]] = {}
    # the last slots of Sunday may still be on air when Monday's first ones start
    wrapped = starts + [(at + _WEEK_S, n, day) for at, n, day in starts]
    for index, (next_at, second, day) in enumerate(wrapped):
        for at, first, _day in wrapped[:index]:
            slot = slots[first - 1]
            assert slot is not None
            if at < next_at < at + slot.max_minutes * 60:
                overlaps.setdefault((first, second), [])
                if day not in overlaps[(first, second)]:
                    overlaps[(first, second)].append(day)
    for (first, second), days in overlaps.items():
        earlier, later = slots[first - 1], slots[second - 1]
        assert earlier is not None and later is not None
        warnings.append(
            _(
                "slots[{second}] '{later}' ({later_time}) starts while slots[{first}] '{earlier}' "
                "({earlier_time}, up to {minutes:g} minutes) may still be on air, on {days}: it then starts late"
            ).format(
                second=second,
                later=later.name,
                later_time=later.time,
                first=first,
                earlier=earlier.name,
                earlier_time=earlier.time,
                minutes=earlier.max_minutes,
                days=", ".join(days),
            )
        )
    windows = [parse_window(w) for w in config.broadcast_hours.allowed]
    for number, slot in enumerate(config.slots, start=1):
        if slot.priorities == ["emergency"] or in_windows(parse_time(slot.time), windows):
            continue
        warnings.append(
            _(
                "slots[{number}] '{name}' at {time} is outside the broadcast hours ({hours}): "
                "only emergency items will air in it"
            ).format(number=number, name=slot.name, time=slot.time, hours=", ".join(config.broadcast_hours.allowed))
        )
    return warnings
