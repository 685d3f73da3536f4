"""Relay tests: the fixtures of a real Icecast server and its sources, and the PulseAudio recorder."""

from __future__ import annotations

import pytest

from tests.audio_server import audio_server, private_sink_recorder  # noqa: F401
from tests.relay.stream_server import icecast, sources  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "icecast: needs Debian's icecast2 (scripts/start-icecast.sh starts one)")
