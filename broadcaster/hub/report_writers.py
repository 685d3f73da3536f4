"""The district report as text, CSV, JSON and a PNG chart (the .docx is in report_docx.py).

Vietnamese, as the district reads it: dates dd/mm/yyyy, decimal comma.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, tzinfo
from pathlib import Path

from broadcaster.hub.reports import CommuneFigures, DistrictReport
from broadcaster.hub.settings import HubReportSection
from broadcaster.reports.vietnamese import (
    PRIORITY_LABELS,
    hours_minutes_text,
    minutes_text,
    period_phrase,
    vn_short_date,
)
from broadcaster.reports.writers import _table, cell_text, write_atomic

FORMATS = ("text", "csv", "json", "docx", "png")
CHART_COMMUNES = 60

COMMUNE_COLUMNS = (
    "ma_xa",
    "ten_xa",
    "so_buoi",
    "buoi_co_tin",
    "luot_tin",
    "phut",
    "luot_tin_huyen",
    "phut_tin_huyen",
    "tron_ven",
    "gian_doan",
    "loi",
    "bo_lo",
    "khong_co_tin",
    "ma_kiem_chung",
    "canh_bao",
)
BULLETIN_COLUMNS = (
    "ma_ban_tin",
    "tieu_de",
    "chu_de",
    "muc_do",
    "gui_den",
    "da_nhan",
    "xa_da_phat",
    "luot_phat",
    "phut",
)


def _contact(c: CommuneFigures, tz: tzinfo) -> str:
    return f"{c.last_contact_at.astimezone(tz):%d/%m/%Y %H:%M}" if c.last_contact_at else "chưa kết nối"


def render_text(report: DistrictReport, tz: tzinfo) -> str:
    """`tz`: the hub's time zone (its settings' `tz`): its times are stored in UTC and read in the district's."""
    p, total = report.period, report.total
    lines = [
        f"BÁO CÁO TỔNG HỢP KẾT QUẢ PHÁT THANH CỦA CÁC ĐÀI TRUYỀN THANH XÃ - {period_phrase(p)}",
        f"Đơn vị: {report.hub_name}",
        f"Kỳ báo cáo: {vn_short_date(p.start)} - {vn_short_date(p.end)} ({p.label})",
        "",
        f"Số xã: {len(report.communes)}; số buổi phát: {total.airings} ({total.on_air} buổi có tin); "
        f"lượt tin: {total.item_airings}; thời lượng: {hours_minutes_text(total.ms / 1000)}",
        f"Tin của huyện đã phát: {total.district_items} lượt, {minutes_text(total.district_ms / 1000)} phút",
        "",
        "Theo xã:",
    ]
    rows: list[tuple[str, ...]] = [("Mã", "Xã", "Buổi", "Lượt tin", "Phút", "Tin huyện", "Không trọn", "Liên lạc")]
    rows += [
        (
            c.code,
            c.name,
            str(c.airings),
            str(c.item_airings),
            minutes_text(c.ms / 1000),
            str(c.district_items),
            str(c.incomplete),
            _contact(c, tz),
        )
        for c in report.communes
    ]
    lines += [*_table(rows, {2, 3, 4, 5, 6}), "", "Theo bản tin của huyện:"]
    if report.bulletins:
        rows = [("Bản tin", "Mức", "Gửi đến", "Đã nhận", "Xã đã phát", "Lượt phát", "Phút")]
        rows += [
            (
                b.title[:60],
                PRIORITY_LABELS.get(b.priority, b.priority),
                str(b.addressed),
                str(b.delivered),
                str(b.aired_by),
                str(b.airings),
                minutes_text(b.ms / 1000),
            )
            for b in report.bulletins
        ]
        lines += _table(rows, {2, 3, 4, 5, 6})
    else:
        lines.append("  (không có)")
    lines += ["", "Mã kiểm chứng nhật ký của từng xã:"]
    lines += [f"  {c.code}: {c.verification_code}" for c in report.communes]
    flagged = [c for c in report.communes if c.problem]
    if flagged:
        lines += ["", "Cảnh báo:"]
        lines += [f"  {c.code} {c.name}: {c.problem}" for c in flagged]
    return "\n".join(lines) + "\n"


def render_csv(report: DistrictReport) -> str:
    """The communes, a blank line, then the district bulletins (each with its own header row). Typed text
    that a spreadsheet would run as a formula starts with ' (`cell_text`), as in the commune's CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COMMUNE_COLUMNS)
    for c in report.communes:
        writer.writerow(
            (
                cell_text(c.code),
                cell_text(c.name),
                c.airings,
                c.on_air,
                c.item_airings,
                f"{c.ms / 60000:.1f}",
                c.district_items,
                f"{c.district_ms / 60000:.1f}",
                c.completed,
                c.interrupted,
                c.failed,
                c.missed,
                c.empty,
                c.verification_code,
                cell_text(c.problem or ""),  # a forked station's problem quotes its records
            )
        )
    writer.writerow(())
    writer.writerow(BULLETIN_COLUMNS)
    for b in report.bulletins:
        row = (
            b.id,
            cell_text(b.title),
            cell_text(b.topic),
            b.priority,
            b.addressed,
            b.delivered,
            b.aired_by,
            b.airings,
            f"{b.ms / 60000:.1f}",
        )
        writer.writerow(row)
    return out.getvalue()


def render_json(report: DistrictReport) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"


def render_png(report: DistrictReport) -> bytes:
    """Minutes on air per commune (the communes with the least airtime first when there are many)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    communes = sorted(report.communes, key=lambda c: (c.ms, c.code))[:CHART_COMMUNES]
    communes.reverse()
    height = max(3.0, 0.28 * len(communes) + 1.5)
    fig, ax = plt.subplots(figsize=(9, height), dpi=110)
    try:
        ax.barh([c.name for c in communes], [c.ms / 60000 for c in communes], color="#1f5fa8", label="Tất cả tin")
        ax.barh(
            [c.name for c in communes], [c.district_ms / 60000 for c in communes], color="#d9822b", label="Tin huyện"
        )
        ax.set_xlabel("Phút")
        more = len(report.communes) > CHART_COMMUNES
        title = f"Thời lượng phát theo xã - {period_phrase(report.period)}"
        ax.set_title(title + (f"\n({CHART_COMMUNES} xã có thời lượng thấp nhất)" if more else ""))
        ax.legend(loc="lower right")
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


def render(report: DistrictReport, fmt: str, section: HubReportSection, issued_on: date, tz: tzinfo) -> bytes:
    """`section` and `issued_on`: who issues the .docx and the date under its motto; `tz`: the hub's."""
    if fmt == "png":
        return render_png(report)
    if fmt == "docx":
        from broadcaster.hub.report_docx import render_docx

        return render_docx(report, section, issued_on)
    if fmt == "text":
        return render_text(report, tz).encode("utf-8")
    text = {"csv": render_csv, "json": render_json}[fmt](report)
    # The BOM tells Excel the file is UTF-8; without it Vietnamese shows as mojibake.
    return text.encode("utf-8-sig" if fmt == "csv" else "utf-8")


def write(report: DistrictReport, fmt: str, path: Path, section: HubReportSection, issued_on: date, tz: tzinfo) -> Path:
    return write_atomic(path, render(report, fmt, section, issued_on, tz))
