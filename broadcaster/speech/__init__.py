"""Text-to-speech: engines behind one protocol, a fallback chain and a render cache."""

from broadcaster.speech.cache import CachedRender, RenderCache, cache_key, render
from broadcaster.speech.chain import ChainResult, EngineFailure, FallbackChain
from broadcaster.speech.engine import SpeechEngine
from broadcaster.speech.espeak import EspeakEngine, check_espeak_vietnamese
from broadcaster.speech.gtts_engine import GttsEngine, split_for_gtts
from broadcaster.speech.validate import validate_rendering

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
