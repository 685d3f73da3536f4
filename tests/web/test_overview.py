"""The core the console's pages stand on: what the overview gathers, durations read from the speech
cache's records (as fast as a page needs, and the same as the airer's), and the log read a page at a time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from broadcaster.service import onair
from broadcaster.service.context import Station
from broadcaster.service.evidence import Evidence, LogQuery
from broadcaster.service.overview import overview
from broadcaster.service.queue import NewsDesk
from broadcaster.service.voicing import Voicing
from broadcaster.store import renderings
from tests.conftest import StationCLI, write_config
from tests.web.helpers import APPROVAL, log_airing


@pytest.fixture
def station(tmp_path: Path, db_url: str) -> Station:
    cli = StationCLI(write_config(tmp_path, db_url, replace=APPROVAL))
    cli.init()
    return Station.open(cli.config)


def test_durations_from_the_cache_records_are_the_airers_and_notice_a_missing_file(station: Station) -> None:
    desk = NewsDesk(station)
    spoken = desk.add(desk.draft(title="Tin có giọng", topic="mot-cua", text="Họp lúc 7h30."))
    silent = desk.add(desk.draft(title="Tin chưa có giọng", topic="mot-cua", text="Chưa đọc."))
    checked = Voicing(station)
    checked.prepare(spoken)
    quick = Voicing(station, check_audio=False)
    assert quick.seconds_of([spoken, silent]) == checked.seconds_of([spoken, silent])
    assert quick.seconds_of([silent]) == {silent.id: None} and (quick.item_seconds(spoken) or 0) > 1.0
    assert onair.status(station).waiting_for_speech == (silent.id,)
    # a changed text has no speech until it is spoken again
    edited = desk.edit(spoken.id, text="Họp lúc 8h00.")
    assert quick.item_seconds(edited) is None
    checked.prepare(edited)
    assert quick.item_seconds(edited) == checked.item_seconds(edited)
    # speech deleted from the cache by hand is missed by both
    record = checked.cache.meta_path(checked.key(edited.text))
    record.unlink()
    assert quick.item_seconds(edited) is None and checked.item_seconds(edited) is None


def test_the_overview_lists_what_needs_attention(station: Station) -> None:
    desk = NewsDesk(station)
    today = station.today()
    waiting = desk.add(desk.draft(title="Chờ duyệt", topic="mot-cua", text="A."))
    ending = desk.add(
        desk.draft(title="Sắp hết hạn", topic="mot-cua", text="B.", valid_until=str(today + timedelta(days=1)))
    )
    desk.approve(ending.id, "chutich")
    fallback = desk.add(desk.draft(title="Giọng dự phòng", topic="mot-cua", text="C."))
    voicing = Voicing(station)
    with station.db.session() as session:  # its speech was made by the fallback voice
        renderings.save(
            session, fallback.id, "text", cache_key=voicing.key(fallback.text), engine="espeak", voice="vi",
            seconds=1.0, sha256="0" * 64, notes="gtts failed: no internet", created_at=station.now(),
        )  # fmt: skip
    found = overview(station)
    attention = found.attention
    assert [i.title for i in attention.waiting_approval] == ["Chờ duyệt", "Giọng dự phòng"]
    assert [i.title for i in attention.expiring] == ["Sắp hết hạn"]
    assert {i.title for i in attention.no_speech} == {"Chờ duyệt", "Sắp hết hạn", "Giọng dự phòng"}
    assert [(i.title, why) for i, why in attention.fallback_voice] == [("Giọng dự phòng", "gtts failed: no internet")]
    assert waiting.id in found.items and found.health.daemon_running is False
    assert found.health.last_fallback == "gtts failed: no internet"
    # speech made again for a new text is the station's own voice: no longer a fallback
    desk.edit(fallback.id, text="C, sửa lại.")
    assert overview(station).attention.fallback_voice == ()


def test_the_targets_so_far_read_this_months_airings_against_the_days_gone(station: Station) -> None:
    desk = NewsDesk(station)
    items = [desk.add(desk.draft(title=f"Tin {n}", topic="mot-cua", text="Nội dung.")) for n in range(3)]
    log_airing(station, items, at=station.now() - timedelta(minutes=30))  # 3 items, 18 s each on air
    month, quarter = overview(station).progress
    assert (month.unit, quarter.unit) == ("month", "quarter") and month.period.end == station.today()
    minutes = next(t for t in month.targets if t.kind == "minutes")
    days_gone, days_in_month = station.today().day, month_days(station)
    assert minutes.reached == pytest.approx(54 / 60)
    assert minutes.needed == pytest.approx(60 * days_gone / days_in_month)
    assert minutes.met is (minutes.reached >= minutes.needed)
    segments = next(t for t in quarter.targets if t.kind == "segments")
    assert segments.reached == 1.0 and not month.problems
    # a log a full check found broken is said to be so beside the figures
    with station.db.session() as session:
        session.execute(text("UPDATE airings SET duration_ms = 1 WHERE seq = 1"))
    assert not Evidence(station).verify().ok
    assert overview(station).progress[0].problems


def month_days(station: Station) -> int:
    from broadcaster.reports.periods import month_end

    today = station.today()
    return month_end(today.year, today.month).day


def test_the_log_is_read_a_page_at_a_time_newest_first(station: Station) -> None:
    desk = NewsDesk(station)
    item = desk.add(desk.draft(title="Tin", topic="mot-cua", text="Nội dung.", airings=200))
    start = station.now() - timedelta(days=60)
    for n in range(120):
        log_airing(
            station, [desk.get(item.id)], at=start + timedelta(hours=n), status="missed" if n % 10 == 0 else "completed"
        )
    evidence = Evidence(station)
    first = evidence.newest(LogQuery(), 50)
    assert [r.seq for r in first] == list(range(120, 70, -1))
    second = evidence.newest(LogQuery(), 50, before=first[-1].seq)
    assert [r.seq for r in second] == list(range(70, 20, -1))
    missed = evidence.newest(LogQuery(status="missed"), 50)
    assert [r.seq for r in missed] == list(range(111, 0, -10))
    day = (start + timedelta(hours=30)).astimezone(station.config.tz).date()
    assert {r.scheduled_at.astimezone(station.config.tz).date() for r in evidence.newest(LogQuery(day, day), 50)} == {
        day
    }
