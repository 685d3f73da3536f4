"""Checking and mastering a 10-minute phone recording (goal <= 3 s on 2 cores).

The recording is espeak-ng speech made into what a phone recorder gives: AAC
in M4A, mono 44.1 kHz, 64 kbit/s, after 2 s of silence.
`accept_recording` runs end to end for the total (a fresh archive each
round); the split times the same steps it runs, one by one, on the same file.
Wall time depends on what else runs on the machine, so CPU time (this process
and its ffmpeg children) is printed too, and each round also times the job of
bench_mastering.py (10 min of espeak speech, speech settings; 1.62 s on an
idle machine) as a yardstick measured at the same moment.

Run: .venv/bin/python bench/bench_recording.py [--rounds 3] [--minutes 10]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from broadcaster.media.mastering import MasteringSettings, master
from broadcaster.recordings import RecordingLimits, accept_recording, recording_mastering
from broadcaster.recordings.checks import check_probe, check_sound, summarize
from broadcaster.recordings.pcm import wav_figures, write_float_wav
from broadcaster.recordings.probe import measure_sound, probe_file
from broadcaster.speech import EspeakEngine

TEXT = (
    "Ủy ban nhân dân xã Sơn Kim 1 thông báo về việc thực hiện cải cách hành chính năm nay. "
    "Người dân đến làm thủ tục tại bộ phận một cửa được hướng dẫn tận tình, chu đáo; "
    "hồ sơ được giải quyết đúng hẹn, công khai, minh bạch."
)
T = TypeVar("T")
REFERENCE = "reference: master() 10 min espeak speech"


def cpu_s() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(figures: dict[str, list[tuple[float, float]]], label: str, work: Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), cpu_s()
    result = work()
    figures.setdefault(label, []).append((time.perf_counter() - wall, cpu_s() - cpu))
    return result


def espeak_listing(folder: Path, seconds: float) -> Path:
    """An ffmpeg concat list repeating one espeak-ng sentence for at least `seconds`."""
    one = folder / "one.wav"
    EspeakEngine().synthesize(TEXT, one)
    with wave.open(str(one), "rb") as w:
        one_s = w.getnframes() / w.getframerate()
    listing = folder / "list.txt"
    listing.write_text("".join(f"file '{one}'\n" for _ in range(int(seconds / one_s) + 2)))
    return listing


def phone_recording(listing: Path, minutes: float) -> Path:
    """What a phone recorder gives: AAC in M4A, mono 44.1 kHz, after 2 s of silence."""
    out = listing.parent / "ghi-am.m4a"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-af", f"adelay=2000,atrim=0:{minutes * 60}", "-ar", "44100", "-ac", "1",
         "-c:a", "aac", "-b:a", "64k", str(out)],
        check=True,
    )  # fmt: skip
    return out


def speech_reference(listing: Path) -> Path:
    """10 min of espeak-ng speech as the engine gives it (22.05 kHz WAV): bench_mastering.py's input."""
    out = listing.parent / "speech-10min.wav"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-t", "600", "-c", "copy", str(out)],
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
        listing = espeak_listing(folder, max(args.minutes, 10) * 60)
        src = phone_recording(listing, args.minutes)
        print(f"source: {src.name}, {src.stat().st_size / 1e6:.1f} MB, {args.minutes:g} min AAC mono 44.1 kHz")
        reference = speech_reference(listing)
        totals: dict[str, list[tuple[float, float]]] = {}
        for n in range(args.rounds):
            accepted = timed(
                totals, "accept_recording", lambda n=n: accept_recording(src, folder / f"archive{n}", limits, settings)
            )
            # the same machine, the same moment: bench_mastering.py's job, recorded at 1.62 s on an idle machine
            timed(totals, REFERENCE, lambda: master(reference, folder / "reference.wav", MasteringSettings()))
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
        ratio = statistics.median(w for w, _ in totals["accept_recording"]) / statistics.median(
            w for w, _ in totals[REFERENCE]
        )
        print(
            f"accept_recording / reference (medians): {ratio:.2f}; at the reference's idle 1.62 s: {ratio * 1.62:.2f} s"
        )
        print(
            f"result: {accepted.mastered_duration_s:.1f} s kept of {accepted.original_duration_s:.1f} s, "
            f"{accepted.loudness_lufs:.1f} LUFS, peak {accepted.peak_dbfs:.1f} dBFS; notices: {list(accepted.notices)}"
        )


if __name__ == "__main__":
    main()
