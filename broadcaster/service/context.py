"""The station as every service sees it: its config, its database, its clock and its folders.

The user actions themselves are the functions of the other modules of service/.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.clock import Clock, SystemClock
from broadcaster.config import Config, load_config

if TYPE_CHECKING:
    from broadcaster.store.db import Database

log = logging.getLogger(__name__)


# What the project ships with the package: the example config.toml and the jingles (audio/jingles).
# In a checkout, broadcaster/shipped/ holds symbolic links to the top-level config.toml and audio/jingles,
# so there is one copy to edit; building a wheel copies the files behind the links into the package.
# Found on first use (`shipped_dir()`, or the module attribute SHIPPED): importlib.resources is a
# cost at every start of the command line, and only the demo and the default jingles need the folder.
@cache
def shipped_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("broadcaster") / "shipped"))


def __getattr__(name: str) -> Path:
    if name == "SHIPPED":
        return shipped_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Station:
    """The station's config, its clock and its database, which is opened when first used: `news list` on
    SQLite reads without SQLAlchemy (service/news_list.py), so opening a station must not load it."""

    def __init__(self, config: Config, db: Database | None = None, clock: Clock | None = None) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self._db = db

    @classmethod
    def open(cls, config_path: Path | None = None, clock: Clock | None = None) -> Station:
        return cls(config=load_config(config_path), clock=clock)

    @property
    def db(self) -> Database:
        if self._db is None:
            from broadcaster.store.db import Database  # SQLAlchemy only once the database is used

            self._db = Database(self.config.database_url)
        return self._db

    def close(self) -> None:
        """Let go of the database's connections, if it was opened."""
        if self._db is not None:
            self._db.dispose()

    # ------------------------------------------------------------ time

    def now(self) -> datetime:
        return self.clock.now()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.config.tz)

    def today(self) -> date:
        return self.local(self.now()).date()

    # ------------------------------------------------------------ folders

    @property
    def cache_dir(self) -> Path:
        return self.config.audio_dir / "cache"

    @property
    def bulletin_dir(self) -> Path:
        return self.config.audio_dir / "bulletins"

    @property
    def reports_dir(self) -> Path:
        return self.config.data_dir / "reports"

    @property
    def jingles_dir(self) -> Path:
        configured = self.config.station.jingles_dir
        return self.config.resolve(configured) if configured else shipped_dir() / "jingles"

    def init(self) -> tuple[str | None, str]:
        """Create folders and the database, or upgrade an older database. Idempotent."""
        for folder in (self.config.data_dir, self.cache_dir, self.bulletin_dir, self.reports_dir):
            folder.mkdir(parents=True, exist_ok=True)
        if self.config.output.kind == "file":
            self.config.output_dir.mkdir(parents=True, exist_ok=True)
        result = self.db.upgrade(tz=self.config.tz)
        from broadcaster.store import state

        with self.db.session() as session:
            # Slots from now on are the station's to air: a daemon started later records those it missed.
            if state.get_time(session, state.HEARTBEAT) is None:
                state.set_time(session, state.HEARTBEAT, self.now())
            # a heartbeat before this is a wrong clock, not years of missed slots
            if state.get_time(session, state.CREATED) is None:
                state.set_time(session, state.CREATED, state.station_created(session) or self.now())
        # the key the station signs its evidence with, for the district hub (readable by the station's user only)
        from broadcaster.hublink.settings import ensure_station_key

        ensure_station_key(self.config)
        return result

    def ready(self) -> None:
        """Raise a clear error unless the database is set up at the current schema."""
        self.db.require_current()


def describe_database(url: str) -> str:
    """The database URL without its password, for messages (a SQLite file by its real path)."""
    from broadcaster.store.db import describe_url

    return describe_url(url)
