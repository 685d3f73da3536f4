"""Database engine, sessions, migrations, and translation of database errors.

SQLite is the embedded default: WAL so the CLI can read while the daemon
writes, foreign keys on, a busy timeout so the two wait for each other instead
of failing, and synchronous=FULL because the airing log must survive a power cut.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, NoSuchModuleError, OperationalError, SQLAlchemyError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

from broadcaster.errors import StoreError
from broadcaster.i18n import N_, _
from broadcaster.store import db_errors
from broadcaster.store.db_errors import damaged, not_set_up, read_only

# BUSY_TIMEOUT_MS: the engine's own copy, read at each connection (a test shortens it here)
from broadcaster.store.sqlite_direct import BUSY_TIMEOUT_MS, MIGRATIONS, REVISION_SELECT, head_revision, set_pragmas

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    set_pragmas(dbapi_connection, BUSY_TIMEOUT_MS)


def describe_url(url: str) -> str:
    """The URL without its password, for messages; a SQLite file by its real path, not URL-escaped."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"sqlite:///{parsed.database}"
    return parsed.render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def translate(exc: BaseException, url: str) -> StoreError:
    """Turn a driver error into a message an official can act on."""
    where = describe_url(url)
    text = str(getattr(exc, "orig", exc) or exc)
    known = db_errors.by_text(text, where, sqlite_file(url) is not None)
    if known is not None:
        return known
    if isinstance(exc, DataError):
        return _data_error(exc, text)
    if isinstance(exc, OperationalError):
        return db_errors.unreachable(where, text.strip().splitlines()[0] if text else exc)
    return db_errors.database_error(where, text)


# Column names as the official knows the values (the CLI's options, the console's labels), never the
# column's own name (valid_until, airings_wanted) in a message.
_FIELDS = {
    "title": N_("title"),
    "text": N_("news text"),
    "topic": N_("topic code"),
    "priority": N_("priority"),
    "valid_from": N_("first day it may air"),
    "valid_until": N_("last day it may air"),
    "airings_wanted": N_("number of airings"),
    "approved_by": N_("name of the person approving"),
    "language": N_("language"),
    "recording_name": N_("name of the recording's file"),
    "source_note": N_("note on where the news came from"),
    "slot": N_("slot name"),
    "news_items_id": N_("news item id"),
    "pk_1": N_("id"),
}


def _field(column: str) -> str:
    return _(_FIELDS.get(column, N_("value")))


def _data_error(exc: DataError, text: str) -> StoreError:
    """A value the database refused, named like the station's own checks name it (PostgreSQL checks types)."""
    params = exc.params if isinstance(exc.params, dict) else {}
    length = re.search(r"character varying\((\d+)\)", text)
    if length:
        limit = int(length[1])
        column = next((_field(k) for k, v in params.items() if isinstance(v, str) and len(v) > limit), _("text"))
        return StoreError(
            _("The {field} is too long for the station database: at most {limit} characters.").format(
                field=column, limit=limit
            ),
            _("Shorten it."),
        )
    if "out of range" in text:
        column = next((_field(k) for k, v in params.items() if isinstance(v, int) and abs(v) > 2**31 - 1), _("number"))
        return StoreError(
            _("The {field} is too large for the station database.").format(field=column),
            _("Check the number you typed."),
        )
    if "NUL" in text:
        return StoreError(
            _("A text contains a NUL character (0x00), which the station database cannot store."),
            _("Remove it: copy the text into Notepad and back, or retype it."),
        )
    return StoreError(
        _("The station database refused a value: {reason}.").format(reason=text.strip().splitlines()[0]),
        _("Check what you typed."),
    )


def _refuse_emptied(url: str) -> None:
    path = sqlite_file(url)
    if path is not None:
        db_errors.refuse_emptied(path)


def server_options(url: str) -> dict[str, Any]:
    """create_engine's options for a database server that this program's use makes safe."""
    if make_url(url).drivername in ("postgresql", "postgresql+psycopg", "postgresql+psycopg2"):
        # No HSTORE column anywhere: without this the driver looks its type up in the catalog on each new
        # engine, i.e. for every command (a round trip, 1-6 ms of CPU here).
        return {"use_native_hstore": False}
    return {}


