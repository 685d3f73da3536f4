"""One daemon per station database, whatever config file points at it.

Two daemons on one database would air every slot twice and count each airing
twice, so the lock lives with the database, not with a config or data folder:
- SQLite: an exclusive flock on a file next to the database file;
- PostgreSQL: a session-level advisory lock held on a connection kept open for
  the daemon's life (released by the server if the daemon dies).
The holder (pid, host, config, start time) is written beside the lock, so a
refusal names the other daemon and the CLI can find the daemon to wake it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcaster.errors import AlreadyRunningError, BroadcasterError
from broadcaster.i18n import _

if TYPE_CHECKING:
    from broadcaster.store.db import Database

# pg_try_advisory_lock key: "broadcaster daemon" (one per database; advisory locks are per database)
_PG_LOCK_KEY = 0x6272_6F61_6463_6431
HOLDER_KEY = "daemon_holder"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Holder:
    """The process that holds the daemon lock."""

    pid: int
    host: str
    config: str
    started_at: str
    what: str = "broadcaster run"

    @property
    def local(self) -> bool:
        """On this machine, so it can be signalled."""
        return self.host == socket.gethostname()

    def describe(self, tz: tzinfo | None = None) -> str:
        """`tz`: the station's time zone (None: this computer's), in which the start is shown."""
        if self.local:
            text = _("pid {pid} on this computer, config {config}, started {started}")
        else:
            text = _("pid {pid} on computer {host}, config {config}, started {started}")
        return text.format(pid=self.pid, host=self.host, config=self.config, started=self._started_text(tz))

    def _started_text(self, tz: tzinfo | None) -> str:
        try:
            started = datetime.fromisoformat(self.started_at)  # stored in UTC
        except ValueError:
            return self.started_at  # a lock file from an older version
        return f"{started.astimezone(tz):%d/%m/%Y %H:%M:%S}"

    @classmethod
    def current(cls, config: Path, what: str) -> Holder:
        started = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), str(config), started, what)

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            data: dict[str, Any] = json.loads(text)
            return cls(
                int(data["pid"]),
                str(data["host"]),
                str(data["config"]),
                str(data["started_at"]),
                str(data.get("what", "broadcaster run")),
            )
        except (ValueError, KeyError, TypeError):
            # a lock file from an older version holds "PID what"
            words = text.split()
            if words and words[0].isdigit():
                return cls(int(words[0]), socket.gethostname(), "?", "?", " ".join(words[1:]) or "broadcaster run")
            return None


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for other databases and in-memory SQLite."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def lock_file_for(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".daemon.lock")


class DaemonLock:
    """Held by `broadcaster run` (and by `air-now` when it airs by itself) for as long as it airs."""

    def __init__(self, db: Database, config_path: Path) -> None:
        self.db = db
        self.config_path = config_path
        self._fd: int | None = None
        self._connection: Any = None

    def acquire(self, what: str = "broadcaster run") -> None:
        me = Holder.current(self.config_path, what)
        db_file = sqlite_path(self.db.url)
        if db_file is not None:
            self._acquire_file(lock_file_for(db_file), me)
        else:
            self._acquire_advisory(me)

    def _acquire_file(self, path: Path, me: Holder) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _refusal(read_holder_file(path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(asdict(me)).encode())
        os.fsync(fd)
        self._fd = fd

    def _acquire_advisory(self, me: Holder) -> None:
        from sqlalchemy import text

        from broadcaster.store import state

        connection = self.db.engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _PG_LOCK_KEY}).scalar()
        connection.commit()
        if not got:
            connection.close()
            with self.db.session() as session:
                raise _refusal(Holder.parse(state.get_text(session, HOLDER_KEY) or ""))
        self._connection = connection
        with self.db.session() as session:
            state.set_text(session, HOLDER_KEY, json.dumps(asdict(me)), datetime.now(UTC))

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._connection is not None:
            from sqlalchemy import text

            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> DaemonLock:
        self.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def _refusal(holder: Holder | None) -> AlreadyRunningError:
    who = f" ({holder.describe()})" if holder else ""
    return AlreadyRunningError(
        _("This station's database is already on air: another broadcaster daemon{who} airs it.").format(who=who),
        _(
            "Stop that daemon first (systemctl stop broadcaster, or kill that pid); only one may air a database, "
            "whichever config file points at it."
        ),
    )


def read_holder_file(path: Path) -> Holder | None:
    try:
        return Holder.parse(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None


def daemon_holder(db: Database) -> Holder | None:
    """The daemon airing this database right now, or None when none runs."""
    db_file = sqlite_path(db.url)
    if db_file is not None:
        return _file_holder(lock_file_for(db_file))
    return _advisory_holder(db)


def _file_holder(path: Path) -> Holder | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_holder_file(path) or Holder(-1, socket.gethostname(), "?", "?")
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _advisory_holder(db: Database) -> Holder | None:
    from sqlalchemy import text

    from broadcaster.store import state

    key_high, key_low = _PG_LOCK_KEY >> 32, _PG_LOCK_KEY & 0xFFFF_FFFF
    with db.session() as session:
        held = session.execute(
            text(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND classid = :high AND objid = :low"
            ),
            {"high": key_high, "low": key_low},
        ).first()
        if held is None:
            return None
        return Holder.parse(state.get_text(session, HOLDER_KEY) or "") or Holder(-1, "?", "?", "?")


QUEUE_CHANNEL = "broadcaster_queue"


def wake_daemon(db: Database) -> bool:
    """Tell the daemon airing this database that the queue changed (air-now, cancel, a new item), so it
    acts at once instead of at its next check. On PostgreSQL a NOTIFY reaches it on any computer; on
    SQLite it is signalled. False when it could not be told directly (none runs, it runs as a user this
    one may not signal): it then sees the change at its next database check."""
    from sqlalchemy import text

    if sqlite_path(db.url) is None:
        with db.engine.connect() as connection:
            connection.execute(text(f"NOTIFY {QUEUE_CHANNEL}"))
            connection.commit()
        return daemon_holder(db) is not None
    holder = daemon_holder(db)
    if holder is None or not holder.local or holder.pid <= 0:
        return False
    try:
        os.kill(holder.pid, signal.SIGUSR1)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def tell_daemon(db: Database, what: str) -> bool:
    """`wake_daemon` after a change already stored (`what`, for the log): never fails that change. False
    when the daemon was not told at once; it then sees the change at its next check."""
    try:
        return wake_daemon(db)
    except BroadcasterError as exc:
        log.warning("the daemon could not be told about %s (%s); it sees it at its next check", what, exc)
        return False


class QueueListener:
    """Calls `on_change` when another process changes the queue. On PostgreSQL it LISTENs on a
    connection of its own (a thread that sleeps in the server's socket: no polling); on SQLite the
    other process signals the daemon instead (SIGUSR1), so there is nothing to listen to."""

    WAKE_S = 300.0  # to notice stop() when no notification comes

    def __init__(self, db: Database, on_change: Callable[[], None]) -> None:
        self.db = db
        self.on_change = on_change
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if sqlite_path(self.db.url) is not None:
            return
        self._thread = threading.Thread(target=self._listen, name="queue-listener", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._stopped.is_set():
            try:
                raw = self.db.engine.raw_connection()
                try:
                    connection: Any = raw.driver_connection
                    connection.autocommit = True
                    connection.execute(f"LISTEN {QUEUE_CHANNEL}")
                    while not self._stopped.is_set():
                        for _ in connection.notifies(timeout=self.WAKE_S, stop_after=1):
                            self.on_change()
                finally:
                    raw.invalidate()  # a LISTENing connection must not go back to the pool
            except Exception as exc:  # the server restarted: listen again, the safety check covers the gap
                log.warning("queue notifications lost (%s); listening again in 5 s", exc)
                self._stopped.wait(5.0)

    def stop(self) -> None:
        self._stopped.set()
