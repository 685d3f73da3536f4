"""Recorded news items: a received file checked, mastered and kept, then queued like any news item.

What a recording must be is decided in broadcaster/recordings (intake). Here: the station's limits
and mastering for recordings (`[recordings]` in config.toml), the item's language (`[[languages]]`),
and the desk's operations on recorded items (add, edit, import a folder or .zip with its CSV).
Each checks everything first: the item's fields, then every file (decoded, measured and mastered
into a staging folder, nothing kept), then whether it fits a slot; only then are the files kept in
the recordings folder and the items stored, all in one transaction. A refusal leaves the queue and
the folder as they were.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from broadcaster import newsinput
from broadcaster.config import Config
from broadcaster.errors import BroadcasterError, InputError, NotFoundError
from broadcaster.i18n import _
from broadcaster.importers import AUDIO_CSV_COLUMNS, AUDIO_REQUIRED_COLUMNS, CsvRow, column_label, read_csv
from broadcaster.model import VIETNAMESE, NewsItem, Recording
from broadcaster.recordings import StagedRecording, inspect_recording, stage_recording
from broadcaster.service.bundle import open_bundle
from broadcaster.service.news_import import csv_row_draft, refuse_wrong_rows
from broadcaster.service.queue import Draft, NewsDesk
from broadcaster.service.recording_audio import recording_limits, recording_settings


def _fold(text: str) -> str:
    """Lower case without accents or signs: what an official may type for a language's name."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c)).lower()


def check_language(config: Config, code: str | None, what: str = "--language") -> str:
    """A language code of `[[languages]]`; an unknown one is refused with the closest code or name."""
    import difflib

    names = config.language_names()
    value = (code or VIETNAMESE).strip()
    if value.lower() in names:
        return value.lower()
    by_name = {_fold(name): c for c, name in names.items()}
    guess = by_name.get(_fold(value))
    if guess is None:
        close = difflib.get_close_matches(value.lower(), list(names), n=1, cutoff=0.6)
        close = close or difflib.get_close_matches(_fold(value), list(by_name), n=1, cutoff=0.6)
        guess = (by_name.get(close[0], close[0])) if close else None
    hint = _("Did you mean '{code}' ({name})? ").format(code=guess, name=names[guess]) if guess else ""
    listed = ", ".join(f"{c} ({n})" for c, n in names.items())
    raise InputError(
        _("{what} '{value}' is not a language of this station.").format(what=what, value=value),
        hint + _("Use one of the codes of [[languages]] in config.toml: {codes}.").format(codes=listed),
    )


def _at(where: str, exc: BroadcasterError) -> BroadcasterError:
    """The same error, saying which row of an import it is about."""
    if not where:
        return exc
    return type(exc)(where + exc.message, exc.hint)


@dataclass(frozen=True)
class _Entry:
    """A recorded item waiting to be stored: its checked fields and its file."""

    draft: Draft
    path: Path
    name: str  # as received: kept as the recording's name in the evidence
    where: str  # "tin.csv row 3: " in an import, "" otherwise


