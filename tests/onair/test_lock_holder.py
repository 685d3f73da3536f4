"""`status` and a refused second daemon say which daemon holds the station, and since when, in the
station's own time written as everywhere else (dd/mm/yyyy), not the UTC the lock file keeps."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from zoneinfo import ZoneInfo

from broadcaster.onair.lock import Holder

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_daemons_start_is_shown_in_the_stations_time() -> None:
    holder = Holder(30530, "may-dai", "/etc/broadcaster/config.toml", "2026-12-03T01:20:20+00:00", "broadcaster run")
    assert holder.describe(VIETNAM).endswith("started 03/12/2026 08:20:20")


def test_a_lock_file_written_now_reads_back_as_the_same_moment(tmp_path: Path) -> None:
    written = Holder.current(tmp_path / "config.toml", "broadcaster run")
    read = Holder.parse(json.dumps(asdict(written)))
    assert read is not None and read.describe(VIETNAM) == written.describe(VIETNAM)
    assert "+00:00" not in read.describe(VIETNAM) and "T" not in read.describe(VIETNAM).rsplit("started ", 1)[1]
