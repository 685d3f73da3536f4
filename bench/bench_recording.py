"""Checking and mastering a 10-minute phone recording (goal <= 3 s on 2 cores).

The recording is espeak-ng speech made into what a phone recorder gives: AAC
in M4A, mono 44.1 kHz, 64 kbit/s, with 2 s of silence before and after.
`accept_recording` runs end to end for the total (a fresh archive each
round); the split times the same steps it runs, one by one, on the same file.
Wall time depends on what else runs on the machine, so CPU time (this process
and its ffmpeg children) is printed too.

Run: .venv/bin/python bench/bench_recording.py [--rounds 3] [--minutes 10]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from broadcaster.recordings import RecordingLimits, accept_recording, recording_mastering
from broadcaster.recordings.checks import check_probe, check_sound, summarize
from broadcaster.recordings.pcm import wav_figures, write_float_wav
from broadcaster.recordings.probe import measure_sound, probe_file
from broadcaster.sound.mastering import MasteringSettings, master
from broadcaster.speech import EspeakEngine

TEXT = (
    "Ủy ban nhân dân xã Sơn Kim 1 thông báo về việc thực hiện cải cách hành chính năm nay. "
    "Người dân đến làm thủ tục tại bộ phận một cửa được hướng dẫn tận tình, chu đáo; "
    "hồ sơ được giải quyết đúng hẹn, công khai, minh bạch."
)
T = TypeVar("T")


def cpu_s() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(figures: dict[str, list[tuple[float, float]]], label: str, work: Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), cpu_s()
    result = work()
    figures.setdefault(label, []).append((time.perf_counter() - wall, cpu_s() - cpu))
    return result


def phone_recording(folder: Path, minutes: float) -> Path:
    one = folder / "one.wav"
    EspeakEngine().synthesize(TEXT, one)
    listing = folder / "list.txt"
    listing.write_text("".join(f"file '{one}'\n" for _ in range(int(minutes * 60 / 10) + 2)))
    out = folder / "ghi-am.m4a"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-af", f"apad=pad_dur=2,adelay=2000,atrim=0:{minutes * 60}", "-ar", "44100", "-ac", "1",
         "-c:a", "aac", "-b:a", "64k", str(out)],
        check=True,
    )  # fmt: skip
    return out


def split_round(src: Path, folder: Path, limits: RecordingLimits, settings: MasteringSettings) -> dict[str, list]:
    figures: dict[str, list[tuple[float, float]]] = {}
    probe = timed(figures, "probe", lambda: probe_file(src, src.name, limits))
    check_probe(src.name, probe, limits)

    def check() -> tuple:
        measurement = measure_sound(src, src.name, probe, limits, raw_out=folder / "decoded.f32")
        result = summarize(measurement)
        check_sound(src.name, result, limits)
        return measurement, result

    measurement, result = timed(figures, "checks (decode, measure, decide)", check)
    rate, channels = measurement.sample_rate, measurement.channels

    def trim() -> None:
        write_float_wav(
            folder / "decoded.f32", folder / "trimmed.wav", rate, channels,
            round(result.start_s * rate), round(result.end_s * rate),
        )  # fmt: skip

    timed(figures, "trim (byte copy)", trim)
    timed(figures, "master (2 ffmpeg passes)", lambda: master(folder / "trimmed.wav", folder / "m.wav", settings))
    timed(
        figures, "archive: hash, peak, loudness of mastered",
        lambda: wav_figures(folder / "m.wav", decimate=settings.sample_rate // rate),
    )  # fmt: skip
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    limits = RecordingLimits()
    settings = recording_mastering(MasteringSettings())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        src = phone_recording(folder, args.minutes)
        print(f"source: {src.name}, {src.stat().st_size / 1e6:.1f} MB, {args.minutes:g} min AAC mono 44.1 kHz")
        totals: dict[str, list[tuple[float, float]]] = {}
        for n in range(args.rounds):
            accepted = timed(
                totals, "accept_recording", lambda n=n: accept_recording(src, folder / f"archive{n}", limits, settings)
            )
        timed(totals, "accept_recording again (already kept)", lambda: accept_recording(src, folder / "archive0",
              limits, settings))  # fmt: skip
        split: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.rounds):
            for label, values in split_round(src, folder, limits, settings).items():
                split.setdefault(label, []).extend(values)
        for title, table in (("end to end", totals), ("split", split)):
            print(f"{title} ({args.rounds} rounds; wall best / median, CPU median):")
            for label, values in table.items():
                walls, cpus = [w for w, _ in values], [c for _, c in values]
                print(f"  {label:40s} {min(walls):6.2f} s / {statistics.median(walls):6.2f} s   "
                      f"CPU {statistics.median(cpus):5.2f} s")  # fmt: skip
        print(
            f"result: {accepted.mastered_duration_s:.1f} s kept of {accepted.original_duration_s:.1f} s, "
            f"{accepted.loudness_lufs:.1f} LUFS, peak {accepted.peak_dbfs:.1f} dBFS; notices: {list(accepted.notices)}"
        )


if __name__ == "__main__":
    main()
