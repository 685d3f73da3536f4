"""Peak memory while assembling a 30-minute bulletin from mastered parts.

Run: .venv/bin/python bench/bench_bulletin.py
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from broadcaster.media.mastering import master
from broadcaster.sound.bulletin import assemble_bulletin, standard_parts
from broadcaster.speech import EspeakEngine

REPO = Path(__file__).resolve().parent.parent
TITLE = "Tin cải cách hành chính."
TEXT = (
    "Ủy ban nhân dân xã thông báo: bộ phận một cửa làm việc cả sáng thứ bảy; người dân có thể nộp hồ sơ "
    "trực tuyến, theo dõi kết quả giải quyết và phản ánh kiến nghị qua đường dây nóng của xã. "
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = EspeakEngine()
        raw_title, raw_text = folder / "title_raw.wav", folder / "text_raw.wav"
        engine.synthesize(TITLE, raw_title)
        engine.synthesize(TEXT * 8, raw_text)  # ~1.7 min per item text
        title, text = folder / "title.wav", folder / "text.wav"
        master(raw_title, title)
        master(raw_text, text)
        ident = title
        per_item_s = (text.stat().st_size + title.stat().st_size) / (44100 * 2) + 1.6
        items = [(i, title, text) for i in range(1, int(30 * 60 / per_item_s) + 2)]
        parts = standard_parts(
            REPO / "audio/jingles/opening.wav", ident, items, title, REPO / "audio/jingles/closing.wav"
        )
        before = peak_rss_mb()
        start = time.perf_counter()
        sheet = assemble_bulletin(parts, folder / "bulletin.wav", pause_ms=800, sample_rate=44100)
        elapsed = time.perf_counter() - start
        size_mb = (folder / "bulletin.wav").stat().st_size / 1e6
        text_mb = text.stat().st_size / 1e6
        print(
            f"bulletin: {sheet.duration_s / 60:.1f} min, {len(parts)} parts, {size_mb:.0f} MB WAV, "
            f"built in {elapsed:.2f} s"
        )
        print(f"peak RSS: {peak_rss_mb():.0f} MB (before assembly {before:.0f} MB; largest part {text_mb:.0f} MB)")


if __name__ == "__main__":
    main()
