"""The station's SQLite file through the standard library's driver, without importing SQLAlchemy.

`import sqlalchemy` is two thirds of a `news list` cold start (issue 9: the command must start in
<= 400 ms), so on SQLite that read-only command connects here: the same file, the same pragmas and
the same error messages as db.py's engine. The statements themselves stay defined in Core;
news_read_sqlite.py holds the SQL text Core compiles for them, checked by the tests.
PostgreSQL, and SQLite URLs with options, go through db.py as always.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from broadcaster.errors import StoreError
from broadcaster.store import db_errors

if TYPE_CHECKING:
    from broadcaster.config import Config

BUSY_TIMEOUT_MS = 10_000
MIGRATIONS = Path(__file__).parent / "migrations"
# what db.py's current_revision reads, once Alembic's table is known to be there
REVISION_SELECT = "SELECT version_num FROM alembic_version"
_PLAIN_SQLITE = "sqlite:///"


def set_pragmas(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    """WAL so the CLI can read while the daemon writes, and synchronous=FULL for the airing log (db.py)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def head_revision() -> str:
    """The newest schema revision this program ships (revision files are named NNNN_*.py after their id)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def plain_file(config: Config) -> Path | None:
    """The station's SQLite file when [station] database is a plain `sqlite:///path`, else None.

    The file SQLAlchemy opens for such a URL (config.database_url, db.sqlite_file), found without
    SQLAlchemy's URL parser: after `sqlite:///` comes the path, %-escapes undone. A URL with options
    (`?...`) or anything but a file is left to SQLAlchemy."""
    url = config.station.database
    if not url.startswith(_PLAIN_SQLITE):
        return None
    path = url.removeprefix(_PLAIN_SQLITE)
    if not path or "?" in path or path == ":memory:":
        return None
    return config.resolve(unquote(path))


def where(path: Path) -> str:
    """How messages name the file: as db.describe_url names a SQLite URL."""
    return f"sqlite:///{path}"


def _translated(exc: sqlite3.Error, path: Path) -> StoreError:
    # as db.translate: the driver's text first, then SQLAlchemy's class for the driver's OperationalError
    text = str(exc)
    known = db_errors.by_text(text, where(path), sqlite=True)
    if known is not None:
        return known
    if isinstance(exc, sqlite3.OperationalError):
        return db_errors.unreachable(where(path), text.strip().splitlines()[0] if text else exc)
    return db_errors.database_error(where(path), text)


@contextlib.contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the station's file, opened as db.Database opens it; errors translated as its are."""
    db_errors.refuse_emptied(path)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise _translated(exc, path) from exc
    try:
        set_pragmas(connection, BUSY_TIMEOUT_MS)
        yield connection
    except sqlite3.Error as exc:
        raise _translated(exc, path) from exc
    except (OverflowError, UnicodeEncodeError) as exc:
        raise db_errors.refused_value(exc) from exc
    finally:
        connection.close()


def require_current(connection: sqlite3.Connection, path: Path) -> None:
    """Fail as db.Database.require_current does when the file was never initialised or is older than this program.

    Without Alembic's table the select fails with "no such table", which reads as "not set up"."""
    try:
        row = connection.execute(REVISION_SELECT).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        row = None
    if row is None or row[0] is None:
        raise db_errors.not_set_up(where(path))
    if row[0] != head_revision():
        raise db_errors.behind(where(path), row[0], head_revision())
