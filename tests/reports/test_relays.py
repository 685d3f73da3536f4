"""The relay section from records alone (reports/relays.py, build_report): pure, no database."""

from __future__ import annotations

from dataclasses import replace

from broadcaster.reports.aggregate import build_report, parse_period
from broadcaster.reports.relays import relay_rows
from broadcaster.reports.writers import render_text
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, head_of, item, local


def relay(at_hour: int, block: dict | None, *, status: str = "completed", topic: str | None = None):  # type: ignore[no-untyped-def]
    counted = (replace(item(0, topic, 90.0), kind="relay", engine="relay"),) if topic else ()
    return replace(draft(local(2021, 1, 5, at_hour, 0), counted, slot="tiếp sóng", kind="relay", status=status,
                         duration=120.0), relay=block)  # fmt: skip


def test_relays_are_summed_per_source_and_kept_out_of_the_news() -> None:
    records = chain(
        [
            draft(local(2021, 1, 5, 6, 0), (item(1, "T1", 60),)),
            relay(19, {"name": "Huyện", "url": "http://h/1", "relay_seconds": 100.5, "fallback_seconds": 19.5}),
            relay(20, {"url": "http://vov/1", "relay_seconds": 90.0, "fallback_seconds": 0.0}, topic="T4"),
            relay(21, {"name": "Huyện", "url": "http://h/2", "segments": [{"kind": "relay", "seconds": 30.25}]}),
            relay(22, {"name": "Huyện", "url": "http://h/1"}, status="failed"),  # nothing aired
        ]
    )
    report = build_report(records, parse_period("2021-01"), TOPICS, SLOTS, [], head_of(records), HCM)
    huyen, vov = report.relays
    assert (huyen.source, huyen.urls, huyen.airings, huyen.not_aired) == ("Huyện", ("http://h/1", "http://h/2"), 2, 1)
    assert (huyen.relay_seconds, huyen.fallback_seconds, huyen.counts_toward_topic) == (130.75, 19.5, False)
    assert (vov.source, vov.topics, vov.topic_seconds, vov.relay_seconds) == ("http://vov/1", ("T4",), 90.0, 90.0)
    assert report.total_seconds == 60 + 90  # the news, and VOV's relay counted in T4 only
    assert relay_rows(records) == report.relays
    text = render_text(report)
    assert "  Huyện            2             2,2                 0,3  không\n" in text
    assert "  http://vov/1     1             1,5                 0,0  có (T4)\n" in text
