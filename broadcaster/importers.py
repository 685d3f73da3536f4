"""Reading news files: .txt, .docx, .csv, and text given with --file.

Each reader returns text the news desk can check, or raises an InputError that
names the file (and the row of a .csv) and says what to do; nothing here
writes anything. What is not plain text (a Word, Excel or PDF file, a picture)
is recognised by its first bytes and refused with the way to use it instead.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from broadcaster import limits
from broadcaster.errors import InputError, NotFoundError
from broadcaster.i18n import _, format_number
from broadcaster.text.encoding import Conversion, decode_text_file, to_nfc

CSV_COLUMNS = ("title", "topic", "text", "priority", "from", "until", "airings")
REQUIRED_COLUMNS = ("title", "topic", "text")
# The CSV beside recordings (a folder or .zip): `audio` names each file; `text` is an optional transcript.
AUDIO_CSV_COLUMNS = ("title", "topic", "audio", "language", "priority", "from", "until", "airings", "text")
AUDIO_REQUIRED_COLUMNS = ("title", "topic", "audio")
_DELIMITERS = (",", ";", "\t")

_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class CsvRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict[str, str]

    def where(self, name: str) -> str:
        """The prefix of a message about this row: "tin.csv row 3: " ("tin.csv, dòng 3: ")."""
        return _("{name} row {number}").format(name=name, number=self.number) + ": "


def column_label(column: str) -> str:
    """A column of an import's .csv in a message, by its header name: "column 'until'" ("cột 'until'")."""
    return _("column '{column}'").format(column=column)


def describe_binary(data: bytes) -> tuple[str, str] | None:
    """(what the bytes are, what to do) for a known document or picture format, else None."""
    if data.startswith(_ZIP):
        head = data[:4096]
        if b"word/" in head:
            return "word", ""
        if b"xl/" in head:
            return _("an Excel workbook"), _(
                "In Excel choose File > Save As > CSV UTF-8 (Comma delimited), then import the .csv file."
            )
        if b"opendocument" in head:
            return _("an OpenDocument (LibreOffice) file"), _(
                "Open it in LibreOffice and save it as .docx (or as .csv for a table), then use that."
            )
        return _("a zip archive"), _("Unpack it and use the .txt, .docx or .csv file inside.")
    for signature, what, hint in _signatures():
        if data.startswith(signature):
            return what, hint
    return None


def _signatures() -> tuple[tuple[bytes, str, str], ...]:
    """What a file that is not plain text is, by its first bytes, and how to use it instead."""
    as_docx = _("Open it in Word or LibreOffice and save it as .docx (or as .csv for a table), then use that.")
    type_it = _("Type the news as text; broadcaster reads .txt, .docx and .csv files.")
    return (
        (b"\xd0\xcf\x11\xe0", _("an old Word (.doc) or Excel (.xls) file"), as_docx),
        (b"%PDF-", _("a PDF document"), _("Copy its text into a Word document or a .txt file (UTF-8) and use that.")),
        (b"{\\rtf", _("an RTF document"), _("Save it as .docx or as plain text (.txt, UTF-8), then use that.")),
        (b"\x89PNG", _("a picture (PNG)"), type_it),
        (b"\xff\xd8\xff", _("a picture (JPEG)"), type_it),
        (b"GIF8", _("a picture (GIF)"), type_it),
    )


def refuse_binary(data: bytes, name: str, word_hint: str) -> None:
    """Raise when `data` is a document or picture rather than plain text."""
    found = describe_binary(data)
    if found is None:
        return
    what, hint = found
    if what == "word":
        raise InputError(_("{name} is a Word document, not plain text.").format(name=name), word_hint)
    raise InputError(_("{name} is {what}, not plain text.").format(name=name, what=what), hint)


def _size(path: Path, limit: int) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotFoundError(
            _("File {path} does not exist.").format(path=path), _("Check the path and the file name.")
        ) from None
    except OSError as exc:
        raise InputError(
            _("File {path} cannot be read: {reason}.").format(path=path, reason=exc.strerror),
            _("Check its permissions."),
        ) from None
    if path.is_dir():
        raise InputError(_("{path} is a folder, not a file.").format(path=path), _("Give the path of a file."))
    if size > limit:
        raise InputError(
            _("{name} is {mb} MB; a news file can be at most {limit} MB.").format(
                name=path.name, mb=format_number(size / 1e6, 1), limit=format_number(limit / 1e6)
            ),
            _("A news text is at most {chars} characters: split the file into smaller ones.").format(
                chars=format_number(limits.TEXT_MAX_CHARS)
            ),
        )


