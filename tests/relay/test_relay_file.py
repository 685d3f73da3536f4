"""Relays that need neither a sound server nor Icecast: a local file URL, output to a WAV folder.

A station whose output is a folder (dry runs) gets the relay's sound as one
WAV per slot; a relay_url may be a local file. These check what is in the WAV.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from broadcaster.relay import Fallback, probe_stream
from broadcaster.relay.source import check_stream
from broadcaster.sound.file_output import FileOutput
from broadcaster.sound.outputs import DeviceOutput
from broadcaster.sound.stream_out import PlayerSink, WavSink, pcm_sink_for
from tests.audio_server import read_wav, tone, write_wav
from tests.relay.helpers import NOTICE_HZ, RELAY_HZ, at, dominant_hz, session, sleep_until, whole_second
from tests.relay.stream_server import Sources, silence_inputs, tone_inputs


def mp3_of_tone(path: Path, seconds: float, freq: float) -> Path:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"aevalsrc=0.5*sin(2*PI*{freq}*t):s=44100:d={seconds}", "-c:a", "libmp3lame", "-b:a", "64k", str(path)],
        check=True,
    )  # fmt: skip
    return path


def window_hz(samples: np.ndarray, rate: int, start_s: float, seconds: float = 0.2) -> float:
    return dominant_hz(samples[round(start_s * rate) : round((start_s + seconds) * rate)], rate)


@pytest.mark.slow  # ffmpeg relays for the slot's length in real time
def test_a_file_url_is_relayed_into_the_stations_wav_for_the_slots_length(tmp_path: Path) -> None:
    url = "file:" + str(mp3_of_tone(tmp_path / "programme.mp3", 30, RELAY_HZ))
    start = whole_second(3.5)
    sink = WavSink(tmp_path / "aired", stem="Đài huyện")
    result = session(url, sink, start, 3, Fallback(notice=write_wav(tmp_path / "n.wav", tone(1, NOTICE_HZ)))).run()

    assert sink.path is not None and sink.path.parent == tmp_path / "aired"
    samples, rate, channels = read_wav(sink.path)
    assert (rate, channels, len(samples)) == (44100, 1, 3 * 44100)
    assert all(abs(window_hz(samples, rate, t) - RELAY_HZ) < 10 for t in (0.0, 1.4, 2.8))
    assert [s.kind for s in result.segments] == ["relay"] and result.completed
    assert result.bytes_sent == len(samples) * 2


@pytest.mark.slow  # ffmpeg relays for the slot's length in real time
def test_a_missing_file_gets_the_notice_converted_to_the_outputs_format(tmp_path: Path) -> None:
    notice = write_wav(tmp_path / "notice.wav", tone(1.0, NOTICE_HZ, rate=22050), rate=22050, channels=2)
    sink = WavSink(tmp_path / "aired")
    result = session("file:" + str(tmp_path / "gone.mp3"), sink, whole_second(3.5), 3, Fallback(notice=notice)).run()

    assert sink.path is not None
    samples, rate, _ = read_wav(sink.path)
    assert rate == 44100 and abs(window_hz(samples, rate, 0.1) - NOTICE_HZ) < 10
    assert [(s.kind, s.piece, s.why) for s in result.segments] == [
        ("fallback", "notice", "the stream's file was not found")
    ]


@pytest.mark.slow  # ffmpeg relays for the slot's length in real time
def test_without_a_notice_a_generated_signal_airs_and_the_problem_is_reported(tmp_path: Path) -> None:
    sink = WavSink(tmp_path / "aired")
    relay = session("file:" + str(tmp_path / "gone.mp3"), sink, whole_second(3.5), 4, Fallback(notice=None))
    stopper = threading.Thread(target=lambda: (sleep_until(at(relay.start_at, 3)), relay.stop("emergency")))
    stopper.start()
    result = relay.run()
    stopper.join()

    assert sink.path is not None
    samples, rate, _ = read_wav(sink.path)
    # the chime and its pause: never more than 1.5 s without sound; and the WAV stops where the stop came
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 0.05 * 32767)
    assert loud[0] < 0.05 * rate and np.diff(loud).max() < 1.5 * rate
    assert len(samples) / rate == pytest.approx(3.0, abs=0.1)
    assert [(s.kind, s.piece) for s in result.segments] == [("fallback", "tone")]
    assert result.problems == ("no relay notice was given",)
    assert not result.completed and result.stop_reason == "emergency"


@pytest.mark.icecast
@pytest.mark.icecast
@pytest.mark.slow  # streams from the real Icecast server
def test_the_probe_says_whether_a_stream_can_be_relayed(sources: Sources) -> None:
    live = sources.source(tone_inputs(RELAY_HZ)).start()
    silent = sources.source(silence_inputs()).start()

    good = probe_stream(live.url, timeout=10)
    assert (good.ok, good.codec, good.sample_rate, good.channels, good.why) == (True, "mp3", 44100, "mono", "")
    quiet = probe_stream(silent.url, timeout=10)
    assert (quiet.reachable, quiet.audible, quiet.ok) == (True, False, False)
    assert quiet.why.startswith("the stream is silent")
    missing = probe_stream(sources.server.url + sources.mount(), timeout=10)
    assert (missing.reachable, missing.why) == (False, "the stream was not found on its server (404)")
    refused = probe_stream("http://127.0.0.1:9/stream.mp3", timeout=10)
    assert (refused.reachable, refused.why) == (False, "the stream's server refused the connection")
    assert check_stream(live.url) is None
    problem = check_stream("http://127.0.0.1:9/stream.mp3")
    assert problem is not None and "refused the connection" in problem and "relay_url" in problem


def test_an_emergency_before_the_slot_leaves_the_relay_unaired_and_nothing_running(tmp_path: Path) -> None:
    url = "file:" + str(mp3_of_tone(tmp_path / "programme.mp3", 30, RELAY_HZ))
    sink = WavSink(tmp_path / "aired")
    relay = session(url, sink, whole_second(3.5), 5, Fallback(notice=write_wav(tmp_path / "n.wav", tone(1, 440))))
    relay.prepare()
    relay.stop("emergency item 3")
    result = relay.run()

    assert (result.completed, result.played_seconds, result.segments) == (False, 0.0, ())
    assert result.stop_reason == "emergency item 3" and sink.path is None
    assert relay.reader._thread is not None and not relay.reader._thread.is_alive()


def test_a_relay_plays_where_the_stations_bulletins_play(tmp_path: Path) -> None:
    device = pcm_sink_for(DeviceOutput("horn", "pulse", latency_ms=150, start_offset_s=0.02))
    assert isinstance(device, PlayerSink)
    assert (device.device, device.backend, device.latency_ms, device.start_offset_s) == ("horn", "pulse", 150, 0.02)
    folder = pcm_sink_for(FileOutput(tmp_path / "aired"), stem="Đài huyện")
    assert isinstance(folder, WavSink) and folder.folder == tmp_path / "aired"
