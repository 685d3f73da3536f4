from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from broadcaster.reports.aggregate import Report, build_report, parse_period
from broadcaster.reports.chart import render_png, write_png
from tests.reports.factory import HCM, SLOTS, TOPICS, chain, draft, head_of, item, local


def test_png_is_a_sensible_image(tmp_path: Path, q1_report: Report) -> None:
    path = write_png(q1_report, tmp_path / "q1.png")
    with Image.open(path) as img:
        img.verify()
    with Image.open(path) as img:
        width, height = img.size
        assert img.format == "PNG"
        assert 800 <= width <= 2000 and 600 <= height <= 2000
        # not a blank canvas: bars and text put many colours on it
        assert len(img.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50


def test_long_periods_switch_to_monthly_bars() -> None:
    drafts = [draft(local(y, m, 3, 6, 0), (item(y * 100 + m, "T4", 600),)) for y in (2021, 2022) for m in range(1, 13)]
    records = chain(drafts)
    report = build_report(records, parse_period("2021-01-01..2022-12-31"), TOPICS, SLOTS, [], head_of(records), HCM)
    assert len(report.weekly) > 60 and len(report.monthly) == 24
    png = render_png(report)
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size[0] >= 800
