"""The airtime summary gives the same report as summing the log itself, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from broadcaster.airlog import GENESIS, AiringDraft, AiringRecord, ChainHead, seal, verify_chain
from broadcaster.reports import daybook
from broadcaster.reports.aggregate import (
    Facts,
    Period,
    Report,
    Target,
    build_report,
    item_airtime_ms,
    parse_period,
    period_between,
    report_from_facts,
    report_to_json,
    rollup,
)
from broadcaster.reports.verification import LogCheck
from broadcaster.reports.writers import render_csv, render_json
from broadcaster.service.context import Station
from broadcaster.store import airings, summary, summary_read
from broadcaster.store.db import Database
from broadcaster.store.tables import StationStateRow, UTCDateTime
from tests.conftest import StationCLI, write_config
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, item, local

UTC_ZONE = ZoneInfo("UTC")
TARGETS = [
    Target("Thời lượng tuyên truyền CCHC", "minutes", 120, "month"),
    Target("Số chuyên mục CCHC", "segments", 8, "month"),
    Target("Phủ đủ các nội dung", "topic_coverage", 1, "quarter"),
    Target("Thời lượng về thủ tục hành chính", "minutes", 30, "week", topic="T4"),
]
PERIODS = [
    parse_period("2021-Q1"),
    parse_period("2021-Q2"),
    parse_period("2021-03"),
    parse_period("2021"),
    period_between(local(2021, 3, 31).date(), local(2021, 3, 31).date()),  # an airing at 00:30 on April 1 is not in
    period_between(local(2021, 4, 1).date(), local(2021, 4, 2).date()),  # ... it is here (UTC says March 31)
    period_between(local(2021, 1, 5).date(), local(2021, 2, 10).date()),  # an item aired before, inside and after
    period_between(local(2019, 1, 1).date(), local(2030, 12, 31).date()),
]


def mixed_drafts() -> list[AiringDraft]:
    """Three months and a bit of a commune's airings, with every way an airing can end."""
    drafts = [draft(local(2020, 12, 31, 23, 59), (item(900, "T1", 50),))]  # December, by a minute
    for day in range(4, 14):  # January: item 1 airs every day, with a new T4 item each day
        drafts.append(draft(local(2021, 1, day, 6, 0), (item(1, "T1", 300), item(100 + day, "T4", 310.5, offset=300))))
    for day in range(1, 13):  # February evenings, two items a day; item 1 again on some
        items = (item(200 + day, "T4", 600.25), item(1, "T1", 30.125, offset=600.25))
        drafts.append(draft(local(2021, 2, day, 17, 30), items[: 1 + day % 2], slot="chiều"))
    drafts += [
        draft(  # power cut half way through the second item: its played part counts
            local(2021, 3, 5, 6, 0),
            (
                item(300, "T3", 200),
                item(301, "T5", 300, offset=200, completed=False),
                item(302, "T6", 60, offset=500, completed=False),
            ),
            status="interrupted",
            duration=350.5,
            reason="Mất điện lúc 06:05",
        ),
        draft(  # cut before its first item ended: nothing of the second counts
            local(2021, 3, 6, 17, 30),
            (item(303, "T2", 120, completed=False), item(304, "T8", 90, offset=120, completed=False)),
            slot="chiều",
            status="interrupted",
            duration=45.25,
            reason="Loa bị ngắt",
        ),
        draft(local(2021, 3, 7, 6, 0), (item(305, "T2", 120),), status="missed", reason="Máy tính tắt"),
        draft(
            local(2021, 3, 7, 17, 30),
            (item(306, "T2", 120),),
            slot="chiều",
            status="failed",
            reason="Không mở được sound card",
        ),
        draft(local(2021, 3, 8, 6, 0), (), status="empty"),
        draft(  # an emergency outside the slots, of a topic only it has
            local(2021, 3, 10, 9, 15),
            (item(307, "T7", 90, priority="emergency"), item(308, "T7", 45, offset=90, priority="priority")),
            slot="khẩn cấp",
            kind="emergency",
        ),
        draft(local(2021, 3, 31, 23, 30), (item(309, "T6", 60), item(1, "T1", 30)), slot="chiều"),  # still March
        draft(local(2021, 4, 1, 0, 30), (item(310, "T6", 60), item(1, "T1", 30)), slot="chiều"),  # UTC: March 31
        draft(local(2021, 4, 1, 6, 0), (item(310, "T6", 60), item(311, "T9", 0.001)), status="completed"),
        draft(local(2021, 6, 30, 23, 59, 59), (item(312, "T10", 1.5),)),  # end of a quarter by a second
        draft(local(2021, 7, 1, 6, 0), (item(312, "T10", 1.5), item(313, "T3", 61)), slot="sáng"),
    ]
    return drafts


