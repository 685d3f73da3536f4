"""A person's work on the news queue through a form (the console, the API): each call checks,
stores (audited, through NewsDesk) and says what it did; and what one item looks like, with what
the loudspeaker will say and how its speech was made.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from broadcaster.errors import BroadcasterError
from broadcaster.model import NewsItem
from broadcaster.service.actor import Actor
from broadcaster.service.context import Station
from broadcaster.service.queue import NewsDesk, approval_taken_away

log = logging.getLogger(__name__)

# A form's fields -> NewsDesk.draft's parameters.
FORM_FIELDS = {
    "title": "title",
    "topic": "topic",
    "text": "text",
    "priority": "priority",
    "valid_from": "valid_from",
    "valid_until": "valid_until",
    "airings": "airings",
}
REQUIRED = ("title", "topic", "text")


@dataclass(frozen=True)
class Done:
    items: tuple[NewsItem, ...]
    notices: tuple[str, ...] = ()  # conversions and readings worth telling (a date read day first ...)
    told_daemon: bool = False  # the running daemon heard of the change at once


@dataclass(frozen=True)
class ItemView:
    item: NewsItem
    on_air: bool
    spoken_title: str  # what the loudspeaker will say
    spoken_text: str
    speech: list[dict[str, Any]]  # how each part's speech was made (as `news show --json`)
    author: str | None  # who queued it (None: not recorded)


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values as NewsDesk takes them. An empty title, topic or text stays empty (and is
    refused as such); any other empty field is a field not given."""
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if name not in FORM_FIELDS:
            continue
        clean = value.strip() if isinstance(value, str) else value
        fields[FORM_FIELDS[name]] = clean if clean or name in REQUIRED else None
    return fields


def queue_item(
    station: Station, actor: Actor, values: Mapping[str, Any], labels: Mapping[str, str] | None = None
) -> Done:
    """Check a form's news item and queue it; `labels` name the fields in messages as the form does."""
    desk = NewsDesk(station, actor)
    fields = _fields(values)
    draft = desk.draft(
        title=fields.get("title"),
        topic=fields.get("topic"),
        text=fields.get("text"),
        priority=fields.get("priority"),
        valid_from=fields.get("valid_from"),
        valid_until=fields.get("valid_until"),
        airings=fields.get("airings"),
        labels=labels,
    )
    item = desk.add(draft)
    return Done((item,), (*draft.notices, *desk.repeats), desk.told)


def edit_item(
    station: Station, actor: Actor, item_id: int, values: Mapping[str, Any], labels: Mapping[str, str] | None = None
) -> Done:
    """Change the fields sent; a field not sent keeps its value, and a first or last day sent empty
    is taken away (the item may then air from today, or until it aired as often as wanted)."""
    desk = NewsDesk(station, actor)
    fields = _fields(values)
    cleared = tuple(name for name in ("valid_from", "valid_until") if name in fields and fields[name] is None)
    item = desk.edit(item_id, labels=labels, cleared=cleared, **fields)
    return Done((item,), _approval_notices(desk), desk.told)


def queue_recording(
    station: Station,
    actor: Actor,
    values: Mapping[str, Any],
    audio: Path,
    language: str | None,
    labels: Mapping[str, str] | None = None,
) -> Done:
    """Check a form's recorded item (`audio` named as the person called it, `text` its optional
    transcript), keep its recording and queue it; nothing is stored when anything is refused."""
    from broadcaster.service.recorded import RecordedNews

    desk = NewsDesk(station, actor)
    fields = {**_fields(values), "text": _fields(values).get("text") or None}  # a transcript is optional
    item, notices = RecordedNews(desk).add(audio=audio, language=language or None, labels=labels, **fields)
    return Done((item,), tuple(notices), desk.told)


def edit_recording(
    station: Station,
    actor: Actor,
    item_id: int,
    values: Mapping[str, Any],
    audio: Path | None,
    language: str | None,
    labels: Mapping[str, str] | None = None,
) -> Done:
    """Change a recorded item (or make a typed one recorded): a new recording when `audio` is given,
    its language, and the fields sent as `edit_item` does."""
    from broadcaster.service.recorded import RecordedNews

    desk = NewsDesk(station, actor)
    fields = _fields(values)
    cleared = tuple(name for name in ("valid_from", "valid_until") if name in fields and fields[name] is None)
    # the transcript is optional: an empty one sent by the form clears it
    changes = {k: v for k, v in fields.items() if k not in cleared}
    item, notices = RecordedNews(desk).edit(
        item_id, audio=audio, language=language or None, labels=labels, cleared=cleared, **changes
    )
    return Done((item,), (*notices, *_approval_notices(desk)), desk.told)


def _approval_notices(desk: NewsDesk) -> tuple[str, ...]:
    return (approval_taken_away(desk.unapproved),) if desk.unapproved is not None else ()


def import_file(
    station: Station,
    actor: Actor,
    path: Path,
    topic: str | None = None,
    priority: str | None = None,
    airings: str | None = None,
) -> Done:
    """Import a .txt, .docx or .csv the person sent (`path` carries the name they gave it)."""
    desk = NewsDesk(station, actor)
    items, notices = desk.import_file(path, topic or None, priority or None, airings or None)
    return Done(tuple(items), tuple(dict.fromkeys(notices)), desk.told)


def make_speech(station: Station, item_ids: Sequence[int]) -> None:
    """Make the speech of newly queued items when the station asks for it at once (render_on_add),
    so a voice problem shows before air time. Run after answering: a voice may take seconds."""
    if not station.config.speech.render_on_add:
        return
    from broadcaster.service.voicing import Voicing

    desk = NewsDesk(station)
    try:
        items = [desk.get(i) for i in item_ids]
        _done, problems = Voicing(station).prepare_all(items)
    except BroadcasterError as exc:
        log.warning("speech for items %s could not be made now: %s", list(item_ids), exc)
        return
    for problem in problems:
        log.warning("%s (tried again before air time)", problem)


def spoken(station: Station, title: str, text: str) -> tuple[str, str]:
    """What the loudspeaker will say for this title and text (numbers, dates, codes read out)."""
    from broadcaster.service.voicing import Voicing

    voicing = Voicing(station, check_audio=False)
    return voicing.spoken(title), voicing.spoken(text)


def item_view(station: Station, item_id: int) -> ItemView:
    from broadcaster.service.voicing import Voicing

    desk = NewsDesk(station)
    item, on_air = desk.with_air_state(item_id)
    voicing = Voicing(station, check_audio=False)
    return ItemView(
        item=item,
        on_air=on_air,
        spoken_title=voicing.spoken(item.title),
        spoken_text=voicing.spoken(item.text),
        speech=voicing.speech_info(item),
        author=desk.author_of(item_id),
    )


def preview_file(station: Station, item_id: int) -> Path:
    """The item's speech as it will air, in one WAV (made now if missing: this may take seconds)."""
    from broadcaster.service.voicing import Voicing

    return Voicing(station).preview_file(NewsDesk(station).get(item_id))