class RecordedNews:
    """The news desk's operations on recorded items."""

    def __init__(self, desk: NewsDesk) -> None:
        self.desk = desk
        self.station = desk.station
        from broadcaster.service.voicing import mastering_settings

        self.limits = recording_limits(self.station.config)
        self.mastering = recording_settings(self.station.config, mastering_settings(self.station))
        self.folder = self.station.config.recordings_dir

    # ------------------------------------------------------------ add, edit

    def add(self, *, audio: Path | None, language: str | None = None, **fields: Any) -> tuple[NewsItem, list[str]]:
        """Queue a recorded item: `audio` as received, `fields` as for `NewsDesk.draft` (text: a transcript).

        Without `audio` it is a typed item, which is spoken in Vietnamese whatever `language` says."""
        self.station.ready()
        code = check_language(self.station.config, language)
        if audio is None:
            if code != VIETNAMESE:
                raise _typed_is_vietnamese(code)
            draft = self.desk.draft(**fields)
            return self.desk.add(draft), list(draft.notices)
        draft = replace(self.desk.draft(recorded=True, **fields), language=code)
        [kept] = self._keep([_Entry(draft, audio, audio.name, "")])
        return self.desk.add(kept), list(kept.notices)

    def edit(
        self,
        item_id: int,
        *,
        audio: Path | None = None,
        language: str | None = None,
        labels: Mapping[str, str] | None = None,
        cleared: Sequence[str] = (),
        **changes: Any,
    ) -> tuple[NewsItem, list[str]]:
        """Change an item's recording or language, and any other field (`NewsDesk.edit`, with its
        `labels` and `cleared`)."""
        current = self.desk.get(item_id)
        if audio is None and not current.recorded:
            if language is not None and check_language(self.station.config, language) != VIETNAMESE:
                raise _typed_is_vietnamese(language)
            return self.desk.edit(item_id, labels=labels, cleared=cleared, **changes), []
        draft = self.desk.edited_draft(current, changes, cleared=cleared, labels=labels, recorded=True)
        changes = {**changes, "labels": labels, "cleared": cleared}
        draft = replace(draft, language=check_language(self.station.config, language or current.language))
        if audio is None:
            assert current.recording is not None
            draft = self._fitted(draft, current.recording.seconds, current.recording.name, "")
            return self.desk.edit(item_id, language=draft.language, **changes), list(draft.notices)
        [kept] = self._keep([_Entry(draft, audio, audio.name, "")])
        item = self.desk.edit(item_id, language=kept.language, recording=kept.recording, **changes)
        return item, list(kept.notices)

    # ------------------------------------------------------------ import

    def import_bundle(self, path: Path) -> tuple[list[NewsItem], list[str]]:
        """A folder or .zip of recordings and the .csv describing them: every row stored, or none."""
        self.station.ready()
        scratch = self.station.config.data_dir
        with open_bundle(path, self.limits.max_bytes, scratch) as bundle:
            rows, conversion = read_csv(bundle.csv, AUDIO_CSV_COLUMNS, AUDIO_REQUIRED_COLUMNS, bundle.csv_label)
            entries, wrong = [], []
            for row in rows:
                where = row.where(bundle.csv_label)
                try:
                    draft = self._row_draft(row, where)
                    value = row.values["audio"]
                    entries.append(_Entry(draft, bundle.audio(value, where), PurePosixPath(value).name, where))
                except BroadcasterError as exc:
                    wrong.append(exc)
            # the rows first, every wrong one at once; only then are the files decoded (seconds each), and
            # every file that is wrong is named at once in turn
            refuse_wrong_rows(bundle.csv_label, wrong)
            drafts = self._keep(entries, bundle.csv_label)
        items = self.desk.add_many(drafts, source_note=f"imported from {path.name}")
        notices = [conversion.notice] if conversion.notice else []
        return items, notices + [n for d in drafts for n in d.notices]

    def _row_draft(self, row: CsvRow, where: str) -> Draft:
        draft = csv_row_draft(self.desk, row, where, AUDIO_REQUIRED_COLUMNS, recorded=True)
        language = check_language(
            self.station.config, row.values.get("language") or None, where + column_label("language")
        )
        return replace(draft, language=language)

    # ------------------------------------------------------------ the files

    def _keep(self, entries: Sequence[_Entry], csv_name: str = "") -> list[Draft]:
        """Check every file and that each item fits a slot, then keep them all: the drafts to store.

        Each file is checked and mastered once, into a staging folder of the recordings folder, and
        kept only when every file passed (they were decoded twice: checked, then accepted). The wrong
        ones of an import (rows of the .csv `csv_name`) are refused together."""
        with ExitStack() as stack:
            staged: list[tuple[StagedRecording, Draft]] = []
            refused: list[BroadcasterError] = []
            for entry in entries:
                try:
                    one = self._stage(stack, entry)
                except BroadcasterError as exc:
                    refused.append(_at(entry.where, exc))
                    continue
                seconds = one.aired_s / self.mastering.tempo
                try:
                    staged.append((one, self._fitted(entry.draft, seconds, entry.name, entry.where)))
                except BroadcasterError as exc:
                    refused.append(exc)
            refuse_wrong_rows(csv_name, refused)
            kept = []
            for entry, (one, draft) in zip(entries, staged, strict=True):
                try:
                    accepted = one.keep()
                except BroadcasterError as exc:
                    raise _at(entry.where, exc) from exc
                recording = Recording(accepted.original_sha256, entry.name, accepted.mastered_duration_s)
                notices = draft.notices + tuple(entry.where + n for n in accepted.notices)
                kept.append(replace(draft, recording=recording, notices=notices))
        return kept

    def _stage(self, stack: ExitStack, entry: _Entry) -> StagedRecording:
        if not entry.path.exists():
            raise NotFoundError(
                _("File {path} does not exist.").format(path=entry.path), _("Check the path and the file name.")
            )
        if not self.mastering.trim_silence:
            # the whole recording airs, but a file with too little sound in it is refused all the same, before
            # mastering: checked on its own first, as every file was (a station that trims pays once less)
            inspect_recording(entry.path, self.limits, original_name=entry.name)
        one: StagedRecording = stack.enter_context(
            stage_recording(entry.path, self.folder, self.limits, self.mastering, original_name=entry.name)
        )
        return one

    def _fitted(self, draft: Draft, seconds: float, name: str, where: str) -> Draft:
        """`draft`, refused if its recording is longer than every slot that may air it (a notice if none may)."""
        notice = newsinput.check_recording_fits(
            self.station.config, seconds, draft.topic, draft.priority, draft.language, where + name
        )
        return replace(draft, notices=(*draft.notices, where + notice)) if notice else draft


def _typed_is_vietnamese(language: str) -> InputError:
    return InputError(
        _("--language {code}: a typed news item is spoken in Vietnamese (vie).").format(code=language),
        _("Give the recording in that language with --audio FILE."),
    )
