"""The report as a Vietnamese administrative document (.docx) the official can print and sign.

Layout per Nghị định 30/2020/NĐ-CP (see docs/administrative-report-layout): A4, Times New
Roman, a borderless two-column header (issuing body | national name and motto), BÁO CÁO and
its subject, sections I-III, the log verification code, recipients and signature block.
Sections II and III end with bracketed placeholders the official completes in Word.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from broadcaster.reports.docx_layout import (
    body,
    cell,
    grid,
    indent,
    no_borders,
    para,
    rule,
    set_widths,
    setup,
    warning_box,
    warning_on_every_page,
)
from broadcaster.reports.docx_relays import relay_section
from broadcaster.reports.figures import Report, ReportHeader, TargetResult
from broadcaster.reports.reasons_vi import reason_vi, unverified_lines
from broadcaster.reports.vietnamese import (
    KIND_LABELS,
    STATUS_LABELS,
    UNIT_LABELS,
    hours_minutes_text,
    minutes_text,
    number_text,
    partial_basis,
    period_phrase,
    place_date_line,
    report_subject,
)
from broadcaster.reports.writers import write_atomic

TEXT_WIDTH_CM = 16.5  # A4 210 mm - 30 mm left - 15 mm right
LEFT_COL_CM, RIGHT_COL_CM = 7.6, 9.6
# The header block is wider than the text, as in the decree's templates: it starts this far into the left margin.
HEADER_INDENT_CM = -0.7
MAX_INCIDENT_ROWS = 30
MAX_UNIT_DETAILS = 12


def header_block(doc: DocumentObject, header: ReportHeader, issued_on: date) -> None:
    table = doc.add_table(rows=3, cols=2)
    no_borders(table)
    left, right = [row.cells[0] for row in table.rows], [row.cells[1] for row in table.rows]
    cell(left[0], header.governing_body.upper(), 12)
    cell(right[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    cell(left[1], header.issuing_body.upper(), 12, bold=True)
    rule(left[1], 2.5, LEFT_COL_CM)
    cell(right[1], "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    rule(right[1], 6.0, RIGHT_COL_CM)
    cell(left[2], f"Số:        /{header.doc_symbol}", 13)
    cell(right[2], place_date_line(header.place, issued_on), 14, italic=True)
    set_widths(table, (LEFT_COL_CM, RIGHT_COL_CM))
    indent(table, HEADER_INDENT_CM)


def _target_row(n: int, r: TargetResult) -> list[str]:
    t = r.target
    unit = f"{KIND_LABELS[t.kind]}/{UNIT_LABELS[t.per]}"
    plan = f"{number_text(t.value)} {unit}" + (f" (chủ đề {t.topic})" if t.topic else "")
    basis = partial_basis(r)
    if basis is None:
        reached = number_text(r.reached)
    else:  # the part of the unit in the period: its share of the target, and what aired
        plan += f"; {basis.scope}: cần {basis.expected}"
        reached = basis.reached
    if 1 < len(r.units) <= MAX_UNIT_DETAILS:
        reached += " (" + "; ".join(f"{u.label}: {number_text(u.value)}" for u in r.units) + ")"
    elif len(r.units) > MAX_UNIT_DETAILS:
        met = sum(u.met for u in r.units)
        reached += f" ({met}/{len(r.units)} {UNIT_LABELS[t.per]} đạt)"
    return [str(n), t.name, plan, reached, "Đạt" if r.met else "Chưa đạt"]


def _results(doc: DocumentObject, report: Report) -> None:
    body(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    body(doc, "1. Thời lượng và số buổi phát", bold=True)
    body(
        doc,
        f"Trong {period_phrase(report.period)}, Đài truyền thanh xã đã phát {report.airings} buổi có tin "
        f"tuyên truyền về cải cách hành chính, với {report.item_airings} lượt tin "
        f"({report.distinct_items} tin khác nhau), tổng thời lượng "
        f"{hours_minutes_text(report.total_seconds)} ({minutes_text(report.total_seconds)} phút).",
    )
    body(doc, "2. Kết quả theo nội dung tuyên truyền", bold=True)
    rows = [
        [str(n), t.name, str(t.airings), str(t.items), minutes_text(t.seconds)]
        for n, t in enumerate(report.topics, start=1)
    ]
    rows.append(["", "Tổng cộng", str(report.airings), str(report.distinct_items), minutes_text(report.total_seconds)])
    grid(
        doc,
        ["STT", "Nội dung tuyên truyền", "Số buổi", "Số tin", "Thời lượng (phút)"],
        rows,
        (1.5, 8.0, 2.0, 2.0, 3.0),
    )
    _slots_and_languages(doc, report)
    body(doc, "5. Kết quả thực hiện chỉ tiêu", bold=True)
    if report.targets:
        rows = [_target_row(n, r) for n, r in enumerate(report.targets, start=1)]
        grid(
            doc,
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá"],
            rows,
            (1.5, 4.7, 3.6, 4.2, 2.5),
            frozenset({1, 3}),
        )
    else:
        body(doc, "Kế hoạch không đặt chỉ tiêu định lượng cho kỳ này.")
    relay_section(doc, report, 6)
    _chain_code(doc, report)


def _slots_and_languages(doc: DocumentObject, report: Report) -> None:
    body(doc, "3. Kết quả theo khung giờ phát", bold=True)
    rows = [
        [str(n), s.key, str(s.airings), str(s.items), minutes_text(s.seconds)]
        for n, s in enumerate(report.slots, start=1)
    ]
    grid(doc, ["STT", "Khung giờ", "Số buổi", "Lượt tin", "Thời lượng (phút)"], rows, (1.5, 8.0, 2.0, 2.0, 3.0))
    # Nghị định 49/2024/NĐ-CP: essential information also in the local ethnic-minority languages
    body(doc, "4. Kết quả theo ngôn ngữ phát thanh", bold=True)
    rows = [
        [str(n), f"{g.name} ({g.code})", str(g.airings), str(g.items), minutes_text(g.seconds)]
        for n, g in enumerate(report.languages, start=1)
    ]
    grid(doc, ["STT", "Ngôn ngữ", "Số buổi", "Lượt tin", "Thời lượng (phút)"], rows, (1.5, 8.0, 2.0, 2.0, 3.0))


def _chain_code(doc: DocumentObject, report: Report) -> None:
    """The log's chain head, to check later that the log was not changed; marked when it was not checked."""
    if report.unverified:
        body(
            doc,
            f"Mã kiểm chứng nhật ký: {report.chain_head} (NHẬT KÝ KHÔNG QUA KIỂM TRA TOÀN VẸN khi lập báo cáo: "
            "không dùng mã này để xác nhận số liệu).",
            bold=True,
        )
        return
    body(
        doc,
        f"Mã kiểm chứng nhật ký: {report.chain_head} (dùng để đối chiếu, bảo đảm nhật ký phát thanh "
        "không bị sửa, xóa sau ngày lập báo cáo).",
        italic=True,
    )


