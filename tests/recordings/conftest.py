"""Recordings made once per session: espeak-ng speech in every format a phone or the district sends.

Every good file is the same speech with 2 s of silence before it and 1.5 s
after, as a phone recorder captures it (tap, pause, speak, pause, tap). AMR
comes from tests/recordings/data/phone.amr: Debian's ffmpeg cannot encode
AMR, see make_amr.py.
"""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import subprocess
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.speech.helpers import SENTENCE, espeak_wav

DATA = Path(__file__).resolve().parent / "data"
LEAD_S = 2.0
TAIL_S = 1.5

# name -> ffmpeg output arguments
FORMATS: dict[str, list[str]] = {
    "tin.mp3": ["-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k"],
    "zalo.m4a": ["-ar", "44100", "-c:a", "aac", "-b:a", "64k"],
    "ghi-am.aac": ["-ar", "16000", "-c:a", "aac", "-b:a", "32k", "-f", "adts"],
    "thong-bao.ogg": ["-ar", "44100", "-c:a", "libvorbis", "-q:a", "3"],
    "voice.opus": ["-ar", "48000", "-c:a", "libopus", "-b:a", "24k"],
    "ban-tin.wav": ["-ar", "44100", "-c:a", "pcm_s16le"],
    "ban-tin.flac": ["-ar", "48000", "-c:a", "flac"],
    "trinh-duyet.webm": ["-ar", "48000", "-c:a", "libopus", "-b:a", "32k", "-f", "webm"],
}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@dataclass(frozen=True)
class Speech:
    wav: Path  # espeak-ng's own output, no added silence
    seconds: float


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """A folder of files the tests only read, made by the first of the run's xdist workers to ask for it;
    the others wait for it and read the same files (each made its own: ~3 s of ffmpeg and espeak-ng)."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, its workers' folders inside
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # until closed
        if not (folder / ".made").exists():
            folder.mkdir(exist_ok=True)
            make(folder)
            (folder / ".made").touch()
    return folder


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    made = made_once(tmp_path_factory, "speech", lambda folder: espeak_wav(SENTENCE, folder / "speech.wav"))
    wav = made / "speech.wav"
    with wave.open(str(wav), "rb") as w:
        return Speech(wav, w.getnframes() / w.getframerate())


@pytest.fixture(scope="session")
def recordings(speech: Speech, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each accepted format, named as it arrives; plus phone.amr."""

    def make(folder: Path) -> None:
        padded = folder / "padded.wav"
        delay = f"adelay={LEAD_S * 1000:.0f},apad=pad_dur={TAIL_S}"
        ffmpeg("-i", str(speech.wav), "-af", delay, "-ac", "1", str(padded))
        for name, args in FORMATS.items():
            ffmpeg("-i", str(padded), "-ac", "1", *args, str(folder / name))
        shutil.copyfile(DATA / "phone.amr", folder / "phone.amr")

    folder = made_once(tmp_path_factory, "recordings", make)
    return {name: folder / name for name in [*FORMATS, "phone.amr"]}


BAD_NAMES = ("tin.mp3", "ghiam.m4a", "im-lang.m4a", "video.mp4", "hét.wav", "hét.mp3", "rác.wav", "phu-de.mkv",
             "danh-sach.mp3", "ghep.mp3")  # fmt: skip


@pytest.fixture(scope="session")
def bad(speech: Speech, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files a station must refuse, each named as an official might send it."""
    folder = made_once(tmp_path_factory, "bad", lambda folder: make_bad(folder, speech))
    return {name: folder / name for name in BAD_NAMES}


def make_bad(folder: Path, speech: Speech) -> None:
    files = {name: folder / name for name in BAD_NAMES}
    files["tin.mp3"].write_text("Thông báo lịch tiếp công dân tháng 5.\nUBND xã.\n", encoding="utf-8")
    ffmpeg("-i", str(speech.wav), "-t", "0.3", "-c:a", "aac", str(files["ghiam.m4a"]))
    # ten minutes of a phone recording nothing (the microphone was muted)
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "600", "-c:a", "aac", "-b:a", "24k",
           str(files["im-lang.m4a"]))  # fmt: skip
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:d=2", "-c:v", "libx264", str(files["video.mp4"]))
    # shouted into the microphone: 30 dB too hot, flattened at full scale
    ffmpeg("-i", str(speech.wav), "-af", "volume=30dB", "-c:a", "pcm_s16le", str(files["hét.wav"]))
    ffmpeg("-i", str(files["hét.wav"]), "-c:a", "libmp3lame", "-b:a", "64k", str(files["hét.mp3"]))
    # a WAV header on random bytes: decodes, but as noise
    with wave.open(str(files["rác.wav"]), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(random.Random(7).randbytes(3 * 16000 * 2))
    srt = folder / "sub.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:02,000\nXin chào\n", encoding="utf-8")
    ffmpeg("-i", str(srt), "-c:s", "srt", str(files["phu-de.mkv"]))
    # files that would make ffmpeg open other files: a playlist and a concat script naming real speech
    files["danh-sach.mp3"].write_text(f"#EXTM3U\n#EXTINF:10,\nfile:{speech.wav}\n#EXT-X-ENDLIST\n", encoding="utf-8")
    files["ghep.mp3"].write_text(f"ffconcat version 1.0\nfile '{speech.wav}'\n", encoding="utf-8")
