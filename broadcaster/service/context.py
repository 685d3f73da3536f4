"""The station as every service sees it: its config, its database, its clock and its folders.

The user actions themselves are the functions of the other modules of service/.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
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


@dataclass
class Station:
    config: Config
    db: Database
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def open(cls, config_path: Path | None = None, clock: Clock | None = None) -> Station:
        from broadcaster.store.db import Database  # SQLAlchemy only once a station is opened

        config = load_config(config_path)
        return cls(config=config, db=Database(config.database_url), clock=clock or SystemClock())

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
