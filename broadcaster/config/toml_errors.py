"""A config file that cannot be read, said as a technician can act on it: the line and what is wrong
there in the station's language (tomllib's own words are English), or the encoding it was saved in."""

from __future__ import annotations

import codecs
import re
import tomllib
from pathlib import Path

from broadcaster.errors import ConfigError
from broadcaster.i18n import N_, _

_WHERE = re.compile(
    r"^(?P<reason>.*?)(?: \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\))?$", re.S
)
# tomllib's reasons for the mistakes people make in a text editor, in the words of the fix
_KNOWN = (
    (r"^Illegal character '\\n'|^Unterminated string", N_('a text in quotes is not closed (its closing " is missing)')),
    (r"^Cannot (declare .* twice|overwrite a value|mutate)", N_("a key or a [section] is written twice; keep one")),
    (r"^Expected '=' after a key", N_("a key has no = after it (write: key = value)")),
    (r"^Invalid value", N_('the value is not valid: a text goes in quotes, e.g. name = "Sơn Kim 1"')),
    (r"^Unclosed array", N_("a list [ … ] is not closed with ]")),
    (r"^Unclosed inline table", N_("a table { … } is not closed with }")),
    (r"^Expected '\]' at the end of a table", N_("a [section] line has no closing ]")),
    (
        r"^Invalid statement|^Invalid initial character for a key",
        N_("the line is neither key = value, a [section] nor a # comment"),
    ),
)


def toml_problem(exc: tomllib.TOMLDecodeError) -> str:
    """Where the TOML reader stopped and why, e.g. "line 9, column 38: a text in quotes is not closed"."""
    found = _WHERE.match(str(exc))
    reason = found["reason"] if found else str(exc)
    said = next((_(message) for pattern, message in _KNOWN if re.search(pattern, reason)), None)
    said = said or _("{reason} (in the TOML reader's words)").format(reason=reason)
    if found and found["line"]:
        return _("line {line}, column {column}: {problem}").format(
            line=found["line"], column=found["column"], problem=said
        )
    if "(at end of document)" in str(exc):
        return _("at the end of the file: {problem}").format(problem=said)
    return said


def config_text(data: bytes, path: Path) -> str:
    """The file's text: UTF-8 (a byte order mark, as Notepad writes, allowed) or UTF-16 (Notepad's
    "Unicode"); any other encoding is refused naming the line and how to save it again."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # damaged: said below as any other encoding
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        vietnamese = re.search("[ăđơư\u0300\u0301\u0303\u0309\u0323]", data.decode("cp1258", errors="replace").lower())
        raise ConfigError(
            _("Config file {path} is not saved as UTF-8: line {line} holds a byte UTF-8 does not allow{guess}.").format(
                path=path, line=line, guess=_(" (it looks like Windows-1258)") if vietnamese else ""
            ),
            _("Open it in Notepad, choose File > Save as…, set Encoding: UTF-8, and save it again."),
        ) from None
