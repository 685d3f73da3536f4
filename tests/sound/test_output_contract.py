"""One contract every output keeps (the fake, the file output, the sound card), so the airer and
the tests cannot tell them apart: what plays is what the result says, and stop() is honoured."""

# The fixtures are imported from tests.audio_server, so pytest's parameters shadow them.

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from broadcaster.clock import SystemClock
from broadcaster.media.pcm import pcm_sha256
from broadcaster.sound.file_output import FileOutput
from broadcaster.sound.outputs import DeviceOutput, Output
from tests.audio_server import audio_server, tone, write_wav  # noqa: F401
from tests.fakes import FakeClock, FakeOutput

Maker = Callable[[Path], Output]


def fake(_: Path) -> Output:
    return FakeOutput(FakeClock(datetime.now(UTC)))  # type: ignore[return-value]


def to_files(folder: Path) -> Output:
    return FileOutput(folder / "aired", SystemClock())


# The real outputs play in real time (the file output waits as long as the sound card would): slow.
@pytest.fixture(
    params=[
        "fake",
        pytest.param("file", marks=pytest.mark.slow),
        pytest.param("device", marks=pytest.mark.audio_server),
    ]
)
def make_output(request: pytest.FixtureRequest) -> Maker:
    if request.param == "device":
        request.getfixturevalue("audio_server")  # skips with a message when no sound server runs
        return lambda _folder: DeviceOutput("horn", "pulse", SystemClock())
    return {"fake": fake, "file": to_files}[request.param]


def test_a_whole_airing_reports_what_was_sent(tmp_path: Path, make_output: Maker) -> None:
    wav = write_wav(tmp_path / "tin.wav", tone(0.6))
    output = make_output(tmp_path)
    output.prepare(wav)
    starts: list[datetime] = []
    result = output.play(wav, None, on_started=starts.append)
    assert result.completed
    assert result.played_seconds == pytest.approx(0.6, abs=0.01)
    assert result.sha256 == pcm_sha256(wav)
    assert starts == [result.started_at]


def test_stop_from_another_thread_cuts_the_airing(tmp_path: Path, make_output: Maker) -> None:
    wav = write_wav(tmp_path / "dai.wav", tone(4.0))
    output = make_output(tmp_path)
    if isinstance(output, FakeOutput):
        # the fake's clock moves only as it plays: stop it part way by its own clock
        original = output.clock.sleep

        def sleep_then_stop(seconds: float) -> None:
            original(seconds)
            if (output.clock.now() - start).total_seconds() > 1.0:
                output.stop()

        start = output.clock.now()
        output.clock.sleep = sleep_then_stop  # type: ignore[method-assign]
    else:
        threading.Timer(1.0, output.stop).start()
    output.prepare(wav)
    result = output.play(wav, None)
    assert not result.completed
    assert 0.5 < result.played_seconds < 3.0


def test_a_stop_before_play_cancels_only_the_prepared_airing(tmp_path: Path, make_output: Maker) -> None:
    wav = write_wav(tmp_path / "tin.wav", tone(0.3))
    output = make_output(tmp_path)
    output.prepare(wav)
    output.stop()
    assert not output.play(wav, None).completed
    output.prepare(wav)  # the next airing is not cancelled by the stop meant for the one before
    assert output.play(wav, None).completed


def test_play_waits_for_its_start_time(tmp_path: Path, make_output: Maker) -> None:
    wav = write_wav(tmp_path / "tin.wav", tone(0.2))
    output = make_output(tmp_path)
    clock = output.clock  # type: ignore[attr-defined]
    start_at = clock.now() + timedelta(seconds=0.5)
    output.prepare(wav)
    began = time.monotonic()
    result = output.play(wav, start_at)
    assert abs((result.started_at - start_at).total_seconds()) < 0.1
    if not isinstance(output, FakeOutput):
        assert time.monotonic() - began >= 0.45
