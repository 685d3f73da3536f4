"""normalize, render, speak, preview."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from broadcaster.cli import words
from broadcaster.cli.common import NEWS_ITEM_ID, config_option, config_path, open_station, text_argument, warn
from broadcaster.cli.help import Command
from broadcaster.errors import InputError
from broadcaster.i18n import _


@click.command(cls=Command)
@config_option
@click.argument("text", required=False)
@click.pass_context
def normalize(ctx: click.Context, text: str | None) -> None:
    """Print the spoken form of TEXT (numbers, dates, codes, abbreviations in words).

    With no TEXT, read standard input and write one spoken line per input line.
    """
    from broadcaster.text import normalize as spoken_form
    from broadcaster.text.encoding import to_nfc

    abbreviations: dict[str, str] = {}
    pronunciations: dict[str, str] = {}
    path = config_path(ctx)
    if path.exists():
        from broadcaster.config import load_config

        speech = load_config(path).speech
        abbreviations, pronunciations = speech.abbreviations, speech.pronunciations
    if text is not None:
        click.echo(spoken_form(to_nfc(text_argument(text, "TEXT")).text, abbreviations, pronunciations))
        return
    for number, raw in enumerate(click.get_binary_stream("stdin"), start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise InputError(
                _("Line {number} of standard input is not UTF-8 text.").format(number=number),
                _("Save the text as UTF-8 (in Notepad: Save as…, Encoding: UTF-8) and try again."),
            ) from None
        click.echo(spoken_form(to_nfc(line.rstrip("\r\n")).text, abbreviations, pronunciations))


@click.command(cls=Command)
@config_option
@click.argument("item_ids", nargs=-1, type=NEWS_ITEM_ID)
@click.option("--all", "all_", is_flag=True, help="Every item that may still air.")
@click.option(
    "--ahead",
    is_flag=True,
    help="What may air within [speech] render_ahead_hours, and the station's lines (what the daemon runs).",
)
@click.option(
    "--retry-fallback",
    is_flag=True,
    help="Try the first voice again for speech a fallback voice made (e.g. when the internet is back).",
)
@click.pass_context
def render(ctx: click.Context, item_ids: tuple[int, ...], all_: bool, ahead: bool, retry_fallback: bool) -> None:
    """Make the speech that is missing for items (cached: unchanged items are not spoken twice)."""
    from broadcaster.service.queue import NewsDesk
    from broadcaster.service.voicing import Voicing, render_ahead

    if ahead:
        station = open_station(ctx)
        for problem in render_ahead(Voicing(station), NewsDesk(station).live_items(), retry_fallback):
            warn(problem)
        return
    if not item_ids and not all_:
        raise InputError(
            _("Say which items to render."), _("Give item ids, or --all for every item that may still air.")
        )
    station = open_station(ctx)
    desk = NewsDesk(station)
    today = station.today()
    items = (
        [desk.get(i) for i in item_ids]
        if item_ids
        else [i for i in desk.list_items("all") if i.status(today).value in ("queued", "approved")]
    )
    speech = Voicing(station)
    problems: list[str] = []
    with click.progressbar(items, label=_("Rendering speech"), show_pos=True, file=sys.stderr) as bar:
        for item in bar:
            problems += speech.prepare_all([item], retry_fallback)[1]
    speech.station_lines()
    for problem in problems:
        warn(problem)
    click.echo(
        _("Speech ready for {ready} of {count} item(s).").format(ready=len(items) - len(problems), count=len(items))
    )
    if problems:
        raise click.ClickException(
            _("{count} item(s) have no speech; see the warnings above.").format(count=len(problems))
        )


@click.command(cls=Command)
@config_option
@click.argument("text")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="WAV file to write.")
@click.pass_context
def speak(ctx: click.Context, text: str, output: Path) -> None:
    """Write TEXT as mastered speech to a WAV file, to listen to."""
    from broadcaster.service.voicing import Voicing

    if not text.strip():
        raise InputError(
            _("There is no text to speak."), _('Give it in quotes, e.g. broadcaster speak "Thử loa" -o thu.wav')
        )
    check_wav_name(output)
    rendered = Voicing(open_station(ctx)).speak_to(text_argument(text, "TEXT"), output)
    click.echo(
        _("Wrote {path} ({seconds} s, {engine} voice {voice}).").format(
            path=output, seconds=words.decimal(rendered.duration_s), engine=rendered.engine, voice=rendered.voice
        )
    )
    for note in rendered.fallback_notes:
        warn(note)


@click.command(cls=Command)
@config_option
@click.argument("item_id", type=NEWS_ITEM_ID)
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path), help="WAV file to write.")
@click.pass_context
def preview(ctx: click.Context, item_id: int, output: Path) -> None:
    """Write a news item (title, then text) as it will sound on air, to listen to before approving."""
    from broadcaster.service.queue import NewsDesk
    from broadcaster.service.voicing import Voicing

    check_wav_name(output)  # before anything is rendered and recorded
    station = open_station(ctx)
    item = NewsDesk(station).get(item_id)
    speech = Voicing(station).preview_to(item, output)
    seconds = speech.seconds(station.config.mastering.pause_ms / 1000)
    recorded = speech.engine == "recording"
    if recorded:
        made_by = _("a recording in {language}").format(language=speech.voice)
    else:
        made_by = _("{engine} voice {voice}").format(engine=speech.engine, voice=speech.voice)
    click.echo(
        _("Wrote {path} (about {seconds:.0f} s, {made_by}).").format(path=output, seconds=seconds, made_by=made_by)
    )


def check_wav_name(output: Path) -> None:
    if output.suffix.lower() != ".wav":
        raise InputError(_("{path} must end in .wav.").format(path=output), _("Give an output file name like tin.wav."))


COMMANDS = [normalize, render, speak, preview]
