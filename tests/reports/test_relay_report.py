"""Relays (tiếp sóng) in every report format, apart from the commune's news, on SQLite and PostgreSQL.

Relay records are written as the daemon writes them (`airings.append`, the relay block from a real
`RelayResult`); tampering is done with SQL on the real database."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import docx
import pytest

from broadcaster.airlog import AiredItem, AiringDraft
from broadcaster.relay import RelayResult, RelaySegment
from broadcaster.service.context import Station
from tests.conftest import StationCLI
from tests.reports.test_report_checks import HINT, REFUSED
from tests.test_evidence_cli import DRAFTS, Q1_SECONDS, Database, append_airings, at

HUYEN = "Đài Truyền thanh huyện"
HUYEN_URL = "http://huyen.example/live.mp3"
VOV = "http://vov.example/vov1.mp3"


def relay_draft(
    name: str,
    url: str,
    when: str,
    parts: list[tuple[str, float]],
    *,
    topic: str | None = None,
    status: str = "completed",
) -> AiringDraft:
    """A relay airing as the daemon logs it: `parts` are (segment kind, seconds) in order on air."""
    start = at(when).astimezone(UTC) + timedelta(seconds=0.05)
    segments, t = [], start
    for kind, seconds in parts:
        piece = {"fallback": "notice", "relay": None, "silence": None}[kind]
        segments.append(RelaySegment(kind, t, t + timedelta(seconds=seconds), f"{kind} on air", piece))  # type: ignore[arg-type]
        t += timedelta(seconds=seconds)
    result = RelayResult(url, name, start, t, status == "completed", (t - start).total_seconds(), tuple(segments),
                         "cd" * 32, 1000)  # fmt: skip
    items: tuple[AiredItem, ...] = ()
    if topic:
        items = (AiredItem(0, name or url, topic, "normal", 0.0, result.relay_seconds, "relay", url, None, None,
                           True, kind="relay"),)  # fmt: skip
    return AiringDraft(
        slot="Tiếp sóng tối", kind="relay", scheduled_at=at(when), started_at=start, ended_at=t,
        duration_seconds=result.played_seconds, status=status, reason=None if status == "completed" else "Stopped",
        output="file", device="aired", amplifier="none", audio_sha256=result.sha256, exemption=None, items=items,
        relay=result.as_dict(),
    )  # fmt: skip


RELAYS = [
    # the district's programme: 20 min relayed, 4 min of the notice while the stream was down, 6 min more
    relay_draft(HUYEN, HUYEN_URL, "2021-01-06 19:00", [("relay", 1200), ("fallback", 240), ("relay", 360)]),
    # VOV with relay_topic = "thu-tuc": counted as the commune's news of that topic too
    relay_draft("", VOV, "2021-02-03 11:00", [("relay", 600)], topic="thu-tuc"),
    relay_draft(HUYEN, HUYEN_URL, "2021-03-03 19:00", [("relay", 300)], status="interrupted"),
]  # fmt: skip


@pytest.fixture
def station(station_cli: StationCLI) -> StationCLI:
    append_airings(station_cli.config, sorted(DRAFTS + RELAYS, key=lambda d: d.scheduled_at))
    return station_cli


def report_json(station: StationCLI, *args: str) -> dict[str, Any]:
    return json.loads(station.ok("report", "--period", "2021-Q1", "--format", "json", *args))


def test_json_lists_the_relays_apart_and_a_relay_with_a_topic_counts_in_it(station: StationCLI) -> None:
    data = report_json(station)
    assert data["relays"] == [
        {
            "source": HUYEN,
            "urls": ["http://huyen.example/live.mp3"],
            "airings": 2,
            "not_aired": 0,
            "relay_seconds": 1860.0,
            "fallback_seconds": 240.0,
            "silence_seconds": 0.0,
            "counts_toward_topic": False,
            "topics": [],
            "topic_seconds": 0.0,
        },
        {
            "source": VOV,
            "urls": [VOV],
            "airings": 1,
            "not_aired": 0,
            "relay_seconds": 600.0,
            "fallback_seconds": 0.0,
            "silence_seconds": 0.0,
            "counts_toward_topic": True,
            "topics": ["thu-tuc"],
            "topic_seconds": 600.0,
        },
    ]
    # The district's relay is not the commune's news; VOV's, with its topic, is (and only its relayed part).
    assert data["total_seconds"] == Q1_SECONDS + 600
    by_code = {t["code"]: t for t in data["topics"]}
    assert by_code["thu-tuc"]["seconds"] == 45.25 + 600


def test_text_shows_the_relays_per_source(station: StationCLI) -> None:
    text = station.ok("report", "--period", "2021-Q1")
    section = text[text.index("Tiếp sóng (") : text.index("Tình trạng các buổi phát")].splitlines()
    assert section[0] == "Tiếp sóng (không tính vào thời lượng tin của xã, trừ khi tính vào một chủ đề):"
    assert section[1].split() == ["Nguồn", "Buổi", "Phút", "tiếp", "sóng", "Phút", "phát", "thay", "thế", "Tính",
                                  "vào", "chủ", "đề"]  # fmt: skip
    assert section[3].split() == ["Đài", "Truyền", "thanh", "huyện", "2", "31,0", "4,0", "không"]
    assert section[4].split() == [VOV, "1", "10,0", "0,0", "có", "(thu-tuc)"]


def test_csv_has_a_row_per_relay_airing_with_its_seconds(station: StationCLI) -> None:
    rows = list(
        csv.DictReader(io.StringIO(station.ok("report", "--period", "2021-Q1", "--format", "csv").lstrip("\ufeff")))
    )
    relays = [r for r in rows if r["kind"] == "relay" and r["item_id"] == ""]
    assert [(r["title"], r["date"], r["status"], r["relay_seconds"], r["fallback_seconds"], r["topic_code"],
             r["seconds"]) for r in relays] == [
        (HUYEN, "2021-01-06", "completed", "1560.000", "240.000", "", ""),
        (VOV, "2021-02-03", "completed", "600.000", "0.000", "thu-tuc", ""),
        (HUYEN, "2021-03-03", "interrupted", "300.000", "0.000", "", ""),
    ]  # fmt: skip
    # VOV counted in its topic keeps its item row; the seconds column still sums to the news airtime
    assert [r["seconds"] for r in rows if r["item_id"] == "0"] == ["600.000"]
    assert sum(float(r["seconds"] or 0) for r in rows) == pytest.approx(Q1_SECONDS + 600)
    assert all(r["relay_seconds"] == "" for r in rows if r["item_id"] != "")


def test_docx_has_a_tiep_song_table(station: StationCLI, tmp_path: Path) -> None:
    path = tmp_path / "q1.docx"
    station.ok("report", "--period", "2021-Q1", "--format", "docx", "-o", str(path))
    document = docx.Document(str(path))
    assert "6. Tiếp sóng" in [p.text for p in document.paragraphs]
    (table,) = [t for t in document.tables if t.rows[0].cells[1].text == "Nguồn tiếp sóng"]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["STT", "Nguồn tiếp sóng", "Số buổi", "Tiếp sóng (phút)", "Phát thay thế (phút)", "Tính vào chủ đề"],
        ["1", HUYEN, "2", "31,0", "4,0", "Không"],
        ["2", VOV, "1", "10,0", "0,0", "Có (thu-tuc)"],
        ["", "Tổng cộng", "3", "41,0", "4,0", ""],
    ]


def test_a_period_without_relays_says_none(station: StationCLI, tmp_path: Path) -> None:
    args = ("report", "--from", "2021-01-01", "--to", "2021-01-05")
    assert json.loads(station.ok(*args, "--format", "json"))["relays"] == []
    text = station.ok(*args)
    assert "Tiếp sóng (không tính vào thời lượng tin của xã, trừ khi tính vào một chủ đề):\n  (không có)\n" in text
    header = station.ok(*args, "--format", "csv").lstrip("\ufeff").splitlines()[0]
    assert "relay_seconds" not in header
    path = tmp_path / "jan.docx"
    station.ok(*args, "--format", "docx", "-o", str(path))
    document = docx.Document(str(path))
    assert not [p.text for p in document.paragraphs if "Tiếp sóng" in p.text]


@pytest.fixture
def sql(station: StationCLI) -> Any:
    database = Database(Station.open(station.config).config.database_url)
    yield database
    database.engine.dispose()


def test_a_changed_relay_record_is_refused(station: StationCLI, sql: Database, tmp_path: Path) -> None:
    """Ten times the relayed seconds, in the record only: the hash columns and the sealed figures are untouched."""
    ((seq, block),) = sql("SELECT seq, relay_json FROM airings WHERE kind = 'relay' AND relay_json LIKE '%vov1%'")
    doc = json.loads(block)
    doc["relay_seconds"] *= 10
    sql("UPDATE airings SET relay_json = :block WHERE seq = :seq", {"block": json.dumps(doc), "seq": seq})
    problem = f"Airing #{seq} was changed after it was written (its hash does not match its contents)."
    for fmt in ("text", "json", "csv", "docx"):
        target = tmp_path / f"q1.{fmt}"
        refused = station.fails("report", "--period", "2021-Q1", "--format", fmt, "-o", str(target))
        assert refused == REFUSED + problem + HINT, fmt
        assert not target.exists()
    # made anyway, it says so once, and shows what the record now says
    data = report_json(station, "--allow-unverified")
    assert data["verification"]["problems"] == [problem]
    assert data["relays"][1]["relay_seconds"] == 6000.0
    csv_text = station.ok("report", "--period", "2021-Q1", "--format", "csv", "--allow-unverified")
    assert csv_text.splitlines()[1].endswith(f",FAILED: {problem}")
