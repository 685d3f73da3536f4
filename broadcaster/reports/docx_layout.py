"""Building blocks of the Vietnamese administrative document (.docx): runs, paragraphs, tables, page setup.

Nghị định 30/2020/NĐ-CP: A4, Times New Roman, the margins and page numbers of docx_report.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)

Container = DocumentObject | _Cell


def run(p: Paragraph, text: str, size: float, bold: bool = False, italic: bool = False) -> None:
    run = p.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    # Word picks the east-Asian/complex-script font for some Vietnamese characters otherwise.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def para(
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
        run(p, text, size, bold, italic)
    return p


def body(doc: DocumentObject, text: str, *, bold: bool = False, italic: bool = False) -> Paragraph:
    return para(
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


def rule(box: Container, length_cm: float, width_cm: float) -> None:
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


def no_borders(table: Table) -> None:
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    props.append(borders)


def set_widths(table: Table, widths: Sequence[float]) -> None:
    table.autofit = False
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def cell(
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
    run(p, text, size, bold, italic)
    return p


def grid(
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
        cell(table.rows[0].cells[i], text, bold=True)
    for r, row in enumerate(rows, start=1):
        last = r == len(rows) and row[0] == ""
        for i, text in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.LEFT if i in left_cols else WD_ALIGN_PARAGRAPH.CENTER
            cell(table.rows[r].cells[i], text, bold=last, align=align)
    set_widths(table, widths)
    para(doc, "", 6)
    return table


def page_numbers(doc: DocumentObject) -> None:
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


def setup(doc: DocumentObject) -> None:
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
    page_numbers(doc)


def indent(table: Table, cm: float) -> None:
    properties = table._tbl.tblPr
    element = OxmlElement("w:tblInd")
    element.set(qn("w:w"), str(round(cm / 2.54 * 1440)))  # twentieths of a point
    element.set(qn("w:type"), "dxa")
    properties.append(element)


def warning_on_every_page(doc: DocumentObject, text: str) -> None:
    """A red line at the top of every page, the first included (it has its own header)."""
    section = doc.sections[0]
    for header in (section.first_page_header, section.header):
        p = header.add_paragraph()
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(p, text, 11, bold=True)
        p.runs[-1].font.color.rgb = RED


def warning_box(box: DocumentObject, lines: Sequence[str]) -> None:
    """Red, bold paragraphs in the body, where the reader starts."""
    for n, text in enumerate(lines):
        p = para(box, text, 13 if n else 14, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3)
        p.runs[-1].font.color.rgb = RED