def late_drafts() -> list[AiringDraft]:
    """Logged after the others although scheduled earlier (e.g. closed after a crash)."""
    return [
        draft(local(2021, 1, 20, 6, 0), (item(1, "T1", 300), item(104, "T4", 10)), status="interrupted", duration=305),
        draft(local(2021, 1, 2, 6, 0), (item(1, "T1", 300),)),  # item 1's first day, logged last
    ]


def station_url(db_url: str, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/station.db" if db_url.startswith("sqlite") else db_url


def append_all(db: Database, drafts: list[AiringDraft], tz: ZoneInfo = HCM) -> list[AiringRecord]:
    """Append through the store, two airings per transaction (one at a time: see the test below)."""
    for n in range(0, len(drafts), 2):
        with db.session() as session:
            for d in drafts[n : n + 2]:
                airings.append(session, d, tz)
    with db.session() as session:
        return airings.records(session)


def by_segment(facts: Facts, period: Period) -> Facts:
    """Daily figures summed per run of days sharing an ISO week, a month and the period, filed under its first day."""

    def first(day: date) -> date:
        return max(day - timedelta(days=day.weekday()), day.replace(day=1), period.start)

    def merge(daily: dict[Any, int], keyed: Callable[[Any], Any]) -> dict[Any, int]:
        merged: dict[Any, int] = {}
        for key, value in daily.items():
            merged[keyed(key)] = merged.get(keyed(key), 0) + value
        return merged

    return replace(
        facts,
        day_airings=merge(facts.day_airings, first),
        day_topic_ms=merge(facts.day_topic_ms, lambda k: (first(k[0]), k[1])),
        day_topic_airings=merge(facts.day_topic_airings, lambda k: (first(k[0]), k[1])),
    )


def assert_same_report(db: Database, records: list[AiringRecord], period: Period, tz: ZoneInfo = HCM) -> None:
    head = ChainHead(records[-1].hash, len(records))
    with db.session() as session:
        facts = summary_read.facts(session, period, tz)
    assert facts == by_segment(rollup(records, period, tz), period), period.label
    expected = build_report(records, period, TOPICS, SLOTS, TARGETS, head, tz)
    got = report_from_facts(facts, period, TOPICS, SLOTS, TARGETS, head, tz)
    assert report_to_json(got) == report_to_json(expected), period.label


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Database:
    database = Database(station_url(db_url, tmp_path))
    database.upgrade(tz=HCM)
    yield database
    database.dispose()


def test_figures_from_the_summary_equal_the_log_for_any_period(db: Database) -> None:
    records = append_all(db, mixed_drafts() + late_drafts())
    for period in PERIODS:
        assert_same_report(db, records, period)
    with db.session() as session:
        q1 = summary_read.facts(session, parse_period("2021-Q1"), HCM)
    daily = rollup(records, parse_period("2021-Q1"), HCM)
    # The figures a user reads, by hand (daily, as the summary's per-run sums were checked against above):
    # the cut item counts its 150.5 s played, the March 31 23:30 airing is in Q1, the one at 00:30 on
    # April 1 is not; item 1 is one of T1's 2 items.
    assert daily.day_topic_ms[(local(2021, 3, 5).date(), "T5")] == 150_500
    assert (local(2021, 3, 6).date(), "T8") not in daily.day_topic_ms
    assert daily.day_topic_ms[(local(2021, 3, 31).date(), "T6")] == 60_000
    assert q1.topic_items["T1"] == 1 and q1.distinct_items == 29
    assert q1.statuses == {"completed": 25, "interrupted": 3, "missed": 1, "failed": 1, "empty": 1}
    assert [i.status for i in q1.incidents] == ["interrupted"] * 3 + ["missed", "failed", "empty"]


def test_the_summary_follows_airings_one_by_one(db: Database) -> None:
    """After every append, not only at the end: the daemon reports between airings."""
    drafts = mixed_drafts()
    records = []
    for d in drafts:
        with db.session() as session:
            records.append(airings.append(session, d, HCM))
        assert_same_report(db, records, parse_period("2021"))


def test_an_item_whose_topic_changed_is_counted_under_its_last_topic(db: Database) -> None:
    drafts = [
        draft(local(2021, 5, 3, 6, 0), (item(7, "T1", 60),)),
        draft(local(2021, 5, 3, 17, 30), (item(7, "T2", 60), item(7, "T3", 30, offset=60)), slot="chiều"),
        draft(local(2021, 5, 10, 6, 0), (item(7, "T4", 60),)),
    ]
    records = append_all(db, drafts)
    for period in (parse_period("2021-05"), period_between(local(2021, 5, 1).date(), local(2021, 5, 9).date())):
        assert_same_report(db, records, period)
    with db.session() as session:
        assert summary_read.facts(session, parse_period("2021-05"), HCM).topic_items == {"T4": 1}


def test_summary_airtime_is_item_airtime_ms_to_the_millisecond() -> None:
    for rec in chain(mixed_drafts() + late_drafts()):
        played = round(rec.duration_seconds * 1000)
        for got, it in zip(summary.items_of(rec), rec.items, strict=True):
            assert daybook.airtime_ms(rec.status, played, got) == item_airtime_ms(rec, it)


# --- upgrading a station whose log was written before the summary existed -------------------


OLD_AIRING_COLUMNS = (
    "seq", "kind", "slot", "scheduled_at", "started_at", "ended_at", "duration_ms", "status", "reason", "output",
    "device", "amplifier", "audio_sha256", "exemption", "prev_hash", "hash",
)  # fmt: skip
OLD_ITEM_COLUMNS = (
    "airing_seq", "position", "item_id", "title", "topic", "priority", "offset_ms", "duration_ms", "engine", "voice",
    "approved_by", "approved_at", "completed",
)  # fmt: skip


def _old_table(name: str, columns: tuple[str, ...]) -> sa.TableClause:
    """The table as schema 0002 had it: only its columns, times stored as the store stores them."""
    return sa.table(name, *(sa.column(c, UTCDateTime()) if c.endswith("_at") else sa.column(c) for c in columns))


def write_old_log(db: Database, drafts: list[AiringDraft]) -> list[AiringRecord]:
    """The rows schema 0002 wrote: airings (sealed in canonical version 1) and their items, no summary."""
    records, prev = [], GENESIS
    for seq, d in enumerate(drafts, start=1):
        records.append(seal(d, prev, seq, version=1))
        prev = records[-1].hash
    airings_table, items_table = _old_table("airings", OLD_AIRING_COLUMNS), _old_table("aired_items", OLD_ITEM_COLUMNS)
    with db.session() as session:
        for rec in records:
            values = {c: getattr(rec, c, None) for c in OLD_AIRING_COLUMNS}
            values["duration_ms"] = round(rec.duration_seconds * 1000)
            session.execute(sa.insert(airings_table).values(**values))
            for n, i in enumerate(rec.items):
                item_values = {c: getattr(i, c, None) for c in OLD_ITEM_COLUMNS}
                item_values |= {
                    "airing_seq": rec.seq,
                    "position": n,
                    "offset_ms": round(i.offset_seconds * 1000),
                    "duration_ms": round(i.duration_seconds * 1000),
                }
                session.execute(sa.insert(items_table).values(**item_values))
    return records


def test_upgrading_back_fills_the_summary_from_the_old_log(db_url: str, tmp_path: Path) -> None:
    old = Database(station_url(db_url, tmp_path))
    old.upgrade("0002")
    written = write_old_log(old, mixed_drafts() + late_drafts())
    assert old.upgrade(tz=HCM) == ("0002", Database.head_revision())
    with old.session() as session:
        assert summary.built_for(session) == "Asia/Ho_Chi_Minh"
        records = airings.records(session)
        assert verify_chain(airings.iter_all(session)).ok
    assert records == written
    for period in PERIODS:
        assert_same_report(old, records, period)
    # and it keeps growing from there
    more = [draft(local(2021, 7, 1, 17, 30), (item(313, "T3", 61), item(1, "T1", 5, offset=61)), slot="chiều")]
    records = append_all(old, more)
    assert_same_report(old, records, parse_period("2021"))
    old.dispose()


def test_without_a_time_zone_the_summary_is_built_on_first_use(db_url: str, tmp_path: Path) -> None:
    old = Database(station_url(db_url, tmp_path))
    old.upgrade("0002")
    write_old_log(old, mixed_drafts())
    old.upgrade()  # e.g. an upgrade run by hand: the migration cannot know the station's day
    with old.session() as session:
        assert summary.built_for(session) is None
    records = append_all(old, late_drafts())  # built here, in the airing's transaction, with it
    for period in PERIODS[:4]:
        assert_same_report(old, records, period)
    old.dispose()


def test_an_append_without_time_zone_leaves_the_summary_to_be_rebuilt(db: Database) -> None:
    drafts = mixed_drafts()
    append_all(db, drafts[:-3])
    with db.session() as session:
        airings.append(session, drafts[-3])  # e.g. a script that does not know the station's zone
        assert summary.built_for(session) is None
    records = append_all(db, drafts[-2:])
    assert_same_report(db, records, parse_period("2021"))


def test_a_new_time_zone_rebuilds_the_summary(db: Database) -> None:
    records = append_all(db, mixed_drafts())
    assert_same_report(db, records, parse_period("2021-Q1"), UTC_ZONE)
    with db.session() as session:
        assert session.scalar(select(StationStateRow.value).where(StationStateRow.key == summary.TZ_KEY)) == "UTC"
    assert_same_report(db, records, parse_period("2021-Q1"), HCM)


# --- through the command line ------------------------------------------------------------------


def test_report_command_reads_the_summary_and_the_csv_still_lists_each_item(tmp_path: Path, db_url: str) -> None:
    config = write_config(tmp_path, db_url)
    cli = StationCLI(config)
    cli.init()
    station = Station.open(config)
    records = append_all(station.db, mixed_drafts())
    station.db.dispose()

    plan = [(t.code, t.name) for t in station.config.topics]
    slots = [s.name for s in station.config.slots]
    targets = [Target(t.name, t.kind, t.value, t.per, t.topic or None) for t in station.config.targets]
    head = ChainHead(records[-1].hash, len(records))

    def expected(period: str) -> Report:
        languages = [(lang.code, lang.name) for lang in station.config.languages]
        built = build_report(records, parse_period(period), plan, slots, targets, head, HCM, languages)
        return replace(built, check=LogCheck())  # every check passed

    got = json.loads(cli.ok("report", "--period", "2021-Q1", "--format", "json"))
    assert got == json.loads(render_json(expected("2021-Q1")))
    csv_rows = cli.ok("report", "--period", "2021-03", "--format", "csv").removeprefix("\ufeff").splitlines()
    assert csv_rows == render_csv(expected("2021-03")).splitlines()
    assert len(csv_rows) == 1 + 7  # header, then each item on air in March (two were cut before they began)


def test_period_ends_are_station_local_days() -> None:
    low, high = summary_read.utc_bounds(parse_period("2021-04"), HCM)
    assert (low.isoformat(), high - low) == ("2021-03-31T17:00:00+00:00", timedelta(days=30))


# --- the seals ---------------------------------------------------------------------------------


def test_rows_kept_by_appends_are_the_rows_a_rebuild_writes_seals_included(db: Database) -> None:
    """So `log verify` can compare the stored figures with the log summed again, byte for byte."""
    records = append_all(db, mixed_drafts() + late_drafts())
    with db.session() as session:
        kept = summary.stored_rows(session)
        summed = summary.sum_log(session, HCM).all_rows()
    assert {(row.span, row.start): row for row, _ in kept} == summed
    assert all(daybook.check_row(row, there) is None for row, there in kept)
    named = {row.last_seq for row, _ in kept}
    assert named <= {r.seq for r in records} and len(records) in named
    with db.session() as session:
        summary.rebuild(session, HCM)
    with db.session() as session:
        assert summary.stored_rows(session) == kept
