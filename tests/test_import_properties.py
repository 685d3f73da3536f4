"""Property tests of the importers: whatever bytes arrive as .txt, .csv or .docx, nothing crashes,
and a refused file stores nothing.

Hypothesis runs derandomized (the same examples on every run, in CI too); the
station is one real SQLite database for the whole module, counted before and
after each example.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcaster.errors import BroadcasterError
from broadcaster.service.context import Station
from broadcaster.service.queue import NewsDesk
from tests.bad_inputs import docx_bytes
from tests.conftest import StationCLI, examples, write_config

SETTINGS = settings(
    max_examples=examples(120),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CSV_ALPHABET = st.sampled_from([*',;\t"\r\n \x00\ufeffabcTđ-0123456789/', "mot-cua", "title", "topic", "text"])


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsDesk]:
    folder = tmp_path_factory.mktemp("properties")
    StationCLI(write_config(folder)).ok("init")
    station = Station.open(folder / "config.toml")
    yield NewsDesk(station)
    station.db.dispose()


def count(desk: NewsDesk) -> int:
    return len(desk.list_items())


def import_bytes(desk: NewsDesk, folder: Path, name: str, data: bytes) -> None:
    """Import `data` as file `name`: stored whole, or refused with a BroadcasterError and nothing stored."""
    path = folder / name
    path.write_bytes(data)
    before = count(desk)
    try:
        items, _notices = desk.import_file(path, topic=None if name.endswith(".csv") else "mot-cua")
    except BroadcasterError:
        assert count(desk) == before, f"{name} was refused but something was stored"
        return
    assert count(desk) == before + len(items)


@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".csv", ".docx"]))
@SETTINGS
def test_random_bytes_never_crash_and_a_refusal_stores_nothing(
    desk: NewsDesk, tmp_path: Path, data: bytes, suffix: str
) -> None:
    import_bytes(desk, tmp_path, "tin" + suffix, data)


@given(body=st.lists(CSV_ALPHABET, max_size=200).map("".join))
@SETTINGS
def test_csv_shaped_text_never_crashes(desk: NewsDesk, tmp_path: Path, body: str) -> None:
    import_bytes(desk, tmp_path, "tin.csv", ("title,topic,text\n" + body).encode("utf-8"))


@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8))
@SETTINGS
def test_a_damaged_docx_never_crashes(desk: NewsDesk, tmp_path: Path, flips: list[tuple[int, int]]) -> None:
    damaged = bytearray(DOCX)
    for position, value in flips:
        damaged[position % len(damaged)] = value
    import_bytes(desk, tmp_path, "tin.docx", bytes(damaged))


@given(xml=st.binary(max_size=400))
@SETTINGS
def test_a_docx_with_any_document_xml_never_crashes(desk: NewsDesk, tmp_path: Path, xml: bytes) -> None:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(DOCX)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, xml if entry.filename == "word/document.xml" else source.read(entry))
    import_bytes(desk, tmp_path, "tin.docx", out.getvalue())


@given(data=st.binary(min_size=1, max_size=200), suffix=st.sampled_from([".txt", ".csv"]))
@SETTINGS
def test_a_byte_order_mark_before_any_bytes_never_crashes(
    desk: NewsDesk, tmp_path: Path, data: bytes, suffix: str
) -> None:
    import_bytes(desk, tmp_path, "tin" + suffix, b"\xef\xbb\xbf" + data)


@given(data=st.binary(min_size=200, max_size=2000).filter(lambda b: b.count(0) > 2))
@SETTINGS
def test_binary_bytes_named_txt_are_refused(desk: NewsDesk, tmp_path: Path, data: bytes) -> None:
    """Bytes with NUL and control characters are no news text: refused, never stored as TCVN3 garbage."""
    path = tmp_path / "tin.txt"
    path.write_bytes(data)
    before = count(desk)
    with pytest.raises(BroadcasterError):
        desk.import_file(path, topic="mot-cua")
    assert count(desk) == before


DOCX = docx_bytes("Thông báo", "Bộ phận một cửa làm việc cả sáng thứ bảy.", table=[["Ngày", "Giờ"], ["Thứ 7", "7h30"]])
