"""The station's voicing: what each news item sounds like on air, made ahead of air time.

An item's audio is behind one abstraction, `ItemAudio` (its parts in order, ready to play):
spoken text (normalized, synthesized with fallback, mastered, cached: a title and a text part),
or a recorded file (one part, the recording as mastered when it arrived, aired as it is: no
title is spoken before it). Durations, planning and the airer ask for an
item's audio and never assume it is text. Rendering happens ahead of air time (`news add`,
`broadcaster render`, the daemon's render-ahead job); at air time only what is ready is used,
except that speech missing from the cache is made by an offline voice at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcaster.errors import BroadcasterError, SpeechError
from broadcaster.i18n import _
from broadcaster.media.mastering import CompressorSettings, MasteringSettings
from broadcaster.model import NewsItem
from broadcaster.service.context import Station
from broadcaster.service.item_audio import ItemAudio
from broadcaster.service.memo import Memo
from broadcaster.service.recording_audio import RecordingAudio
from broadcaster.sound.bulletin import BulletinPart, PartKind, assemble_bulletin
from broadcaster.speech import (
    CachedRender,
    FallbackChain,
    RenderCache,
    cache_key,
    render,
)
from broadcaster.speech.engine import SpeechEngine
from broadcaster.speech.lengths import cached_lengths
from broadcaster.store import renderings
from broadcaster.text import normalize

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

_KEYS: Memo[tuple[str, bytes], str] = Memo(8192)  # (settings, sha256 of the text) -> cache key


def build_engines(station: Station) -> list[SpeechEngine]:
    """The engines config.toml names, in its order (broadcaster/speech/registry.py builds each)."""
    from broadcaster.speech.registry import build_chain

    return build_chain(station.config.speech, station.config.folder)


def mastering_settings(station: Station) -> MasteringSettings:
    m = station.config.mastering
    return MasteringSettings(
        highpass_hz=m.highpass_hz,
        compressor=CompressorSettings(threshold_db=m.compressor_threshold_db, ratio=m.compressor_ratio),
        loudness_lufs=m.loudness_lufs,
        true_peak_dbtp=m.true_peak_dbtp,
        tempo=m.tempo,
        sample_rate=m.sample_rate,
        trim_silence=m.trim_silence,
    )


class Voicing:
    """`check_audio=False` is for what only shows the programme (status, schedule, the console): an
    item counts as ready when its cached speech is there, read from the cache's small records
    without re-hashing every audio file. What airs (the daemon, air-now) always checks each hit."""

    def __init__(
        self, station: Station, engines: Sequence[SpeechEngine] | None = None, *, check_audio: bool = True
    ) -> None:
        self.station = station
        self.chain = FallbackChain(list(engines) if engines is not None else build_engines(station), log)
        self.mastering = mastering_settings(station)
        self.cache = RenderCache(station.cache_dir)
        self.recordings = RecordingAudio(station.config, self.mastering)
        self.check_audio = check_audio
        # what, besides the text, shapes a cache key: keys are remembered per text under it
        speech = station.config.speech
        word_lists = json.dumps(
            [sorted(speech.abbreviations.items()), sorted(speech.pronunciations.items())], ensure_ascii=False
        )
        self._settings = cache_key(word_lists, self.chain.engines, self.mastering)

    # ------------------------------------------------------------ text

    def spoken(self, text: str) -> str:
        speech = self.station.config.speech
        return normalize(text, speech.abbreviations, speech.pronunciations)

    def key(self, text: str) -> str:
        """The cache key of `text`'s speech. Normalizing a long text takes about a millisecond and a
        page may ask for a thousand items' keys, so keys are remembered (pure: same text, same key)."""
        memo = (self._settings, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
        found = _KEYS.get(memo)
        if found is None:
            found = cache_key(self.spoken(text), self.chain.engines, self.mastering)
            _KEYS.put(memo, found)
        return found

    def render_text(self, text: str, retry_fallback: bool = False, offline_only: bool = False) -> CachedRender:
        return render(
            self.spoken(text),
            self.chain,
            self.mastering,
            self.cache,
            clock=self.station.clock,
            retry_fallback=retry_fallback,
            offline_only=offline_only,
        )

    def cached_text(self, text: str) -> CachedRender | None:
        """Cached audio for `text`, never synthesizing (air time)."""
        return self.cache.get(self.key(text))

    # ------------------------------------------------------------ items

    def prepare(self, item: NewsItem, retry_fallback: bool = False, offline_only: bool = False) -> ItemAudio:
        """Make what is missing of `item`'s audio and record which engine spoke it.

        `retry_fallback`: parts a fallback voice spoke are tried with the first engine again.
        `offline_only`: at air time, only engines that need no network (a few tenths of a second).
        A recorded item's mastered file is checked against its SHA-256, and mastered again when needed.
        """
        if item.recorded:
            return self._prepare_recording(item)
        title = self.render_text(item.title, retry_fallback, offline_only)
        text = self.render_text(item.text, retry_fallback, offline_only)
        with self.station.db.session() as session:
            for part, rendered in (("title", title), ("text", text)):
                renderings.save(
                    session,
                    item.id,
                    part,
                    cache_key=rendered.path.stem,
                    engine=rendered.engine,
                    voice=rendered.voice,
                    seconds=rendered.duration_s,
                    sha256=rendered.sha256,
                    notes="; ".join(rendered.fallback_notes) or None,
                    created_at=rendered.created,
                )
        return ItemAudio.spoken(item.id, title, text)

    def _prepare_recording(self, item: NewsItem) -> ItemAudio:
        assert item.recording is not None
        kept = self.recordings.prepare(item)
        with self.station.db.session() as session:
            renderings.save(
                session,
                item.id,
                "recording",
                cache_key=self.recordings.version(item.recording),
                engine="recording",
                voice=item.language,
                seconds=kept.mastered_duration_s,
                sha256=kept.mastered_sha256,
                notes=None,
                created_at=self.station.now(),
            )
        return ItemAudio.recorded(item, kept)

    def audio_for(self, item: NewsItem) -> ItemAudio | None:
        """The item's audio if it is ready, never making any (planning, air time)."""
        if item.recording is not None:
            kept = self.recordings.ready(item.recording)
            return None if kept is None else ItemAudio.recorded(item, kept)
        title = self.cached_text(item.title)
        text = self.cached_text(item.text)
        if title is None or text is None:
            return None
        return ItemAudio.spoken(item.id, title, text)

    def prepare_all(self, items: Iterable[NewsItem], retry_fallback: bool = False) -> tuple[list[ItemAudio], list[str]]:
        """Prepare each item; failures are collected, one message per item, not raised."""
        done: list[ItemAudio] = []
        problems: list[str] = []
        for item in items:
            try:
                done.append(self.prepare(item, retry_fallback))
            except BroadcasterError as exc:
                what = (
                    _("News item {id}: its recording could not be made ready: {error}")
                    if item.recorded
                    else _("News item {id}: speech could not be made: {error}")
                )
                problems.append(what.format(id=item.id, error=exc))
                log.error("audio for item %s failed: %s", item.id, exc)
        return done, problems

    def speech_info(self, item: NewsItem) -> list[dict[str, Any]]:
        """How the item's speech was made, for `news show`; marks stale renderings."""
        with self.station.db.session() as session:
            rows = renderings.of_item(session, item.id)
            if item.recording is not None:
                # its spoken parts, if it was a typed item before, are no longer what airs
                rows = [r for r in rows if r.part == "recording"]
                current = {"recording": self.recordings.version(item.recording)}
            else:
                rows = [r for r in rows if r.part != "recording"]
                current = {"title": self.key(item.title), "text": self.key(item.text)}
            return [
                {
                    "part": r.part,
                    "engine": r.engine,
                    "voice": r.voice,
                    "duration_seconds": r.duration_seconds,
                    "audio_sha256": r.audio_sha256,
                    "notes": r.notes,
                    "rendered_at": self.station.local(r.created_at).isoformat(),
                    "current": r.cache_key == current.get(r.part),
                }
                for r in rows
            ]

    def item_seconds(self, item: NewsItem) -> float | None:
        """How long the item airs (its parts and the pauses between them); None when not ready."""
        return self.seconds_of([item])[item.id]

    def seconds_of(self, items: Iterable[NewsItem]) -> dict[int, float | None]:
        items = list(items)
        if self.check_audio:
            return {item.id: self._audio_seconds(item) for item in items}
        # spoken items from the cache's records, remembered while their folders are unchanged
        # (speech/lengths.py); a recording is found from its manifest (never hashed here either)
        keys = {i.id: (self.key(i.title), self.key(i.text)) for i in items if i.recording is None}
        lengths = cached_lengths(self.cache, (k for pair in keys.values() for k in pair))
        found: dict[int, float | None] = {}
        for item in items:
            if item.recording is not None:
                found[item.id] = self._audio_seconds(item)
                continue
            title, text = (lengths[k] for k in keys[item.id])
            found[item.id] = None if title is None or text is None else title + text + self.pause_s
        return found

    def _audio_seconds(self, item: NewsItem) -> float | None:
        audio = self.audio_for(item)
        return None if audio is None else audio.seconds(self.pause_s)

    @property
    def pause_s(self) -> float:
        return self.station.config.mastering.pause_ms / 1000

    # ------------------------------------------------------------ bulletins

    def jingles(self) -> tuple[Path, Path]:
        """The station's jingles in its own format (bulletins are played from their parts as they are)."""
        folder = self.station.jingles_dir
        opening, closing = folder / "opening.wav", folder / "closing.wav"
        generated = self.station.config.audio_dir / "jingles"
        if opening.exists() and closing.exists():
            return self._in_station_format(opening, generated), self._in_station_format(closing, generated)
        if not (generated / "opening.wav").exists():
            from broadcaster.sound.jingles import make_jingles

            make_jingles(generated, self.mastering)
        return generated / "opening.wav", generated / "closing.wav"

    def _in_station_format(self, jingle: Path, folder: Path) -> Path:
        """`jingle` itself when it is mono 16-bit at the station's rate, else a converted copy (made once)."""
        from broadcaster.media.pcm import read_wav_layout

        rate = self.mastering.sample_rate
        try:
            layout = read_wav_layout(jingle)
            if layout.rate == rate and layout.channels == 1:
                return jingle
        except BroadcasterError:
            pass  # not a 16-bit PCM WAV: ffmpeg converts whatever it is
        from broadcaster.speech.cache import file_sha256

        converted = folder / f"{jingle.stem}-{file_sha256(jingle)[:16]}-{rate}.wav"
        if not converted.exists():
            from broadcaster.media.ffmpeg import run_ffmpeg
            from broadcaster.speech.engine import atomic_output

            with atomic_output(converted) as tmp:
                args = ["-y", "-i", str(jingle), "-ac", "1", "-ar", str(rate), "-c:a", "pcm_s16le", "-f", "wav"]
                run_ffmpeg([*args, str(tmp)], what=_("converting the jingle {name}").format(name=jingle.name))
        return converted

    def station_lines(
        self, render_missing: bool = True, offline_only: bool = False
    ) -> tuple[CachedRender, CachedRender] | None:
        ident_text, closing_text = self.station.config.ident_text, self.station.config.closing_text
        if render_missing:
            return self.render_text(ident_text, offline_only=offline_only), self.render_text(
                closing_text, offline_only=offline_only
            )
        ident, closing = self.cached_text(ident_text), self.cached_text(closing_text)
        return (ident, closing) if ident and closing else None

    def bulletin_parts(
        self, audios: Sequence[ItemAudio], lines: tuple[CachedRender, CachedRender] | None
    ) -> list[BulletinPart]:
        """Jingle, ident, each item's parts, closing line, jingle (ident lines when rendered)."""
        opening_jingle, closing_jingle = self.jingles()
        parts = [BulletinPart(PartKind.JINGLE, audio=opening_jingle)]
        if lines:
            parts.append(BulletinPart(PartKind.IDENT, audio=lines[0].path))
        for audio in audios:
            parts += [BulletinPart(part.kind, audio.item_id, part.path) for part in audio.parts]
        if lines:
            parts.append(BulletinPart(PartKind.CLOSING, audio=lines[1].path))
        parts.append(BulletinPart(PartKind.JINGLE, audio=closing_jingle))
        return parts

    def fixed_seconds(self) -> tuple[float, float]:
        """Opening (jingle + ident) and closing (line + jingle) lengths with their pauses."""
        from broadcaster.speech.cache import wav_duration

        opening_jingle, closing_jingle = self.jingles()
        lines = self.station_lines(render_missing=False)
        ident_s = lines[0].duration_s if lines else 0.0
        closing_s = lines[1].duration_s if lines else 0.0
        pause = self.pause_s
        return (
            wav_duration(opening_jingle) + pause + ident_s + pause,
            pause + closing_s + pause + wav_duration(closing_jingle),
        )

    # ------------------------------------------------------------ preview

    def speak_to(self, text: str, out_path: Path) -> CachedRender:
        rendered = self.render_text(text)
        _copy_wav(rendered.path, out_path)
        return rendered

    def preview_to(self, item: NewsItem, out_path: Path) -> ItemAudio:
        audio = self.prepare(item)
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "preview.wav"
            self._assemble(audio, built)
            _copy_wav(built, out_path)
        return audio

    def preview_file(self, item: NewsItem) -> Path:
        """The item as it will sound on air (its parts and the pause between them) in one WAV kept
        for listening (the console's player asks for it in pieces): made once per rendering, and
        again when the text or its speech changes."""
        audio = self.audio_for(item) or self.prepare(item)
        mark = "|".join([*(p.sha256 for p in audio.parts), str(self.station.config.mastering.pause_ms)])
        folder = self.station.config.audio_dir / "previews"
        path = folder / f"item-{item.id}-{hashlib.sha256(mark.encode()).hexdigest()[:16]}.wav"
        if path.exists():
            return path
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"item-{item.id}-*.wav"):
            old.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            built = Path(tmp) / "preview.wav"
            self._assemble(audio, built)
            built.replace(path)  # whole or not at all: another request may be reading it
        return path

    def _assemble(self, audio: ItemAudio, out_path: Path) -> None:
        parts = [BulletinPart(part.kind, audio.item_id, part.path) for part in audio.parts]
        assemble_bulletin(parts, out_path, self.station.config.mastering.pause_ms, self.mastering.sample_rate)


