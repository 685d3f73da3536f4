"""News items from a file: .txt (title on line 1), .docx (title = first paragraph), .csv (one row per item).

Only drafts are made here, every one checked; NewsDesk.import_file stores them all or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.errors import BroadcasterError, InputError
from broadcaster.i18n import _
from broadcaster.importers import CsvRow, read_csv, read_docx, read_txt
from broadcaster.service.drafting import Draft

if TYPE_CHECKING:
    from broadcaster.service.queue import NewsDesk


def drafts_from_file(
    desk: NewsDesk, path: Path, topic: str | None, priority: str | None, airings: int | str | None
) -> list[Draft]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        refuse_options_with_csv(topic, priority, airings)
        return _csv_drafts(desk, path)
    if suffix in (".txt", ".docx"):
        title, text, notices = read_docx(path) if suffix == ".docx" else read_txt(path)
        if not text:
            raise InputError(
                _("{name} has a title but no news text.").format(name=path.name),
                _("Put the title on the first line and the news text below it."),
            )
        draft = desk.draft(
            title=title, topic=topic, text=text, priority=priority, airings=airings, text_label=path.name
        )
        return [Draft(**{**draft.__dict__, "notices": tuple(notices) + draft.notices})]
    raise InputError(
        _("{name}: cannot import '{suffix}' files.").format(name=path.name, suffix=suffix or _("no extension")),
        _import_hint(suffix),
    )


def refuse_options_with_csv(topic: str | None, priority: str | None, airings: int | str | None) -> None:
    """A .csv (alone or describing recordings) gives each row's topic, priority and airings."""
    options = (("--topic", topic), ("--priority", priority), ("--airings", airings))
    given = [option for option, value in options if value is not None]
    if given:
        # silently ignored, a --priority emergency would leave every row at its own priority
        raise InputError(
            _("{options} cannot be used with a .csv file.").format(options=_(" and ").join(given)),
            _("A .csv gives each row's topic, priority and airings in its own columns."),
        )


ROWS_SHOWN = 10  # a file wrong throughout is not listed whole: the first rows show what to correct


def _csv_drafts(desk: NewsDesk, path: Path) -> list[Draft]:
    rows, conversion = read_csv(path)
    drafts: list[Draft] = []
    wrong: list[InputError] = []
    for row in rows:
        try:
            drafts.append(_csv_row_draft(desk, row, row.where(path.name)))
        except InputError as exc:
            wrong.append(exc)
    refuse_wrong_rows(path.name, wrong)
    note = (conversion.notice,) if conversion.notice else ()
    return [Draft(**{**d.__dict__, "notices": note + d.notices}) for d in drafts]


def refuse_wrong_rows(name: str, wrong: Sequence[BroadcasterError]) -> None:
    """Every wrong row of the .csv `name` at once: one correction of the spreadsheet, not one try per row."""
    if len(wrong) == 1:
        raise wrong[0]
    if wrong:
        listed = "; ".join(e.message.rstrip(".") for e in wrong[:ROWS_SHOWN])
        more = _(" (and {n} more)").format(n=len(wrong) - ROWS_SHOWN) if len(wrong) > ROWS_SHOWN else ""
        raise InputError(
            _("{name}: {n} rows cannot be imported, so nothing was: {rows}{more}.").format(
                name=name, n=len(wrong), rows=listed, more=more
            ),
            _("Correct these rows and import the file again."),
        )


def _csv_row_draft(desk: NewsDesk, row: CsvRow, where: str) -> Draft:
    return csv_row_draft(desk, row, where, ("title", "topic", "text"))


def csv_row_draft(desk: NewsDesk, row: CsvRow, where: str, required: Sequence[str], recorded: bool = False) -> Draft:
    """One row of an import's .csv, checked as `news add` checks an item; `where` names the row."""
    values = row.values
    for column in required:
        if not values.get(column):
            raise InputError(
                _("{where}column '{column}' is empty.").format(where=where, column=column),
                _("Fill in the {column} of every row.").format(column=column),
            )
    return desk.draft(
        title=values["title"],
        topic=values["topic"],
        text=values.get("text") or None,
        priority=values.get("priority") or None,
        valid_from=values.get("from") or None,
        valid_until=values.get("until") or None,
        airings=values.get("airings") or None,
        where=where,
        csv_row=True,
        recorded=recorded,
    )


def _import_hint(suffix: str) -> str:
    if suffix in (".xlsx", ".xls", ".ods"):
        return _("Save the sheet as CSV UTF-8 (File > Save As) and import the .csv file.")
    if suffix in (".doc", ".odt", ".rtf"):
        return _("Save it as .docx (File > Save As) and import the .docx file.")
    return _("Use a .txt, .docx or .csv file, or a folder or .zip of recordings with their .csv.")
