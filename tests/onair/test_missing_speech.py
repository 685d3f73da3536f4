"""Speech missing from the cache at air time (deleted, a new disk): made at once, and the record says so."""

from __future__ import annotations

import shutil
from pathlib import Path

from broadcaster.onair.airer import AiringRequest
from tests.onair.helpers import in_process_airer


def test_speech_missing_from_the_cache_is_made_at_air_time_and_the_record_says_so(tmp_path: Path) -> None:
    setup = in_process_airer(tmp_path)
    shutil.rmtree(setup.station.cache_dir)

    record = setup.airer.air(
        AiringRequest(kind="slot", slot="Bản tin sáng", scheduled_at=setup.station.now(), items=(setup.item,))
    )

    assert record is not None
    assert record.status == "completed"
    assert [(i.item_id, i.completed) for i in record.items] == [(setup.item.id, True)]
    assert record.reason is not None
    assert f"item {setup.item.id}: its speech was missing from the cache and was made at air time by tone" in (
        record.reason
    )
    assert "station ident was missing from the cache and was made at air time" in record.reason
    assert setup.airer.voicing.audio_for(setup.item) is not None  # kept for the next slots
    setup.station.db.dispose()
