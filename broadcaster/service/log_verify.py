"""`log verify` as a command: on a plain SQLite file, without loading SQLAlchemy.

Loading the database layer (`import sqlalchemy`, the ORM, the store) is a fifth of the command's
time on a log of 75,000 airings. On a station's plain SQLite file the log is read through the
standard library's driver (store/log_sqlite.py) by the same check (service/log_check.py), with
the same verdict and the same messages; other databases go through `Evidence.verify`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from broadcaster.service.log_check import check_log
from broadcaster.store import sqlite_direct
from broadcaster.store.log_sqlite import SqliteLog

if TYPE_CHECKING:
    from broadcaster.reports.verification import LogVerdict
    from broadcaster.service.context import Station


def verify_log(station: Station, head_text: str | None = None) -> LogVerdict:
    """`Evidence(station).verify(head_text)`: the full check of the log and its figures, the verdict kept."""
    path = sqlite_direct.plain_file(station.config)
    if path is None:
        from broadcaster.service.evidence import Evidence

        return Evidence(station).verify(head_text)
    return check_log(SqliteLog(path), station.config.tz, head_text, station.now)
