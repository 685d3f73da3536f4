"""news add / list / show / edit / cancel / approve / import."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from broadcaster import limits
from broadcaster.cli import news_output, words
from broadcaster.cli.common import NEWS_ITEM_ID, config_option, echo_json, notice, open_station, warn
from broadcaster.cli.help import Group
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


@click.group(cls=Group)
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
    for repeat in desk.repeats:
        notice(repeat)
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
    if as_json:
        from broadcaster.service.news_json import item_json

        echo_json([item_json(i, station) for i in items])
        return
    if not items:
        if status == "all":
            click.echo(_("No news items."))
        else:
            click.echo(_("No news items with status {status}.").format(status=words.status(status)))
        return
    news_output.print_list(items, station)


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
    news_output.print_item(item, desk)
    news_output.print_speech(speech)


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
    click.echo(_("News item {id} changed.").format(id=item.id))
    if desk.unapproved is not None:
        from broadcaster.service.queue import approval_taken_away

        notice(approval_taken_away(item.id))
    _after_add(ctx, desk, [item])


@news.command("cancel")
@config_option
@click.argument("item_id", type=NEWS_ITEM_ID)
@click.pass_context
def news_cancel(ctx: click.Context, item_id: int) -> None:
    """Cancel a news item: it will not air again (if it is on air now, it is cut and the bulletin goes on)."""
    desk = _desk(ctx)
    item = desk.cancel(item_id)
    if not desk.on_air_now(item_id):
        click.echo(_("News item {id} cancelled; it will not air.").format(id=item.id))
    elif desk.told:
        click.echo(
            _("News item {id} cancelled; it is on air now and is cut at once, the bulletin goes on.").format(id=item.id)
        )
    else:
        click.echo(
            _("News item {id} cancelled; it is on air now and is cut within seconds, the bulletin goes on.").format(
                id=item.id
            )
        )


@news.command("approve")
@config_option
@click.argument("item_id", type=NEWS_ITEM_ID)
@click.option("--by", required=True, help="Who approves (e.g. the commune chairman's name).")
@click.pass_context
def news_approve(ctx: click.Context, item_id: int, by: str) -> None:
    """Approve a news item for airing (who and when are stored)."""
    item = _desk(ctx).approve(item_id, by)
    click.echo(_("News item {id} approved by {name}.").format(id=item.id, name=item.approved_by))


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
    click.echo(
        _("Imported {count} news item(s): {ids}").format(count=len(items), ids=", ".join(str(i.id) for i in items))
    )
    _after_add(ctx, desk, items)


COMMANDS = [news]
