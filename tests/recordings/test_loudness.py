"""The in-memory loudness meter agrees with ffmpeg's ebur128 (the reference the mastering uses)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from broadcaster.media.mastering import MasteringSettings, master, measure_loudness
from broadcaster.recordings.loudness import block_powers, integrated_lufs
from broadcaster.recordings.pcm import wav_figures, write_float_wav
from tests.recordings.conftest import Speech


def as_wav16(source: Path, out: Path, *args: str) -> Path:
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), *args, "-c:a", "pcm_s16le", str(out)], check=True
    )
    return out


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("ban-tin.wav", []),  # 44.1 kHz
        ("ban-tin.flac", []),  # 48 kHz
        ("phone.amr", []),  # 8 kHz
        ("tin.mp3", ["-af", "volume=-12dB"]),  # quiet
        ("zalo.m4a", ["-ac", "2", "-af", "pan=stereo|c0=c0|c1=0.5*c0"]),  # stereo, channels unequal
    ],
)
def test_loudness_matches_ffmpeg(name: str, args: list[str], recordings: dict[str, Path], tmp_path: Path) -> None:
    wav = as_wav16(recordings[name], tmp_path / "x.wav", *args)
    reference, _ = measure_loudness(wav)
    assert wav_figures(wav).loudness_lufs == pytest.approx(reference, abs=0.2)


def test_a_mastered_recording_is_measured_on_every_other_sample(speech: Speech, tmp_path: Path) -> None:
    # mastered from a 22.05 kHz intermediate, the 44.1 kHz result has nothing above 11 kHz
    mid = as_wav16(speech.wav, tmp_path / "mid.wav", "-ar", "22050")
    master(mid, tmp_path / "out.wav", MasteringSettings(tempo=1.0))
    full, halved = wav_figures(tmp_path / "out.wav"), wav_figures(tmp_path / "out.wav", decimate=2)
    assert halved.loudness_lufs == pytest.approx(full.loudness_lufs, abs=0.1)
    assert halved.loudness_lufs == pytest.approx(measure_loudness(tmp_path / "out.wav")[0], abs=0.2)
    assert (halved.sha256, halved.peak_dbfs, halved.duration_s) == (full.sha256, full.peak_dbfs, full.duration_s)


def test_silence_and_too_little_sound_have_no_loudness() -> None:
    assert integrated_lufs(block_powers(np.zeros(48000, dtype=np.float32), 48000)) == float("-inf")
    assert integrated_lufs(block_powers(np.ones(1000, dtype=np.float32), 48000)) == float("-inf")


def test_a_full_scale_1khz_sine_reads_as_the_standard_says() -> None:
    # BS.1770: a 0 dBFS 997 Hz sine in one channel reads -3.01 LUFS
    t = np.arange(48000 * 5) / 48000
    sine = np.sin(2 * np.pi * 997 * t).astype(np.float32)
    assert integrated_lufs(block_powers(sine, 48000)) == pytest.approx(-3.01, abs=0.05)


def test_trimming_copies_exactly_the_frames_asked_for(tmp_path: Path) -> None:
    frames = np.arange(1000 * 2, dtype="<f4") / 4000  # stereo, distinct values
    raw = tmp_path / "decoded.f32"
    raw.write_bytes(frames.tobytes())
    write_float_wav(raw, tmp_path / "cut.wav", 1000, 2, 100, 900)
    decoded = subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(tmp_path / "cut.wav"), "-f", "f32le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    assert np.frombuffer(decoded, dtype="<f4").tolist() == frames[200:1800].tolist()
