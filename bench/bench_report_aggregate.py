"""Time report aggregation over 10 years of one commune's airings (pure Python part only).

75,000 airings (about 20 a day: 2 slots x 10 years is ~7,300, so this models a busy station
or several villages' lines) with 3 items each, Asia/Ho_Chi_Minh.

Run: .venv/bin/python bench/bench_report_aggregate.py
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from broadcaster.airlog import GENESIS, AiredItem, AiringDraft, AiringRecord, ChainHead, seal, verify_chain
from broadcaster.reports.aggregate import (
    Target,
    build_report,
    parse_period,
    report_from_facts,
    report_to_json,
    rollup,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
N_AIRINGS = 75_000
TOPICS = [(f"T{i}", f"Chủ đề {i}") for i in range(1, 11)]
SLOTS = ["sáng", "trưa", "chiều"]
STATUSES = ["completed"] * 92 + ["interrupted"] * 3 + ["missed", "failed"] + ["empty"] * 3
TARGETS = [
    Target("Thời lượng", "minutes", 120, "month"),
    Target("Chuyên mục", "segments", 8, "month"),
    Target("Phủ chủ đề", "topic_coverage", 1, "quarter"),
    Target("TTHC", "minutes", 60, "month", topic="T4"),
    Target("Tuần", "minutes", 30, "week"),
]


def make_records() -> list[AiringRecord]:
    start = datetime(2016, 1, 1, tzinfo=UTC)
    span = timedelta(days=3653) / N_AIRINGS
    records = []
    for n in range(N_AIRINGS):
        at = start + span * n
        status = STATUSES[n % len(STATUSES)]
        items = tuple(
            AiredItem(
                item_id=n * 3 + k,
                title=f"Tin {n}-{k}",
                topic=TOPICS[(n + k) % 10][0],
                priority="emergency" if n % 97 == 0 else "normal",
                offset_seconds=k * 120.0,
                duration_seconds=115.5,
                engine="gtts",
                voice="vi",
                approved_by="Cán bộ VH",
                approved_at=None,
                completed=status == "completed" or k == 0,
            )
            for k in range(3 if status != "empty" else 0)
        )
        records.append(
            AiringRecord(
                seq=n + 1,
                slot=SLOTS[n % 3],
                kind="slot",
                scheduled_at=at,
                started_at=at,
                ended_at=at,
                duration_seconds=300.0 if status == "interrupted" else 360.0,
                status=status,
                reason="Mất điện" if status != "completed" else None,
                output="soundcard",
                device="default",
                amplifier="none",
                audio_sha256=None,
                exemption=None,
                items=items,
                prev_hash=GENESIS,
                hash="",
            )
        )
    return records


def timed(label: str, fn, repeat: int = 7) -> None:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    print(f"{label:<52} median {statistics.median(runs):8.1f} ms   min {min(runs):8.1f} ms")


def main() -> None:
    t0 = time.perf_counter()
    records = make_records()
    print(
        f"built {len(records):,} records ({sum(len(r.items) for r in records):,} items) "
        f"in {time.perf_counter() - t0:.2f} s"
    )
    head = ChainHead("0" * 64, len(records))
    ten_years = parse_period("2016-01-01..2025-12-31")
    quarter = parse_period("2021-Q1")
    timed(
        "build_report, 10 years, 5 targets",
        lambda: build_report(records, ten_years, TOPICS, SLOTS, TARGETS, head, HCM),
    )
    q_records = [
        r for r in records if datetime(2020, 12, 31, tzinfo=UTC) <= r.scheduled_at < datetime(2021, 4, 2, tzinfo=UTC)
    ]
    timed(
        f"build_report, one quarter ({len(q_records):,} records passed)",
        lambda: build_report(q_records, quarter, TOPICS, SLOTS, TARGETS, head, HCM),
    )
    timed(
        "build_report, one quarter (all 75k passed, filtered)",
        lambda: build_report(records, quarter, TOPICS, SLOTS, TARGETS, head, HCM),
    )
    facts = rollup(records, ten_years, HCM)
    timed("  of which rollup (records -> per-day Facts)", lambda: rollup(records, ten_years, HCM))
    timed(
        "  of which report_from_facts (the SQL-GROUP-BY path)",
        lambda: report_from_facts(facts, ten_years, TOPICS, SLOTS, TARGETS, head, HCM),
    )
    report = build_report(records, ten_years, TOPICS, SLOTS, TARGETS, head, HCM)
    timed("report_to_json, 10 years", lambda: report_to_json(report))
    print(f"10-year total: {report.total_seconds:,.1f} s in {report.airings:,} airings")

    # Chain: sealing and verifying (what `broadcaster log --verify` costs in Python).
    drafts = [
        AiringDraft(
            r.slot,
            r.kind,
            r.scheduled_at,
            r.started_at,
            r.ended_at,
            r.duration_seconds,
            r.status,
            r.reason,
            r.output,
            r.device,
            r.amplifier,
            r.audio_sha256,
            r.exemption,
            r.items,
        )
        for r in records
    ]
    t0 = time.perf_counter()
    sealed = []
    prev = GENESIS
    for seq, d in enumerate(drafts, start=1):
        rec = seal(d, prev, seq)
        sealed.append(rec)
        prev = rec.hash
    print(f"{'seal 75k records':<52} {(time.perf_counter() - t0) * 1000:8.1f} ms")
    timed("verify_chain, 75k records", lambda: verify_chain(sealed), repeat=3)


if __name__ == "__main__":
    main()
