from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from broadcaster.reports.aggregate import Report
from broadcaster.reports.docx_report import ReportHeader, write_docx

HEADER = ReportHeader(
    governing_body="UBND huyện Hương Sơn",
    issuing_body="Ủy ban nhân dân xã Sơn Kim 1",
    place="Sơn Kim 1",
    signer_title="Chủ tịch",
    signer_name="Nguyễn Văn Hùng",
    recipients=["UBND huyện;", "Phòng Nội vụ;", "Lưu: VT."],
)


@pytest.fixture
def document(tmp_path: Path, q1_report: Report):  # type: ignore[no-untyped-def]
    path = write_docx(q1_report, HEADER, tmp_path / "bao-cao.docx", issued_on=date(2021, 4, 5))
    return Document(str(path))


def _texts(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in doc.paragraphs]


def test_page_is_a4_with_decree_margins(document) -> None:  # type: ignore[no-untyped-def]
    s = document.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert s.different_first_page_header_footer
    assert "PAGE" in s.header._element.xml


def test_header_block(document) -> None:  # type: ignore[no-untyped-def]
    header = document.tables[0]
    left = [c.paragraphs[0] for c in header.columns[0].cells]
    right = [c.paragraphs[0] for c in header.columns[1].cells]
    assert [p.text for p in left] == [
        "UBND HUYỆN HƯƠNG SƠN",
        "ỦY BAN NHÂN DÂN XÃ SƠN KIM 1",
        "Số:        /BC-UBND",
    ]
    assert [p.text for p in right] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Sơn Kim 1, ngày 05 tháng 4 năm 2021",
    ]
    assert not left[0].runs[0].bold and left[1].runs[0].bold and right[1].runs[0].bold
    assert right[2].runs[0].italic and right[2].runs[0].font.size == Pt(14)
    assert "w:tblBorders" in header._tbl.xml and 'w:val="nil"' in header._tbl.xml


def test_title_and_sections(document, q1_report: Report) -> None:  # type: ignore[no-untyped-def]
    texts = _texts(document)
    title = document.paragraphs[texts.index("BÁO CÁO")]
    assert title.runs[0].bold and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "Kết quả công tác tuyên truyền cải cách hành chính quý I năm 2021" in texts
    order = [texts.index(h) for h in ("I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ")]
    assert order == sorted(order)
    assert any("25 buổi" in t and "3 giờ 50 phút" in t for t in texts)
    head = q1_report.chain_head
    assert any(f"Mã kiểm chứng nhật ký: {head.count}:{head.hash}" in t for t in texts)


def test_every_run_is_times_new_roman(document) -> None:  # type: ignore[no-untyped-def]
    runs = [r for p in document.paragraphs for r in p.runs]
    for table in document.tables:
        runs += [r for cell in table._cells for p in cell.paragraphs for r in p.runs]
    assert len(runs) > 50
    assert {r.font.name for r in runs if r.text.strip()} == {"Times New Roman"}
    body = [p for p in document.paragraphs if p.text.startswith("Trong quý I")]
    assert body[0].runs[0].font.size == Pt(14) and body[0].alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_topic_slot_and_target_tables_carry_the_figures(document) -> None:  # type: ignore[no-untyped-def]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    topics = next(t for t in tables if t[0][1] == "Nội dung tuyên truyền")
    assert len(topics) == 1 + 10 + 1
    t4 = next(r for r in topics if r[1].startswith("Cải cách thủ tục hành chính"))
    assert t4[2:] == ["22", "22", "171,8"]
    assert next(r for r in topics if r[1] == "Cải cách tài chính công")[2:] == ["0", "0", "0,0"]
    assert topics[-1][1:] == ["Tổng cộng", "25", "27", "230,1"]  # 27 distinct items
    slots = next(t for t in tables if t[0][1] == "Khung giờ")
    assert [r[1] for r in slots[1:]] == ["sáng", "chiều", "khẩn cấp"]
    targets = next(t for t in tables if t[0][1] == "Chỉ tiêu")
    assert [r[-1] for r in targets[1:]] == ["Chưa đạt", "Chưa đạt", "Chưa đạt", "Đạt"]
    assert "2021-01: 101,8" in targets[1][3]
    incidents = next(t for t in tables if t[0][-1] == "Lý do")
    assert [r[3] for r in incidents[1:]] == ["Bị gián đoạn", "Bỏ lỡ", "Lỗi, không phát được"]
    assert incidents[1][4] == "Mất điện lúc 06:05"


def test_closing_block(document) -> None:  # type: ignore[no-untyped-def]
    closing = document.tables[-1]
    left = list(closing.rows[0].cells[0].paragraphs)
    right = [p.text for p in closing.rows[0].cells[1].paragraphs if p.text]
    assert left[0].text == "Nơi nhận:" and left[0].runs[0].bold and left[0].runs[0].italic
    assert left[0].runs[0].font.size == Pt(12)
    assert [p.text for p in left[1:]] == ["- UBND huyện;", "- Phòng Nội vụ;", "- Lưu: VT."]
    assert left[1].runs[0].font.size == Pt(11)
    assert right == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Hùng"]
