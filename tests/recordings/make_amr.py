"""Make tests/recordings/data/phone.amr: espeak-ng speech as an AMR-NB voice note.

Debian's ffmpeg decodes AMR but has no AMR encoder, so the test suite cannot
make this file with ffmpeg like the others. This script encodes it with the
opencore AMR-NB library (the codec phones use) through ctypes; the result is
committed so the tests need neither the library nor this script.

Run: apt-get install libopencore-amrnb0 && .venv/bin/python tests/recordings/make_amr.py
"""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

TEXT = "Thôn Đông thông báo: sáng mai họp dân tại nhà văn hóa lúc bảy giờ."
OUT = Path(__file__).resolve().parent / "data" / "phone.amr"
MR122 = 7  # 12.2 kbit/s, what phones record voice notes at
FRAME = 160  # 20 ms at 8 kHz


def speech_8k(folder: Path) -> np.ndarray:
    wav = folder / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "vi", "-s", "150", "-w", str(wav), TEXT], check=True)
    pcm = subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(wav), "-af", "adelay=1000,apad=pad_dur=1",
         "-ar", "8000", "-ac", "1", "-f", "s16le", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    return np.frombuffer(pcm, dtype="<i2")


def encode(samples: np.ndarray) -> bytes:
    name = ctypes.util.find_library("opencore-amrnb") or "libopencore-amrnb.so.0"
    lib = ctypes.CDLL(name)
    lib.Encoder_Interface_init.restype = ctypes.c_void_p
    lib.Encoder_Interface_Encode.argtypes = [
        ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_char_p, ctypes.c_int,
    ]  # fmt: skip
    lib.Encoder_Interface_exit.argtypes = [ctypes.c_void_p]
    state = lib.Encoder_Interface_init(0)
    out = bytearray(b"#!AMR\n")
    buffer = ctypes.create_string_buffer(64)
    padded = np.concatenate([samples, np.zeros(-len(samples) % FRAME, dtype="<i2")])
    for start in range(0, len(padded), FRAME):
        frame = np.ascontiguousarray(padded[start : start + FRAME], dtype=np.int16)
        size = lib.Encoder_Interface_Encode(
            state, MR122, frame.ctypes.data_as(ctypes.POINTER(ctypes.c_short)), buffer, 0
        )
        out += buffer.raw[:size]
    lib.Encoder_Interface_exit(state)
    return bytes(out)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = encode(speech_8k(Path(tmp)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
