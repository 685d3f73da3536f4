from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from broadcaster.airlog import AiringRecord
from broadcaster.errors import InputError
from broadcaster.reports.aggregate import (
    Facts,
    Report,
    Target,
    build_report,
    item_airtime_ms,
    parse_period,
    period_between,
    report_from_facts,
    report_to_json,
)
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, head_of, item, local

Q1_TOTAL = 10 * 610.5 + 12 * 600 + 200 + 150 + 90 + 60


def test_parse_period_forms() -> None:
    assert parse_period("2021") == period_between(date(2021, 1, 1), date(2021, 12, 31), "2021")
    q = parse_period("2021-q1")
    assert (q.start, q.end, q.label) == (date(2021, 1, 1), date(2021, 3, 31), "2021-Q1")
    assert parse_period("2021-Q4").end == date(2021, 12, 31)
    feb = parse_period("2024-2")
    assert (feb.start, feb.end, feb.label) == (date(2024, 2, 1), date(2024, 2, 29), "2024-02")
    r = parse_period("2021-03-05..2021-04-10")
    assert (r.start, r.end, r.days) == (date(2021, 3, 5), date(2021, 4, 10), 37)


@pytest.mark.parametrize("text", ["2021-Q5", "2021-13", "21", "March 2021", "2021-02-30..2021-03-01", ""])
def test_bad_period_says_what_to_write(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_period(text)
    assert err.value.hint and "2021-Q1" in err.value.hint


def test_period_backwards_is_refused() -> None:
    with pytest.raises(InputError, match="before it starts"):
        parse_period("2021-04-10..2021-03-05")


def test_bad_target_is_refused() -> None:
    with pytest.raises(InputError, match="unknown kind"):
        Target("x", "hours", 1, "month")
    with pytest.raises(InputError, match="per 'day'"):
        Target("x", "minutes", 1, "day")


def test_totals_count_only_what_went_out(q1_report: Report) -> None:
    assert q1_report.total_seconds == Q1_TOTAL
    # 10 + 12 + interrupted + emergency + 31 March late evening; not missed/failed/empty, not 1 April
    assert q1_report.airings == 25
    assert q1_report.item_airings == 10 * 2 + 12 + 2 + 1 + 1
    statuses = dict(q1_report.statuses)
    assert statuses == {"completed": 24, "interrupted": 1, "failed": 1, "missed": 1, "empty": 1}


def test_interrupted_item_counts_only_the_part_played(q1_records: list[AiringRecord]) -> None:
    rec = next(r for r in q1_records if r.status == "interrupted")
    assert [item_airtime_ms(rec, i) for i in rec.items] == [200_000, 150_000]
    missed = next(r for r in q1_records if r.status == "missed")
    assert item_airtime_ms(missed, missed.items[0]) == 0


def test_every_plan_topic_is_listed_even_with_no_airtime(q1_report: Report) -> None:
    by_code = {t.code: t for t in q1_report.topics}
    assert [t.code for t in q1_report.topics] == [c for c, _ in TOPICS]
    assert (by_code["T4"].seconds, by_code["T4"].airings, by_code["T4"].items) == (
        10 * 310.5 + 12 * 600,
        22,
        22,
    )
    assert (by_code["T1"].seconds, by_code["T1"].airings, by_code["T1"].items) == (3000, 10, 1)
    assert (by_code["T5"].seconds, by_code["T5"].airings) == (150, 1)
    assert (by_code["T2"].seconds, by_code["T2"].airings, by_code["T2"].items) == (0, 0, 0)
    assert by_code["T10"].name == "Cải cách tài chính công"
    assert sum(t.seconds for t in q1_report.topics) == q1_report.total_seconds


def test_slots_and_priorities(q1_report: Report) -> None:
    slots = {s.key: s for s in q1_report.slots}
    assert [s.key for s in q1_report.slots] == ["sáng", "chiều", "khẩn cấp"]
    assert slots["sáng"].seconds == 10 * 610.5 + 350 and slots["sáng"].airings == 11
    assert slots["chiều"].seconds == 12 * 600 + 60 and slots["chiều"].airings == 13
    assert slots["khẩn cấp"].airings == 1
    prios = {p.key: p for p in q1_report.priorities}
    assert prios["emergency"].seconds == 90 and prios["priority"].seconds == 0
    assert sum(p.seconds for p in q1_report.priorities) == Q1_TOTAL


def test_incidents_list_reasons_in_time_order(q1_report: Report) -> None:
    got = [(i.when.day, i.status, i.reason) for i in q1_report.incidents]
    assert got == [
        (5, "interrupted", "Mất điện lúc 06:05"),
        (6, "missed", "Máy tính tắt"),
        (7, "failed", "Không mở được sound card"),
        (8, "empty", None),
    ]
    assert q1_report.incidents[0].when.utcoffset() is not None and q1_report.incidents[0].when.hour == 6


def test_station_local_date_decides_the_period(q1_records: list[AiringRecord]) -> None:
    april = build_report(q1_records, parse_period("2021-04"), TOPICS, SLOTS, [], head_of(q1_records), HCM)
    assert april.total_seconds == 60 and april.airings == 1
    march = build_report(q1_records, parse_period("2021-03"), TOPICS, SLOTS, [], head_of(q1_records), HCM)
    assert march.total_seconds == 200 + 150 + 90 + 60


def test_monthly_targets_are_judged_month_by_month(q1_report: Report) -> None:
    minutes, segments, coverage, t4 = q1_report.targets
    assert [(u.label, round(u.value, 3), u.met) for u in minutes.units] == [
        ("2021-01", 101.75, False),
        ("2021-02", 120.0, True),
        ("2021-03", round(500 / 60, 3), False),
    ]
    assert not minutes.met and minutes.reached == pytest.approx(500 / 60)
    assert [u.value for u in segments.units] == [10, 12, 3]
    assert not segments.met and segments.reached == 3
    assert not coverage.met and coverage.units[0].short_topics == ("T2", "T8", "T9", "T10")
    assert coverage.reached == 0
    assert t4.met and t4.reached == pytest.approx((10 * 310.5 + 12 * 600) / 60)


def test_all_targets_met_when_every_month_is() -> None:
    drafts = [draft(local(2021, m, d, 6, 0), (item(m * 100 + d, "T4", 900),)) for m in (1, 2, 3) for d in range(1, 9)]
    records = chain(drafts)
    report = build_report(
        records,
        parse_period("2021-Q1"),
        TOPICS,
        SLOTS,
        [Target("a", "minutes", 120, "month"), Target("b", "segments", 8, "month")],
        head_of(records),
        HCM,
    )
    assert all(r.met for r in report.targets)
    assert report.targets[0].reached == 120


def test_partial_week_expects_a_share_of_the_target() -> None:
    # 1-10 March 2021: ISO week 9 (1-7 March) whole, week 10 only 8-10 March (3 of 7 days).
    drafts = [draft(local(2021, 3, d, 6, 0), (item(d, "T1", 60),)) for d in range(1, 11)]
    records = chain(drafts)
    period = parse_period("2021-03-01..2021-03-10")
    report = build_report(records, period, TOPICS, SLOTS, [Target("w", "minutes", 7, "week")], head_of(records), HCM)
    (result,) = report.targets
    assert [(u.label, u.partial, u.expected, u.value) for u in result.units] == [
        ("2021-W09", False, 7, 7),
        ("2021-W10", True, 3, 3),
    ]
    assert result.met and result.reached == 7
    assert [p.label for p in report.weekly] == ["2021-W09", "2021-W10"]


def test_json_numbers_equal_the_sums_of_the_records(q1_records: list[AiringRecord], q1_report: Report) -> None:
    doc = report_to_json(q1_report)
    in_q1 = [r for r in q1_records if date(2021, 1, 1) <= r.scheduled_at.astimezone(HCM).date() <= date(2021, 3, 31)]
    expected_ms = sum(item_airtime_ms(r, i) for r in in_q1 for i in r.items)
    assert round(doc["total_seconds"] * 1000) == expected_ms
    assert doc["airings"] == 25
    assert sum(t["seconds"] for t in doc["topics"]) == doc["total_seconds"]
    assert {t["code"] for t in doc["topics"]} == {c for c, _ in TOPICS}
    assert doc["targets"][0] == doc["targets"][0] | {
        "name": "Thời lượng tuyên truyền CCHC",
        "target": 120,
        "met": False,
    }
    assert doc["chain_head"] == {"hash": q1_records[-1].hash, "count": len(q1_records)}
    assert doc["period"] == {"from": "2021-01-01", "to": "2021-03-31", "label": "2021-Q1"}
    assert doc["statuses"]["missed"] == 1
    assert sum(w["seconds"] for w in doc["weekly"]) == doc["total_seconds"]
    assert set(doc) >= {"slots", "priorities", "statuses"}


def test_empty_period_still_lists_topics_and_targets() -> None:
    report = build_report(
        [], parse_period("2021-05"), TOPICS, SLOTS, [Target("a", "minutes", 120, "month")], head_of([]), HCM
    )
    assert report.total_seconds == 0 and report.airings == 0
    assert len(report.topics) == 10 and not report.targets[0].met


def test_local_day_is_right_in_any_order_and_across_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # 28 March 2021: clocks jump 02:00 -> 03:00
    times = [datetime(2021, 3, d, h, m, tzinfo=berlin) for d in (27, 28, 29) for h, m in ((0, 10), (23, 50))]
    times.append(datetime(2021, 3, 28, 3, 30, tzinfo=berlin))
    drafts = [draft(at, (item(n, "T1", 60),)) for n, at in enumerate(times)]
    records = chain(drafts)
    shuffled = records[::2] + records[1::2]
    period = parse_period("2021-03-28..2021-03-28")
    for given in (records, shuffled):
        report = build_report(given, period, TOPICS, SLOTS, [], head_of(records), berlin)
        assert report.airings == 3 and report.total_seconds == 180


def test_report_from_facts_summed_by_the_database() -> None:
    # What the store would compute with GROUP BY for one March 2021 with two airings.
    d1, d2 = date(2021, 3, 1), date(2021, 3, 2)
    facts = Facts(
        day_topic_ms={(d1, "T4"): 600_000, (d1, "T1"): 60_500, (d2, "T4"): 7_140_000},
        day_topic_airings={(d1, "T4"): 1, (d1, "T1"): 1, (d2, "T4"): 1},
        day_airings={d1: 1, d2: 1},
        slot_ms={"sáng": 660_500, "chiều": 7_140_000},
        slot_items={"sáng": 2, "chiều": 5},
        slot_airings={"sáng": 1, "chiều": 1},
        priority_ms={"normal": 7_800_500},
        priority_items={"normal": 7},
        priority_airings={"normal": 2},
        topic_items={"T4": 6, "T1": 1},
        distinct_items=7,
        statuses={"completed": 2, "missed": 1},
    )
    report = report_from_facts(
        facts,
        parse_period("2021-03"),
        TOPICS,
        SLOTS,
        [Target("a", "minutes", 120, "month")],
        head_of([]),
        HCM,
    )
    assert report.total_seconds == 7800.5 and report.airings == 2 and report.item_airings == 7
    assert report.topics[3].seconds == 7740 and report.topics[3].items == 6
    assert report.targets[0].met and report.targets[0].reached == pytest.approx(7800.5 / 60)
    assert dict(report.statuses)["missed"] == 1
