"""A recorded item's transcript is shown in the report's CSV beside its airtime (issue 11)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

from tests.conftest import StationCLI
from tests.test_evidence_cli import airing, append_airings, item

TRANSCRIPT = "Thông báo của xã về lịch tiêm phòng cho trâu bò, bằng tiếng Tày."


def csv_rows(station: StationCLI) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(station.ok("report", "--period", "2021-Q1", "--format", "csv"))))


def test_the_csv_gives_each_recording_its_transcript_and_no_column_without_one(
    recordings: dict[str, Path], station_cli: StationCLI
) -> None:
    out = station_cli.ok(
        "news", "add", "--title", "Tiêm phòng", "--topic", "mot-cua", "--audio", str(recordings["tin.mp3"]),
        "--language", "tyz", "--text", TRANSCRIPT,
    )  # fmt: skip
    recorded = int(re.findall(r"^\d+$", out, flags=re.M)[-1])
    spoken = station_cli.add("Tin thường", "thu-tuc", "Nộp hồ sơ trực tuyến.")
    on_air = replace(item(recorded, "mot-cua", 8.0, 12.5), kind="recording", language="tyz", engine="recording")
    plain = [airing("Bản tin sáng", "2021-01-06 06:00", "completed", 40.0, (item(spoken, "thu-tuc", 8.0, 20.0),))]
    append_airings(station_cli.config, plain)
    assert "transcript" not in csv_rows(station_cli)[0]  # no recording aired: the usual columns

    append_airings(station_cli.config, [airing("Bản tin sáng", "2021-01-07 06:00", "completed", 30.0, (on_air,))])
    rows = {int(r["item_id"]): r for r in csv_rows(station_cli)}
    assert rows[recorded]["transcript"] == TRANSCRIPT
    assert (rows[recorded]["kind"], rows[recorded]["language"]) == ("recording", "tyz")
    assert rows[spoken]["transcript"] == ""  # a typed item's text is its speech, not a transcript
