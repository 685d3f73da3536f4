from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from broadcaster.errors import OutputError
from broadcaster.reports.aggregate import Report, build_report, parse_period
from broadcaster.reports.writers import CSV_COLUMNS, render_csv, write_csv, write_json, write_text
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, head_of, item, local


def test_csv_has_bom_and_one_row_per_aired_item(tmp_path: Path, q1_report: Report) -> None:
    path = write_csv(q1_report, tmp_path / "q1.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == q1_report.item_airings == 36
    assert sum(round(float(r["seconds"]) * 1000) for r in rows) == round(q1_report.total_seconds * 1000)
    cut = next(r for r in rows if r["item_id"] == "301")
    assert (cut["seconds"], cut["status"], cut["date"], cut["time"]) == (
        "150.000",
        "interrupted",
        "2021-03-05",
        "06:00:00",
    )
    assert cut["topic_name"] == "Kết quả, tồn tại và thái độ phục vụ của cán bộ, công chức"
    late = next(r for r in rows if r["item_id"] == "305")
    assert late["date"] == "2021-03-31" and late["slot"] == "chiều"
    assert not any(r["status"] in {"missed", "failed", "empty"} for r in rows)


def test_an_item_cut_short_in_a_bulletin_that_went_on_is_not_marked_completed(tmp_path: Path) -> None:
    """An item cancelled while on air: the bulletin completed, the item did not, and the row says so."""
    records = chain(
        [draft(local(2021, 3, 5, 6, 0), (item(1, "T1", 40, completed=False), item(2, "T2", 60, offset=40)))]
    )
    report = build_report(records, parse_period("2021-03"), TOPICS, SLOTS, [], head_of(records), HCM)
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert [(r["item_id"], r["status"]) for r in rows] == [("1", "interrupted"), ("2", "completed")]


def test_json_file_reads_back_with_vietnamese(tmp_path: Path, q1_report: Report) -> None:
    path = write_json(q1_report, tmp_path / "out" / "q1.json")
    text = path.read_text(encoding="utf-8")
    assert "Tầm quan trọng" in text  # not \u-escaped
    doc = json.loads(text)
    assert doc["total_seconds"] == q1_report.total_seconds
    assert doc["chain_head"]["count"] == q1_report.chain_head.count


def test_text_report_is_readable_and_prints_the_chain_head(tmp_path: Path, q1_report: Report) -> None:
    text = write_text(q1_report, tmp_path / "q1.txt").read_text(encoding="utf-8")
    assert "quý I năm 2021" in text
    assert f"Mã kiểm chứng nhật ký: {q1_report.chain_head.count}:{q1_report.chain_head.hash}" in text
    assert "3 giờ 50 phút" in text
    assert "CHƯA ĐẠT" in text and "Mất điện lúc 06:05" in text
    assert "2021-01: 101,8 / 120" in text


def test_write_replaces_atomically_and_leaves_no_temp_files(tmp_path: Path, q1_report: Report) -> None:
    target = tmp_path / "q1.json"
    target.write_text("old", encoding="utf-8")
    write_json(q1_report, target)
    assert json.loads(target.read_text(encoding="utf-8"))["airings"] == 25
    assert os.listdir(tmp_path) == ["q1.json"]


def test_unwritable_place_is_an_output_error(tmp_path: Path, q1_report: Report) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as err:
        write_csv(q1_report, blocker / "q1.csv")
    assert str(blocker / "q1.csv") in err.value.message and err.value.hint
    from broadcaster import i18n

    with i18n.activate("vi"), pytest.raises(OutputError) as said:  # the official's language
        write_csv(q1_report, blocker / "q1.csv")
    assert said.value.message.startswith("Không ghi được báo cáo vào "), said.value.message
