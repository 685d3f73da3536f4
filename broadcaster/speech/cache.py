"""Render cache: each text is spoken and mastered once, then replayed from disk.

The key covers everything that changes the sound (text, engines and voices,
their settings, mastering settings, a format version), so changing any of
them renders afresh and an old file is never aired by mistake. Every hit is
checked against the sha256 in its sidecar: a damaged file is deleted and
reported missing, so it is rendered again instead of going on air.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from broadcaster.clock import Clock, SystemClock
from broadcaster.errors import AudioError, SpeechError
from broadcaster.media.mastering import MasteringSettings, master
from broadcaster.speech.chain import FallbackChain
from broadcaster.speech.engine import SpeechEngine, nfc

log = logging.getLogger(__name__)

# Bump when the stored audio changes for the same inputs (new mastering chain, new container).
FORMAT_VERSION = 1
_CHUNK = 1 << 20


@dataclass(frozen=True)
class RenderMeta:
    engine: str
    voice: str
    duration_s: float
    created: datetime  # aware
    fallback_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CachedRender:
    path: Path
    sha256: str
    duration_s: float
    engine: str
    voice: str
    fallback_notes: tuple[str, ...]
    created: datetime


def cache_key(
    text: str,
    engines: Sequence[SpeechEngine],
    mastering: MasteringSettings,
    format_version: int = FORMAT_VERSION,
) -> str:
    """sha256 of a canonical JSON of everything that shapes the rendered audio."""
    payload = {
        "text": nfc(text).strip(),
        "engines": [{"name": e.name, "voice": e.voice, "settings": dict(e.settings)} for e in engines],
        "mastering": asdict(mastering),
        "format": format_version,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fp:
        while block := fp.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


class RenderCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def shard(key: str) -> str:
        """The folder under the cache that holds a key's files (speech/lengths.py watches its mtime)."""
        return key[:2]

    def audio_path(self, key: str) -> Path:
        _check_key(key)
        return self.folder / self.shard(key) / f"{key}.wav"

    def meta_path(self, key: str) -> Path:
        return self.audio_path(key).with_suffix(".json")

    def get(self, key: str) -> CachedRender | None:
        audio, meta_file = self.audio_path(key), self.meta_path(key)
        if not meta_file.exists():
            return None  # never stored, or a put() still between its two renames
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            stored_sha = str(meta["sha256"])
            actual_sha = file_sha256(audio)
            render = CachedRender(
                path=audio,
                sha256=stored_sha,
                duration_s=float(meta["duration_s"]),
                engine=str(meta["engine"]),
                voice=str(meta["voice"]),
                fallback_notes=tuple(str(n) for n in meta.get("fallback_notes", [])),
                created=datetime.fromisoformat(meta["created"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("render cache entry %s is unreadable (%s); it will be rendered again", key[:12], exc)
            self._discard(key)
            return None
        if actual_sha != stored_sha:
            log.warning("render cache entry %s fails its checksum; deleted, it will be rendered again", key[:12])
            self._discard(key)
            return None
        return render

    def put(self, key: str, audio_path: Path, meta: RenderMeta) -> CachedRender:
        """Copy `audio_path` into the cache; the sidecar is renamed into place last, as the commit."""
        if meta.created.tzinfo is None:
            raise ValueError("meta.created must be timezone-aware")
        audio, meta_file = self.audio_path(key), self.meta_path(key)
        audio.parent.mkdir(parents=True, exist_ok=True)
        tmp_audio = _temp_beside(audio)
        tmp_meta = _temp_beside(meta_file)
        try:
            shutil.copyfile(audio_path, tmp_audio)
            sha = file_sha256(tmp_audio)
            record = {**asdict(meta), "created": meta.created.isoformat(), "sha256": sha}
            record["fallback_notes"] = list(meta.fallback_notes)
            tmp_meta.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp_audio, audio)
            os.replace(tmp_meta, meta_file)
        finally:
            tmp_audio.unlink(missing_ok=True)
            tmp_meta.unlink(missing_ok=True)
        return CachedRender(audio, sha, meta.duration_s, meta.engine, meta.voice, meta.fallback_notes, meta.created)

    def _discard(self, key: str) -> None:
        self.meta_path(key).unlink(missing_ok=True)
        self.audio_path(key).unlink(missing_ok=True)


def _check_key(key: str) -> None:
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError(f"not a render cache key: {key!r}")


def _temp_beside(path: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    return Path(name)


def wav_duration(path: Path) -> float:
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() / w.getframerate()
    except (OSError, wave.Error, EOFError) as exc:
        raise AudioError(f"{path.name} is not a readable WAV file: {exc}") from exc


def render(
    text: str,
    chain: FallbackChain,
    mastering: MasteringSettings,
    cache: RenderCache,
    *,
    clock: Clock | None = None,
    retry_fallback: bool = False,
    offline_only: bool = False,
) -> CachedRender:
    """Return mastered speech for already-normalized `text`, rendering only on a cache miss.

    With `retry_fallback`, a hit that a fallback voice spoke is tried again with the chain; the
    new audio replaces it only when the first engine spoke it this time, so a cached rendering
    is never lost to another failure.
    """
    key = cache_key(text, chain.engines, mastering)
    hit = cache.get(key)
    if hit is not None and not (retry_fallback and hit.fallback_notes):
        log.debug("render cache hit %s (%s)", key[:12], hit.engine)
        return hit
    cache.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".render-", dir=cache.folder) as tmp:
        raw = Path(tmp) / "speech.audio"
        try:
            result = chain.synthesize(text, raw, offline_only=offline_only)
        except SpeechError:
            if hit is not None:
                return hit
            raise
        if hit is not None and result.failures:
            log.info("render %s: %s again; keeping the cached %s audio", key[:12], result.summary(), hit.engine)
            return hit
        mastered = Path(tmp) / "mastered.wav"
        master(raw, mastered, mastering)
        meta = RenderMeta(
            engine=result.engine,
            voice=result.voice,
            duration_s=round(wav_duration(mastered), 3),
            created=(clock or SystemClock()).now(),
            fallback_notes=result.notes,
        )
        stored = cache.put(key, mastered, meta)
    log.info("rendered %s: %.1f s, %s", key[:12], stored.duration_s, result.summary())
    return stored
