"""Which engine spoke each part of an item is recorded once per part, even when the daemon and a
command voice the same new item at the same moment (an emergency queued while the daemon runs)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from broadcaster.store import news as news_store
from broadcaster.store import renderings
from broadcaster.store.db import Database
from tests.conftest import seed_url

NOW = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)


def spoken_by(session: Any, item_id: int, engine: str) -> None:
    renderings.save(
        session, item_id, "title", cache_key=f"key-{engine}", engine=engine, voice="vi", seconds=2.5,
        sha256="ab" * 32, notes=None, created_at=NOW,
    )  # fmt: skip


def test_a_part_the_daemon_saved_in_between_is_updated_not_refused(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/station.db" if db_url.startswith("sqlite") else db_url
    seed_url(url)
    command, daemon = Database(url), Database(url)
    with command.session() as session:
        item_id = news_store.add_row(
            session, NOW, title="Khẩn cấp", topic="mot-cua", priority="emergency", text="Lũ."
        ).id
    with command.session() as session:
        lookup = session.scalar
        raced: list[bool] = []

        def lookup_while_the_daemon_saves(*args: Any, **kwargs: Any) -> Any:
            found = lookup(*args, **kwargs)
            if not raced:  # between this command's lookup and its insert, the daemon's commit lands
                raced.append(True)
                with daemon.session() as theirs:
                    spoken_by(theirs, item_id, "espeak")
            return found

        monkeypatch.setattr(session, "scalar", lookup_while_the_daemon_saves)
        spoken_by(session, item_id, "gtts")
    assert raced
    with command.session() as session:
        rows = renderings.of_item(session, item_id)
        assert [(r.part, r.engine, r.cache_key) for r in rows] == [("title", "gtts", "key-gtts")]
