"""A short demo day: a station in a folder of its own, sample news, slots a few seconds apart.

Everything runs on the embedded defaults: SQLite, the offline voice
(espeak-ng), sound to the sound card when there is one and otherwise to WAV
files. Ends with the airing log and the airtime report (the command words them).
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from broadcaster.airlog import AiringRecord
from broadcaster.config import load_config
from broadcaster.daemon import Daemon
from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.reports.aggregate import period_between
from broadcaster.reports.verification import LogVerdict
from broadcaster.service.actor import Actor
from broadcaster.service.context import Station, shipped_dir
from broadcaster.service.evidence import Evidence, LogQuery
from broadcaster.service.queue import NewsDesk
from broadcaster.service.voicing import Voicing
from broadcaster.sound.file_output import FileOutput
from broadcaster.sound.outputs import Output
from broadcaster.sound.registry import make_amplifier, make_output, sound_card_available

log = logging.getLogger(__name__)

SAMPLE_NEWS = Path(__file__).parent.parent / "demodata" / "tin-mau.csv"
SHIPPED_CONFIG = shipped_dir() / "config.toml"
SLOT_GAP_S = 75
SLOT_MINUTES = 1.1  # two short items per bulletin, well inside SLOT_GAP_S
QUICK_SLOT_MINUTES = 1.1  # the quick demo: one bulletin of one item (the others have no speech)
# The demo replaces only a folder holding this file, which only the demo writes.
MARKER = ".broadcaster-demo"
EMERGENCY = (
    "Thông báo khẩn: tạm dừng tiếp nhận hồ sơ chiều nay",
    "Do sự cố mất điện, Bộ phận một cửa UBND xã tạm dừng tiếp nhận hồ sơ từ 14h đến 17h chiều nay. "
    "Bà con có việc gấp xin liên hệ số điện thoại 0912.345.678.",
)


@dataclass(frozen=True)
class DemoPlan:
    folder: Path
    first_slot: datetime
    seconds: float
    to_sound_card: bool
    quick: bool = False


def demo_config(shipped: str, first_slot: datetime, to_sound_card: bool, quick: bool = False) -> str:
    """The shipped config with offline speech, three slots a few seconds apart, and the demo's output."""
    text = shipped.replace('engine = "gtts" ', 'engine = "espeak"').replace(
        'fallback = ["espeak"]', "fallback = []       "
    )
    text = text.replace('allowed = ["05:00-21:00"]', "allowed = []")
    if not to_sound_card:
        text = text.replace('kind = "device" ', 'kind = "file"   ')
    # Replace the three slots by demo slots SLOT_GAP_S apart, one minute long each.
    slots = re.compile(r"\[\[slots\]\].*?(?=\n# Loudspeaker hours)", re.S)
    names = ("Bản tin sáng",) if quick else ("Bản tin sáng", "Bản tin trưa", "Chuyên mục Cải cách hành chính")
    minutes = QUICK_SLOT_MINUTES if quick else SLOT_MINUTES
    demo_slots = "\n".join(
        f'[[slots]]\nname = "{name}"\ntime = "{(first_slot + timedelta(seconds=SLOT_GAP_S * n)):%H:%M:%S}"\n'
        f"max_minutes = {minutes}\ntopics = []\n"
        for n, name in enumerate(names)
    )
    return slots.sub(demo_slots, text, count=1)


def prepare(folder: Path, now: datetime, lead_s: float = 20.0, quick: bool = False) -> DemoPlan:
    """Create a fresh demo station in `folder`: a new or empty folder, or one an earlier demo made.

    Anything else is refused: `--dir /opt/broadcaster` must never erase a real station's airing log.
    """
    _clear(folder)
    (folder / MARKER).write_text(
        "Made by `broadcaster demo`: the demo may delete this folder to start again.\n", encoding="utf-8"
    )
    to_card = False if quick else sound_card_available()
    first = now + timedelta(seconds=lead_s)
    station_tz_first = first.astimezone(load_config(SHIPPED_CONFIG).tz)
    (folder / "config.toml").write_text(
        demo_config(SHIPPED_CONFIG.read_text(encoding="utf-8"), station_tz_first, to_card, quick), encoding="utf-8"
    )
    seconds = lead_s + 8 if quick else lead_s + SLOT_GAP_S * 2 + SLOT_MINUTES * 60 + 10
    return DemoPlan(folder, first, seconds, to_card, quick)


