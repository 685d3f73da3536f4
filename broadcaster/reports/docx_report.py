"""The report as a Vietnamese administrative document (.docx) the official can print and sign.

Layout per Nghị định 30/2020/NĐ-CP (see docs/administrative-report-layout): A4, Times New
Roman, a borderless two-column header (issuing body | national name and motto), BÁO CÁO and
its subject, sections I-III, the log verification code, recipients and signature block.
Sections II and III end with bracketed placeholders the official completes in Word.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from broadcaster.reports.figures import Report, TargetResult
from broadcaster.reports.vietnamese import (
    KIND_LABELS,
    STATUS_LABELS,
    UNIT_LABELS,
    hours_minutes_text,
    minutes_text,
    number_text,
    period_phrase,
    place_date_line,
    report_subject,
)
from broadcaster.reports.writers import write_atomic

FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.5  # A4 210 mm - 30 mm left - 15 mm right
LEFT_COL_CM, RIGHT_COL_CM = 7.6, 9.6
# The header block is wider than the text, as in the decree's templates: it starts this far into the left margin.
HEADER_INDENT_CM = -0.7
MAX_INCIDENT_ROWS = 30
MAX_UNIT_DETAILS = 12


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """Who issues and signs the report; station settings, passed by the caller."""

    governing_body: str
    issuing_body: str
    place: str
    signer_title: str
    signer_name: str
    recipients: Sequence[str]
    doc_symbol: str = "BC-UBND"
    signer_authority: str = "TM. ỦY BAN NHÂN DÂN"


Container = DocumentObject | _Cell


def _run(p: Paragraph, text: str, size: float, bold: bool = False, italic: bool = False) -> None:
    run = p.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    # Word picks the east-Asian/complex-script font for some Vietnamese characters otherwise.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(
    box: Container,
    text: str = "",
    size: float = 14,
    *,
    bold: bool = False,
    italic: bool = False,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
    indent: bool = False,
    after: float = 0,
    spacing: float = 1.0,
) -> Paragraph:
    p = box.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing = spacing
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        _run(p, text, size, bold, italic)
    return p


def _body(doc: DocumentObject, text: str, *, bold: bool = False, italic: bool = False) -> Paragraph:
    return _para(
        doc,
        text,
        14,
        bold=bold,
        italic=italic,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        after=6,
        spacing=1.15,
    )


def _rule(box: Container, length_cm: float, width_cm: float) -> None:
    """A centred horizontal line: the top border of a tiny empty paragraph."""
    p = box.add_paragraph()
    # pBdr must precede spacing/ind/jc in pPr, so add it before any formatting.
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    border.append(top)
    p._p.get_or_add_pPr().append(border)
    side = Cm(max((width_cm - 0.4 - length_cm) / 2, 0))
    fmt = p.paragraph_format
    fmt.left_indent = side
    fmt.right_indent = side
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(4)


def _no_borders(table: Table) -> None:
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    props.append(borders)


def _widths(table: Table, widths: Sequence[float]) -> None:
    table.autofit = False
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _cell(
    cell: _Cell,
    text: str,
    size: float = 13,
    *,
    bold: bool = False,
    italic: bool = False,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
) -> Paragraph:
    p: Paragraph = cell.paragraphs[0]
    p.paragraph_format.alignment = align
    p.paragraph_format.space_after = Pt(0)
    _run(p, text, size, bold, italic)
    return p


def _grid(
    doc: DocumentObject,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    left_cols: frozenset[int] = frozenset({1}),
) -> Table:
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(header):
        _cell(table.rows[0].cells[i], text, bold=True)
    for r, row in enumerate(rows, start=1):
        last = r == len(rows) and row[0] == ""
        for i, text in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.LEFT if i in left_cols else WD_ALIGN_PARAGRAPH.CENTER
            _cell(table.rows[r].cells[i], text, bold=last, align=align)
    _widths(table, widths)
    _para(doc, "", 6)
    return table


def _page_numbers(doc: DocumentObject) -> None:
    """Page numbers centred at the top from page 2 on (the first page has its own, empty header)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    run.font.name = FONT
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    _page_numbers(doc)