def _copy_wav(source: Path, out_path: Path) -> None:
    import shutil

    if out_path.suffix.lower() != ".wav":
        raise SpeechError(
            _("{path} must end in .wav.").format(path=out_path), _("Give an output file name like tin.wav.")
        )
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, out_path)
    except OSError as exc:
        raise SpeechError(
            f"Cannot write {out_path}: {exc.strerror}.", "Check the folder exists and is writable."
        ) from exc


def render_ahead(voicing: Voicing, items: Iterable[NewsItem], retry_fallback: bool) -> list[str]:
    """Speech for the station's lines, the relay notice and every item that may air within
    [speech] render_ahead_hours, made now (cached: cheap when nothing changed). Returns the problems."""
    station = voicing.station
    problems: list[str] = []
    try:
        voicing.station_lines()
        if any(slot.is_relay for slot in station.config.slots):
            voicing.render_text(station.config.relay.notice)  # spoken while a relay is down
    except BroadcasterError as exc:
        problems.append(f"station ident or relay notice could not be rendered: {exc}")
    horizon = station.now() + timedelta(hours=station.config.speech.render_ahead_hours)
    last_day = station.local(horizon).date()
    soon = [i for i in items if i.valid_from is None or i.valid_from <= last_day]
    return problems + voicing.prepare_all(soon, retry_fallback=retry_fallback)[1]
