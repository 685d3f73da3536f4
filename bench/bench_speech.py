"""Speech figures: espeak-ng real-time factor, a full render (miss) and a cached re-render (hit).

Run: .venv/bin/python bench/bench_speech.py
"""

from __future__ import annotations

import tempfile
import time
import wave
from pathlib import Path

from broadcaster.sound.mastering import MasteringSettings
from broadcaster.speech import EspeakEngine, FallbackChain, RenderCache, render

TEXT = (
    "Thực hiện kế hoạch cải cách hành chính năm nay, Ủy ban nhân dân xã đề nghị các thôn tuyên truyền "
    "rộng rãi đến nhân dân: bộ phận một cửa làm việc cả sáng thứ bảy; người dân có thể nộp hồ sơ "
    "trực tuyến, theo dõi kết quả giải quyết, và phản ánh kiến nghị qua đường dây nóng của xã."
)


def main() -> None:
    engine = EspeakEngine()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = folder / "speech.wav"
        runs = 10
        start = time.perf_counter()
        for _ in range(runs):
            engine.synthesize(TEXT, out)
        elapsed = (time.perf_counter() - start) / runs
        with wave.open(str(out), "rb") as w:
            audio_s = w.getnframes() / w.getframerate()
        print(
            f"espeak-ng: {audio_s:.1f} s of speech in {elapsed * 1000:.0f} ms, real-time factor {elapsed / audio_s:.4f}"
        )

        cache = RenderCache(folder / "cache")
        chain = FallbackChain([engine])
        start = time.perf_counter()
        first = render(TEXT, chain, MasteringSettings(), cache)
        miss = time.perf_counter() - start
        hits = 50
        start = time.perf_counter()
        for _ in range(hits):
            render(TEXT, chain, MasteringSettings(), cache)
        hit = (time.perf_counter() - start) / hits
        print(f"render miss (espeak + validate + master + store), {first.duration_s:.1f} s item: {miss * 1000:.0f} ms")
        print(f"cached re-render (hit, checksum verified): {hit * 1000:.2f} ms")


if __name__ == "__main__":
    main()
