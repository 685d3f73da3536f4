"""The .docx's relay section (tiếp sóng): the relays of the period per source, apart from the commune's news."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from broadcaster.reports.docx_layout import body, grid
from broadcaster.reports.figures import Report
from broadcaster.reports.vietnamese import minutes_text

HEADINGS = ["STT", "Nguồn tiếp sóng", "Số buổi", "Tiếp sóng (phút)", "Phát thay thế (phút)", "Tính vào chủ đề"]
WIDTHS = (1.2, 5.0, 1.8, 2.6, 2.8, 3.1)


def relay_section(doc: DocumentObject, report: Report, number: int) -> None:
    """Section `number` of part I, only when the period has relays."""
    if not report.relays:
        return
    body(doc, f"{number}. Tiếp sóng", bold=True)
    body(
        doc,
        "Thời lượng tiếp sóng chương trình của đài cấp trên được báo cáo riêng, không tính vào thời lượng "
        "tuyên truyền cải cách hành chính của xã nêu trên, trừ các buổi tiếp sóng được tính vào một chủ đề "
        "(cột cuối). Phát thay thế: thời gian Đài phát bản tin của xã hoặc thông báo khi mất tín hiệu tiếp sóng.",
    )
    rows = [
        [
            str(n),
            r.source,
            str(r.airings),
            minutes_text(r.relay_seconds),
            minutes_text(r.fallback_seconds),
            f"Có ({', '.join(r.topics)})" if r.topics else "Không",
        ]
        for n, r in enumerate(report.relays, start=1)
    ]
    if len(rows) > 1:
        relay = sum(round(r.relay_seconds * 1000) for r in report.relays) / 1000
        fallback = sum(round(r.fallback_seconds * 1000) for r in report.relays) / 1000
        airings = sum(r.airings for r in report.relays)
        rows.append(["", "Tổng cộng", str(airings), minutes_text(relay), minutes_text(fallback), ""])
    grid(doc, HEADINGS, rows, WIDTHS)