def _header_block(doc: DocumentObject, header: ReportHeader, issued_on: date) -> None:
    table = doc.add_table(rows=3, cols=2)
    _no_borders(table)
    left, right = [row.cells[0] for row in table.rows], [row.cells[1] for row in table.rows]
    _cell(left[0], header.governing_body.upper(), 12)
    _cell(right[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    _cell(left[1], header.issuing_body.upper(), 12, bold=True)
    _rule(left[1], 2.5, LEFT_COL_CM)
    _cell(right[1], "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    _rule(right[1], 6.0, RIGHT_COL_CM)
    _cell(left[2], f"Số:        /{header.doc_symbol}", 13)
    _cell(right[2], place_date_line(header.place, issued_on), 14, italic=True)
    _widths(table, (LEFT_COL_CM, RIGHT_COL_CM))
    _indent(table, HEADER_INDENT_CM)


def _indent(table: Table, cm: float) -> None:
    properties = table._tbl.tblPr
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(round(cm / 2.54 * 1440)))  # twentieths of a point
    indent.set(qn("w:type"), "dxa")
    properties.append(indent)


def _target_row(n: int, r: TargetResult) -> list[str]:
    t = r.target
    unit = f"{KIND_LABELS[t.kind]}/{UNIT_LABELS[t.per]}"
    plan = f"{number_text(t.value)} {unit}" + (f" (chủ đề {t.topic})" if t.topic else "")
    reached = number_text(r.reached)
    if 1 < len(r.units) <= MAX_UNIT_DETAILS:
        reached += " (" + "; ".join(f"{u.label}: {number_text(u.value)}" for u in r.units) + ")"
    elif len(r.units) > MAX_UNIT_DETAILS:
        met = sum(u.met for u in r.units)
        reached += f" ({met}/{len(r.units)} {UNIT_LABELS[t.per]} đạt)"
    return [str(n), t.name, plan, reached, "Đạt" if r.met else "Chưa đạt"]


def _results(doc: DocumentObject, report: Report) -> None:
    _body(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    _body(doc, "1. Thời lượng và số buổi phát", bold=True)
    _body(
        doc,
        f"Trong {period_phrase(report.period)}, Đài truyền thanh xã đã phát {report.airings} buổi có tin "
        f"tuyên truyền về cải cách hành chính, với {report.item_airings} lượt tin "
        f"({report.distinct_items} tin khác nhau), tổng thời lượng "
        f"{hours_minutes_text(report.total_seconds)} ({minutes_text(report.total_seconds)} phút).",
    )
    _body(doc, "2. Kết quả theo nội dung tuyên truyền", bold=True)
    rows = [
        [str(n), t.name, str(t.airings), str(t.items), minutes_text(t.seconds)]
        for n, t in enumerate(report.topics, start=1)
    ]
    rows.append(["", "Tổng cộng", str(report.airings), str(report.distinct_items), minutes_text(report.total_seconds)])
    _grid(
        doc,
        ["STT", "Nội dung tuyên truyền", "Số buổi", "Số tin", "Thời lượng (phút)"],
        rows,
        (1.5, 8.0, 2.0, 2.0, 3.0),
    )
    _body(doc, "3. Kết quả theo khung giờ phát", bold=True)
    rows = [
        [str(n), s.key, str(s.airings), str(s.items), minutes_text(s.seconds)]
        for n, s in enumerate(report.slots, start=1)
    ]
    _grid(doc, ["STT", "Khung giờ", "Số buổi", "Lượt tin", "Thời lượng (phút)"], rows, (1.5, 8.0, 2.0, 2.0, 3.0))
    _body(doc, "4. Kết quả thực hiện chỉ tiêu", bold=True)
    if report.targets:
        rows = [_target_row(n, r) for n, r in enumerate(report.targets, start=1)]
        _grid(
            doc,
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá"],
            rows,
            (1.5, 4.7, 3.6, 4.2, 2.5),
            frozenset({1, 3}),
        )
    else:
        _body(doc, "Kế hoạch không đặt chỉ tiêu định lượng cho kỳ này.")
    _body(
        doc,
        f"Mã kiểm chứng nhật ký: {report.chain_head} (dùng để đối chiếu, bảo đảm nhật ký phát thanh "
        "không bị sửa, xóa sau ngày lập báo cáo).",
        italic=True,
    )


def _shortcomings(doc: DocumentObject, report: Report) -> None:
    _body(doc, "II. TỒN TẠI, HẠN CHẾ", bold=True)
    counts = dict(report.statuses)
    listed = [i for i in report.incidents if i.status != "empty"]
    _body(
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
                i.reason or "",
            ]
            for n, i in enumerate(listed[:MAX_INCIDENT_ROWS], start=1)
        ]
        _grid(
            doc,
            ["STT", "Thời gian", "Khung giờ", "Tình trạng", "Lý do"],
            rows,
            (1.5, 3.1, 2.6, 3.3, 6.0),
            frozenset({4}),
        )
        if len(listed) > MAX_INCIDENT_ROWS:
            more = len(listed) - MAX_INCIDENT_ROWS
            _body(doc, f"… và {more} buổi khác (chi tiết trong tệp số liệu kèm theo).")
    missed_targets = [r.target.name for r in report.targets if not r.met]
    if missed_targets:
        _body(doc, "Chỉ tiêu chưa đạt: " + "; ".join(missed_targets) + ".")
    _body(doc, "[Cán bộ văn hóa - xã hội bổ sung đánh giá tồn tại, hạn chế và nguyên nhân.]", italic=True)


def _closing(doc: DocumentObject, header: ReportHeader) -> None:
    _body(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ", bold=True)
    _body(
        doc,
        "[Cán bộ văn hóa - xã hội bổ sung phương hướng, nhiệm vụ tuyên truyền cải cách hành chính kỳ tới.]",
        italic=True,
    )
    _body(
        doc,
        f"Trên đây là báo cáo kết quả công tác tuyên truyền cải cách hành chính của {header.issuing_body}./.",
    )
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for n, name in enumerate(header.recipients, start=1):
        # Nghị định 30/2020: each recipient ends with ";", the last (the archive) with "."
        line = name if name.startswith("-") else f"- {name}"
        if not line.endswith((";", ".")):
            line += "." if n == len(header.recipients) else ";"
        _para(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell(right, header.signer_authority.upper(), 14, bold=True)
    _para(right, header.signer_title.upper(), 14, bold=True)
    for _ in range(4):
        _para(right, "", 14)
    _para(right, header.signer_name, 14, bold=True)
    _widths(table, (LEFT_COL_CM, RIGHT_COL_CM))
    _indent(table, HEADER_INDENT_CM)


def render_docx(report: Report, header: ReportHeader, issued_on: date) -> bytes:
    """The whole document as .docx bytes; `issued_on` is the date printed under the motto."""
    doc = Document()
    _setup(doc)
    _header_block(doc, header, issued_on)
    _para(doc, "BÁO CÁO", 14, bold=True).paragraph_format.space_before = Pt(18)
    _para(doc, report_subject(report.period), 14, bold=True)
    _rule(doc, 3.0, TEXT_WIDTH_CM)
    _para(doc, "", 14, after=6)
    _results(doc, report)
    _shortcomings(doc, report)
    _closing(doc, header)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_docx(report: Report, header: ReportHeader, path: Path, issued_on: date) -> Path:
    return write_atomic(path, render_docx(report, header, issued_on))


__all__ = ["ReportHeader", "render_docx", "write_docx"]
