"""Print how long normalize() takes per sentence on realistic administrative text.

Usage: .venv/bin/python bench/bench_normalize.py [--rounds N]
Sentences: every line of the seed plan (shared/seed/000_*.txt) plus generated
news-style sentences with dates, codes, money, phones, abbreviations, ranges,
ratios, rates, hotlines and web addresses.

Prints wall-clock figures and CPU time: the machine is shared, and CPU time
is what normalization itself costs when other jobs take the cores.
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
    "Xã hoàn thành {n}/{n} chỉ tiêu, đạt 3{n},5/60 điểm; thu {n}0.000 đồng/người/năm ở số {n}/{m} đường Trần Phú.",
    "Tiêm vắc xin các ngày {d}-2{n}/{m}, từ thứ 2 - thứ 6, sáng 7h30-11h30; mưa {n}0-{n}00 mm.",
    "Khi có cháy gọi 114, cấp cứu 115; nộp hồ sơ tại https://dichvucong.gov.vn hoặc ubnd{n}@hatinh.gov.vn.",
    "Tp. Hà Tĩnh, P.{n}, TDP {n}: quét mã QR, cài VNeID, Wi-Fi miễn phí cho CB-CC-VC theo NQ-CP./.",
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
    per_round, cpu_per_round = [], []
    worst = 0.0
    # Per sentence, its best CPU time over the rounds: what the sentence costs, without the
    # pauses other processes or the garbage collector put into one call.
    sentence_cpu = [float("inf")] * len(corpus)
    for _ in range(args.rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        for i, line in enumerate(corpus):
            t0, c0 = time.perf_counter(), time.thread_time()
            normalize(line)
            worst = max(worst, time.perf_counter() - t0)
            sentence_cpu[i] = min(sentence_cpu[i], time.thread_time() - c0)
        per_round.append((time.perf_counter() - start) / len(corpus) * 1000)
        cpu_per_round.append((time.process_time() - start_cpu) / len(corpus) * 1000)
    worst_cpu = max(sentence_cpu)
    print(f"sentences: {len(corpus)}  rounds: {args.rounds}")
    print(f"mean ms/sentence: {statistics.mean(per_round):.3f}  (best round {min(per_round):.3f})")
    print(f"CPU ms/sentence: {statistics.mean(cpu_per_round):.3f}  (best round {min(cpu_per_round):.3f})")
    print(f"slowest sentence: {worst_cpu * 1000:.3f} ms CPU (its best round)  (budget 5 ms)")
    print(f"slowest single call: {worst * 1000:.3f} ms wall")
    start = time.perf_counter()
    normalize("Buổi phát thanh UBND xã ngày 15/3/2021.", extra_abbreviations={"SK1": "Sơn Kim một"})
    print(f"first call with new extra abbreviations: {(time.perf_counter() - start) * 1000:.3f} ms")
    pronunciations = {"Sơn Kim 1": "Sơn Kim Một", "Hoà Bình": "Hòa Bình", "vắc xin": "vác xin"}
    start = time.perf_counter()
    normalize(corpus[0], pronunciations=pronunciations)
    print(f"first call with a new pronunciation list: {(time.perf_counter() - start) * 1000:.3f} ms")
    start_cpu = time.process_time()
    for line in corpus:
        normalize(line, pronunciations=pronunciations)
    cpu = (time.process_time() - start_cpu) / len(corpus) * 1000
    print(f"CPU ms/sentence with a pronunciation list: {cpu:.3f}")


if __name__ == "__main__":
    main()
