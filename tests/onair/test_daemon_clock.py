"""Daemon decisions with a hand-driven clock: no sleeping, no scheduler thread, no espeak.

The station is real (config, database, files); time is a FakeClock and speech a ToneEngine.
Jobs are read from the (not started) scheduler and run in order, as the one airing worker would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from broadcaster.daemon import Daemon
from broadcaster.service.context import Station
from broadcaster.service.programme import Programme
from broadcaster.service.voicing import Voicing
from broadcaster.sound.amplifier import NoAmplifier
from broadcaster.sound.file_output import FileOutput
from broadcaster.store import state
from tests.conftest import StationCLI
from tests.fakes import FakeClock, ToneEngine
from tests.onair.helpers import TZ, Slot, add_news, airing_log, make_station, set_programme

T0 = datetime(2021, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 station time


def daemon_at(tmp_path: Path, slots: list[Slot], now: datetime, grace_minutes: float = 15) -> tuple[Daemon, StationCLI]:
    cli = make_station(tmp_path, grace_minutes=grace_minutes)
    add_news(cli)
    set_programme(cli, slots)
    clock = FakeClock(T0)
    station = Station.open(cli.config, clock=clock)
    with station.db.session() as session:
        state.set_time(session, state.CREATED, T0 - timedelta(days=30))  # set up on the fake clock's calendar
        state.set_time(session, state.HEARTBEAT, T0)  # last seen alive at T0, then off
    speech = Voicing(station, engines=[ToneEngine()])
    speech.prepare_all(Programme(station, speech).live_items())
    speech.station_lines()
    clock.set(now)
    output = FileOutput(tmp_path / "aired", clock, tz=TZ)
    return Daemon(station, output, NoAmplifier(), voicing=speech), cli


def run_jobs(daemon: Daemon) -> None:
    """What the airing worker would do: each queued airing in time order, one at a time."""
    for job in sorted(daemon.scheduler.get_jobs(), key=lambda j: j.trigger.run_date):
        if job.id.startswith("slot:") and job.trigger.run_date <= daemon.station.now() + timedelta(seconds=5):
            job.func(*job.args)


def test_a_slot_passing_during_a_late_airing_is_not_lost(tmp_path: Path) -> None:
    """Off from 08:00 to 08:10: the 08:05 slot airs late at 08:10; the 08:10:01 slot passes during it."""
    early = Slot("Bản tin sáng", T0 + timedelta(minutes=5))
    next_ = Slot("Bản tin phụ", T0 + timedelta(minutes=10, seconds=1))
    daemon, cli = daemon_at(tmp_path, [early, next_], T0 + timedelta(minutes=10))
    daemon.catch_up()
    # the late airing runs (the clock moves on by the bulletin's length) before jobs are rebuilt
    daemon.rebuild()
    run_jobs(daemon)
    records = airing_log(cli)
    assert [(r["slot"], r["status"]) for r in records] == [(early.name, "completed"), (next_.name, "empty")]
    assert datetime.fromisoformat(records[0]["started_at"]) == T0 + timedelta(minutes=10)
    assert datetime.fromisoformat(records[1]["scheduled_at"]) == next_.at


def test_slots_older_than_the_grace_are_missed_at_start_and_never_aired(tmp_path: Path) -> None:
    old = Slot("Bản tin sáng", T0 + timedelta(minutes=5))
    daemon, cli = daemon_at(tmp_path, [old], T0 + timedelta(hours=2), grace_minutes=15)
    daemon.catch_up()
    daemon.rebuild()
    [record] = airing_log(cli)
    assert (record["status"], record["started_at"]) == ("missed", None)
    assert record["reason"] == (
        "the station was off (daemon not running) from 2021-03-01 08:00:00 until 2021-03-01 10:00:00, "
        "longer than the 15-minute grace period"
    )
    jobs = {j.id for j in daemon.scheduler.get_jobs()}
    assert f"slot:{old.name}@{old.at.isoformat()}" not in jobs, "a missed slot is not aired hours later"
    assert f"slot:{old.name}@{(old.at + timedelta(days=1)).isoformat()}" in jobs, "tomorrow's is scheduled"


def test_render_ahead_makes_speech_for_items_due_within_the_horizon_only(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    soon = cli.add("Sắp phát", "mot-cua", "Tin phát trong hai ngày tới.", "--from", "2021-03-02")
    later = cli.add("Còn xa", "mot-cua", "Tin chỉ phát từ tháng sau.", "--from", "2021-04-01")
    station = Station.open(cli.config, clock=FakeClock(T0))
    speech = Voicing(station, engines=[ToneEngine()])
    daemon = Daemon(station, FileOutput(tmp_path / "aired", station.clock, tz=TZ), NoAmplifier(), voicing=speech)
    daemon.render_ahead()  # [speech] render_ahead_hours = 48 in the shipped config
    items = {i.id: i for i in Programme(station, speech).live_items()}
    assert speech.audio_for(items[soon]) is not None
    assert speech.audio_for(items[later]) is None
