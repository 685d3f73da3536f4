from __future__ import annotations

import pytest

from broadcaster.airlog import AiringRecord
from broadcaster.reports.aggregate import Report, Target, build_report, parse_period
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, head_of, item, local

Q1_TARGETS = [
    Target("Thời lượng tuyên truyền CCHC", "minutes", 120, "month"),
    Target("Số chuyên mục CCHC", "segments", 8, "month"),
    Target("Phủ đủ các nội dung", "topic_coverage", 1, "quarter"),
    Target("Thời lượng về thủ tục hành chính", "minutes", 100, "quarter", topic="T4"),
]


def q1_drafts() -> list:
    drafts = [draft(local(2020, 12, 31, 23, 59), (item(900, "T1", 50),))]  # before the period
    for day in range(4, 14):  # January: 10 airings of 610.5 s
        drafts.append(draft(local(2021, 1, day, 6, 0), (item(1, "T1", 300), item(100 + day, "T4", 310.5, offset=300))))
    for day in range(1, 13):  # February: 12 airings of 600 s
        drafts.append(draft(local(2021, 2, day, 17, 0), (item(200 + day, "T4", 600),), slot="chiều"))
    drafts += [
        draft(
            local(2021, 3, 5, 6, 0),
            (item(300, "T3", 200), item(301, "T5", 300, offset=200, completed=False)),
            status="interrupted",
            duration=350,
            reason="Mất điện lúc 06:05",
        ),
        draft(local(2021, 3, 6, 6, 0), (item(302, "T2", 120),), status="missed", reason="Máy tính tắt"),
        draft(
            local(2021, 3, 7, 17, 0),
            (item(303, "T2", 120),),
            slot="chiều",
            status="failed",
            reason="Không mở được sound card",
        ),
        draft(local(2021, 3, 8, 6, 0), (), status="empty"),
        draft(
            local(2021, 3, 10, 9, 15),
            (item(304, "T7", 90, priority="emergency"),),
            slot="khẩn cấp",
            kind="emergency",
        ),
        draft(local(2021, 3, 31, 23, 30), (item(305, "T6", 60),), slot="chiều"),  # still March locally
        draft(local(2021, 4, 1, 0, 30), (item(306, "T6", 60),), slot="chiều"),  # UTC says March 31
    ]
    return drafts


@pytest.fixture
def q1_records() -> list[AiringRecord]:
    return chain(q1_drafts())


@pytest.fixture
def q1_report(q1_records: list[AiringRecord]) -> Report:
    return build_report(q1_records, parse_period("2021-Q1"), TOPICS, SLOTS, Q1_TARGETS, head_of(q1_records), HCM)
