"""The hub's database: engine, sessions, its own Alembic migrations, and error translation.

PostgreSQL for a province; SQLite for a small district's trial (WAL and a busy timeout, so
`hub serve` and the CLI can share the file).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from broadcaster.errors import StoreError
from broadcaster.i18n import _
from broadcaster.store.db import describe_url, has_version_table, server_options

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "hub_alembic_version"
BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a crash; the stations keep the originals
    cursor.close()


def head_revision() -> str:
    """The newest hub schema this program ships (revision files are named hNNNN_*.py after their id)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("h[0-9]*_*.py"))


def translate(exc: BaseException, url: str) -> StoreError:
    where = describe_url(url)
    detail = str(getattr(exc, "orig", exc) or exc).strip()
    if "locked" in detail or "busy" in detail:
        return StoreError(_("The hub database {where} is busy.").format(where=where), _("Wait a moment and try again."))
    if "no such table" in detail or ("does not exist" in detail and "relation" in detail):
        return StoreError(
            _("The hub database {where} is not set up.").format(where=where),
            _("Run `broadcaster hub init` first."),
        )
    if isinstance(exc, OperationalError):
        first = detail.splitlines()[0] if detail else str(exc)
        return StoreError(
            _("The hub database {where} cannot be reached: {error}.").format(where=where, error=first),
            _("Check --database (or BROADCASTER_HUB_DATABASE) and that the database server is running."),
        )
    return StoreError(_("Database error on {where}: {error}.").format(where=where, error=detail), None)


class HubDB:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            if url.startswith("sqlite"):
                self.engine: Engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(self.engine, "connect", _sqlite_pragmas)
            else:
                # A province's stations sync in parallel: a pool sized for the server's worker threads.
                # No pre-ping (a round trip on every request): after a database restart the requests
                # on dead connections fail once (503, the station syncs again) and the pool is renewed.
                self.engine = create_engine(
                    url, pool_size=10, max_overflow=20, pool_recycle=3600, connect_args={"connect_timeout": 5},
                    **server_options(url),
                )  # fmt: skip
        except (ArgumentError, NoSuchModuleError) as exc:
            raise StoreError(
                _("The hub database URL '{url}' is not valid: {error}.").format(url=describe_url(url), error=exc),
                _("Use postgresql+psycopg://user:password@host/dbname, or sqlite:///hub.db for a trial."),
            ) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise translate(exc, self.url) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as connection:
                if not has_version_table(connection, VERSION_TABLE):
                    return None
                return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()  # noqa: S608
        except (DBAPIError, OperationalError) as exc:
            raise translate(exc, self.url) from exc

    def upgrade(self) -> tuple[str | None, str]:
        """Create or upgrade the schema; returns (before, after)."""
        if self.url.startswith("sqlite:///"):
            Path(self.url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        from alembic import command
        from alembic.config import Config as AlembicConfig

        before = self.current_revision()
        try:
            with self.engine.begin() as connection:
                cfg = AlembicConfig()
                cfg.set_main_option("script_location", str(MIGRATIONS))
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
        except (DBAPIError, OperationalError) as exc:
            raise translate(exc, self.url) from exc
        after = self.current_revision() or head_revision()
        if before != after:
            log.info("hub schema upgraded from %s to %s", before or "empty", after)
        return before, after

    def require_current(self) -> None:
        current = self.current_revision()
        if current != head_revision():
            what = _("is not set up") if current is None else _("is at an older schema ({rev})").format(rev=current)
            raise StoreError(
                _("The hub database {where} {what}.").format(where=describe_url(self.url), what=what),
                _("Run `broadcaster hub init` (existing data is kept)."),
            )

    def dispose(self) -> None:
        self.engine.dispose()
