"""Mastering speed: seconds of work per 10 minutes of speech (goal <= 2 s on 2 cores).

Run: .venv/bin/python bench/bench_mastering.py
"""

from __future__ import annotations

import subprocess
import tempfile
import time
import wave
from pathlib import Path

from broadcaster.media.mastering import MasteringSettings, master, measure_loudness
from broadcaster.speech import EspeakEngine

TEXT = (
    "Ủy ban nhân dân xã Sơn Kim 1 thông báo về việc thực hiện cải cách hành chính năm nay. "
    "Người dân đến làm thủ tục tại bộ phận một cửa được hướng dẫn tận tình, chu đáo; "
    "hồ sơ được giải quyết đúng hẹn, công khai, minh bạch."
)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one = folder / "one.wav"
        EspeakEngine().synthesize(TEXT, one)
        with wave.open(str(one), "rb") as w:
            one_s = w.getnframes() / w.getframerate()
        copies = int(600 / one_s) + 1
        listing = folder / "list.txt"
        listing.write_text("".join(f"file '{one}'\n" for _ in range(copies)))
        long = folder / "long.wav"
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
             "-t", "600", "-c", "copy", str(long)],
            check=True,
        )  # fmt: skip
        out = folder / "mastered.wav"
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            master(long, out, MasteringSettings())
            timings.append(time.perf_counter() - start)
        lufs, peak = measure_loudness(out)
        print(f"mastering 10 min of espeak speech: best {min(timings):.2f} s, median {sorted(timings)[1]:.2f} s")
        print(f"result: {lufs:.1f} LUFS integrated, {peak:.1f} dBTP true peak (targets -16 / -1.5)")


if __name__ == "__main__":
    main()
