from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from broadcaster.errors import SpeechError
from broadcaster.speech import validate_rendering
from broadcaster.speech.validate import duration_bounds
from tests.speech.helpers import LONG_TEXT, SENTENCE, write_wav


def test_real_speech_passes_with_its_duration(sentence_wav: Path) -> None:
    duration = validate_rendering(sentence_wav, SENTENCE)
    low, high = duration_bounds(SENTENCE)
    assert low < duration < high
    assert 2.0 < duration < 10.0


def test_silence_is_rejected(tmp_path: Path) -> None:
    path = write_wav(np.zeros(44100 * 4), tmp_path / "silent.wav")
    with pytest.raises(SpeechError, match="silent"):
        validate_rendering(path, SENTENCE)


def test_empty_and_undecodable_files_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "empty.mp3").write_bytes(b"")
    (tmp_path / "html.mp3").write_text("<html>Our systems have detected unusual traffic</html>")
    with pytest.raises(SpeechError, match="empty"):
        validate_rendering(tmp_path / "empty.mp3", SENTENCE)
    with pytest.raises(SpeechError, match="cannot be decoded"):
        validate_rendering(tmp_path / "html.mp3", SENTENCE)


def test_audio_far_too_short_for_the_text_is_rejected(sentence_wav: Path) -> None:
    # one sentence's audio offered as the rendering of a 240-character text, 8 times longer
    text = LONG_TEXT * 4
    with pytest.raises(SpeechError, match="implausible"):
        validate_rendering(sentence_wav, text)


def test_audio_far_too_long_for_the_text_is_rejected(sentence_wav: Path) -> None:
    with pytest.raises(SpeechError, match="implausible"):
        validate_rendering(sentence_wav, "Có.")


def test_a_pcm_wav_is_read_without_ffmpeg_and_agrees_with_ffmpeg(
    sentence_wav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from broadcaster.media.ffmpeg import decode_mono
    from broadcaster.speech import validate

    decoded = decode_mono(sentence_wav, validate.ANALYSIS_RATE)
    samples, rate = validate.read_samples(sentence_wav)
    assert len(samples) / rate == pytest.approx(len(decoded) / validate.ANALYSIS_RATE, abs=0.01)
    assert float(np.sqrt(np.mean(np.square(samples)))) == pytest.approx(
        float(np.sqrt(np.mean(np.square(decoded)))), rel=0.02
    )

    def no_ffmpeg(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a 16-bit PCM WAV was decoded by ffmpeg")

    monkeypatch.setattr(validate, "decode_mono", no_ffmpeg)
    assert validate_rendering(sentence_wav, SENTENCE) == pytest.approx(len(samples) / rate)
    # stereo: the channels are averaged, as ffmpeg's -ac 1 does
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(sentence_wav), "rb") as src, wave.open(str(stereo), "wb") as dst:
        pcm = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
        dst.setnchannels(2)
        dst.setsampwidth(2)
        dst.setframerate(src.getframerate())
        dst.writeframes(np.stack([pcm, pcm // 2], axis=1).tobytes())
    both, _ = validate.read_samples(stereo)
    assert np.allclose(both, samples * 0.75, atol=1e-4)


def test_a_wav_that_is_not_16_bit_pcm_goes_to_ffmpeg(tmp_path: Path) -> None:
    float_wav = tmp_path / "float.wav"
    header = b"RIFF" + (36 + 4 * 16000).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
    header += (3).to_bytes(2, "little") + (1).to_bytes(2, "little") + (16000).to_bytes(4, "little")
    header += (64000).to_bytes(4, "little") + (4).to_bytes(2, "little") + (32).to_bytes(2, "little")
    header += b"data" + (4 * 16000).to_bytes(4, "little")
    float_wav.write_bytes(header + (0.5 * np.sin(np.arange(16000) / 5)).astype("<f4").tobytes())
    from broadcaster.speech import validate

    samples, rate = validate.read_samples(float_wav)
    assert rate == validate.ANALYSIS_RATE
    assert len(samples) == 16000
    assert 0.45 < float(np.max(np.abs(samples))) < 0.55
