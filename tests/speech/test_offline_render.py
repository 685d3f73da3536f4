"""At air time speech is made only by engines that need no network; the result is kept as a fallback."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from broadcaster.media.mastering import MasteringSettings
from broadcaster.speech import FallbackChain, RenderCache, render
from tests.fakes import ToneEngine


class OnlineVoice(ToneEngine):
    """An engine that needs the internet (like gTTS); counts how often it was asked."""

    name = "online"
    online = True

    @property
    def settings(self) -> Mapping[str, object]:
        return {}


def test_offline_only_passes_over_online_engines_and_keeps_the_render_for_a_later_retry(tmp_path: Path) -> None:
    online, offline = OnlineVoice(), ToneEngine()
    chain = FallbackChain([online, offline])
    cache = RenderCache(tmp_path / "cache")

    made = render("Xin chào bà con.", chain, MasteringSettings(), cache, offline_only=True)

    assert online.spoken == [] and offline.spoken == ["Xin chào bà con."]
    assert made.engine == "tone"
    assert made.fallback_notes == ("online failed: not tried at air time (no waiting for the network)",)
    # the same cache entry the full chain uses: the hourly retry with the first voice replaces it
    retried = render("Xin chào bà con.", chain, MasteringSettings(), cache, retry_fallback=True)
    assert online.spoken == ["Xin chào bà con."] and retried.engine == "online"
