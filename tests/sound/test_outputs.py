"""Outputs: real sound through the test PulseAudio server, real files, real player programs."""

# The fixtures are imported from tests.audio_server, so pytest's parameters shadow them.
# ruff: noqa: F811

from __future__ import annotations

import hashlib
import shutil
import struct
import threading
import time
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from broadcaster.clock import SystemClock
from broadcaster.errors import AudioError, OutputError
from broadcaster.media.pcm import pcm_sha256
from broadcaster.sound.devices import check_device, list_devices
from broadcaster.sound.file_output import FileOutput
from broadcaster.sound.outputs import DeviceOutput
from tests.audio_server import (  # noqa: F401  (fixtures)
    RATE,
    SinkRecorder,
    audio_server,
    chirp,
    private_sink,
    private_sink_recorder,
    read_wav,
    tone,
    wall,
    write_wav,
)

# start-time tolerance against the requested second; the benchmark shows ~1 ms here
START_TOLERANCE_S = 0.03


class SteppingClock:
    """Time moves only when someone sleeps: waits are instant and exact."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 1000.0
        self.slept = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def sleep(self, seconds: float) -> None:
        seconds = max(seconds, 0.0)
        self.slept += seconds
        self._mono += seconds
        self._now += timedelta(seconds=seconds)


def stop_after(output: DeviceOutput | FileOutput, seconds: float) -> tuple[threading.Thread, list[datetime]]:
    """Calls stop() from another thread, like an emergency would; notes when it really did."""
    called: list[datetime] = []

    def later() -> None:
        time.sleep(seconds)
        called.append(SystemClock().now())
        output.stop()

    thread = threading.Thread(target=later)
    thread.start()
    return thread, called


# --------------------------------------------------------------------------- sound card


@pytest.mark.audio_server
def test_the_bulletin_sounds_at_the_requested_time(tmp_path: Path, private_sink_recorder: SinkRecorder) -> None:
    sweep = chirp(0.6)
    wav = write_wav(tmp_path / "sang.wav", sweep)
    output = DeviceOutput(private_sink_recorder.sink, "pulse", SystemClock())
    output.prepare(wav)
    start_at = wall(0.5)
    reported: list[datetime] = []

    result = output.play(wav, start_at, on_started=reported.append)
    recording = private_sink_recorder.stop()

    found = recording.find(sweep)
    assert found.score > 0.95, "the bulletin is not in what the horn sink played"
    assert abs((recording.time_of(found.index) - start_at).total_seconds()) < START_TOLERANCE_S
    assert abs((result.started_at - start_at).total_seconds()) < START_TOLERANCE_S
    assert reported == [result.started_at]
    assert result.completed
    assert result.played_seconds == pytest.approx(0.6, abs=0.001)
    assert result.sha256 == pcm_sha256(wav)
    assert recording.loud_seconds() == pytest.approx(0.6, abs=0.05)
    assert result.ended_at - result.started_at >= timedelta(seconds=0.6)


@pytest.mark.audio_server
def test_stop_silences_the_horns_at_once(tmp_path: Path, private_sink_recorder: SinkRecorder) -> None:
    wav = write_wav(tmp_path / "long.wav", tone(4.0), channels=2)
    output = DeviceOutput(private_sink_recorder.sink, "pulse")
    output.prepare(wav)
    start_at = wall(0.3)
    stopper, called = stop_after(output, 0.3 + 0.8)

    result = output.play(wav, start_at)
    returned = SystemClock().now()
    stopper.join()
    recording = private_sink_recorder.stop()

    assert not result.completed
    assert result.played_seconds == pytest.approx((called[0] - start_at).total_seconds(), abs=0.05)
    assert 0.7 < result.played_seconds < 2.0
    assert (returned - called[0]).total_seconds() < 0.15
    spans = recording.spans()
    assert len(spans) == 1
    heard = (spans[0][1] - spans[0][0]) / RATE
    assert heard == pytest.approx(result.played_seconds, abs=0.1)
    # the sha256 is of a prefix of the bulletin: what was heard plus at most the pre-buffer
    with wave.open(str(wav)) as w:
        pcm = w.readframes(w.getnframes())
    chunk = round(RATE * output.chunk_s) * 4
    sent = [
        k * chunk
        for k in range(1, len(pcm) // chunk + 1)
        if hashlib.sha256(pcm[: k * chunk]).hexdigest() == result.sha256
    ]
    assert len(sent) == 1
    sent_seconds = sent[0] / 4 / RATE
    assert result.played_seconds <= sent_seconds <= result.played_seconds + output.lead_s + 0.05


@pytest.mark.audio_server
def test_stop_before_air_time_plays_nothing(tmp_path: Path, private_sink_recorder: SinkRecorder) -> None:
    wav = write_wav(tmp_path / "b.wav", tone(1.0))
    output = DeviceOutput(private_sink_recorder.sink, "pulse")
    stopper, _ = stop_after(output, 0.2)
    start_at = wall(1.0)

    result = output.play(wav, start_at)
    stopper.join()
    private_sink_recorder.clock.sleep(1.2)
    recording = private_sink_recorder.stop()

    assert not result.completed
    assert result.played_seconds == 0
    air_time = recording.index_of(start_at)
    assert [s for s in recording.spans() if s[1] > air_time - RATE // 10] == []


@pytest.mark.audio_server
def test_alsa_backend_plays_through_the_pulse_plugin(tmp_path: Path, private_sink_recorder: SinkRecorder) -> None:
    sweep = chirp(0.4)
    wav = write_wav(tmp_path / "alsa.wav", sweep)
    output = DeviceOutput("pulse", "alsa")
    output.prepare(wav)
    start_at = wall(0.4)

    result = output.play(wav, start_at)
    recording = private_sink_recorder.stop()

    found = recording.find(sweep)
    assert found.score > 0.95
    assert abs((recording.time_of(found.index) - start_at).total_seconds()) < START_TOLERANCE_S
    assert result.completed and result.sha256 == pcm_sha256(wav)


@pytest.mark.audio_server
def test_a_missing_sink_is_reported_with_what_to_do(tmp_path: Path, audio_server: str) -> None:
    wav = write_wav(tmp_path / "x.wav", tone(0.2))
    output = DeviceOutput("loa-xa", "pulse")

    with pytest.raises(OutputError) as err:
        output.play(wav, None)

    assert "Sound device 'loa-xa' was not found" in err.value.message
    assert "broadcaster devices" in (err.value.hint or "")


def test_a_missing_alsa_device_is_reported(tmp_path: Path) -> None:
    if shutil.which("aplay") is None:
        pytest.skip("aplay (alsa-utils) is not installed")
    wav = write_wav(tmp_path / "x.wav", tone(0.2))

    with pytest.raises(OutputError) as err:
        DeviceOutput("loa-xa", "alsa").play(wav, None)

    assert "Sound device 'loa-xa' was not found by ALSA" in err.value.message
    assert "[output] device" in (err.value.hint or "")


def test_a_missing_player_program_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wav = write_wav(tmp_path / "x.wav", tone(0.2))
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(OutputError) as err:
        DeviceOutput("horn", "pulse").prepare(wav)

    assert "pacat is not installed" in err.value.message
    assert "pulseaudio-utils" in (err.value.hint or "")


@pytest.mark.audio_server
def test_devices_lists_and_checks_the_sink(audio_server: str) -> None:
    audio_sink = private_sink(audio_server)
    devices = list_devices()
    assert any(d.name == audio_sink and d.backend == "pulse" for d in devices)
    assert check_device(audio_sink, "pulse") is None
    assert check_device("default", "auto") is None
    problem = check_device("loa-xa", "pulse")
    assert problem is not None
    assert "'loa-xa'" in problem and audio_sink in problem


def test_doctor_names_an_unknown_alsa_device() -> None:
    if shutil.which("aplay") is None:
        pytest.skip("aplay (alsa-utils) is not installed")
    problem = check_device("loa-xa", "alsa")
    assert problem is not None
    assert "'loa-xa'" in problem and "broadcaster devices" in problem


# --------------------------------------------------------------------------- files


def test_file_output_writes_what_would_have_aired(tmp_path: Path) -> None:
    source = write_wav(tmp_path / "sang.wav", chirp(0.5), channels=2)
    clock = SteppingClock(datetime(2026, 11, 25, 22, 59, 58, tzinfo=UTC))
    output = FileOutput(tmp_path / "aired", clock, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    start_at = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)

    output.prepare(source)
    result = output.play(source, start_at)

    aired = tmp_path / "aired" / "2026-11-26T06-00-00+07-00_sang.wav"
    assert aired.read_bytes() == source.read_bytes()
    assert result.started_at == start_at
    assert result.completed and result.played_seconds == pytest.approx(0.5, abs=0.001)
    assert result.sha256 == pcm_sha256(source)
    # it kept real time: two seconds of waiting, then the bulletin's length
    assert clock.slept == pytest.approx(2.5, abs=0.06)
    assert output.name == f"file:{tmp_path / 'aired'}"


def test_file_output_keeps_extra_wav_chunks_byte_for_byte(tmp_path: Path) -> None:
    plain = write_wav(tmp_path / "plain.wav", tone(0.2)).read_bytes()
    # ffmpeg-style: a LIST chunk between fmt and data
    info = b"LIST" + struct.pack("<I", 18) + b"INFOISFT" + struct.pack("<I", 6) + b"Lavf\x00\x00"
    riff_body = plain[12:36] + info + plain[36:]
    source = tmp_path / "ffmpeg.wav"
    source.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(riff_body)) + b"WAVE" + riff_body)
    output = FileOutput(tmp_path / "aired", SteppingClock(datetime(2026, 1, 1, tzinfo=UTC)), realtime=False)

    result = output.play(source, None)

    (aired,) = (tmp_path / "aired").iterdir()
    assert aired.read_bytes() == source.read_bytes()
    assert result.sha256 == pcm_sha256(source) == pcm_sha256(tmp_path / "plain.wav")


def test_two_airings_in_the_same_second_get_two_files(tmp_path: Path) -> None:
    source = write_wav(tmp_path / "tin.wav", tone(0.1))
    output = FileOutput(tmp_path / "aired", SteppingClock(datetime(2026, 1, 1, tzinfo=UTC)), realtime=False)
    output.play(source, None)
    output.play(source, None)
    assert sorted(p.name for p in (tmp_path / "aired").iterdir()) == [
        "2026-01-01T00-00-00+00-00_tin-2.wav",
        "2026-01-01T00-00-00+00-00_tin.wav",
    ]


def test_stopping_a_file_airing_truncates_it_where_it_was(tmp_path: Path) -> None:
    samples = chirp(3.0)
    source = write_wav(tmp_path / "long.wav", samples)
    output = FileOutput(tmp_path / "aired", SystemClock())
    stopper, _ = stop_after(output, 0.5)

    began = time.monotonic()
    result = output.play(source, None)
    took = time.monotonic() - began
    stopper.join()

    assert not result.completed
    assert took == pytest.approx(result.played_seconds, abs=0.1)
    (aired,) = (tmp_path / "aired").iterdir()
    written, rate, channels = read_wav(aired)
    assert (rate, channels) == (RATE, 1)
    assert len(written) / RATE == pytest.approx(result.played_seconds, abs=0.001)
    assert 0.4 < result.played_seconds < 2.0
    assert np.array_equal(written, samples[: len(written)])
    assert result.sha256 == hashlib.sha256(written.astype("<i2").tobytes()).hexdigest()


def test_only_16_bit_pcm_airs(tmp_path: Path) -> None:
    path = tmp_path / "8bit.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(bytes(800))
    output = FileOutput(tmp_path / "aired", SystemClock(), realtime=False)

    with pytest.raises(AudioError, match="not 16-bit PCM"):
        output.play(path, None)
    mp3 = tmp_path / "x.wav"
    mp3.write_bytes(b"ID3\x04 an mp3 renamed")
    with pytest.raises(AudioError, match="not a WAV file"):
        output.prepare(mp3)


def test_a_stop_between_prepare_and_play_cancels_that_airing_only(tmp_path: Path) -> None:
    source = write_wav(tmp_path / "tin.wav", tone(0.1))
    output = FileOutput(tmp_path / "aired", SteppingClock(datetime(2026, 1, 1, tzinfo=UTC)), realtime=False)

    output.prepare(source)
    output.stop()  # e.g. an emergency pre-empts the slot while it waits for its second
    cancelled = output.play(source, None)
    assert not cancelled.completed and cancelled.played_seconds == 0
    assert list((tmp_path / "aired").iterdir()) == []

    # the stop was for that airing: the next one airs in full, prepared or not
    assert output.play(source, None).completed
    output.stop()
    output.prepare(source)
    assert output.play(source, None).completed


@pytest.mark.audio_server
def test_a_stopped_pre_roll_plays_nothing(tmp_path: Path, private_sink_recorder: SinkRecorder) -> None:
    wav = write_wav(tmp_path / "b.wav", tone(0.5))
    output = DeviceOutput(private_sink_recorder.sink, "pulse")
    output.prepare(wav)
    output.stop()

    cancelled = output.play(wav, wall(0.1))
    assert not cancelled.completed
    output.prepare(wav)
    assert output.play(wav, wall(0.1)).completed
    recording = private_sink_recorder.stop()

    assert len(recording.spans()) == 1
