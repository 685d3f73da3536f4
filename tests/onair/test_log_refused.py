"""When the database refuses writes (a full disk, a read-only file), what aired is not lost."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from broadcaster.airlog import verify_chain
from broadcaster.onair.airer import AiringRequest
from broadcaster.store import airings as log_store
from tests.onair.helpers import airing_log, in_process_airer


def refuse_writes(dbapi_connection: Any, _record: Any) -> None:
    # SQLite itself refuses every write on these connections, as it does on a full disk.
    dbapi_connection.execute("PRAGMA query_only = ON")


def test_airings_the_database_refused_are_written_when_it_accepts_again(tmp_path: Path) -> None:
    setup = in_process_airer(tmp_path)
    cli, station, item, airer = setup.cli, setup.station, setup.item, setup.airer
    now = station.now()

    def request(name: str, minutes: int) -> AiringRequest:
        return AiringRequest(kind="slot", slot=name, scheduled_at=now + timedelta(minutes=minutes), items=(item,))

    assert airer.air(request("Bản tin sáng", 0)) is not None
    event.listen(station.db.engine, "connect", refuse_writes)
    station.db.engine.dispose()
    try:
        assert airer.air(request("Bản tin trưa", 1)) is None  # aired, but not logged yet
        assert airer.air(request("Bản tin chiều", 2)) is None
        assert airer.unwritten == 2
        assert airer.flush_unwritten() == []  # still refused: kept
    finally:
        event.remove(station.db.engine, "connect", refuse_writes)
        station.db.engine.dispose()
    written = airer.flush_unwritten()
    assert [r.slot for r in written] == ["Bản tin trưa", "Bản tin chiều"]
    assert airer.unwritten == 0
    log = airing_log(cli)
    assert [(r["slot"], r["status"]) for r in log] == [
        ("Bản tin sáng", "completed"),
        ("Bản tin trưa", "completed"),
        ("Bản tin chiều", "completed"),
    ]
    assert all(r["audio_sha256"] for r in log)
    with station.db.session() as session:
        assert verify_chain(log_store.records(session)).ok
        assert log_store.on_air_rows(session) == []
    station.db.dispose()
