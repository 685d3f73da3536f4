"""config.toml <-> dataclasses: each table read with its types, ranges and "did you mean"; the effective
config written back as TOML for `config show` (a file that loads back to the same config)."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from typing import Any, TypeVar

from broadcaster.config.rules import check_limits, did_you_mean
from broadcaster.i18n import N_, _

_T = TypeVar("_T")


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is list:
        return _("a list")
    if origin is dict:
        return _("a table")
    name = {str: N_("text"), int: N_("a whole number"), float: N_("a number"), bool: N_("true or false")}.get(tp)
    return _(name) if name else str(tp)


def _optional_inner(tp: Any) -> Any:
    """`X | None` -> X: TOML has no null, a value that is there is an X (left out, it stays None)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _check_value(value: Any, tp: Any, where: str, problems: list[str]) -> Any:
    tp = _optional_inner(tp)
    if is_dataclass(tp):  # a sub-table such as [speech.espeak]: its keys checked like a section's
        return read_table(tp, value, where, problems)  # type: ignore[arg-type]
    origin = typing.get_origin(tp)
    if origin is list:
        (inner,) = typing.get_args(tp)
        if not isinstance(value, list):
            problems.append(
                _("{where}: must be {kind}, not {value}").format(where=where, kind=_type_name(tp), value=repr(value))
            )
            return None
        checked = [_check_value(v, inner, f"{where}[{i + 1}]", problems) for i, v in enumerate(value)]
        # One bad entry spoils the list: a None inside it would crash the cross-checks.
        return None if any(c is None for c in checked) else checked
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            problems.append(_("{where}: must be a table of text values").format(where=where))
            return None
        return dict(value)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp in (int, float) and isinstance(value, bool):
        problems.append(
            _("{where}: must be {kind}, not {value}").format(where=where, kind=_type_name(tp), value=repr(value))
        )
        return None
    if not isinstance(value, tp):
        problems.append(
            _("{where}: must be {kind}, not {value}").format(where=where, kind=_type_name(tp), value=repr(value))
        )
        return None
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A section's field types, resolved once per process: resolving them compiles every string
    annotation again, which was half of reading config.toml (each command reads it)."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def read_table(cls: type[_T], table: Any, where: str, problems: list[str]) -> _T | None:
    if not isinstance(table, dict):
        problems.append(_("{where}: must be a table ([{where}])").format(where=where))
        return None
    hints = _hints(cls)
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    ok = True
    for key, value in table.items():
        if key not in known:
            problems.append(_("{where}: unknown config key.").format(where=f"{where}.{key}") + did_you_mean(key, known))
            ok = False
            continue
        checked = _check_value(value, hints[key], f"{where}.{key}", problems)
        if checked is None or not check_limits(checked, known[key].metadata, f"{where}.{key}", problems):
            ok = False
        else:
            values[key] = checked
    for name, spec in known.items():
        if name not in table and spec.default is MISSING and spec.default_factory is MISSING:
            problems.append(_("{where}: missing required key '{key}'").format(where=where, key=name))
            ok = False
    if ok:
        return cls(**values)
    # Keep the good keys of a table with a bad one, so the cross-checks still look at them
    # (a typo in [station] must not hide a wrong timezone); the problems stop loading anyway.
    required = [n for n, f in known.items() if f.default is MISSING and f.default_factory is MISSING]
    return cls(**values) if all(n in values for n in required) else None


def read_section(name: str, spec: Any, raw: Any, problems: list[str]) -> Any:
    """One section of the file as its dataclass (or list of them); problems are appended, never raised."""
    if typing.get_origin(spec) is list:
        (cls,) = typing.get_args(spec)
        if raw is None:
            return []
        if not isinstance(raw, list):
            problems.append(_("{where}: must be an array of tables ([[{where}]])").format(where=name))
            return []
        # A bad entry stays as None so the cross-checks still number the others as the file does.
        return [read_table(cls, entry, f"{name}[{i + 1}]", problems) for i, entry in enumerate(raw)]
    result = read_table(spec, raw if raw is not None else {}, name, problems)
    return result if result is not None else spec()


def as_dict(value: Any) -> Any:
    """The effective config as plain TOML-able data (for `config show`)."""
    if is_dataclass(value) and not isinstance(value, type):
        # TOML has no null: a value left out (None) is left out again
        return {
            f.name: as_dict(getattr(value, f.name))
            for f in fields(value)
            if f.name not in ("path", "notices") and getattr(value, f.name) is not None
        }
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
        return toml_string(str(v))

    def table(name: str, body: dict[str, Any]) -> None:
        # scalars first, then each sub-table ([speech.espeak]) under its own header
        lines.extend(["", f"[{name}]"])
        lines.extend(f"{_key(k)} = {scalar(v)}" for k, v in body.items() if not isinstance(v, dict))
        for k, v in body.items():
            if isinstance(v, dict):
                table(f"{name}.{_key(k)}", v)

    for section, body in data.items():
        if isinstance(body, list):
            for entry in body:
                lines += ["", f"[[{section}]]"] + [f"{k} = {scalar(v)}" for k, v in entry.items()]
        else:
            table(section, body)
    return "\n".join(lines).lstrip() + "\n"


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else toml_string(k)


def toml_string(text: str) -> str:
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
