"""A short demo day: a station in a folder of its own, sample news, slots a few seconds apart.

Everything runs on the embedded defaults: SQLite, the offline voice
(espeak-ng), sound to the sound card when there is one and otherwise to WAV
files. Ends with the airing log and the airtime report.
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

from broadcaster.config import load_config
from broadcaster.daemon import Daemon
from broadcaster.evidence import Evidence, LogQuery
from broadcaster.newsdesk import NewsDesk
from broadcaster.reports.aggregate import period_between
from broadcaster.service.context import REPO_AUDIO, Station
from broadcaster.service.voicing import Voicing
from broadcaster.sound.registry import make_amplifier, make_output, sound_card_available

log = logging.getLogger(__name__)

SAMPLE_NEWS = Path(__file__).parent / "demodata" / "tin-mau.csv"
SHIPPED_CONFIG = REPO_AUDIO.parent / "config.toml"
SLOT_GAP_S = 75
SLOT_MINUTES = 1.1  # two short items per bulletin, well inside SLOT_GAP_S
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


def demo_config(shipped: str, first_slot: datetime, to_sound_card: bool) -> str:
    """The shipped config with offline speech, three slots a few seconds apart, and the demo's output."""
    text = shipped.replace('engine = "gtts" ', 'engine = "espeak"').replace(
        'fallback = ["espeak"]', "fallback = []       "
    )
    text = text.replace('allowed = ["05:00-21:00"]', "allowed = []")
    if not to_sound_card:
        text = text.replace('kind = "device" ', 'kind = "file"   ')
    # Replace the three slots by demo slots SLOT_GAP_S apart, one minute long each.
    slots = re.compile(r"\[\[slots\]\].*?(?=\n# Loudspeaker hours)", re.S)
    demo_slots = "\n".join(
        f'[[slots]]\nname = "{name}"\ntime = "{(first_slot + timedelta(seconds=SLOT_GAP_S * n)):%H:%M:%S}"\n'
        f"max_minutes = {SLOT_MINUTES}\ntopics = []\n"
        for n, name in enumerate(("Bản tin sáng", "Bản tin trưa", "Chuyên mục Cải cách hành chính"))
    )
    return slots.sub(demo_slots, text, count=1)


def prepare(folder: Path, now: datetime, lead_s: float = 20.0) -> DemoPlan:
    """Create a fresh demo station in `folder` (a previous demo there is replaced)."""
    if folder.exists():
        if not (folder / "config.toml").exists():
            raise FileExistsError(f"{folder} exists and is not a demo station; choose another folder")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    to_card = sound_card_available()
    first = now + timedelta(seconds=lead_s)
    station_tz_first = first.astimezone(load_config(SHIPPED_CONFIG).tz)
    (folder / "config.toml").write_text(
        demo_config(SHIPPED_CONFIG.read_text(encoding="utf-8"), station_tz_first, to_card), encoding="utf-8"
    )
    return DemoPlan(folder, first, lead_s + SLOT_GAP_S * 2 + SLOT_MINUTES * 60 + 10, to_card)


def run(plan: DemoPlan, say: Callable[[str], None]) -> Station:
    station = Station.open(plan.folder / "config.toml")
    station.init()
    desk = NewsDesk(station)
    items, _ = desk.import_file(SAMPLE_NEWS, topic=None)
    say(f"Queued {len(items)} sample news items from {SAMPLE_NEWS.name}.")
    speech = Voicing(station)
    speech.station_lines()
    _, problems = speech.prepare_all(items)
    for problem in problems:
        say(f"Warning: {problem}")
    say("Speech rendered with the offline voice (espeak-ng) and mastered for horn loudspeakers.")
    output = make_output(station)
    if plan.to_sound_card:
        say(f"Sound goes to the sound card ({output.name}).")
    else:
        say(f"No sound card found on this machine: airings are written as WAV files to {station.config.output_dir}.")
    daemon = Daemon(station, output, make_amplifier(station), speech)
    emergency_at = round((plan.first_slot - station.now()).total_seconds()) + SLOT_GAP_S + 20
    timer = threading.Timer(emergency_at, _queue_emergency, args=(station, say))
    timer.start()
    say(
        f"Demo day: 3 slots {SLOT_GAP_S} s apart from {station.local(plan.first_slot):%H:%M:%S}; "
        f"an emergency item arrives after {emergency_at} s. This takes about {plan.seconds:.0f} s."
    )
    try:
        daemon.run(run_for=plan.seconds, install_signals=threading.current_thread() is threading.main_thread())
    finally:
        timer.cancel()
    return station


def _queue_emergency(station: Station, say: Callable[[str], None]) -> None:
    desk = NewsDesk(station)
    draft = desk.draft(title=EMERGENCY[0], topic="mot-cua", text=EMERGENCY[1], priority="emergency")
    item = desk.add(draft)
    say(f"Emergency item {item.id} queued (khẩn cấp): it interrupts what is on air.")


def summary(station: Station) -> tuple[str, dict[str, Path]]:
    evidence = Evidence(station)
    records = evidence.records(LogQuery())
    lines = [
        f"{r.seq:>3} {station.local(r.scheduled_at):%H:%M:%S} {r.slot:<32} {r.status:<11} "
        f"{r.duration_seconds:6.1f} s  items {', '.join(str(i.item_id) for i in r.items) or '-'}"
        for r in records
    ]
    verified = evidence.verify()
    lines.append(
        f"Log verification: {'intact' if verified.ok else 'BROKEN: ' + str(verified.problem)}, "
        f"code {verified.count}:{verified.head_hash}"
    )
    today = station.today()
    report = evidence.report(period_between(today, today))
    files = {
        fmt: evidence.write(report, fmt, evidence.default_path(report, fmt)) for fmt in ("docx", "png", "csv", "json")
    }
    return "\n".join(lines) + "\n\n" + evidence.render(report, "text"), files
