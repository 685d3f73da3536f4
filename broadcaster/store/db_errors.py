"""What an official reads when the station database fails, whichever driver failed.

Without SQLAlchemy: db.py translates SQLAlchemy's errors with these, and `news list` on SQLite
(sqlite_direct.py), which reads through the standard library's driver to start quickly (issue 9),
gives the very same messages.
"""

from __future__ import annotations

from pathlib import Path

from broadcaster.errors import StoreError
from broadcaster.i18n import _


def by_text(text: str, where: str, sqlite: bool) -> StoreError | None:
    """The message for a driver's error text that says what went wrong (a lock, a full disk, ...), or None."""
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        return read_only(where, sqlite)
    if "locked" in text or "busy" in text:
        return StoreError(
            _("The station database {where} is locked by another program.").format(where=where),
            _("Wait a moment and try again; if it persists, check that no other program holds it open."),
        )
    if "malformed" in text or "not a database" in text:
        return damaged(where, text)
    if "unable to open database file" in text:
        return StoreError(
            _("The station database {where} cannot be opened.").format(where=where),
            _("Check that its folder exists and is writable, then run `broadcaster init`."),
        )
    if "no such table" in text or ("does not exist" in text and "relation" in text):
        return not_set_up(where)
    if "disk" in text and ("full" in text or "I/O" in text):
        return StoreError(
            _("The disk holding {where} is full or failing.").format(where=where),
            _("Free disk space, then try again."),
        )
    return None


def unreachable(where: str, error: object) -> StoreError:
    return StoreError(
        _("The station database {where} cannot be reached: {error}.").format(where=where, error=error),
        _("Check [station] database in config.toml and that the database server is running."),
    )


def database_error(where: str, text: str) -> StoreError:
    return StoreError(
        _("Database error on {where}: {error}.").format(where=where, error=text),
        _("Run `broadcaster doctor` to check the station."),
    )


def not_set_up(where: str) -> StoreError:
    return StoreError(
        _("The station database {where} is not set up.").format(where=where), _("Run `broadcaster init` first.")
    )


def behind(where: str, current: str, head: str) -> StoreError:
    return StoreError(
        _("The station database {where} is at schema {current}, this program needs {head}.").format(
            where=where, current=current, head=head
        ),
        _("Run `broadcaster init` to upgrade it (existing records are kept)."),
    )


def read_only(where: str, sqlite: bool) -> StoreError:
    if sqlite:
        hint = _(
            "Check that the file and its folder are writable by the user running broadcaster "
            "and that the disk is not mounted read-only."
        )
    else:
        hint = _("Check that the database user may write to the tables and that the server is not a read-only standby.")
    return StoreError(
        _("The station database {where} is read-only: broadcaster cannot write to it.").format(where=where), hint
    )


def damaged(where: str, detail: str) -> StoreError:
    return StoreError(
        _("The station database {where} is damaged ({detail}).").format(
            where=where, detail=detail.strip().splitlines()[0]
        ),
        _("Stop the station, copy the latest backup over it, then run `broadcaster log verify`."),
    )


def refuse_emptied(path: Path) -> None:
    """A station database cut to 0 bytes: its records are gone, and connecting would make it a new empty one.

    Checked before the first connection, since SQLite writes a fresh header into an
    empty file on connect and `init` would then quietly start a new airing log.
    """
    try:
        empty = path.stat().st_size == 0
    except OSError:
        return  # missing: `init` creates it; unreadable: the connection says why
    if empty:
        raise StoreError(
            _(
                "The station database {path} is empty (0 bytes): the airing log and the news queue it held are gone."
            ).format(path=path),
            _(
                "Copy your latest backup over it (e.g. cp /path/to/backup/station.db {path}); "
                "for a new station, delete the empty file and run `broadcaster init`."
            ).format(path=path),
        )


def refused_value(exc: BaseException) -> StoreError:
    # SQLite's driver raises OverflowError and UnicodeEncodeError itself, outside SQLAlchemy's errors; the
    # checks before the database should have caught the value, so say plainly what the database refused
    return StoreError(
        _("The station database cannot store a value given: {reason}.").format(reason=exc),
        _("Check the numbers and text you typed."),
    )