def read_bytes(path: Path, word_hint: str | None = None) -> Conversion:
    """The text of a plain-text file, in Unicode NFC; a document or picture is refused."""
    _size(path, limits.TEXT_FILE_MAX_BYTES)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            _("File {path} cannot be read: {reason}.").format(path=path, reason=exc.strerror),
            _("Check its permissions."),
        ) from None
    return decode_bytes(data, path.name, word_hint)


def decode_bytes(data: bytes, name: str, word_hint: str | None = None) -> Conversion:
    if len(data) > limits.TEXT_FILE_MAX_BYTES:
        raise InputError(
            _("{name} is {mb} MB; news text can be at most {limit} MB.").format(
                name=name, mb=format_number(len(data) / 1e6, 1), limit=format_number(limits.TEXT_FILE_MAX_BYTES / 1e6)
            ),
            _("Split it into several news items."),
        )
    hint = word_hint or _("Rename it to end in .docx and import it with `broadcaster news import`.")
    refuse_binary(data, name, hint)
    return decode_text_file(data, name)


def read_txt(path: Path) -> tuple[str, str, list[str]]:
    """First non-empty line is the title, the rest is the text."""
    conversion = read_bytes(path)
    lines = conversion.text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise InputError(
            _("{name} is empty.").format(name=path.name),
            _("Put the title on the first line and the news text below it."),
        )
    notices = [f"{path.name}: {conversion.notice}"] if conversion.notice else []
    return lines[0].strip(), "\n".join(lines[1:]).strip(), notices


# ---------------------------------------------------------------- .docx


_NOT_A_PACKAGE = re.compile(r"^Package not found at '(.*)'$", re.S)
_NO_ITEM = re.compile(r"^There is no item named '(.*)' in the archive$", re.S)


def _docx_reason(exc: Exception) -> str:
    """python-docx's and zipfile's reason, in the station's language when it is one of the usual two."""
    reason = str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)  # a KeyError's str is its repr
    if found := _NOT_A_PACKAGE.match(reason):
        return _("Package not found at '{path}'").format(path=found[1])
    if found := _NO_ITEM.match(reason):
        return _("There is no item named '{name}' in the archive").format(name=found[1])
    return reason


def read_docx(path: Path) -> tuple[str, str, list[str]]:
    """First non-empty paragraph (or table row) is the title, the rest is the text, in reading order."""
    _size(path, limits.DOCX_FILE_MAX_BYTES)
    import docx  # python-docx; imported here so the CLI starts fast

    try:
        document = docx.Document(str(path))
        lines, tables = _docx_lines(document)
    except Exception as exc:  # python-docx lets zipfile, lxml and KeyError errors through
        raise InputError(
            _("{name} is not a readable Word (.docx) file: {reason}.").format(name=path.name, reason=_docx_reason(exc)),
            _("Open it in Word or LibreOffice and save it again as .docx."),
        ) from None
    if not lines:
        raise InputError(
            _("{name} has no text.").format(name=path.name),
            _("Put the title in the first paragraph and the news below it."),
        )
    notices: list[str] = []
    for number, rows in tables:
        notices.append(
            _(
                "{name}: table {number} ({rows} rows) is read row by row, its cells separated by commas; "
                "listen to it with `broadcaster preview ID` before it airs."
            ).format(name=path.name, number=number, rows=rows)
        )
    title = to_nfc(lines[0])
    text = to_nfc("\n".join(lines[1:]))
    for conversion in (title, text):
        if conversion.notice and f"{path.name}: {conversion.notice}" not in notices:
            notices.append(f"{path.name}: {conversion.notice}")
    return title.text, text.text, notices


def _docx_lines(document: Any) -> tuple[list[str], list[tuple[int, int]]]:
    """Non-empty lines in reading order, and (number, rows) of each table that gave text."""
    lines: list[str] = []
    tables: list[tuple[int, int]] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            rows = _table_rows(block)
            if rows:
                tables.append((len(tables) + 1, len(rows)))
                lines += rows
        elif block.text.strip():
            lines.append(block.text.strip())
    return lines, tables


def _table_rows(table: Any) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # a merged cell is listed once per grid column it spans
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(_cell_lines(cell))
            if text:
                cells.append(text)
        if cells:
            rows.append(", ".join(cells))
    return rows


def _cell_lines(cell: Any) -> Iterator[str]:
    for block in cell.iter_inner_content():
        if hasattr(block, "rows"):
            yield from _table_rows(block)
        elif block.text.strip():
            yield " ".join(block.text.split())


# ---------------------------------------------------------------- .csv


