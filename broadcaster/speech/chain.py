"""Try engines in order until one produces valid speech, and remember why the others did not."""

from __future__ import annotations

import errno
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from broadcaster.errors import BroadcasterError, SpeechError
from broadcaster.i18n import _
from broadcaster.speech.engine import SpeechEngine
from broadcaster.speech.validate import validate_rendering

Validator = Callable[[Path, str], float]


# Programs whose messages already name themselves ("espeak-ng failed: ...").
_SELF_NAMING = ("espeak-ng",)
# Below this, a failed engine is a full disk, not a broken voice: speech needs a few hundred KB.
MIN_FREE_BYTES = 1 << 20


@dataclass(frozen=True)
class EngineFailure:
    engine: str
    reason: str
    hint: str | None = None

    def __str__(self) -> str:
        """One line naming the engine once: "gtts failed: HTTP 429", "espeak-ng failed: voice unknown"."""
        reason = self.reason.rstrip(". ")
        if reason.startswith(_SELF_NAMING):
            return reason.replace(" failed: Error: ", " failed: ", 1)
        return _("{engine} failed: {reason}").format(engine=self.engine, reason=reason)


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
        return "; ".join([*self.notes, _("spoken by {engine}").format(engine=self.engine)])


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
                failures.append(EngineFailure(engine.name, _("not tried at air time (no waiting for the network)")))
                continue
            try:
                engine.synthesize(text, out_path)
                duration = self._validate(out_path, text)
            except (BroadcasterError, OSError) as exc:
                # an invalid rendering must never be mistaken for the next engine's output
                out_path.unlink(missing_ok=True)
                if _disk_full(exc, out_path.parent):
                    raise no_space(out_path.parent) from exc
                if isinstance(exc, OSError):
                    failure = EngineFailure(
                        engine.name, _("could not write its audio ({error})").format(error=exc.strerror)
                    )
                else:
                    failure = EngineFailure(engine.name, exc.message, exc.hint)
                failures.append(failure)
                self.log.warning("speech engine %s (%s): %s", engine.name, engine.voice, failure)
                continue
            result = ChainResult(engine.name, engine.voice, duration, tuple(failures))
            if failures:
                self.log.warning("%s", result.summary())
            return result
        # each engine's own advice, once: the internet only when an online engine failed
        hints = dict.fromkeys(f.hint if f.hint.endswith(".") else f.hint + "." for f in failures if f.hint)
        raise SpeechError(
            _("No speech engine could speak the text: {failures}.").format(failures="; ".join(map(str, failures))),
            " ".join(hints) or _("Run `broadcaster doctor` to check the voices."),
        )


def _disk_full(exc: BaseException, folder: Path) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    try:
        return shutil.disk_usage(folder).free < MIN_FREE_BYTES
    except OSError:
        return False


def no_space(folder: Path) -> SpeechError:
    while folder.name.startswith(".") and folder.parent != folder:  # a render's temporary folder
        folder = folder.parent
    return SpeechError(
        _("No space left on the disk holding {folder}: the speech could not be written.").format(folder=folder),
        _("Free disk space (old files in aired/ and data/audio/bulletins/)."),
    )
