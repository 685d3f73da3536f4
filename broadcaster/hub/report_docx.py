"""The district's report as a Vietnamese administrative document (.docx, Nghị định 30/2020).

The same layout and building blocks as the commune's report (reports/docx_report.py):
header block, BÁO CÁO and its subject, I. results summed over the communes with a table per
commune and per district bulletin, each commune's log verification code, II. shortcomings
(communes with incomplete airings, no contact or a flagged log), III. a placeholder, the
recipients and the signature block.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt
from docx.table import Table

from broadcaster.hub.reports import CommuneFigures, DistrictReport
from broadcaster.hub.settings import HubReportSection
from broadcaster.reports import docx_layout as layout
from broadcaster.reports import docx_report as blocks
from broadcaster.reports.vietnamese import (
    PRIORITY_LABELS,
    hours_minutes_text,
    minutes_text,
    number_text,
    period_phrase,
)

MAX_BULLETIN_ROWS = 40
CELL_STYLE = "Hub Table Cell"
CODE_STYLE = "Hub Table Code"


def _styles(doc: DocumentObject) -> None:
    """Paragraph styles for table cells: formatting once in the style, not on each of thousands of runs."""
    for name, size in ((CELL_STYLE, 13), (CODE_STYLE, 9)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.name = layout.FONT
        style.font.size = Pt(size)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.space_before = Pt(0)


def _twips(cm: float) -> int:
    return round(cm / 2.54 * 1440)


def _row_xml(
    values: Sequence[str], widths: Sequence[float], styles: Sequence[str], aligns: Sequence[str], bold: bool
) -> str:
    emphasis = "<w:rPr><w:b/></w:rPr>" if bold else ""
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{_twips(w)}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>'
        f'<w:jc w:val="{align}"/></w:pPr><w:r>{emphasis}<w:t xml:space="preserve">{escape(value)}</w:t></w:r>'
        "</w:p></w:tc>"
        for value, w, style, align in zip(values, widths, styles, aligns, strict=True)
    )
    return f"<w:tr {nsdecls('w')}>{cells}</w:tr>"


def _grid(
    doc: DocumentObject,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    left_cols: frozenset[int] = frozenset({1}),
    style: str = CELL_STYLE,
) -> Table:
    """A bordered table like the commune report's, its rows written as XML in one pass.

    Filled through python-docx's objects (each cell found by rebuilding the table's grid,
    each run formatted element by element) a 600-commune table takes half a minute."""
    table: Table = doc.add_table(rows=0, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # Word reads the cells' widths, LibreOffice the grid's: both are set
    cell_id, body_id = doc.styles[CELL_STYLE].style_id, doc.styles[style].style_id
    centred = ["center"] * len(header)
    body_aligns = ["left" if i in left_cols else "center" for i in range(len(header))]
    tbl = table._tbl
    tbl.append(parse_xml(_row_xml(header, widths, [cell_id] * len(header), centred, True)))
    for n, values in enumerate(rows, start=1):
        total = n == len(rows) and values[0] == ""
        tbl.append(parse_xml(_row_xml(values, widths, [body_id] * len(values), body_aligns, total)))
    layout.para(doc, "", 6)
    return table


def _n(value: int) -> str:
    return number_text(value)  # 1.234: the thousands separator Vietnamese documents use


def _minutes(ms: int) -> str:
    return number_text(round(ms / 60000, 1))


def header_of(section: HubReportSection) -> blocks.ReportHeader:
    return blocks.ReportHeader(
        governing_body=section.governing_body,
        issuing_body=section.issuing_body,
        place=section.place,
        signer_title=section.signer_title,
        signer_name=section.signer_name,
        recipients=section.recipients,
        doc_symbol="BC-VHTT",
        signer_authority=section.signer_authority,
    )


def subject(report: DistrictReport) -> str:
    return f"Tổng hợp kết quả hoạt động của các đài truyền thanh cấp xã {period_phrase(report.period)}"


def _results(doc: DocumentObject, report: DistrictReport) -> None:
    total = report.total
    layout.body(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    layout.body(doc, "1. Kết quả chung", bold=True)
    layout.body(
        doc,
        f"Trong {period_phrase(report.period)}, {len(report.communes)} đài truyền thanh cấp xã đã phát "
        f"{total.on_air} buổi có tin với {total.item_airings} lượt tin, tổng thời lượng "
        f"{hours_minutes_text(total.ms / 1000)} ({minutes_text(total.ms / 1000)} phút); trong đó tin, bài do "
        f"huyện cung cấp được phát {total.district_items} lượt ({minutes_text(total.district_ms / 1000)} phút). "
        "Số liệu được tổng hợp tự động từ nhật ký phát thanh của từng xã, đã kiểm tra tính toàn vẹn.",
    )
    layout.body(doc, "2. Kết quả theo từng xã", bold=True)
    rows = [
        [str(n), c.name, _n(c.on_air), _n(c.item_airings), _minutes(c.ms), _n(c.district_items)]
        for n, c in enumerate(report.communes, start=1)
    ]
    rows.append(
        [
            "",
            "Tổng cộng",
            _n(total.on_air),
            _n(total.item_airings),
            _minutes(total.ms),
            _n(total.district_items),
        ]
    )
    _grid(
        doc,
        ["STT", "Xã", "Số buổi", "Lượt tin", "Thời lượng (phút)", "Lượt tin huyện"],
        rows,
        (1.3, 5.5, 2.0, 2.2, 3.0, 2.5),
    )
    _bulletin_table(doc, report)
    _codes(doc, report)


def _bulletin_table(doc: DocumentObject, report: DistrictReport) -> None:
    layout.body(doc, "3. Kết quả phát tin, bài do huyện cung cấp", bold=True)
    if report.bulletins:
        rows = [
            [
                str(n),
                b.title,
                PRIORITY_LABELS.get(b.priority, b.priority),
                f"{_n(b.delivered)}/{_n(b.addressed)}",
                _n(b.aired_by),
                _n(b.airings),
            ]
            for n, b in enumerate(report.bulletins[:MAX_BULLETIN_ROWS], start=1)
        ]
        _grid(
            doc,
            ["STT", "Tin, bài", "Mức độ", "Đã nhận/Gửi", "Số xã đã phát", "Lượt phát"],
            rows,
            (1.3, 6.2, 2.2, 2.4, 2.2, 2.2),
        )
        if len(report.bulletins) > MAX_BULLETIN_ROWS:
            more = len(report.bulletins) - MAX_BULLETIN_ROWS
            layout.body(doc, f"… và {more} tin, bài khác (chi tiết trong tệp số liệu kèm theo).")
    else:
        layout.body(doc, "Trong kỳ, huyện không gửi tin, bài cho các xã.")


def _codes(doc: DocumentObject, report: DistrictReport) -> None:
    layout.body(doc, "4. Mã kiểm chứng nhật ký phát thanh của từng xã", bold=True)
    layout.body(
        doc,
        "Mã kiểm chứng (số buổi:mã băm) dùng để đối chiếu với nhật ký tại xã, bảo đảm nhật ký không bị sửa, "
        "xóa sau ngày lập báo cáo.",
        italic=True,
    )
    _grid(
        doc,
        ["STT", "Xã", "Mã kiểm chứng"],
        [[str(n), c.name, c.verification_code] for n, c in enumerate(report.communes, start=1)],
        (1.3, 4.2, 11.0),
        style=CODE_STYLE,
    )


def _note(c: CommuneFigures) -> str:
    notes = []
    if c.last_contact_at is None:
        notes.append("chưa kết nối, chưa gửi nhật ký về huyện")
    if c.problem:
        notes.append("nhật ký không khớp với bản đã gửi trước đó, cần kiểm tra")
    return "; ".join(notes)


def _shortcomings(doc: DocumentObject, report: DistrictReport) -> None:
    layout.body(doc, "II. TỒN TẠI, HẠN CHẾ", bold=True)
    listed = [c for c in report.communes if c.incomplete or c.last_contact_at is None or c.problem]
    if not listed:
        layout.body(doc, "Các xã đều phát đầy đủ và gửi nhật ký đúng quy định.")
    else:
        layout.body(
            doc,
            f"Có {len(listed)} xã có buổi phát không trọn vẹn, chưa gửi nhật ký hoặc nhật ký cần kiểm tra:",
        )
        rows = [
            [str(n), c.name, _n(c.interrupted), _n(c.missed), _n(c.failed), _note(c)]
            for n, c in enumerate(listed, start=1)
        ]
        _grid(
            doc,
            ["STT", "Xã", "Gián đoạn", "Bỏ lỡ", "Lỗi thiết bị", "Ghi chú"],
            rows,
            (1.3, 4.0, 2.3, 1.8, 2.3, 4.8),
            frozenset({1, 5}),
        )
    layout.body(doc, "[Phòng Văn hóa và Thông tin bổ sung đánh giá tồn tại, hạn chế và nguyên nhân.]", italic=True)


def _closing(doc: DocumentObject, header: blocks.ReportHeader) -> None:
    layout.body(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ", bold=True)
    layout.body(doc, "[Phòng Văn hóa và Thông tin bổ sung phương hướng, nhiệm vụ kỳ tới.]", italic=True)
    layout.body(doc, "Trên đây là báo cáo tổng hợp kết quả hoạt động của các đài truyền thanh cấp xã./.")
    table = doc.add_table(rows=1, cols=2)
    layout.no_borders(table)
    left, right = table.rows[0].cells
    layout.cell(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for n, name in enumerate(header.recipients, start=1):
        line = name if name.startswith("-") else f"- {name}"
        if not line.endswith((";", ".")):
            line += "." if n == len(header.recipients) else ";"
        layout.para(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = header.signer_authority.upper() or header.signer_title.upper()
    layout.cell(right, first, 14, bold=True)
    if header.signer_authority:
        layout.para(right, header.signer_title.upper(), 14, bold=True)
    for _ in range(4):
        layout.para(right, "", 14)
    layout.para(right, header.signer_name, 14, bold=True)
    layout.set_widths(table, (blocks.LEFT_COL_CM, blocks.RIGHT_COL_CM))
    layout.indent(table, blocks.HEADER_INDENT_CM)


def render_docx(report: DistrictReport, section: HubReportSection, issued_on: date) -> bytes:
    header = header_of(section)
    doc = Document()
    layout.setup(doc)
    _styles(doc)
    blocks.header_block(doc, header, issued_on)
    layout.para(doc, "BÁO CÁO", 14, bold=True).paragraph_format.space_before = Pt(18)
    layout.para(doc, subject(report), 14, bold=True)
    layout.rule(doc, 3.0, blocks.TEXT_WIDTH_CM)
    layout.para(doc, "", 14, after=6)
    _results(doc, report)
    _shortcomings(doc, report)
    _closing(doc, header)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
