"""What `news list` and `news show` print: the items, in the reader's language (cli/words.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from broadcaster.cli import words
from broadcaster.i18n import _

if TYPE_CHECKING:
    from broadcaster.model import NewsItem
    from broadcaster.service.context import Station
    from broadcaster.service.queue import NewsDesk


def _fields(pairs: list[tuple[str, str]]) -> None:
    """`  label:  value` lines, the values in one column whatever the language's labels."""
    width = max(11, *(len(label) + 2 for label, _value in pairs))
    for label, value in pairs:
        click.echo(f"  {(label + ':').ljust(width)}{value}")


def print_item(item: NewsItem, desk: NewsDesk) -> None:
    station = desk.station
    names = station.config.topic_names()
    click.echo(_("News item {id}: {title}").format(id=item.id, title=item.title))
    first = words.day(item.valid_from) if item.valid_from else _("now")
    last = words.day(item.valid_until) if item.valid_until else _("open")
    approved = _("no")
    if item.approved_at:
        approved = _("{name} at {time}").format(
            name=item.approved_by, time=words.minute(station.local(item.approved_at))
        )
    priority = item.priority.value
    pairs = [
        (_("topic"), f"{item.topic} ({names.get(item.topic, '?')})"),
        (_("priority"), words.priority(priority) if words.vietnamese() else f"{priority} ({item.priority.vietnamese})"),
        (_("status"), words.status(item.status(station.today()).value)),
        (_("valid"), f"{first} .. {last}"),
        (_("airings"), _("{done} of {wanted}").format(done=item.airings_done, wanted=item.airings_wanted)),
        (_("approved"), approved),
        (_("created"), words.minute(station.local(item.created_at))),
    ]
    if item.recording is not None:
        language = station.config.language_names().get(item.language, item.language)
        pairs.append(
            (
                _("recording"),
                _("{name}, {length}, in {language}").format(
                    name=item.recording.name, length=words.length(item.recording.seconds), language=language
                ),
            )
        )
        pairs.append(("SHA-256", _("{sha256} (the file as received)").format(sha256=item.recording.sha256)))
    _fields(pairs)
    click.echo("")
    if item.recording is not None:
        click.echo(_("Transcript: {text}").format(text=item.text) if item.text else _("No transcript."))
    else:
        click.echo(item.text)


def print_speech(speech: list[dict[str, Any]]) -> None:
    """How each part of an item's sound was made (`news show`), and whether it is out of date."""
    for part in speech:
        click.echo("")
        seconds = words.decimal(part["duration_seconds"])
        if part["part"] == "recording":
            stale = "" if part["current"] else " " + _("(out of date: the settings changed; run `broadcaster render`)")
            click.echo(
                "  "
                + _("mastered:  {seconds} s, SHA-256 {sha256}").format(seconds=seconds, sha256=part["audio_sha256"])
                + stale
            )
            continue
        stale = (
            "" if part["current"] else " " + _("(out of date: the text or settings changed; run `broadcaster render`)")
        )
        which = {"title": _("title"), "text": _("text")}.get(part["part"], part["part"])
        line = _("speech ({part}): {engine} voice {voice}, {seconds} s").format(
            part=which, engine=part["engine"], voice=part["voice"], seconds=seconds
        )
        click.echo("  " + line + (f"; {part['notes']}" if part.get("notes") else "") + stale)


def recording_line(item: NewsItem, names: dict[str, str]) -> str:
    """The second line `news list` gives a recorded item: its language, length and transcript."""
    assert item.recording is not None
    line = " " * 6 + _("recording in {language}, {length}").format(
        language=names.get(item.language, item.language), length=words.length(item.recording.seconds)
    )
    if not item.text:
        return line + _("; no transcript")
    transcript = " ".join(item.text.split())
    return line + ": " + (transcript if len(transcript) <= 70 else transcript[:69] + "…")


def _row(item: NewsItem, today: date) -> tuple[str, ...]:
    status, priority = words.status(item.status(today).value), words.priority(item.priority.value)
    return (str(item.id), status, priority, f"{item.airings_done}/{item.airings_wanted}", item.topic, item.title)


def print_list(items: list[NewsItem], station: Station) -> None:
    today = station.today()
    rows = [_row(item, today) for item in items]
    head = (_("id"), _("status"), _("priority"), _("aired"), _("topic"), _("title"))
    widths = [max(len(row[n]) for row in [head, *rows]) for n in range(5)]
    widths = [max(w, m) for w, m in zip(widths, (4, 9, 9, 5, 18), strict=True)]

    def line(row: tuple[str, ...]) -> str:
        cells = (row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]), row[3].rjust(widths[3]))
        return f"{cells[0]}  {cells[1]} {cells[2]} {cells[3]}  {row[4].ljust(widths[4])} {row[5]}"

    click.echo(line(head))
    languages = station.config.language_names()
    for item, row in zip(items, rows, strict=True):
        click.echo(line(row))
        if item.recording is not None:
            click.echo(recording_line(item, languages))