def read_csv(
    path: Path,
    columns: tuple[str, ...] = CSV_COLUMNS,
    required: tuple[str, ...] = REQUIRED_COLUMNS,
    label: str | None = None,
) -> tuple[list[CsvRow], Conversion]:
    """The rows of a news .csv by column name; the separator (, ; or tab) is found from the header.

    `label` names the file in messages (default: its name)."""
    name = label or path.name
    conversion = read_bytes(path, _("Import it as a .docx file, or save the table from Excel as CSV UTF-8."))
    text = conversion.text
    delimiter = _delimiter(text.split("\n", 1)[0], columns)
    # strict: a stray quote is an error to report, not a cell that swallows the next rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 1  # the row being read, for a message about it
    rows: list[CsvRow] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        _check_header(header, name, columns, required)
        number = 2
        for cells in reader:
            values = _row_values(header, cells, name, number, columns)
            if any(values.values()):
                rows.append(CsvRow(number, values))
                if len(rows) > limits.IMPORT_MAX_ITEMS:
                    raise InputError(
                        _("{name} has more than {count} news rows.").format(
                            name=name, count=format_number(limits.IMPORT_MAX_ITEMS)
                        ),
                        _("Split it into several files and import them one by one."),
                    )
            number += 1
    except csv.Error as exc:
        raise _csv_error(exc, name, number) from None
    if not rows:
        raise InputError(
            _("{name} has no news rows.").format(name=name), _("Add one row per news item under the header.")
        )
    return rows, conversion


def _delimiter(first_line: str, columns: tuple[str, ...]) -> str:
    """The separator that splits the header into known columns (Excel in a Vietnamese locale writes ';')."""

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(c.strip().lower() in columns for c in cells)

    return max(_DELIMITERS, key=known)  # a tie keeps the first: the comma


def _check_header(header: list[str], name: str, columns: tuple[str, ...], required: tuple[str, ...]) -> None:
    named = [h for h in header if h]
    missing = [c for c in required if c not in named]
    unknown = [h for h in named if h not in columns]
    if missing or unknown:
        raise InputError(
            _("{name}: the header row is {header}").format(name=name, header=",".join(header) or _("empty"))
            + (_("; missing column(s) {columns}").format(columns=", ".join(missing)) if missing else "")
            + (_("; unknown column(s) {columns}").format(columns=", ".join(unknown)) if unknown else "")
            + ".",
            _header_hint(columns, unknown),
        )
    for column in dict.fromkeys(named):
        if named.count(column) > 1:
            raise InputError(
                _("{name}: the header row has the column '{column}' {count} times.").format(
                    name=name, column=column, count=named.count(column)
                ),
                _("Keep one column of each name: {columns}.").format(columns=",".join(columns)),
            )


def _header_hint(columns: tuple[str, ...], unknown: list[str]) -> str:
    if "audio" in unknown and columns == CSV_COLUMNS:
        # a CSV of recordings given on its own: its recordings are beside it
        return _("A CSV of recordings is imported with its folder or .zip: `broadcaster news import FOLDER`.")
    return _("The first row must be: {columns}.").format(columns=",".join(columns))


def _row_values(
    header: list[str], cells: list[str], name: str, number: int, columns: tuple[str, ...]
) -> dict[str, str]:
    extra = [c for c in cells[len(header) :] if c.strip()]
    if extra:
        raise InputError(
            _("{name} row {number} has {cells} cells, but the header has {columns} columns.").format(
                name=name, number=number, cells=len(cells), columns=len(header)
            ),
            _("A text that contains the separator must be in double quotes; or remove the extra cells."),
        )
    values: dict[str, str] = {}
    for column, cell in zip(header, cells, strict=False):
        if not column:
            if cell.strip():
                raise InputError(
                    _("{name} row {number} has text in a column with no name in the header.").format(
                        name=name, number=number
                    ),
                    _("Name the column in the first row ({columns}) or empty it.").format(columns=",".join(columns)),
                )
            continue
        values[column] = cell.strip()
    return values


def _csv_error(exc: csv.Error, name: str, number: int) -> InputError:
    reason = str(exc)
    where = _("{name} row {number}").format(name=name, number=number)
    if "field larger than field limit" in reason:
        return InputError(
            _("{where}: a cell is longer than {limit} characters.").format(
                where=where, limit=format_number(csv.field_size_limit())
            ),
            _('A news text is at most {chars} characters; check for a double quote (") that is never closed.').format(
                chars=format_number(limits.TEXT_MAX_CHARS)
            ),
        )
    if "unexpected end of data" in reason:
        return InputError(
            _('{where}: a double quote (") opened there is never closed.').format(where=where),
            _("Close the quote, or remove it: only texts that contain the separator need quotes."),
        )
    if "expected after" in reason:
        return InputError(
            _('{where}: there is text after a closing double quote (").').format(where=where),
            _('Inside a quoted text write a double quote twice (""), or remove the quotes.'),
        )
    return InputError(
        _("{where} cannot be read as CSV: {reason}.").format(where=where, reason=reason),
        _("Save the file again from Excel as CSV UTF-8."),
    )
