"""Mastering and jingles, on real espeak-ng speech through the real ffmpeg."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from broadcaster.errors import AudioError
from broadcaster.media.ffmpeg import check_ffmpeg, decode_mono
from broadcaster.media.mastering import CompressorSettings, MasteringSettings, filter_chain, master, measure_loudness
from broadcaster.sound.jingles import make_jingles
from tests.speech.helpers import LONG_TEXT, espeak_wav, tone, wav_info, write_wav

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav(LONG_TEXT, tmp_path_factory.mktemp("speech") / "speech.wav")


@pytest.fixture(scope="module")
def mastered(speech: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mastered") / "speech.wav"
    master(speech, out, MasteringSettings())
    return out


def test_mastered_speech_hits_target_loudness_under_the_peak_ceiling(speech: Path, mastered: Path) -> None:
    lufs, peak = measure_loudness(mastered)
    assert lufs == pytest.approx(-16, abs=1.0)
    assert peak <= -1.5
    assert wav_info(mastered)[:3] == (1, 2, 44100)


@pytest.mark.parametrize("change_db", [-15, 10])
def test_quiet_and_hot_recordings_both_land_on_target(speech: Path, tmp_path: Path, change_db: int) -> None:
    src = tmp_path / "src.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-i",
            str(speech),
            "-af",
            f"volume={change_db}dB",
            "-c:a",
            "pcm_f32le",
            str(src),
        ],
        check=True,
    )  # float samples: the hot version is loud, not clipped
    before, _ = measure_loudness(src)
    assert abs(before - -16) > 4  # far from target, so landing on it means something
    master(src, tmp_path / "out.wav")
    lufs, peak = measure_loudness(tmp_path / "out.wav")
    assert lufs == pytest.approx(-16, abs=1.0)
    assert peak <= -1.5


def test_other_targets_are_honoured(speech: Path, tmp_path: Path) -> None:
    settings = replace(MasteringSettings(), loudness_lufs=-20, true_peak_dbtp=-3)
    master(speech, tmp_path / "quiet.wav", settings)
    lufs, peak = measure_loudness(tmp_path / "quiet.wav")
    assert lufs == pytest.approx(-20, abs=1.0)
    assert peak <= -3


def test_tempo_slows_speech_without_changing_pitch(speech: Path, tmp_path: Path) -> None:
    plain = replace(MasteringSettings(), trim_silence=False, tempo=1.0)
    master(speech, tmp_path / "plain.wav", plain)
    master(speech, tmp_path / "slow.wav", replace(plain, tempo=0.92))
    ratio = wav_info(tmp_path / "slow.wav")[3] / wav_info(tmp_path / "plain.wav")[3]
    assert ratio == pytest.approx(1 / 0.92, rel=0.02)
    # pitch: the strongest frequency of the voice stays put
    peaks = []
    for name in ("plain.wav", "slow.wav"):
        samples = decode_mono(tmp_path / name, 16000)
        spectrum = np.abs(np.fft.rfft(samples))
        peaks.append(np.argmax(spectrum) * 16000 / len(samples))
    assert peaks[1] == pytest.approx(peaks[0], rel=0.1)


def test_highpass_removes_rumble_that_horns_cannot_play(tmp_path: Path) -> None:
    src = write_wav(tone(100, 3.0, 0.25) + tone(1000, 3.0, 0.25), tmp_path / "hum.wav")
    settings = replace(MasteringSettings(), tempo=1.0, trim_silence=False)
    master(src, tmp_path / "out.wav", settings)

    def level(path: Path, freq: int) -> float:
        samples = decode_mono(path, 16000)
        spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
        bins = np.fft.rfftfreq(len(samples), 1 / 16000)
        return float(spectrum[np.argmin(np.abs(bins - freq))])

    before = level(src, 100) / level(src, 1000)
    after = level(tmp_path / "out.wav", 100) / level(tmp_path / "out.wav", 1000)
    assert 20 * np.log10(before / after) > 9  # 100 Hz at least 9 dB lower relative to speech range


def test_a_click_is_limited_without_ducking_the_speech_around_it(tmp_path: Path) -> None:
    # a steady voice-like tone with one sharp click 20 dB above it (a dropped microphone)
    voice = tone(440, 6.0, 0.1) + tone(880, 6.0, 0.05)
    voice[3 * 44100 : 3 * 44100 + 20] = 1.0
    src = write_wav(voice, tmp_path / "click.wav")
    settings = replace(MasteringSettings(), tempo=1.0, trim_silence=False)
    master(src, tmp_path / "out.wav", settings)
    out = decode_mono(tmp_path / "out.wav", 44100)
    # every sample under the limit, 0.5 dB under the ceiling (a click's true peak can
    # overshoot that margin, unlike speech's; alimiter's did the same)
    assert 20 * np.log10(np.max(np.abs(out))) <= -2.0 + 0.01

    def rms(start_s: float) -> float:
        part = out[int(start_s * 44100) : int((start_s + 0.1) * 44100)]
        return float(np.sqrt(np.mean(np.square(part))))

    # 50 ms after the click the voice is back at the level it has a second away from it
    assert rms(3.05) == pytest.approx(rms(2.0), rel=0.05)
    assert rms(2.85) == pytest.approx(rms(2.0), rel=0.05)


def test_stereo_is_limited_on_both_channels_together(speech: Path, tmp_path: Path) -> None:
    master(speech, tmp_path / "out.wav", replace(MasteringSettings(), channels=2))
    lufs, peak = measure_loudness(tmp_path / "out.wav")
    assert wav_info(tmp_path / "out.wav")[:3] == (2, 2, 44100)
    assert lufs == pytest.approx(-16, abs=1.0)
    assert peak <= -1.5


def test_leading_silence_is_trimmed(speech: Path, tmp_path: Path) -> None:
    src = tmp_path / "late.wav"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(speech), "-af", "adelay=3000", str(src)], check=True)
    master(src, tmp_path / "out.wav", MasteringSettings())
    samples = decode_mono(tmp_path / "out.wav", 16000)
    first_sound = int(np.argmax(np.abs(samples) > 0.01)) / 16000
    assert first_sound < 0.2


def test_speech_over_steady_background_noise_is_mastered_whole(speech: Path, tmp_path: Path) -> None:
    # A recording with hiss under it and no quiet moment: nothing is silence, nothing may be cut.
    # (ffmpeg 5.1's silenceremove with RMS detection dropped all of it.)
    src = tmp_path / "noisy.wav"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(speech), "-f", "lavfi", "-i", "anoisesrc=d=60:a=0.1:r=22050:seed=1",
         "-filter_complex", "[0][1]amix=inputs=2:duration=first:normalize=0", "-c:a", "pcm_s16le", str(src)],
        check=True,
    )  # fmt: skip
    master(src, tmp_path / "out.wav", replace(MasteringSettings(), tempo=1.0))
    assert wav_info(tmp_path / "out.wav")[3] == pytest.approx(wav_info(src)[3], abs=0.05)


def test_speech_keeps_every_word_and_loses_only_silence(speech: Path, tmp_path: Path) -> None:
    # ffmpeg 5.1's silenceremove dropped 30-70 ms of every espeak-ng sentence, mid-word
    src = tmp_path / "paused.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=22050:cl=mono:d=1.5",
            "-i",
            str(speech),
            "-i",
            str(speech),
            "-filter_complex",
            "[0][1][0][2]concat=n=4:v=0:a=1",
            "-c:a",
            "pcm_s16le",
            str(src),
        ],
        check=True,
    )  # fmt: skip: 1.5 s lead-in, the text, a 1.5 s pause, the text again
    # no compression, tempo or high-pass: what comes out is the input, louder, minus silence
    plain = replace(MasteringSettings(), tempo=1.0, highpass_hz=20, compressor=CompressorSettings(ratio=1))
    master(src, tmp_path / "out.wav", plain)
    text = decode_mono(speech, 16000)
    voiced = np.flatnonzero(np.abs(text) > 0.003)  # -50 dBFS, the silence threshold
    text = text[voiced[0] : voiced[-1] + 1]
    out = decode_mono(tmp_path / "out.wav", 16000)
    assert np.flatnonzero(np.abs(out) > 0.01)[0] / 16000 < 0.01  # no lead-in
    gap = 0.6 + (len(decode_mono(speech, 16000)) - 1 - voiced[-1] + voiced[0]) / 16000
    assert len(out) / 16000 < 2 * len(text) / 16000 + 0.6 + 0.6  # the pauses cut to one sentence pause each

    def match(at: int) -> float:
        """How well the whole text fits the output from about `at` on (1.0: every sample in place)."""
        best = max(range(max(0, at - 800), at + 800), key=lambda k: float(np.dot(out[k : k + 16000], text[:16000])))
        part = out[best : best + len(text)]
        return float(np.dot(part, text[: len(part)]) / np.linalg.norm(part) / np.linalg.norm(text[: len(part)]))

    assert match(0) > 0.9  # ~0.95: resampling and the limiter; a sample dropped mid-text: ~0
    assert match(len(text) + int(min(gap, 0.6) * 16000)) > 0.9


def test_silence_cannot_be_mastered(tmp_path: Path) -> None:
    src = write_wav(np.zeros(44100 * 2), tmp_path / "silence.wav")
    with pytest.raises(AudioError, match="silent or too short"):
        master(src, tmp_path / "out.wav", MasteringSettings())
    assert not (tmp_path / "out.wav").exists()


def test_unreadable_input_is_an_audio_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "notes.wav").write_text("not audio")
    with pytest.raises(AudioError, match=r"notes\.wav"):
        master(tmp_path / "notes.wav", tmp_path / "out.wav")


def test_filter_chain_is_one_readable_string() -> None:
    chain = filter_chain(MasteringSettings(), gain_db=6.5)
    assert chain.startswith("highpass=f=200")
    for name in (
        "trim=threshold=-50dB:pause=600ms",
        "acompressor=threshold=-20dB:ratio=3:attack=5:release=100",
        "atempo=0.92",
        "aresample=44100",
        "gain=6.50dB",
        "limiter=limit=0.7943",  # -2 dBFS: 0.5 dB under the -1.5 dBTP ceiling
    ):
        assert name in chain


def test_jingles_are_short_chimes_at_speech_loudness(tmp_path: Path) -> None:
    for path in make_jingles(tmp_path):
        lufs, peak = measure_loudness(path)
        assert lufs == pytest.approx(-16, abs=1.0)
        assert peak <= -1.5
        channels, width, rate, duration = wav_info(path)
        assert (channels, width, rate) == (1, 2, 44100)
        assert 2.0 <= duration <= 3.0
        assert (REPO / "audio" / "jingles" / path.name).read_bytes() == path.read_bytes()


def test_doctor_check_for_ffmpeg() -> None:
    assert check_ffmpeg() is None
    problem = check_ffmpeg("ffmpeg-not-here")
    assert problem is not None and "apt-get install ffmpeg" in problem
