"""The effective config as TOML, for `config show` (and a file that loads back to the same config)."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Any


def as_dict(value: Any) -> Any:
    """The effective config as plain TOML-able data (for `config show`)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_dict(getattr(value, f.name)) for f in fields(value) if f.name != "path"}
    if isinstance(value, list):
        return [as_dict(v) for v in value]
    if isinstance(value, dict):
        return {k: as_dict(v) for k, v in value.items()}
    return value


def to_toml(data: dict[str, Any]) -> str:
    """Small TOML writer for the effective config (tables, arrays of tables, scalars, lists)."""
    lines: list[str] = []

    def scalar(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(scalar(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{_key(k)} = {scalar(x)}" for k, x in v.items()) + " }"
        return _string(str(v))

    for section, body in data.items():
        if isinstance(body, list):
            for entry in body:
                lines += ["", f"[[{section}]]"] + [f"{k} = {scalar(v)}" for k, v in entry.items()]
        else:
            lines += ["", f"[{section}]"] + [f"{k} = {scalar(v)}" for k, v in body.items()]
    return "\n".join(lines).lstrip() + "\n"


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _string(k)


def _string(text: str) -> str:
    """A TOML basic string: a multi-line ident or a Windows path must come back unchanged."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