def _clear(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise InputError(
            _("{folder} is a file, not a folder.").format(folder=folder), _("Give a folder for the demo with --dir.")
        )
    if folder.is_dir() and (folder / MARKER).is_file():
        shutil.rmtree(folder)
    elif folder.is_dir() and any(folder.iterdir()):
        raise InputError(
            _("{folder} is not empty and was not made by `broadcaster demo`; the demo replaces only its own.").format(
                folder=folder
            ),
            _(
                "Give a new folder with --dir; nothing in {folder} was changed "
                "(a demo folder made by an older version has to be deleted by hand)."
            ).format(folder=folder),
        )
    folder.mkdir(parents=True, exist_ok=True)


def run(plan: DemoPlan, say: Callable[[str], None]) -> Station:
    station = Station.open(plan.folder / "config.toml")
    station.init()
    desk = NewsDesk(station, Actor.command_line())
    items, _notices = desk.import_file(SAMPLE_NEWS, topic=None)
    if plan.quick:
        items = items[:1]
    say(_("Queued {n} sample news items from {file}.").format(n=len(items), file=SAMPLE_NEWS.name))
    speech = Voicing(station)
    speech.station_lines()
    _voiced, problems = speech.prepare_all(items)
    for problem in problems:
        say(_("Warning: {problem}").format(problem=problem))
    say(_("Speech rendered with the offline voice (espeak-ng) and mastered for horn loudspeakers."))
    # the quick demo checks an installation: its one bulletin is written at once, not in real time
    output: Output = (
        FileOutput(station.config.output_dir, station.clock, tz=station.config.tz, realtime=False)
        if plan.quick
        else make_output(station)
    )
    if plan.to_sound_card:
        say(_("Sound goes to the sound card ({name}).").format(name=output.name))
    else:
        say(
            _("No sound card found on this machine: airings are written as WAV files to {folder}.").format(
                folder=station.config.output_dir
            )
        )
    daemon = Daemon(station, output, make_amplifier(station), speech)
    emergency_at = round((plan.first_slot - station.now()).total_seconds()) + SLOT_GAP_S + 20
    timer = threading.Timer(emergency_at, _queue_emergency, args=(station, say))
    if plan.quick:
        say(
            _("Quick demo: one slot at {time}; about {seconds} s.").format(
                time=f"{station.local(plan.first_slot):%H:%M:%S}", seconds=f"{plan.seconds:.0f}"
            )
        )
    else:
        timer.start()
        say(
            _(
                "Demo day: 3 slots {gap} s apart from {time}; an emergency item arrives after {emergency} s. "
                "This takes about {seconds} s."
            ).format(
                gap=SLOT_GAP_S,
                time=f"{station.local(plan.first_slot):%H:%M:%S}",
                emergency=emergency_at,
                seconds=f"{plan.seconds:.0f}",
            )
        )
    try:
        daemon.run(run_for=plan.seconds, install_signals=threading.current_thread() is threading.main_thread())
    finally:
        timer.cancel()
    return station


def _queue_emergency(station: Station, say: Callable[[str], None]) -> None:
    desk = NewsDesk(station, Actor.command_line())
    draft = desk.draft(title=EMERGENCY[0], topic="mot-cua", text=EMERGENCY[1], priority="emergency")
    item = desk.add(draft)
    say(_("Emergency item {id} queued (khẩn cấp): it interrupts what is on air.").format(id=item.id))


@dataclass(frozen=True)
class DemoResults:
    """What the demo day left: its airings, the log's check, the day's report and the report's files."""

    records: list[AiringRecord]
    verified: LogVerdict
    report_text: str
    files: dict[str, Path]


def results(station: Station) -> DemoResults:
    evidence = Evidence(station)
    today = station.today()
    report = evidence.report(period_between(today, today))
    files = {
        fmt: evidence.write(report, fmt, evidence.default_path(report, fmt)) for fmt in ("docx", "png", "csv", "json")
    }
    return DemoResults(evidence.records(LogQuery()), evidence.verify(), evidence.render(report, "text"), files)