def _shortcomings(doc: DocumentObject, report: Report) -> None:
    body(doc, "II. TỒN TẠI, HẠN CHẾ", bold=True)
    counts = dict(report.statuses)
    listed = [i for i in report.incidents if i.status != "empty"]
    body(
        doc,
        f"Trong kỳ có {len(listed)} buổi phát không trọn vẹn ({counts.get('interrupted', 0)} bị gián đoạn, "
        f"{counts.get('missed', 0)} bỏ lỡ, {counts.get('failed', 0)} lỗi thiết bị) và "
        f"{counts.get('empty', 0)} khung giờ không có tin để phát.",
    )
    if listed:
        rows = [
            [
                str(n),
                i.when.strftime("%d/%m/%Y %H:%M"),
                i.slot,
                STATUS_LABELS.get(i.status, i.status),
                reason_vi(i.reason),
            ]
            for n, i in enumerate(listed[:MAX_INCIDENT_ROWS], start=1)
        ]
        grid(
            doc,
            ["STT", "Thời gian", "Khung giờ", "Tình trạng", "Lý do"],
            rows,
            (1.5, 3.1, 2.6, 3.3, 6.0),
            frozenset({4}),
        )
        if len(listed) > MAX_INCIDENT_ROWS:
            more = len(listed) - MAX_INCIDENT_ROWS
            body(doc, f"… và {more} buổi khác (chi tiết trong tệp số liệu kèm theo).")
    missed_targets = [r.target.name for r in report.targets if not r.met]
    if missed_targets:
        body(doc, "Chỉ tiêu chưa đạt: " + "; ".join(missed_targets) + ".")
    body(doc, "[Cán bộ văn hóa - xã hội bổ sung đánh giá tồn tại, hạn chế và nguyên nhân.]", italic=True)


def _closing(doc: DocumentObject, header: ReportHeader) -> None:
    body(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ", bold=True)
    body(
        doc,
        "[Cán bộ văn hóa - xã hội bổ sung phương hướng, nhiệm vụ tuyên truyền cải cách hành chính kỳ tới.]",
        italic=True,
    )
    body(
        doc,
        f"Trên đây là báo cáo kết quả công tác tuyên truyền cải cách hành chính của {header.issuing_body}./.",
    )
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    left, right = table.rows[0].cells
    cell(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for n, name in enumerate(header.recipients, start=1):
        # Nghị định 30/2020: each recipient ends with ";", the last (the archive) with "."
        line = name if name.startswith("-") else f"- {name}"
        if not line.endswith((";", ".")):
            line += "." if n == len(header.recipients) else ";"
        para(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell(right, header.signer_authority.upper(), 14, bold=True)
    para(right, header.signer_title.upper(), 14, bold=True)
    for _ in range(4):
        para(right, "", 14)
    para(right, header.signer_name, 14, bold=True)
    set_widths(table, (LEFT_COL_CM, RIGHT_COL_CM))
    indent(table, HEADER_INDENT_CM)


def render_docx(report: Report, header: ReportHeader, issued_on: date) -> bytes:
    """The whole document as .docx bytes; `issued_on` is the date printed under the motto."""
    doc = Document()
    setup(doc)
    warning = unverified_lines(report.check.problems) if report.unverified and report.check else []
    if warning:
        warning_on_every_page(doc, warning[0])
    header_block(doc, header, issued_on)
    para(doc, "BÁO CÁO", 14, bold=True).paragraph_format.space_before = Pt(18)
    para(doc, report_subject(report.period), 14, bold=True)
    rule(doc, 3.0, TEXT_WIDTH_CM)
    para(doc, "", 14, after=6)
    if warning:
        warning_box(doc, warning)
    _results(doc, report)
    _shortcomings(doc, report)
    _closing(doc, header)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_docx(report: Report, header: ReportHeader, path: Path, issued_on: date) -> Path:
    return write_atomic(path, render_docx(report, header, issued_on))


__all__ = ["ReportHeader", "render_docx", "write_docx"]
