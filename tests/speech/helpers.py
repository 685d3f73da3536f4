"""Real audio for speech and sound tests: espeak-ng speech, silence, tones, MP3s like Google's."""

from __future__ import annotations

import base64
import subprocess
import wave
from pathlib import Path

import numpy as np

SENTENCE = "Ủy ban nhân dân xã thông báo lịch tiếp công dân vào sáng thứ hai hằng tuần."
LONG_TEXT = (
    "Thực hiện kế hoạch cải cách hành chính năm nay, Ủy ban nhân dân xã đề nghị các thôn tuyên truyền "
    "rộng rãi đến nhân dân: bộ phận một cửa làm việc cả sáng thứ bảy; người dân có thể nộp hồ sơ "
    "trực tuyến, theo dõi kết quả giải quyết, và phản ánh kiến nghị qua đường dây nóng của xã."
)


def espeak_wav(text: str, path: Path, speed_wpm: int = 150) -> Path:
    subprocess.run(
        ["espeak-ng", "-v", "vi", "-s", str(speed_wpm), "-b", "1", "--stdin", "-w", str(path)],
        input=text.encode("utf-8"),
        check=True,
        capture_output=True,
    )
    return path


def to_google_mp3(src: Path) -> bytes:
    """Encode like Google Translate's speech: 24 kHz mono MP3 at 32 kbit/s."""
    proc = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(src), "-ar", "24000", "-ac", "1",
         "-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "-"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return proc.stdout


def batchexecute_body(mp3: bytes | None) -> str:
    """A reply shaped like translate.google.com's batchexecute, which gTTS parses line by line.

    With mp3=None the jQ1olc envelope is there but carries no audio, as Google
    answers for text it refuses to speak.
    """
    if mp3 is None:
        inner = '[["wrb.fr","jQ1olc",null,null,null,[3],"generic"],["di",17],["af.httprm",16,"-4023",5]]'
    else:
        b64 = base64.b64encode(mp3).decode("ascii")
        inner = (
            '[["wrb.fr","jQ1olc","[\\"' + b64 + '\\"]",null,null,null,"generic"],'
            '["di",81],["af.httprm",80,"-2390245916736012540",12]]'
        )
    tail = '[["e",4,null,null,' + str(len(inner) + 60) + "]]"
    return f")]}}'\n\n{len(inner)}\n{inner}\n{len(tail)}\n{tail}\n"


def write_wav(samples: np.ndarray, path: Path, rate: int = 44100) -> Path:
    pcm = np.clip(samples * 32767, -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def tone(freq: float, seconds: float, amp: float = 0.3, rate: int = 44100) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return amp * np.sin(2 * np.pi * freq * t)


def wav_info(path: Path) -> tuple[int, int, int, float]:
    """(channels, sample width, rate, duration s)."""
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes() / w.getframerate()
