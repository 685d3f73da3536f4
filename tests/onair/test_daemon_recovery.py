"""Stops, crashes and restarts: every slot still gets exactly one record saying what happened."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.onair.helpers import (
    DaemonProcess,
    add_news,
    aired_files,
    airing_log,
    item_json,
    later,
    make_station,
    render_all,
    seconds_between,
    set_programme,
    sha256_of_pcm,
    sleep_until,
    slot_in,
    when,
)

pytestmark = pytest.mark.slow

LONG_TEXT = (
    "Ủy ban nhân dân xã thông báo: từ tháng này bộ phận tiếp nhận và trả kết quả làm việc cả sáng thứ bảy, "
    "bà con có thể nộp hồ sơ trực tuyến trên cổng dịch vụ công, không phải đi lại nhiều lần, "
    "mọi thắc mắc xin liên hệ công chức văn phòng để được hướng dẫn tận tình."
)


def run_and_stop(cli: Any) -> None:
    """A daemon that ran and was stopped cleanly: from now on the station is off."""
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        assert daemon.stop() == 0
    finally:
        daemon.close()


def test_slots_passed_while_off_air_late_within_grace_and_are_missed_beyond(tmp_path: Path) -> None:
    grace_s = 4.8
    cli = make_station(tmp_path, grace_minutes=grace_s / 60)
    item_id = add_news(cli)
    render_all(cli)
    run_and_stop(cli)
    missed, late = slot_in(0.2, "Bản tin sáng"), slot_in(5.5, "Bản tin trưa")
    set_programme(cli, [missed, late])
    sleep_until(later(late.at, 0.3))  # `missed` is now > 5.3 s late (past the grace), `late` 0.3 s late

    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        # written at start, before anyone asked: the missed one, then the late one put on air at once
        first = airing_log(cli)[0]
        aired = daemon.wait_record(lambda r: r["slot"] == late.name, timeout=20, what="the late airing")
        assert daemon.stop() == 0
    finally:
        daemon.close()

    assert (first["slot"], first["status"], first["started_at"]) == (missed.name, "missed", None)
    assert when(first["scheduled_at"]) == missed.at
    assert "the station was off" in first["reason"] and "longer than the 4.8-second grace period" in first["reason"]
    assert aired["status"] == "completed" and when(aired["scheduled_at"]) == late.at
    assert 0.3 < seconds_between(when(aired["started_at"]), late.at) < grace_s
    assert [i["item_id"] for i in aired["items"]] == [item_id]
    assert item_json(cli, item_id)["airings_done"] == 1
    assert [r["slot"] for r in airing_log(cli)] == [missed.name, late.name]
    assert "intact: 2 airings" in cli.ok("log", "verify")


def _two_items(cli: Any) -> tuple[int, int]:
    short = add_news(cli, "Tin ngắn", "Họp dân.")
    long = add_news(cli, "Tin dài", LONG_TEXT)
    render_all(cli)
    return short, long


def _started(cli: Any) -> Any:
    [on_air] = json.loads(cli.ok("status", "--json"))["on_air"]
    return when(on_air["started_at"])


def _check_cut(record: dict[str, Any], short: int, long: int) -> None:
    """The short item was heard in full, the long one was cut while it played."""
    first, second = record["items"]
    assert (first["item_id"], first["completed"]) == (short, True)
    assert (second["item_id"], second["completed"]) == (long, False)
    assert first["offset_seconds"] + first["duration_seconds"] < record["duration_seconds"]
    assert second["offset_seconds"] < record["duration_seconds"]
    assert abs(second["offset_seconds"] + second["duration_seconds"] - record["duration_seconds"]) < 0.01


def test_a_crash_mid_airing_is_closed_as_interrupted_at_the_next_start(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    short, long = _two_items(cli)
    # an earlier record in the chain, from a slot whose topic has no news
    empty = slot_in(2, "Chuyên mục", extra='topics = ["y-nghia"]')
    slot = slot_in(6)  # later than the empty one by more than the daemon's 3 s wake-up lead
    set_programme(cli, [empty, slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        daemon.wait_on_air()
        before = airing_log(cli)
        started = _started(cli)
        sleep_until(later(started, 7.2))  # the short item is over, the long one plays; progress seen at ~6 s
        daemon.kill9()
        assert aired_files(cli), "sound was being written when the station crashed"

        restarted = DaemonProcess(cli)
        try:
            restarted.wait_started()
            after = airing_log(cli)
            assert restarted.stop() == 0
        finally:
            restarted.close()
    finally:
        daemon.close()

    assert [r["status"] for r in before] == ["empty"]
    assert after[0] == before[0], "earlier records are never changed"
    assert len(after) == 2, "the crashed slot is closed, not aired a second time"
    crashed = after[1]
    assert (crashed["slot"], crashed["status"]) == (slot.name, "interrupted")
    assert when(crashed["started_at"]) == started
    # how far it got: the last progress mark before the kill (written every 2 s)
    assert 5.0 <= crashed["duration_seconds"] <= 7.3
    assert "crash or power cut" in crashed["reason"]
    assert f"on air for about {crashed['duration_seconds']:.0f} s" in crashed["reason"]
    _check_cut(crashed, short, long)
    assert item_json(cli, short)["airings_done"] == 1
    assert item_json(cli, long)["airings_done"] == 0, "a cut item still waits to be aired"
    assert json.loads(cli.ok("status", "--json"))["on_air"] == []
    assert "intact: 2 airings" in cli.ok("log", "verify")


def test_sigterm_mid_airing_stops_cleanly_and_counts_only_what_was_heard(tmp_path: Path) -> None:
    cli = make_station(tmp_path)
    short, long = _two_items(cli)
    slot = slot_in(3)
    set_programme(cli, [slot])
    daemon = DaemonProcess(cli)
    try:
        daemon.wait_started()
        daemon.wait_on_air()
        started = _started(cli)
        sleep_until(later(started, 6.5))
        daemon.signal(signal.SIGTERM)
        assert daemon.wait(15) == 0
    finally:
        daemon.close()

    [record] = airing_log(cli)
    assert (record["slot"], record["status"]) == (slot.name, "interrupted")
    assert 6.4 <= record["duration_seconds"] <= 7.5
    assert record["reason"].startswith(f"cut short after {record['duration_seconds']:.1f} s: ")
    assert "SIGTERM" in record["reason"]
    # the log's hash is of exactly the sound that went out before the stop
    [aired] = aired_files(cli)
    assert record["audio_sha256"] == sha256_of_pcm(aired)
    assert abs((aired.stat().st_size - 44) / 2 / 44100 - record["duration_seconds"]) < 0.01
    _check_cut(record, short, long)
    assert item_json(cli, short)["airings_done"] == 1
    assert item_json(cli, long)["airings_done"] == 0
    assert json.loads(cli.ok("status", "--json"))["on_air"] == []
    assert "Station daemon stopped." in daemon.stderr
