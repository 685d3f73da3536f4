# ruff: noqa: E501  (a table of pinned messages reads best one case to a line)
"""The table of bad inputs: what a hostile or clumsy user gives broadcaster, and the one line it must answer.

Each case is CLI arguments, optionally a file (name and bytes) and standard input,
optionally a change to config.toml, and what must come back: the exit status
and the pinned error line (or, for a config, the problem line). The test in
test_bad_input.py runs every case on SQLite and PostgreSQL and proves with a
snapshot of every table that nothing was written.

Placeholders in args and messages: {file} the written file, {dir} the station
folder, {config} the config in use, {today} and {yesterday} in station time.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

BOM_THEN_INVALID = (
    "Error: {name} starts like a UTF-8 file but byte {byte} is not UTF-8. The file is damaged or mixes encodings. "
    "Open the file in Notepad, choose File > Save as…, set Encoding: UTF-8, save, and load it again."
)
ADD = ("news", "add", "--title", "T", "--topic", "mot-cua")
ADD_TEXT = (*ADD, "--text", "Nội dung tin.")
DATE_FORMS = "Write YYYY-MM-DD (2021-03-15) or DD/MM/YYYY, day first as usual in Vietnam (15/03/2021)."
IDS = "Run `broadcaster news list --status all` to see the ids."
CSV_HEADER = "title,topic,text,priority,from,until,airings"
DOCX_BROKEN = "Open it in Word or LibreOffice and save it again as .docx."
CONFIG_HINT = "Check [station] database"


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    message: str  # the whole "Error: ..." line; for a config change, the problem line
    exit: int = 1
    file: tuple[str, bytes | Callable[[], bytes]] | None = None
    stdin: bytes | None = None
    config: dict[str, str] = field(default_factory=dict)  # replacements; "database": the database URL to write


def docx_bytes(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table is not None:
        grid = document.add_table(rows=len(table), cols=max(len(r) for r in table) if table else 1)
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, cells, strict=False):
                cell.text = value
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(*names: str) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def noise(size: int, seed: int = 8) -> bytes:
    """Random-looking bytes with NUL and control characters, the same on every run."""
    state, out = seed, bytearray()
    for _ in range(size):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(state >> 16 & 0xFF)
    return bytes(out)


def csv_file(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


def too_big() -> bytes:
    return b"Tin tuc. " * 2_300_000  # 20.7 MB


LONG = "Bà con chú ý. " * 2200  # 30,800 characters
HUGE = "Bà con chú ý. " * 7200  # 100,800 characters


def cases() -> list[Case]:
    return [*_news_add(), *_dates(), *_files_for_add(), *_ids(), *_edit_approve(), *_imports(), *_csv(),
            *_speech(), *_config(), *_operations()]  # fmt: skip


def _news_add() -> list[Case]:
    return [
        Case("title-empty", ("news", "add", "--title", "", "--topic", "mot-cua", "--text", "x"),
             "Error: The title is empty. Give a short title with --title."),
        Case("title-blank", ("news", "add", "--title", " \t ", "--topic", "mot-cua", "--text", "x"),
             "Error: The title is empty. Give a short title with --title."),
        Case("title-only-nul", ("news", "add", "--title", "\x00", "--topic", "mot-cua", "--text", "x"),
             "Error: The title is empty. Give a short title with --title."),
        Case("title-501", ("news", "add", "--title", "T" * 501, "--topic", "mot-cua", "--text", "x"),
             "Error: --title is 501 characters long; the limit is 500. Give a short title; the news goes in the text."),
        Case("title-10000", ("news", "add", "--title", "Tiêu đề " * 1250, "--topic", "mot-cua", "--text", "x"),
             "Error: --title is 9,999 characters long; the limit is 500. Give a short title; the news goes in the text."),
        Case("title-not-utf8", ("news", "add", "--title", "Th\udcabng", "--topic", "mot-cua", "--text", "x"),
             "Error: --title contains bytes that are not UTF-8 text. "
             "Set the terminal to UTF-8, or save the text in a UTF-8 file and give it with --file."),
        Case("text-not-utf8", (*ADD, "--text", "n\udcf4i dung"),
             "Error: --text contains bytes that are not UTF-8 text. "
             "Set the terminal to UTF-8, or save the text in a UTF-8 file and give it with --file."),
        Case("text-empty", (*ADD, "--text", ""),
             "Error: The news text is empty. Give the text with --text, or --file PATH."),
        Case("text-blank", (*ADD, "--text", "\n \n"),
             "Error: The news text is empty. Give the text with --text, or --file PATH."),
        Case("text-missing", ADD, "Error: The news text is missing. Give it with --text TEXT, --file PATH or --file -."),
        Case("text-30800", (*ADD, "--text", LONG),
             "Error: --text is 30,799 characters long; the limit is 30,000. Split it into several news items."),
        Case("text-100k", (*ADD, "--text", HUGE),
             "Error: --text is 100,799 characters long; the limit is 30,000. Split it into several news items."),
        Case("text-longer-than-every-slot", (*ADD, "--text", "Bà con chú ý lắng nghe. " * 400),
             "Error: --text is about 10 minutes of speech; the longest slot it can air in, 'Bản tin sáng', is "
             "5 minutes. Split it into shorter news items, or make that slot longer (max_minutes in config.toml).",
             config={"max_minutes = 30": "max_minutes = 5", "max_minutes = 15": "max_minutes = 2"}),
        Case("topic-unknown", ("news", "add", "--title", "T", "--topic", "motcua", "--text", "x"),
             "Error: Unknown topic 'motcua'. Did you mean 'mot-cua'? Run `broadcaster topics` to see the codes."),
        Case("topic-empty", ("news", "add", "--title", "T", "--topic", "", "--text", "x"),
             "Error: The topic is missing. Give one of the topic codes: y-nghia, chuong-trinh, trach-nhiem, "
             "thu-tuc, ket-qua, phuong-thuc, nha-nuoc-nhan-dan, kiem-soat-tthc, nguoi-tot, mot-cua."),
        Case("topic-with-nul", ("news", "add", "--title", "T", "--topic", "mot-cua\x00", "--text", "x"),
             "Error: Unknown topic 'mot-cua\x00'. Did you mean 'mot-cua'? Run `broadcaster topics` to see the codes."),
        Case("priority-unknown", (*ADD_TEXT, "--priority", "urgent"),
             "Error: Invalid value for '--priority': 'urgent' is not one of 'normal', 'priority', 'emergency'.",
             exit=2),
        Case("airings-0", (*ADD_TEXT, "--airings", "0"),
             "Error: --airings must be between 1 and 1000, not 0. Say how many times it should air."),
        Case("airings-negative", (*ADD_TEXT, "--airings", "-3"),
             "Error: --airings must be between 1 and 1000, not -3. Say how many times it should air."),
        Case("airings-1001", (*ADD_TEXT, "--airings", "1001"),
             "Error: --airings must be between 1 and 1000, not 1001. Say how many times it should air."),
        Case("airings-20-digits", (*ADD_TEXT, "--airings", "99999999999999999999"),
             "Error: --airings must be between 1 and 1000, not 99999999999999999999. Say how many times it should air."),
        Case("airings-word", (*ADD_TEXT, "--airings", "two"),
             "Error: Invalid value for '--airings': 'two' is not a valid integer.", exit=2),
        Case("text-and-file", (*ADD_TEXT, "--file", "{file}"),
             "Error: Give the text either with --text or with --file, not both.", file=("tin.txt", b"x")),
    ]  # fmt: skip


def _dates() -> list[Case]:
    def date_case(id_: str, option: str, value: str, message: str) -> Case:
        return Case(id_, (*ADD_TEXT, option, value), message)

    not_a_form = f"is not a date in a form broadcaster reads. {DATE_FORMS}"
    return [
        date_case("date-two-digit-year", "--from", "3-1-21", f"Error: --from '3-1-21' {not_a_form}"),
        date_case("date-dots", "--from", "01.03.21", f"Error: --from '01.03.21' {not_a_form}"),
        date_case("date-dots-4-digit-year", "--from", "01.03.2021", f"Error: --from '01.03.2021' {not_a_form}"),
        date_case("date-dashes-day-first", "--from", "15-03-2021", f"Error: --from '15-03-2021' {not_a_form}"),
        date_case("date-slashes-year-first", "--from", "2021/03/15", f"Error: --from '2021/03/15' {not_a_form}"),
        date_case("date-word", "--until", "tomorrow", f"Error: --until 'tomorrow' {not_a_form}"),
        date_case("date-blank", "--from", "   ", f"Error: --from '   ' {not_a_form}"),
        date_case("date-arabic-digits", "--from", "٢٠٢١-٠١-٠١", f"Error: --from '٢٠٢١-٠١-٠١' {not_a_form}"),
        date_case("date-us", "--from", "12/25/2021",
                  "Error: --from '12/25/2021' is written month first; broadcaster reads DD/MM/YYYY, day first. "
                  "Write 25/12/2021 or 2021-12-25."),
        date_case("date-year-1", "--from", "0001-01-01",
                  f"Error: --from '0001-01-01': the year must be between 2000 and 2099. {DATE_FORMS}"),
        date_case("date-year-9999", "--until", "9999-12-31",
                  f"Error: --until '9999-12-31': the year must be between 2000 and 2099. {DATE_FORMS}"),
        date_case("date-feb-30", "--from", "2021-02-30",
                  "Error: --from '2021-02-30' is not a date that exists. Check the day and month, e.g. 2021-02-28."),
        date_case("date-april-31", "--from", "31/04/2021",
                  "Error: --from '31/04/2021' is not a date that exists. Check the day and month, e.g. 2021-02-28."),
        date_case("date-month-13", "--from", "2021-13-01",
                  "Error: --from '2021-13-01' is not a date that exists. Check the day and month, e.g. 2021-02-28."),
        date_case("date-day-0", "--from", "00/01/2021",
                  "Error: --from '00/01/2021' is not a date that exists. Check the day and month, e.g. 2021-02-28."),
        date_case("until-yesterday", "--until", "{yesterday}",
                  "Error: --until {yesterday} is in the past (today is {today}): the item could never air. "
                  "Give its last day from today on, or leave it out."),
        Case("until-before-from", (*ADD_TEXT, "--from", "2099-03-10", "--until", "2099-03-01"),
             "Error: --until 2099-03-01 is before --from 2099-03-10. "
             "The validity window must end on or after its first day."),
    ]  # fmt: skip


def _files_for_add() -> list[Case]:
    word = ("--file reads plain text; import a Word file with `broadcaster news import {name} --topic CODE` "
            "(its first paragraph is the title).")  # fmt: skip
    add_file = (*ADD, "--file", "{file}")
    type_it = "Type the news as text; broadcaster reads .txt, .docx and .csv files."
    return [
        Case("file-missing", (*ADD, "--file", "/nonexistent/tin.txt"),
             "Error: File /nonexistent/tin.txt does not exist. Check the path and the file name."),
        Case("file-is-folder", (*ADD, "--file", "{dir}"), "Error: {dir} is a folder, not a file. Give the path of a file."),
        Case("file-empty-path", (*ADD, "--file", ""),
             "Error: --file is empty. Give the path of a text file, or - for standard input."),
        Case("file-docx", add_file, "Error: tin.docx is a Word document, not plain text. "
             + word.format(name="tin.docx"), file=("tin.docx", docx_bytes("Tiêu đề", "Nội dung."))),
        Case("file-docx-named-txt", add_file, "Error: tin.txt is a Word document, not plain text. "
             + word.format(name="FILE.docx"), file=("tin.txt", docx_bytes("Tiêu đề", "Nội dung."))),
        Case("file-old-doc", add_file, "Error: tin.doc is an old Word (.doc) or Excel (.xls) file, not plain text. "
             "Open it in Word or LibreOffice and save it as .docx (or as .csv for a table), then use that.",
             file=("tin.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000))),
        Case("file-pdf", add_file, "Error: tin.pdf is a PDF document, not plain text. "
             "Copy its text into a Word document or a .txt file (UTF-8) and use that.",
             file=("tin.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")),
        Case("file-png", add_file, f"Error: anh.png is a picture (PNG), not plain text. {type_it}",
             file=("anh.png", b"\x89PNG\r\n\x1a\n" + noise(500))),
        Case("file-jpeg-named-txt", add_file, f"Error: tin.txt is a picture (JPEG), not plain text. {type_it}",
             file=("tin.txt", b"\xff\xd8\xff\xe0" + noise(500))),
        Case("file-xlsx", add_file, "Error: tin.xlsx is an Excel workbook, not plain text. "
             "In Excel choose File > Save As > CSV UTF-8 (Comma delimited), then import the .csv file.",
             file=("tin.xlsx", zip_bytes("[Content_Types].xml", "xl/workbook.xml"))),
        Case("file-zip", add_file, "Error: tin.zip is a zip archive, not plain text. "
             "Unpack it and use the .txt, .docx or .csv file inside.", file=("tin.zip", zip_bytes("a.txt"))),
        Case("file-rtf", add_file, "Error: tin.rtf is an RTF document, not plain text. "
             "Save it as .docx or as plain text (.txt, UTF-8), then use that.",
             file=("tin.rtf", rb"{\rtf1\ansi Th\'f4ng b\'e1o}")),
        Case("file-empty", add_file, "Error: tin.txt is empty. Put the news text in it, or give it with --text.",
             file=("tin.txt", b"")),
        Case("file-blank", add_file, "Error: tin.txt is empty. Put the news text in it, or give it with --text.",
             file=("tin.txt", b" \r\n\t\n")),
        Case("file-20mb", add_file, "Error: sach.txt is 20.7 MB; a news file can be at most 5 MB. "
             "A news text is at most 30,000 characters: split the file into smaller ones.",
             file=("sach.txt", too_big)),
        Case("file-text-too-long", add_file,
             "Error: dai.txt is 30,799 characters long; the limit is 30,000. Split it into several news items.",
             file=("dai.txt", LONG.encode())),
        Case("file-utf16-damaged", add_file, "Error: tin.txt starts like UTF-16 but is damaged (truncated data). "
             "Open it in Notepad and use Save as… with Encoding: UTF-8, then load it again.",
             file=("tin.txt", b"\xff\xfeT\x00i")),
        Case("file-windows-1258", add_file,
             "Error: tin.txt is not UTF-8 text; it looks like Windows-1258 (Vietnamese Windows code page). "
             "Open the file in Notepad, choose File > Save as…, set Encoding: UTF-8, save, and load it again.",
             file=("tin.txt", "Thông báo Đông".encode("cp1258"))),
        Case("file-random-bytes", add_file, "Error: tin.txt is not text (it contains binary data: NUL bytes). Give a .txt or .csv file saved with Encoding: UTF-8.", file=("tin.txt", noise(3000))),
        Case("file-bom-then-invalid", add_file, BOM_THEN_INVALID.format(name="tin.txt", byte="4 (0xFF)"), file=("tin.txt", b"\xef\xbb\xbf\xff\xfe rac")),
        Case("stdin-docx", (*ADD, "--file", "-"), "Error: standard input is a Word document, not plain text. "
             + word.format(name="FILE.docx"), stdin=docx_bytes("Tiêu đề", "Nội dung.")),
        Case("stdin-empty", (*ADD, "--file", "-"),
             "Error: standard input is empty. Put the news text in it, or give it with --text.", stdin=b""),
        Case("stdin-random-bytes", (*ADD, "--file", "-"), "Error: standard input is not text (it contains binary data: NUL bytes). Give a .txt or .csv file saved with Encoding: UTF-8.", stdin=noise(3000, seed=3)),
    ]  # fmt: skip


def _ids() -> list[Case]:
    out = []
    for command, extra in (("show", ()), ("edit", ("--title", "T")), ("cancel", ()), ("approve", ("--by", "An"))):
        out.append(Case(f"id-20-digits-{command}", ("news", command, "99999999999999999999", *extra),
                        f"Error: There is no news item 99999999999999999999. {IDS}"))  # fmt: skip
    return [
        *out,
        Case("id-over-32-bits", ("news", "show", "2147483648"), f"Error: There is no news item 2147483648. {IDS}"),
        Case("id-0", ("news", "cancel", "0"), f"Error: There is no news item 0. {IDS}"),
        Case("id-absent", ("news", "approve", "999", "--by", "An"), f"Error: There is no news item 999. {IDS}"),
        Case(
            "id-word",
            ("news", "show", "abc"),
            f"Error: 'abc' is not the id of a news item; ids are whole numbers such as 12. {IDS}",
        ),
        Case(
            "id-decimal",
            ("news", "cancel", "1.5"),
            f"Error: '1.5' is not the id of a news item; ids are whole numbers such as 12. {IDS}",
        ),
        Case(
            "id-exponent",
            ("news", "show", "1e3"),
            f"Error: '1e3' is not the id of a news item; ids are whole numbers such as 12. {IDS}",
        ),
        Case(
            "id-fullwidth",
            ("news", "show", "１"),
            f"Error: '１' is not the id of a news item; ids are whole numbers such as 12. {IDS}",
        ),
        Case(
            "id-empty",
            ("news", "edit", "", "--title", "T"),
            f"Error: '' is not the id of a news item; ids are whole numbers such as 12. {IDS}",
        ),
        Case("id-negative", ("news", "show", "-1"), "Error: No such option: -1", exit=2),
        Case(
            "render-20-digits",
            ("render", "99999999999999999999"),
            f"Error: There is no news item 99999999999999999999. {IDS}",
        ),
        Case(
            "preview-20-digits",
            ("preview", "99999999999999999999", "-o", "{dir}/p.wav"),
            f"Error: There is no news item 99999999999999999999. {IDS}",
        ),
        Case(
            "render-nothing",
            ("render",),
            "Error: Say which items to render. Give item ids, or --all for every item that may still air.",
        ),
    ]


def _edit_approve() -> list[Case]:
    return [
        Case("edit-title-empty", ("news", "edit", "1", "--title", " "),
             "Error: The title is empty. Give a short title with --title."),
        Case("edit-title-501", ("news", "edit", "1", "--title", "T" * 501),
             "Error: --title is 501 characters long; the limit is 500. Give a short title; the news goes in the text."),
        Case("edit-until-past", ("news", "edit", "1", "--until", "{yesterday}"),
             "Error: --until {yesterday} is in the past (today is {today}): the item could never air. "
             "Give its last day from today on, or leave it out."),
        Case("edit-topic-unknown", ("news", "edit", "1", "--topic", "thu-tuk"),
             "Error: Unknown topic 'thu-tuk'. Did you mean 'thu-tuc'? Run `broadcaster topics` to see the codes."),
        Case("edit-airings-0", ("news", "edit", "1", "--airings", "0"),
             "Error: --airings must be between 1 and 1000, not 0. Say how many times it should air."),
        Case("edit-text-empty", ("news", "edit", "1", "--text", ""),
             "Error: The news text is empty. Give the text with --text, or --file PATH."),
        Case("edit-file-png", ("news", "edit", "1", "--file", "{file}"),
             "Error: anh.png is a picture (PNG), not plain text. "
             "Type the news as text; broadcaster reads .txt, .docx and .csv files.",
             file=("anh.png", b"\x89PNG\r\n\x1a\n" + noise(100))),
        Case("approve-by-empty", ("news", "approve", "1", "--by", ""),
             'Error: --by is empty. Give the name of the person approving, e.g. --by "Nguyễn Văn A".'),
        Case("approve-by-blank", ("news", "approve", "1", "--by", "  "),
             'Error: --by is empty. Give the name of the person approving, e.g. --by "Nguyễn Văn A".'),
        Case("approve-by-201", ("news", "approve", "1", "--by", "A" * 201),
             "Error: --by is 201 characters long; the limit is 200. Give the name of the person approving."),
        Case("approve-by-not-utf8", ("news", "approve", "1", "--by", "Nguy\udcc5n"),
             "Error: --by contains bytes that are not UTF-8 text. "
             "Set the terminal to UTF-8, or save the text in a UTF-8 file and give it with --file."),
        Case("approve-cancelled", ("news", "approve", "2", "--by", "An"),
             "Error: News item 2 is cancelled. Add it again if it should air."),
        Case("list-topic-unknown", ("news", "list", "--topic", "mot_cua"),
             "Error: Unknown topic 'mot_cua'. Did you mean 'mot-cua'? Run `broadcaster topics` to see the codes."),
        Case("list-status-unknown", ("news", "list", "--status", "done"),
             "Error: Invalid value for '--status': 'done' is not one of 'queued', 'approved', 'aired', "
             "'cancelled', 'expired', 'all'.", exit=2),
    ]  # fmt: skip


def _imports() -> list[Case]:
    imp = ("news", "import", "{file}", "--topic", "mot-cua")
    return [
        Case("import-missing", ("news", "import", "/nonexistent/tin.csv"),
             "Error: File /nonexistent/tin.csv does not exist. Check the path and the file name."),
        Case("import-folder", ("news", "import", "{dir}"),
             "Error: {dirname} has no .csv file describing its recordings. Put a .csv in it with the columns "
             "title,topic,audio,language,priority,from,until,airings."),
        Case("import-xlsx", ("news", "import", "{file}"), "Error: tin.xlsx: cannot import '.xlsx' files. "
             "Save the sheet as CSV UTF-8 (File > Save As) and import the .csv file.",
             file=("tin.xlsx", zip_bytes("xl/workbook.xml"))),
        Case("import-doc", imp, "Error: tin.doc: cannot import '.doc' files. "
             "Save it as .docx (File > Save As) and import the .docx file.", file=("tin.doc", b"\xd0\xcf\x11\xe0")),
        Case("import-pdf", imp, "Error: tin.pdf: cannot import '.pdf' files. Use a .txt, .docx or "
             ".csv file, or a folder or .zip of recordings with their .csv.",
             file=("tin.pdf", b"%PDF-1.4")),
        Case("import-no-extension", imp, "Error: tin: cannot import 'no extension' files. "
             "Use a .txt, .docx or .csv file, or a folder or .zip of recordings with their .csv.", file=("tin", "Tin\nNội dung".encode())),
        Case("txt-empty", imp, "Error: tin.txt is empty. Put the title on the first line and the news text below it.",
             file=("tin.txt", b"")),
        Case("txt-title-only", imp, "Error: tin.txt has a title but no news text. "
             "Put the title on the first line and the news text below it.", file=("tin.txt", "Tiêu đề\n\n".encode())),
        Case("txt-no-topic", ("news", "import", "{file}"), "Error: The topic is missing. Give one of the topic codes: "
             "y-nghia, chuong-trinh, trach-nhiem, thu-tuc, ket-qua, phuong-thuc, nha-nuoc-nhan-dan, kiem-soat-tthc, "
             "nguoi-tot, mot-cua.", file=("tin.txt", "Tiêu đề\nNội dung.".encode())),
        Case("txt-airings-0", (*imp, "--airings", "0"),
             "Error: --airings must be between 1 and 1000, not 0. Say how many times it should air.",
             file=("tin.txt", "Tiêu đề\nNội dung.".encode())),
        Case("txt-is-docx", imp, "Error: tin.txt is a Word document, not plain text. "
             "Rename it to end in .docx and import it with `broadcaster news import`.",
             file=("tin.txt", docx_bytes("Tiêu đề", "Nội dung."))),
        Case("txt-20mb", imp, "Error: sach.txt is 20.7 MB; a news file can be at most 5 MB. "
             "A news text is at most 30,000 characters: split the file into smaller ones.",
             file=("sach.txt", too_big)),
        Case("txt-text-too-long", imp,
             "Error: dai.txt is 30,799 characters long; the limit is 30,000. Split it into several news items.",
             file=("dai.txt", ("Tiêu đề\n" + LONG).encode())),
        Case("txt-random-bytes", imp, "Error: tin.txt is not text (it contains binary data: NUL bytes). Give a .txt or .csv file saved with Encoding: UTF-8.", file=("tin.txt", noise(4000, seed=5))),
        Case("txt-bom-then-invalid", imp, BOM_THEN_INVALID.format(name="tin.txt", byte="6 (0xEA)"), file=("tin.txt", b"\xef\xbb\xbfTi\xeau \xff\n")),
        Case("docx-empty-file", imp, f"Error: tin.docx is not a readable Word (.docx) file: Package not found at "
             f"'{{file}}'. {DOCX_BROKEN}", file=("tin.docx", b"")),
        Case("docx-garbage", imp, f"Error: tin.docx is not a readable Word (.docx) file: Package not found at "
             f"'{{file}}'. {DOCX_BROKEN}", file=("tin.docx", noise(2000))),
        Case("docx-zip-without-document", imp, "Error: tin.docx is not a readable Word (.docx) file: "
             f"There is no item named '[Content_Types].xml' in the archive. {DOCX_BROKEN}",
             file=("tin.docx", zip_bytes("word/other.xml"))),
        Case("docx-cut-short", imp, "Error: tin.docx is not a readable Word (.docx) file: "
             f"Package not found at '{{file}}'. {DOCX_BROKEN}",
             file=("tin.docx", docx_bytes("Tiêu đề", "Nội dung.")[:3000])),
        Case("docx-no-text", imp, "Error: tin.docx has no text. "
             "Put the title in the first paragraph and the news below it.", file=("tin.docx", docx_bytes())),
        Case("docx-empty-table", imp, "Error: tin.docx has no text. "
             "Put the title in the first paragraph and the news below it.",
             file=("tin.docx", docx_bytes(table=[["", ""], ["", ""]]))),
        Case("docx-title-only", imp, "Error: tin.docx has a title but no news text. "
             "Put the title on the first line and the news text below it.", file=("tin.docx", docx_bytes("Tiêu đề"))),
        Case("docx-title-501", imp, "Error: --title is 501 characters long; the limit is 500. "
             "Give a short title; the news goes in the text.", file=("tin.docx", docx_bytes("T" * 501, "Nội dung."))),
    ]  # fmt: skip


def _csv() -> list[Case]:
    imp = ("news", "import", "{file}")
    first_row = f"The first row must be: {CSV_HEADER}."
    quote = "Close the quote, or remove it: only texts that contain the separator need quotes."
    return [
        Case("csv-empty", imp, f"Error: tin.csv: the header row is empty; missing column(s) title, topic, text. {first_row}",
             file=("tin.csv", b"")),
        Case("csv-bom-only", imp, f"Error: tin.csv: the header row is empty; missing column(s) title, topic, text. "
             f"{first_row}", file=("tin.csv", b"\xef\xbb\xbf")),
        Case("csv-header-only", imp, "Error: tin.csv has no news rows. Add one row per news item under the header.",
             file=("tin.csv", csv_file(CSV_HEADER))),
        Case("csv-missing-column", imp, f"Error: tin.csv: the header row is title,text; missing column(s) topic. "
             f"{first_row}", file=("tin.csv", csv_file("title,text", "A,x"))),
        Case("csv-unknown-column", imp, "Error: tin.csv: the header row is tieu_de,topic,text; missing column(s) "
             f"title; unknown column(s) tieu_de. {first_row}", file=("tin.csv", csv_file("tieu_de,topic,text", "A,mot-cua,x"))),
        Case("csv-vietnamese-header", imp, "Error: tin.csv: the header row is tiêu đề;chủ đề;nội dung; missing "
             f"column(s) title, topic, text; unknown column(s) tiêu đề;chủ đề;nội dung. {first_row}",
             file=("tin.csv", csv_file("Tiêu đề;Chủ đề;Nội dung", "A;mot-cua;x"))),
        Case("csv-duplicate-column", imp, "Error: tin.csv: the header row has the column 'text' 2 times. "
             f"Keep one column of each name: {CSV_HEADER}.", file=("tin.csv", csv_file("title,topic,text,text", "A,mot-cua,x,y"))),
        Case("csv-extra-cells", imp, "Error: tin.csv row 2 has 5 cells, but the header has 3 columns. A text that "
             "contains the separator must be in double quotes; or remove the extra cells.",
             file=("tin.csv", csv_file("title,topic,text", "A,mot-cua,Một, hai, ba"))),
        Case("csv-extra-cells-semicolons", imp, "Error: tin.csv row 3 has 4 cells, but the header has 3 columns. A "
             "text that contains the separator must be in double quotes; or remove the extra cells.",
             file=("tin.csv", csv_file("title;topic;text", "A;mot-cua;x", "B;mot-cua;y;z"))),
        Case("csv-unnamed-column-with-text", imp, "Error: tin.csv row 2 has text in a column with no name in the "
             f"header. Name the column in the first row ({CSV_HEADER}) or empty it.",
             file=("tin.csv", csv_file("title,topic,text,", "A,mot-cua,x,ghi chú"))),
        Case("csv-unclosed-quote", imp, f'Error: tin.csv row 3: a double quote (") opened there is never closed. {quote}',
             file=("tin.csv", csv_file("title,topic,text", "A,mot-cua,x", '"B,mot-cua,y', "C,mot-cua,z"))),
        Case("csv-text-after-quote", imp, 'Error: tin.csv row 2: there is text after a closing double quote ("). '
             'Inside a quoted text write a double quote twice (""), or remove the quotes.',
             file=("tin.csv", csv_file("title,topic,text", '"Tin" mới,mot-cua,x'))),
        Case("csv-cell-over-field-limit", imp, "Error: tin.csv row 2: a cell is longer than 131,072 characters. "
             'A news text is at most 30,000 characters; check for a double quote (") that is never closed.',
             file=("tin.csv", csv_file("title,topic,text", "A,mot-cua," + "x" * 131_073))),
        Case("csv-text-too-long", imp, "Error: tin.csv row 2: column 'text' is 30,799 characters long; the limit is "
             "30,000. Split it into several news items.", file=("tin.csv", csv_file("title,topic,text", "A,mot-cua," + LONG))),
        Case("csv-title-too-long", imp, "Error: tin.csv row 2: column 'title' is 600 characters long; the limit is "
             "500. Give a short title; the news goes in the text.",
             file=("tin.csv", csv_file("title,topic,text", "T" * 600 + ",mot-cua,x"))),
        Case("csv-empty-title", imp, "Error: tin.csv row 3: column 'title' is empty. Fill in the title of every row.",
             file=("tin.csv", csv_file("title,topic,text", "A,mot-cua,x", ",mot-cua,y"))),
        Case("csv-empty-topic", imp, "Error: tin.csv row 2: column 'topic' is empty. Fill in the topic of every row.",
             file=("tin.csv", csv_file("title,topic,text", "A,,x"))),
        Case("csv-unknown-topic", imp, "Error: tin.csv row 2: column 'topic': Unknown topic 'motcua'. "
             "Did you mean 'mot-cua'? Run `broadcaster topics` to see the codes.",
             file=("tin.csv", csv_file("title,topic,text", "A,motcua,x"))),
        Case("csv-bad-priority", imp, "Error: tin.csv row 2: column 'priority' 'khẩn' is not a priority. "
             "Use normal, priority or emergency (Thông tư 39/2020).",
             file=("tin.csv", csv_file("title,topic,text,priority", "A,mot-cua,x,khẩn"))),
        Case("csv-date-two-digit-year", imp, f"Error: tin.csv row 2: column 'from' '1/3/21' is not a date in a form "
             f"broadcaster reads. {DATE_FORMS}", file=("tin.csv", csv_file("title,topic,text,from", "A,mot-cua,x,1/3/21"))),
        Case("csv-date-us", imp, "Error: tin.csv row 2: column 'until' '12/31/2099' is written month first; "
             "broadcaster reads DD/MM/YYYY, day first. Write 31/12/2099 or 2099-12-31.",
             file=("tin.csv", csv_file("title,topic,text,until", "A,mot-cua,x,12/31/2099"))),
        Case("csv-until-past", imp, "Error: tin.csv row 2: column 'until' {yesterday} is in the past (today is "
             "{today}): the item could never air. Give its last day from today on, or leave it out.",
             file=("tin.csv", csv_file("title,topic,text,until", "A,mot-cua,x,{yesterday}"))),
        Case("csv-airings-decimal", imp, "Error: tin.csv row 2: column 'airings' '2.0' is not a whole number. "
             "Use a number from 1 to 1000.", file=("tin.csv", csv_file("title,topic,text,airings", "A,mot-cua,x,2.0"))),
        Case("csv-airings-underscore", imp, "Error: tin.csv row 2: column 'airings' '1_000' is not a whole number. "
             "Use a number from 1 to 1000.", file=("tin.csv", csv_file("title,topic,text,airings", "A,mot-cua,x,1_000"))),
        Case("csv-airings-huge", imp, "Error: tin.csv row 2: column 'airings' must be between 1 and 1000, not "
             "99999999999999999999. Say how many times it should air.",
             file=("tin.csv", csv_file("title,topic,text,airings", "A,mot-cua,x,99999999999999999999"))),
        Case("csv-1001-rows", imp, "Error: tin.csv has more than 1,000 news rows. "
             "Split it into several files and import them one by one.",
             file=("tin.csv", csv_file("title,topic,text", *[f"Tin {n},mot-cua,x" for n in range(1001)]))),
        Case("csv-bad-row-after-good-ones", imp, "Error: tin.csv row 4: column 'topic': Unknown topic 'nguoitot'. "
             "Did you mean 'nguoi-tot'? Run `broadcaster topics` to see the codes.",
             file=("tin.csv", csv_file("title,topic,text", "A,mot-cua,x", "B,thu-tuc,y", "C,nguoitot,z"))),
        Case("csv-with-priority-option", (*imp, "--priority", "emergency"), "Error: --priority cannot be used with a "
             ".csv file. A .csv gives each row's topic, priority and airings in its own columns.",
             file=("tin.csv", csv_file("title,topic,text", "A,mot-cua,x"))),
        Case("csv-with-topic-and-airings", (*imp, "--topic", "mot-cua", "--airings", "2"), "Error: --topic and "
             "--airings cannot be used with a .csv file. A .csv gives each row's topic, priority and airings in its "
             "own columns.", file=("tin.csv", csv_file("title,topic,text", "A,mot-cua,x"))),
        Case("csv-png", imp, "Error: tin.csv is a picture (PNG), not plain text. "
             "Type the news as text; broadcaster reads .txt, .docx and .csv files.",
             file=("tin.csv", b"\x89PNG\r\n\x1a\n" + noise(300))),
        Case("csv-xlsx-renamed", imp, "Error: tin.csv is an Excel workbook, not plain text. "
             "In Excel choose File > Save As > CSV UTF-8 (Comma delimited), then import the .csv file.",
             file=("tin.csv", zip_bytes("[Content_Types].xml", "xl/workbook.xml"))),
        Case("csv-docx-renamed", imp, "Error: tin.csv is a Word document, not plain text. "
             "Import it as a .docx file, or save the table from Excel as CSV UTF-8.",
             file=("tin.csv", docx_bytes("Tiêu đề", "Nội dung."))),
        Case("csv-bom-then-invalid", imp, BOM_THEN_INVALID.format(name="tin.csv", byte="21 (0xFF)"), file=("tin.csv", b"\xef\xbb\xbftitle,topic,text\n\xff,mot-cua,x\n")),
    ]  # fmt: skip


def _speech() -> list[Case]:
    utf8 = "Set the terminal to UTF-8, or save the text in a UTF-8 file and give it with --file."
    return [
        Case("speak-empty", ("speak", " ", "-o", "{dir}/x.wav"),
             'Error: There is no text to speak. Give it in quotes, e.g. broadcaster speak "Thử loa" -o thu.wav'),
        Case("speak-not-utf8", ("speak", "Th\udcabng", "-o", "{dir}/x.wav"),
             f"Error: TEXT contains bytes that are not UTF-8 text. {utf8}"),
        Case("speak-too-long", ("speak", HUGE, "-o", "{dir}/x.wav"),
             "Error: TEXT is 100,800 characters long; the limit is 30,000. Split it into shorter texts."),
        Case("speak-not-wav", ("speak", "Thử loa", "-o", "{dir}/x.mp3"),
             "Error: {dir}/x.mp3 must end in .wav. Give an output file name like tin.wav."),
        Case("normalize-not-utf8", ("normalize", "Ng\udce0y 12/4"), f"Error: TEXT contains bytes that are not UTF-8 text. {utf8}"),
        Case("normalize-stdin-not-utf8", ("normalize",), "Error: Line 2 of standard input is not UTF-8 text. "
             "Save the text as UTF-8 (in Notepad: Save as…, Encoding: UTF-8) and try again.",
             stdin="Ngày 12/4\n".encode() + "Đông\n".encode("cp1258")),
        Case("preview-not-wav", ("preview", "1", "-o", "{dir}/p.mp3"),
             "Error: {dir}/p.mp3 must end in .wav. Give an output file name like tin.wav."),
        Case("report-docx-named-pdf", ("report", "--period", "2026-01", "--format", "docx", "-o", "{dir}/x.pdf"),
             "Error: {dir}/x.pdf must end in .docx for --format docx. Give an output file name like bao-cao.docx."),
        Case("report-png-named-docx", ("report", "--period", "2026-01", "--format", "png", "-o", "{dir}/x.docx"),
             "Error: {dir}/x.docx must end in .png for --format png. Give an output file name like bao-cao.png."),
    ]  # fmt: skip


def _config() -> list[Case]:
    def bad(id_: str, old: str, new: str, problem: str) -> Case:
        return Case(f"config-{id_}", ("config", "check"), problem, config={old: new})

    between = "must be between"
    return [
        bad("max-minutes-nan", "max_minutes = 15", "max_minutes = nan",
            "slots[3].max_minutes: must be more than 0 and at most 240 (minutes), not nan"),
        bad("max-minutes-inf", "max_minutes = 15", "max_minutes = inf",
            "slots[3].max_minutes: must be more than 0 and at most 240 (minutes), not inf"),
        bad("max-minutes-0", "max_minutes = 15", "max_minutes = 0",
            "slots[3].max_minutes: must be more than 0 and at most 240 (minutes), not 0"),
        bad("max-minutes-text", "max_minutes = 15", 'max_minutes = "15"', "slots[3].max_minutes: must be a number, not '15'"),
        bad("espeak-speed-0", "speed = 150", "speed = 0",
            f"speech.espeak.speed: {between} 80 and 450 (words per minute), not 0"),
        bad("espeak-speed-40", "speed = 150", "speed = 40",
            f"speech.espeak.speed: {between} 80 and 450 (words per minute), not 40"),
        bad("espeak-speed-huge", "speed = 150", "speed = 99999999999999999999",
            f"speech.espeak.speed: {between} 80 and 450 (words per minute), not 99999999999999999999"),
        bad("true-peak-positive", "true_peak_dbtp = -1.5", "true_peak_dbtp = 1.0",
            f"mastering.true_peak_dbtp: {between} -9 and 0 (dBTP, e.g. -1.5), not 1"),
        bad("tempo-0", "tempo = 0.92", "tempo = 0", f"mastering.tempo: {between} 0.5 and 2 (0.92 is a little slower), not 0"),
        bad("compressor-ratio-0", "compressor_ratio = 3", "compressor_ratio = 0",
            f"mastering.compressor_ratio: {between} 1 and 20 (1 is no compression), not 0"),
        bad("loudness-positive", "loudness_lufs = -16", "loudness_lufs = 3",
            f"mastering.loudness_lufs: {between} -36 and -5 (LUFS, e.g. -16), not 3"),
        bad("highpass-negative", "highpass_hz = 200", "highpass_hz = -200",
            f"mastering.highpass_hz: {between} 20 and 1000 (Hz), not -200"),
        bad("pause-negative", "pause_ms = 800", "pause_ms = -1", f"mastering.pause_ms: {between} 0 and 10000 (milliseconds), not -1"),
        bad("sample-rate", "sample_rate = 44100", "sample_rate = 0",
            "mastering.sample_rate: use 16000, 22050, 24000, 32000, 44100 or 48000"),
        bad("rebuild-negative", "rebuild_minutes = 5", "rebuild_minutes = -1",
            f"daemon.rebuild_minutes: {between} 0.5 and 1440 (minutes), not -1"),
        bad("rebuild-0", "rebuild_minutes = 5", "rebuild_minutes = 0",
            f"daemon.rebuild_minutes: {between} 0.5 and 1440 (minutes), not 0"),
        bad("grace-negative", "late_grace_minutes = 15", "late_grace_minutes = -1",
            f"daemon.late_grace_minutes: {between} 0 and 1440 (minutes), not -1"),
        bad("poll-0", "queue_check_seconds = 60", "queue_check_seconds = 0",
            f"daemon.queue_check_seconds: {between} 1 and 600 (seconds), not 0"),
        bad("gtts-retries-negative", "retries = 3", "retries = -1",
            f"speech.gtts.retries: {between} 1 and 10 (tries, the first one included), not -1"),
        bad("gtts-timeout-nan", "timeout_seconds = 10         # per request", "timeout_seconds = nan # per request",
            "speech.gtts.timeout_seconds: must be more than 0 and at most 120 (seconds), not nan"),
        bad("render-ahead-negative", "render_ahead_hours = 48", "render_ahead_hours = -48",
            f"speech.render_ahead_hours: {between} 1 and 744 (hours), not -48"),
        bad("warmup-negative", "warmup_seconds = 0", "warmup_seconds = -5",
            f"amplifier.warmup_seconds: {between} 0 and 300 (seconds), not -5"),
        bad("amp-timeout-0", "timeout_seconds = 10         # for each", "timeout_seconds = 0          # for each",
            "amplifier.timeout_seconds: must be more than 0 and at most 300 (seconds), not 0"),
        bad("latency-0", "latency_ms = 200", "latency_ms = 0",
            f"output.latency_ms: {between} 20 and 2000 (milliseconds of buffer), not 0"),
        bad("start-offset-negative", "start_offset_ms = 0", "start_offset_ms = -50",
            f"output.start_offset_ms: {between} 0 and 10000 (milliseconds), not -50"),
        bad("target-nan", "value = 60", "value = nan", "targets[1].value: must be more than 0 and at most 1000000, not nan"),
        bad("target-negative", "value = 8", "value = -8", "targets[2].value: must be more than 0 and at most 1000000, not -8"),
        bad("database-mysql", "database", "mysql://root:secret@localhost/dai",
            "station.database: 'mysql://root:***@localhost/dai' is not a database broadcaster can use; write "
            '"sqlite:///station.db" (a file next to config.toml) or "postgresql+psycopg://user:password@host/dbname"'),
        bad("database-no-scheme", "database", "station.db",
            "station.database: 'station.db' is not a database broadcaster can use; write "
            '"sqlite:///station.db" (a file next to config.toml) or "postgresql+psycopg://user:password@host/dbname"'),
        bad("database-in-memory", "database", "sqlite:///:memory:",
            "station.database: an in-memory database keeps nothing from one command to the next; "
            'give a file, e.g. "sqlite:///station.db"'),
        bad("days-empty", 'days = ["tue", "fri"]', "days = []",
            'slots[3].days: is empty, so the slot never airs; list its days (e.g. ["mon", "fri"]) or remove it'),
        bad("days-unknown", 'days = ["tue", "fri"]', 'days = ["tue", "thur"]',
            "slots[3].days: unknown day 'thur'. Did you mean 'thu'?"),
        bad("slot-same-time", 'time = "17:30"', 'time = "6:00"',
            "slots[2].time: starts at the same time as slots[1] 'Bản tin sáng' (06:00) on mon, tue, wed, thu, fri, "
            "sat, sun; give one of them another time"),
        bad("slot-time-25h", 'time = "17:30"', 'time = "25:30"',
            "slots[2].time: '25:30' is not a time of day (hours 00-23, minutes and seconds 00-59)"),
        bad("slot-name-201", 'name = "Bản tin chiều"', f'name = "{"B" * 201}"',
            "slots[2].name: is 201 characters long; at most 200 fit in the airing log"),
        bad("window-empty", 'allowed = ["05:00-21:00"]', 'allowed = ["05:00-05:00"]',
            "broadcast_hours.allowed: '05:00-05:00' starts and ends at the same time, so it allows nothing; "
            "for no limit write allowed = []"),
        bad("topic-code-65", 'name = "Cơ chế một cửa, một cửa liên thông"',
            f'name = "Cơ chế một cửa, một cửa liên thông"\n\n[[topics]]\ncode = "{"m" * 65}"\nname = "Mới"',
            "topics[11].code: is 65 characters long; at most 64 fit in the station's records"),
        bad("timezone", 'timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hanoi"',
            "station.timezone: 'Asia/Hanoi' is not a known time zone; use e.g. \"Asia/Ho_Chi_Minh\""),
        bad("engine-unknown", 'engine = "espeak"', 'engine = "pipr"',
            "speech: unknown engine 'pipr'. Did you mean 'piper'? Known: gtts, espeak, piper"),
        # the rest of the station refuses a bad config too, before anything is written
        Case("config-bad-then-news-add", ADD_TEXT,
             "mastering.tempo: must be between 0.5 and 2 (0.92 is a little slower), not 0",
             config={"tempo = 0.92": "tempo = 0"}),
    ]  # fmt: skip


def _operations() -> list[Case]:
    return [
        Case("demo-over-a-station", ("demo", "--dir", "{dir}"),
             "Error: {dir} is not empty and was not made by `broadcaster demo`; the demo replaces only its own. "
             "Give a new folder with --dir; nothing in {dir} was changed (a demo folder made by an older version "
             "has to be deleted by hand)."),
        Case("demo-on-a-file", ("demo", "--dir", "{file}"),
             "Error: Invalid value for '--dir': Directory '{file}' is a file.", exit=2,
             file=("station.db.bak", b"SQLite format 3\x00")),
    ]  # fmt: skip
