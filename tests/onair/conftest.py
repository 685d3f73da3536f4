"""One speech cache for the whole on-air suite: each text is spoken by espeak once, then reused.

The cache is keyed by text, engine and mastering settings, so a copy is exactly what a
station that rendered the same text would hold; it only saves the suite's time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.onair import helpers


@pytest.fixture(scope="session", autouse=True)
def shared_speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("speech-cache")
    helpers.SHARED_CACHE = folder
    yield folder
    helpers.SHARED_CACHE = None
