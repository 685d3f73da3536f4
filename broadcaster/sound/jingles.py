"""Opening and closing chimes, synthesized here so the station owns every sound it airs.

A three-note bell (C5, E5, G5) rising for the opening and falling for the
closing: the notes sit at 520-1570 Hz with their overtones, where horn
loudspeakers are loudest and clearest, and the whole chime is mastered like
speech so it airs at the same loudness.
"""

from __future__ import annotations

import tempfile
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from broadcaster.media.mastering import MasteringSettings, master

C5, E5, G5 = 523.25, 659.25, 783.99
# (frequency ratio, relative amplitude, decay time constant in s): harmonic
# partials give the pitch, the slightly inharmonic 2.76 gives the "bell".
PARTIALS = ((1.0, 1.0, 0.9), (2.0, 0.35, 0.45), (2.76, 0.12, 0.3), (3.0, 0.1, 0.25))
NOTE_SPACING_S = 0.32
LENGTH_S = 2.6


def bell_tone(freq: float, length_s: float, sample_rate: int) -> npt.NDArray[np.float64]:
    t = np.arange(int(length_s * sample_rate)) / sample_rate
    tone = np.zeros_like(t)
    for ratio, amp, decay in PARTIALS:
        tone += amp * np.exp(-t / decay) * np.sin(2 * np.pi * freq * ratio * t)
    attack = np.minimum(t / 0.005, 1.0)  # 5 ms: a soft strike, no click
    return np.asarray(tone * attack, dtype=np.float64)


def chime(notes: tuple[float, ...], sample_rate: int = 44100) -> npt.NDArray[np.float64]:
    out = np.zeros(int(LENGTH_S * sample_rate))
    for i, freq in enumerate(notes):
        start = int(i * NOTE_SPACING_S * sample_rate)
        # the last note rings longest, like a struck bell left alone
        tone = bell_tone(freq, LENGTH_S - i * NOTE_SPACING_S, sample_rate)
        out[start : start + len(tone)] += tone
    fade = int(0.3 * sample_rate)
    out[-fade:] *= np.linspace(1.0, 0.0, fade)
    return np.asarray(out / np.max(np.abs(out)) * 0.5, dtype=np.float64)


def write_wav(samples: npt.NDArray[np.float64], path: Path, sample_rate: int) -> None:
    pcm = np.clip(samples * 32767, -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())


def make_jingles(folder: Path, settings: MasteringSettings | None = None) -> tuple[Path, Path]:
    """Write folder/opening.wav and folder/closing.wav, mastered like speech; return both paths."""
    base = settings or MasteringSettings()
    # no tempo change or silence trimming: that would bend the pitch timing and cut the bell's ring
    jingle_settings = replace(base, tempo=1.0, trim_silence=False)
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "opening.wav", folder / "closing.wav")
    with tempfile.TemporaryDirectory(prefix=".jingle-", dir=folder) as tmp:
        for path, notes in zip(paths, ((C5, E5, G5), (G5, E5, C5)), strict=True):
            raw = Path(tmp) / path.name
            write_wav(chime(notes, base.sample_rate), raw, base.sample_rate)
            master(raw, path, jingle_settings)
    return paths