def has_version_table(connection: Connection, name: str = "alembic_version") -> bool:
    """Whether Alembic's table of the schema revision exists (the station's, or the hub's `name`)."""
    if connection.dialect.name == "postgresql":
        # SQLAlchemy's reflection builds and compiles its catalog query again for each new engine, i.e. for
        # every command: ~8 ms of CPU, 16 ms wall, where this costs a round trip. The name is looked up on
        # the search path, as REVISION_SELECT's is.
        return bool(connection.execute(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": name}).scalar())
    return inspect(connection).has_table(name)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        _refuse_emptied(url)
        try:
            if url.startswith("sqlite"):
                self.engine: Engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(self.engine, "connect", _sqlite_pragmas)
            else:
                self.engine = create_engine(
                    url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, **server_options(url)
                )
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise StoreError(
                _("The database URL '{url}' is not valid: {error}.").format(url=describe_url(url), error=exc),
                _("Use sqlite:///station.db or postgresql+psycopg://user:password@host/dbname in config.toml."),
            ) from exc
        self._sessions: sessionmaker[Session] | None = None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        if self._sessions is None:
            # here, not at the top: a read-only command (reading()) does without the ORM's ~300 ms of imports
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise translate(exc, self.url) from exc
        except (OverflowError, UnicodeEncodeError) as exc:
            session.rollback()
            raise db_errors.refused_value(exc) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for SQLAlchemy Core queries (the tables of schema.py), errors translated as session()'s."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise translate(exc, self.url) from exc
        except (OverflowError, UnicodeEncodeError) as exc:
            raise db_errors.refused_value(exc) from exc

    # ------------------------------------------------------------ migrations

    def _alembic(self, connection: Any, tz: tzinfo | None = None) -> Any:
        from alembic.config import Config as AlembicConfig

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = connection
        cfg.attributes["timezone"] = tz  # migrations that sum airings by local day need it
        return cfg

    def current_revision(self) -> str | None:
        # Read Alembic's table directly: importing Alembic costs the idle daemon ~20 MB.
        try:
            with self.engine.connect() as connection:
                if not has_version_table(connection):
                    return None
                return connection.execute(text(REVISION_SELECT)).scalar()
        except (DBAPIError, OperationalError) as exc:
            raise translate(exc, self.url) from exc

    @staticmethod
    def head_revision() -> str:
        """The newest schema revision this program ships (revision files are named NNNN_*.py after their id)."""
        return head_revision()

    def upgrade(self, revision: str = "head", tz: tzinfo | None = None) -> tuple[str | None, str]:
        """Bring the schema to `revision`; returns (before, after). `tz`: the station's time zone."""
        path = sqlite_file(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        before = self.current_revision()
        if revision == "head" and before == self.head_revision():
            return before, before  # nothing to do: Alembic would load every migration script to find that out
        from alembic import command

        try:
            with self.engine.begin() as connection:
                command.upgrade(self._alembic(connection, tz), revision)
        except (DBAPIError, OperationalError) as exc:
            raise translate(exc, self.url) from exc
        after = self.current_revision()
        assert after is not None
        if before != after:
            log.info("database schema upgraded from %s to %s", before or "empty", after)
        return before, after

    def require_current(self) -> None:
        """Fail clearly when the database was never initialised or is older than this program."""
        current = self.current_revision()
        if current is None:
            raise not_set_up(describe_url(self.url))
        if current != self.head_revision():
            raise db_errors.behind(describe_url(self.url), current, self.head_revision())

    # ------------------------------------------------------------ health (doctor)

    def check_integrity(self) -> None:
        """Raise StoreError when SQLite finds damaged pages (PostgreSQL checks its own pages)."""
        if sqlite_file(self.url) is None:
            return
        try:
            with self.engine.connect() as connection:
                rows = [r[0] for r in connection.execute(text("PRAGMA quick_check(5)"))]
        except (DBAPIError, OperationalError) as exc:
            raise translate(exc, self.url) from exc
        if rows != ["ok"]:
            raise damaged(describe_url(self.url), "; ".join(str(r) for r in rows))

    def check_writable(self) -> None:
        """Raise StoreError when the station could read but not write (a daemon would fail at its first record)."""
        where = describe_url(self.url)
        try:
            with self.engine.connect() as connection:
                if sqlite_file(self.url) is not None:
                    # a header write rolled back: SQLite refuses it at once on a file it opened read-only
                    # (taking the write lock alone succeeds there, since in WAL mode the lock is elsewhere)
                    version = connection.exec_driver_sql("PRAGMA user_version").scalar()
                    connection.exec_driver_sql("BEGIN")
                    try:
                        connection.exec_driver_sql(f"PRAGMA user_version = {int(version or 0)}")
                    finally:
                        connection.exec_driver_sql("ROLLBACK")
                    return
                standby = connection.execute(text("SELECT pg_is_in_recovery()")).scalar()
                may_write = connection.execute(
                    text(
                        "SELECT has_table_privilege('airings', 'INSERT') "
                        "AND has_table_privilege('news_items', 'UPDATE')"
                    )
                ).scalar()
        except (DBAPIError, OperationalError) as exc:
            raise translate(exc, self.url) from exc
        if standby or not may_write:
            raise read_only(where, sqlite=False)

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()
