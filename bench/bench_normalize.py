"""Print how long normalize() takes per sentence on realistic administrative text.

Usage: .venv/bin/python bench/bench_normalize.py [--rounds N]
Sentences: every line of the seed plan (shared/seed/000_*.txt) plus generated
news-style sentences with dates, codes, money, phones and abbreviations.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from broadcaster.text import normalize
from broadcaster.text.abbreviations import default_table

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = [
    "UBND xã Sơn Kim {n} thông báo lịch tiếp công dân ngày {d}/{m}/2021 lúc {h}h30.",
    "Thực hiện Nghị định số {n}/2020/NĐ-CP ngày {d}/{m}/2020 của Chính phủ về kiểm soát TTHC.",
    "Theo Quyết định {n}{n}/QĐ-TTg, mức hỗ trợ là {n}.250.000 đồng mỗi hộ, tức {n},5 triệu đồng.",
    "Tỷ lệ hồ sơ trực tuyến mức độ 3, 4 đạt {n}7,25%, tăng {n}% so với Quý II/2021.",
    "Đường dây nóng của HĐND xã: 0239.3871.{n}{n}{n}; hotline 0912 345 {n}{n}{n}.",
    "Giai đoạn 2021 - 2030, xã phấn đấu {n}/{m} số thôn đạt chuẩn NTM, trồng {n}2 ha rừng.",
    "Kế hoạch {n}/KH-UBND về CCHC năm 2021; Đ/c PCT UBND xã chủ trì lúc {h}:15 thứ {n}.",
    "Ngày {d}-{m}, BTV Đảng ủy họp lần thứ {n}, quán triệt Nghị quyết TW6 và Đại hội XIII.",
]


def sentences() -> list[str]:
    lines = []
    for path in sorted((ROOT.parent / "shared" / "seed").glob("000_*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for i in range(40):
        n, d, m, h = i % 9 + 1, i % 28 + 1, i % 12 + 1, i % 12 + 7
        lines += [t.format(n=n, d=d, m=m, h=h) for t in TEMPLATES]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    corpus = sentences()
    default_table()
    normalize("khởi động")  # compile the patterns once, as a running station would have
    per_round = []
    worst = 0.0
    for _ in range(args.rounds):
        start = time.perf_counter()
        for line in corpus:
            t0 = time.perf_counter()
            normalize(line)
            worst = max(worst, time.perf_counter() - t0)
        per_round.append((time.perf_counter() - start) / len(corpus) * 1000)
    print(f"sentences: {len(corpus)}  rounds: {args.rounds}")
    print(f"mean ms/sentence: {statistics.mean(per_round):.3f}  (best round {min(per_round):.3f})")
    print(f"slowest single sentence: {worst * 1000:.3f} ms  (budget 5 ms)")
    start = time.perf_counter()
    normalize("Buổi phát thanh UBND xã ngày 15/3/2021.", extra_abbreviations={"SK1": "Sơn Kim một"})
    print(f"first call with new extra abbreviations: {(time.perf_counter() - start) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
