"""A stand-in for `python -m piper` (piper-tts 1.8's command line) where the real one cannot show a failure.

Run as `python tests/speech/fake_piper.py --model M --output-file F ...` with the text on
stdin, like the real CLI. It writes a speech-like WAV (a warbling tone, 0.07 s per spoken
character, 22050 Hz mono 16-bit as Piper's medium voices) unless FAKE_PIPER_MODE says how to
misbehave:

  ok         a good WAV (the default)
  fail       half a WAV, then a traceback on stderr and exit code 1
  no-module  what Python prints when piper-tts is not installed, exit code 1
  damaged    onnxruntime's complaint about an unreadable model, exit code 1
  hang       sleep until killed
  empty      exit 0, writing nothing
  garbage    exit 0, writing bytes that are not audio
  silent     exit 0, a WAV of the right length but all zeros
  short      exit 0, a WAV of 0.1 s whatever the text

FAKE_PIPER_RECORD, when set, names a JSON file that receives argv, stdin and the
onnxruntime thread variable, so tests can see exactly what the engine sent.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import wave
from array import array

RATE = 22050


def speech_like(seconds: float, silent: bool = False) -> bytes:
    n = int(seconds * RATE)
    samples = array("h", bytes(2 * n))
    if not silent:
        for i in range(n):
            t = i / RATE
            syllable = 0.5 + 0.5 * math.sin(2 * math.pi * 4 * t)  # four "syllables" a second
            samples[i] = int(9000 * syllable * math.sin(2 * math.pi * (180 + 40 * math.sin(3 * t)) * t))
    return samples.tobytes()


def write_wav(path: str, pcm: bytes) -> None:
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-m", "--model", required=True)
    parser.add_argument("-f", "--output-file", required=True)
    parser.add_argument("-s", "--speaker", type=int)
    parser.add_argument("--length-scale", type=float, default=1.0)
    parser.add_argument("--sentence-silence", type=float, default=0.0)
    parser.add_argument("--noise-scale", type=float)
    parser.add_argument("--noise-w-scale", type=float)
    args = parser.parse_args()
    text = sys.stdin.read()
    mode = os.environ.get("FAKE_PIPER_MODE", "ok")
    if record := os.environ.get("FAKE_PIPER_RECORD"):
        with open(record, "w", encoding="utf-8") as fp:
            json.dump({"argv": sys.argv[1:], "stdin": text, "threads": os.environ.get("ORT_INTRA_OP_NUM_THREADS")}, fp)
    seconds = 0.07 * args.length_scale * sum(ch.isalnum() for ch in text) + 0.3
    if mode == "fail":
        with open(args.output_file, "wb") as fp:
            fp.write(speech_like(seconds)[:1000])  # a crash half way through writing
        print("Traceback (most recent call last):", file=sys.stderr)
        print('  File "piper/voice.py", line 352, in synthesize', file=sys.stderr)
        print("RuntimeError: phonemizer crashed on this text", file=sys.stderr)
        return 1
    if mode == "no-module":
        print(f"{sys.executable}: No module named piper", file=sys.stderr)
        return 1
    if mode == "damaged":
        print(
            "onnxruntime.capi.onnxruntime_pybind11_state.InvalidProtobuf: [ONNXRuntimeError] : 7 : "
            "INVALID_PROTOBUF : Load model from voice.onnx failed:Protobuf parsing failed.",
            file=sys.stderr,
        )
        return 1
    if mode == "hang":
        time.sleep(60)
        return 0
    if mode == "empty":
        return 0
    if mode == "garbage":
        with open(args.output_file, "wb") as fp:
            fp.write(b"this is not a WAV file at all " * 100)
        return 0
    write_wav(args.output_file, speech_like(0.1 if mode == "short" else seconds, silent=mode == "silent"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
