"""Text-to-speech: engines behind one protocol, a fallback chain and a render cache.

The package loads its parts on first use (PEP 562): the config reads each engine's settings from
its module, and must not pull in the render cache, mastering and numpy with them.
"""

from typing import TYPE_CHECKING

from broadcaster.lazy import lazy_names

if TYPE_CHECKING:
    from broadcaster.speech.cache import CachedRender, RenderCache, cache_key, render
    from broadcaster.speech.chain import ChainResult, EngineFailure, FallbackChain
    from broadcaster.speech.engine import SpeechEngine
    from broadcaster.speech.espeak import EspeakEngine, check_espeak_vietnamese
    from broadcaster.speech.gtts_engine import GttsEngine, split_for_gtts
    from broadcaster.speech.validate import validate_rendering

_LAZY = {
    "CachedRender": "broadcaster.speech.cache",
    "RenderCache": "broadcaster.speech.cache",
    "cache_key": "broadcaster.speech.cache",
    "render": "broadcaster.speech.cache",
    "ChainResult": "broadcaster.speech.chain",
    "EngineFailure": "broadcaster.speech.chain",
    "FallbackChain": "broadcaster.speech.chain",
    "SpeechEngine": "broadcaster.speech.engine",
    "EspeakEngine": "broadcaster.speech.espeak",
    "check_espeak_vietnamese": "broadcaster.speech.espeak",
    "GttsEngine": "broadcaster.speech.gtts_engine",
    "split_for_gtts": "broadcaster.speech.gtts_engine",
    "validate_rendering": "broadcaster.speech.validate",
}


__getattr__ = lazy_names(__name__, _LAZY, globals())


__all__ = [
    "CachedRender",
    "ChainResult",
    "EngineFailure",
    "EspeakEngine",
    "FallbackChain",
    "GttsEngine",
    "RenderCache",
    "SpeechEngine",
    "cache_key",
    "check_espeak_vietnamese",
    "render",
    "split_for_gtts",
    "validate_rendering",
]
