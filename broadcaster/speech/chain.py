"""Try engines in order until one produces valid speech, and remember why the others did not."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from broadcaster.errors import BroadcasterError, SpeechError
from broadcaster.speech.engine import SpeechEngine
from broadcaster.speech.validate import validate_rendering

Validator = Callable[[Path, str], float]


@dataclass(frozen=True)
class EngineFailure:
    engine: str
    reason: str

    def __str__(self) -> str:
        return f"{self.engine} failed: {self.reason}"


@dataclass(frozen=True)
class ChainResult:
    engine: str
    voice: str
    duration_s: float
    failures: tuple[EngineFailure, ...] = field(default_factory=tuple)

    @property
    def notes(self) -> tuple[str, ...]:
        """One line per engine that was passed over, for `news show` and the log."""
        return tuple(str(f) for f in self.failures)

    def summary(self) -> str:
        """E.g. "gtts failed: HTTP 429 after 3 tries; spoken by espeak"."""
        return "; ".join([*self.notes, f"spoken by {self.engine}"])


class FallbackChain:
    def __init__(
        self,
        engines: Sequence[SpeechEngine],
        log: logging.Logger | None = None,
        validate: Validator = validate_rendering,
    ) -> None:
        if not engines:
            raise ValueError("a fallback chain needs at least one engine")
        self.engines = tuple(engines)
        self.log = log or logging.getLogger(__name__)
        self._validate = validate

    def synthesize(self, text: str, out_path: Path, offline_only: bool = False) -> ChainResult:
        """Write valid speech for `text` to `out_path`; SpeechError when every engine failed.

        `offline_only` (at air time, when speech is missing): engines that need the network are
        passed over, as if they had failed, so the result is kept as a fallback and retried later."""
        failures: list[EngineFailure] = []
        for engine in self.engines:
            if offline_only and getattr(engine, "online", False):
                failures.append(EngineFailure(engine.name, "not tried at air time (no waiting for the network)"))
                continue
            try:
                engine.synthesize(text, out_path)
                duration = self._validate(out_path, text)
            except BroadcasterError as exc:
                # an invalid rendering must never be mistaken for the next engine's output
                out_path.unlink(missing_ok=True)
                failures.append(EngineFailure(engine.name, exc.message))
                self.log.warning("speech engine %s (%s) failed: %s", engine.name, engine.voice, exc.message)
                continue
            result = ChainResult(engine.name, engine.voice, duration, tuple(failures))
            if failures:
                self.log.warning("%s", result.summary())
            return result
        raise SpeechError(
            "No speech engine could speak the text: " + "; ".join(str(f) for f in failures) + ".",
            "Check the internet connection for gtts and run `broadcaster doctor` to check espeak-ng.",
        )
