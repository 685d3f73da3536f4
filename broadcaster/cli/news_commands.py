"""news add / list / show / edit / cancel / approve / import."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from broadcaster import limits
from broadcaster.cli.common import NEWS_ITEM_ID, config_option, echo_json, notice, open_station, warn
from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.model import ItemStatus, NewsItem

if TYPE_CHECKING:
    from broadcaster.service.queue import NewsDesk

STATUSES = [s.value for s in ItemStatus] + ["all"]
PRIORITY = click.Choice(["normal", "priority", "emergency"])


def _item_options(required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option("--title", required=required, help="Short title, read before the text."),
            click.option("--topic", required=required, help="Topic code of the plan (see `broadcaster topics`)."),
            click.option("--text", help="The news text (with --audio: its transcript, optional)."),
            click.option("--file", "file_", help="Read the text from a UTF-8 file ('-' for standard input)."),
            click.option(
                "--audio",
                type=click.Path(path_type=Path),
                help="A recording to air instead of speaking the text: mp3, m4a, aac, ogg, opus, amr, wav, flac, webm.",
            ),
            click.option(
                "--language",
                help="ISO 639-3 code of the recording's language (default vie; see [[languages]] in config.toml).",
            ),
            click.option(
                "--priority",
                type=PRIORITY,
                default=None,
                help="normal (thường), priority (ưu tiên) or emergency (khẩn cấp). Default: normal.",
            ),
            click.option("--from", "valid_from", help="First day it may air: YYYY-MM-DD or DD/MM/YYYY (day first)."),
            click.option(
                "--until", "valid_until", help="Last day it may air (today or later): YYYY-MM-DD or DD/MM/YYYY."
            ),
            click.option(
                "--airings",
                type=int,
                default=None,
                help=f"How many times it should air, 1 to {limits.AIRINGS_MAX} (default 1).",
            ),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def _text_from(text: str | None, file_: str | None, required: bool) -> tuple[str | None, str | None, list[str]]:
    """The news text, the name of the file it came from (for messages), and conversion notices."""
    if text is not None and file_ is not None:
        raise InputError(_("Give the text either with --text or with --file, not both."))
    if file_ is None:
        if text is None and required:
            raise InputError(_("The news text is missing."), _("Give it with --text TEXT, --file PATH or --file -."))
        return text, None, []
    from broadcaster import importers

    if not file_.strip():
        raise InputError(_("--file is empty."), _("Give the path of a text file, or - for standard input."))
    if file_ == "-":
        name = _("standard input")
        # one byte more than allowed is enough to know it is too big
        data = sys.stdin.buffer.read(limits.TEXT_FILE_MAX_BYTES + 1)
        conversion = importers.decode_bytes(data, name, _word_hint(name))
    else:
        name = Path(file_).name
        conversion = importers.read_bytes(Path(file_), _word_hint(name))
    if not conversion.text.strip():
        raise InputError(_("{name} is empty.").format(name=name), _("Put the news text in it, or give it with --text."))
    notes = [conversion.notice] if conversion.notice else []
    return conversion.text, name, notes


def _desk(ctx: click.Context) -> NewsDesk:
    from broadcaster.service.actor import Actor
    from broadcaster.service.queue import NewsDesk  # the database layer loads only when a command runs

    # what is typed here is audited as the computer's user (cli:<login>) from "local"
    return NewsDesk(open_station(ctx), Actor.command_line())


def _word_hint(name: str) -> str:
    return _(
        "--file reads plain text; import a Word file with `broadcaster news import {name} --topic CODE` "
        "(its first paragraph is the title)."
    ).format(name=name if name.lower().endswith(".docx") else "FILE.docx")


def _print_item(item: NewsItem, desk: NewsDesk) -> None:
    station = desk.station
    names = station.config.topic_names()
    click.echo(f"News item {item.id}: {item.title}")
    click.echo(f"  topic:     {item.topic} ({names.get(item.topic, '?')})")
    click.echo(f"  priority:  {item.priority.value} ({item.priority.vietnamese})")
    click.echo(f"  status:    {item.status(station.today()).value}")
    window = f"{item.valid_from or 'now'} .. {item.valid_until or 'open'}"
    click.echo(f"  valid:     {window}")
    click.echo(f"  airings:   {item.airings_done} of {item.airings_wanted}")
    approved = f"{item.approved_by} at {station.local(item.approved_at):%Y-%m-%d %H:%M}" if item.approved_at else "no"
    click.echo(f"  approved:  {approved}")
    click.echo(f"  created:   {station.local(item.created_at):%Y-%m-%d %H:%M}")
    if item.recording is not None:
        language = station.config.language_names().get(item.language, item.language)
        click.echo(f"  recording: {item.recording.name}, {_duration(item.recording.seconds)}, in {language}")
        click.echo(f"  SHA-256:   {item.recording.sha256} (the file as received)")
        click.echo("")
        click.echo(f"Transcript: {item.text}" if item.text else "No transcript.")
        return
    click.echo("")
    click.echo(item.text)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _recording_line(item: NewsItem, names: dict[str, str]) -> str:
    """The second line `news list` gives a recorded item: its language, length and transcript."""
    assert item.recording is not None
    line = f"{'':>6}recording in {names.get(item.language, item.language)}, {_duration(item.recording.seconds)}"
    if not item.text:
        return line + "; no transcript"
    transcript = " ".join(item.text.split())
    return line + ": " + (transcript if len(transcript) <= 70 else transcript[:69] + "…")


@click.group()
def news() -> None:
    """The news queue: add, list, show, edit, cancel, approve, import."""


@news.command("add")
@config_option
@_item_options(required=True)
@click.pass_context
def news_add(
    ctx: click.Context,
    title: str,
    topic: str,
    text: str | None,
    file_: str | None,
    audio: Path | None,
    language: str | None,
    priority: str | None,
    valid_from: str | None,
    valid_until: str | None,
    airings: int | None,
) -> None:
    """Queue a news item; prints its id.

    Dates are YYYY-MM-DD or DD/MM/YYYY (day first: 03/01/2021 is 3 January).
    With --audio the recording airs as it is (no title is read before it); --text is then its transcript.
    """
    body, source, notes = _text_from(text, file_, required=audio is None)
    desk = _desk(ctx)
    if audio is not None or language is not None:
        from broadcaster.service.recorded import RecordedNews

        item, added = RecordedNews(desk).add(
            audio=audio,
            language=language,
            title=title,
            topic=topic,
            text=body,
            priority=priority,
            valid_from=valid_from,
            valid_until=valid_until,
            airings=airings,
            text_label=source,
        )
        for note in [*notes, *added]:
            notice(note)
        click.echo(item.id)
        _after_add(ctx, desk, [item])
        return
    draft = desk.draft(
        title=title,
        topic=topic,
        text=body,
        priority=priority,
        valid_from=valid_from,
        valid_until=valid_until,
        airings=airings,
        text_label=source,
    )
    for note in [*notes, *draft.notices]:
        notice(note)
    item = desk.add(draft, source_note="; ".join(notes) or None)
    click.echo(item.id)
    _after_add(ctx, desk, [item])


def _after_add(ctx: click.Context, desk: NewsDesk, items: list[NewsItem]) -> None:
    """Render speech now, so a TTS failure reaches the official at the keyboard, not at 6 a.m."""
    if not desk.station.config.speech.render_on_add:
        return
    from broadcaster.service.voicing import Voicing

    speeches, problems = Voicing(desk.station).prepare_all(items)
    for speech in speeches:
        for note in speech.fallback_notes:
            warn(
                _("News item {id}: {note}; spoken by {engine} instead.").format(
                    id=speech.item_id, note=note, engine=speech.engine
                )
            )
    for message in problems:
        warn(message + " " + _("It will be tried again before air time; run `broadcaster render` to retry now."))


@news.command("list")
@config_option
@click.option(
    "--status", type=click.Choice(STATUSES), default="all", show_default=True, help="Only items with this status."
)
@click.option("--topic", help="Only this topic code.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def news_list(ctx: click.Context, status: str, topic: str | None, as_json: bool) -> None:
    """List news items."""
    # a read: Core queries, no ORM, no audit trail (service/news_list.py), so the command starts quickly
    from broadcaster.service.news_list import list_items

    station = open_station(ctx)
    items = list_items(station, status, topic)
    today = station.today()
    if as_json:
        from broadcaster.service.news_json import item_json

        echo_json([item_json(i, station) for i in items])
        return
    if not items:
        click.echo("No news items" + (f" with status {status}." if status != "all" else "."))
        return
    click.echo(f"{'id':>4}  {'status':<9} {'priority':<9} {'aired':>5}  {'topic':<18} title")
    languages = station.config.language_names()
    for item in items:
        aired = f"{item.airings_done}/{item.airings_wanted}"
        click.echo(
            f"{item.id:>4}  {item.status(today).value:<9} {item.priority.value:<9} {aired:>5}  "
            f"{item.topic:<18} {item.title}"
        )
        if item.recording is not None:
            click.echo(_recording_line(item, languages))


@news.command("show")
@config_option
@click.argument("item_id", type=NEWS_ITEM_ID)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def news_show(ctx: click.Context, item_id: int, as_json: bool) -> None:
    """Show one news item, with how its speech was made."""
    desk = _desk(ctx)
    item = desk.get(item_id)
    from broadcaster.service.voicing import Voicing

    speech = Voicing(desk.station).speech_info(item)
    if as_json:
        from broadcaster.service.queue import item_json

        echo_json(item_json(item, desk.station, speech))
        return
    _print_item(item, desk)
    for part in speech:
        click.echo("")
        stale = "" if part["current"] else " (out of date: the text or settings changed; run `broadcaster render`)"
        if part["part"] == "recording":
            click.echo(
                f"  mastered:  {part['duration_seconds']:.1f} s, SHA-256 {part['audio_sha256']}"
                + ("" if part["current"] else " (out of date: the settings changed; run `broadcaster render`)")
            )
            continue
        click.echo(
            f"  speech ({part['part']}): {part['engine']} voice {part['voice']}, {part['duration_seconds']:.1f} s"
            + (f"; {part['notes']}" if part.get("notes") else "")
            + stale
        )


@news.command("edit")
@config_option
@click.argument("item_id", type=NEWS_ITEM_ID)
@_item_options(required=False)
@click.pass_context
def news_edit(
    ctx: click.Context,
    item_id: int,
    title: str | None,
    topic: str | None,
    text: str | None,
    file_: str | None,
    audio: Path | None,
    language: str | None,
    priority: str | None,
    valid_from: str | None,
    valid_until: str | None,
    airings: int | None,
) -> None:
    """Change a news item; options not given keep their values.

    --audio gives the item a new recording (a typed item becomes a recorded one; its text, the transcript).
    """
    body, source, notes = _text_from(text, file_, required=False)
    for note in notes:
        notice(note)
    desk = _desk(ctx)
    changes: dict[str, Any] = {
        "title": title,
        "topic": topic,
        "text": body,
        "priority": priority,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "airings": airings,
        "text_label": source,
    }
    if audio is not None or language is not None:
        from broadcaster.service.recorded import RecordedNews

        item, added = RecordedNews(desk).edit(item_id, audio=audio, language=language, **changes)
        for note in added:
            notice(note)
    else:
        item = desk.edit(item_id, **changes)
    click.echo(f"News item {item.id} changed.")
    _after_add(ctx, desk, [item])


@news.command("cancel")
@config_option
@click.argument("item_id", type=NEWS_ITEM_ID)
@click.pass_context
def news_cancel(ctx: click.Context, item_id: int) -> None:
    """Cancel a news item: it will not air again (if it is on air now, it is cut and the bulletin goes on)."""
    desk = _desk(ctx)
    item = desk.cancel(item_id)
    if desk.on_air_now(item_id):
        when = "at once" if desk.told else "within seconds"
        click.echo(f"News item {item.id} cancelled; it is on air now and is cut {when}, the bulletin goes on.")
    else:
        click.echo(f"News item {item.id} cancelled; it will not air.")


@news.command("approve")
@config_option
@click.argument("item_id", type=NEWS_ITEM_ID)
@click.option("--by", required=True, help="Who approves (e.g. the commune chairman's name).")
@click.pass_context
def news_approve(ctx: click.Context, item_id: int, by: str) -> None:
    """Approve a news item for airing (who and when are stored)."""
    item = _desk(ctx).approve(item_id, by)
    click.echo(f"News item {item.id} approved by {item.approved_by}.")


@news.command("import")
@config_option
@click.argument("file", type=click.Path(path_type=Path), metavar="FILE|FOLDER")
@click.option("--topic", help="Topic code for .txt and .docx files (a .csv has a topic column).")
@click.option("--priority", type=PRIORITY, default=None, help="Priority for .txt and .docx files.")
@click.option(
    "--airings", type=int, default=None, help=f"Wanted airings for .txt and .docx files (1 to {limits.AIRINGS_MAX})."
)
@click.pass_context
def news_import(ctx: click.Context, file: Path, topic: str | None, priority: str | None, airings: int | None) -> None:
    """Import news from .txt (title on line 1), .docx (title = first paragraph) or .csv (all or nothing),
    or recordings: a folder or .zip holding them and one .csv describing them (all or nothing).

    CSV header: title,topic,text,priority,from,until,airings (separated by commas, semicolons or tabs).
    For recordings: title,topic,audio,language,priority,from,until,airings (text: an optional transcript),
    where audio is the file's name in the folder.
    Dates are YYYY-MM-DD or DD/MM/YYYY (day first: 03/01/2021 is 3 January).
    """
    desk = _desk(ctx)
    items, notes = desk.import_file(file, topic, priority, airings)
    for note in dict.fromkeys(notes):
        notice(note)
    click.echo(f"Imported {len(items)} news item(s): {', '.join(str(i.id) for i in items)}")
    _after_add(ctx, desk, items)


COMMANDS = [news]
