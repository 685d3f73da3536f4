"""Recorded news items in the console: a real (espeak-ng speech, ffmpeg-encoded) file uploaded
through the add form, listened to before saving, refused when it is not audio, and the roles."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from broadcaster.service.queue import NewsDesk
from tests.speech.helpers import espeak_wav
from tests.web.conftest import WebStation

SPEECH = (
    "Xã thông báo lịch tiêm phòng cho trẻ em vào sáng thứ bảy tại trạm y tế xã. "
    "Đề nghị các gia đình đưa trẻ đến đúng giờ."
)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def speech_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Speech as a phone records it: a pause, the speech, a pause; MP3."""
    folder = tmp_path_factory.mktemp("web-recordings")
    wav = espeak_wav(SPEECH, folder / "speech.wav")
    mp3 = folder / "thong-bao.mp3"
    ffmpeg(
        "-i", str(wav), "-af", "adelay=1000,apad=pad_dur=1", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", str(mp3)
    )
    return mp3


def form(**changes: str) -> dict[str, str]:
    fields = {
        "kind": "recording",
        "title": "Lịch tiêm phòng",
        "topic": "mot-cua",
        "text": "Xã thông báo lịch tiêm phòng cho trẻ em.",
        "priority": "normal",
        "language": "tyz",
        "airings": "1",
    }
    return {**fields, **changes}


def item_ids(web_station: WebStation) -> set[int]:
    station = web_station.station()
    try:
        return {item.id for item in NewsDesk(station).list_items()}
    finally:
        station.db.dispose()


def recordings_kept(web_station: WebStation) -> set[Path]:
    station = web_station.station()
    folder = station.config.recordings_dir
    station.db.dispose()
    return set(folder.rglob("*")) if folder.exists() else set()


def test_an_uploaded_mp3_is_stored_as_a_recorded_item_in_its_language(
    as_role: Callable[[str], Any], web_station: WebStation, speech_mp3: Path
) -> None:
    client = as_role("official")
    with speech_mp3.open("rb") as audio:
        response = client.post("/items", data=form(), files={"audio": (speech_mp3.name, audio, "audio/mpeg")})
    assert response.status_code == 303, response.text
    item_id = int(response.headers["location"].rsplit("/", 1)[1])
    station = web_station.station()
    item = NewsDesk(station).get(item_id)
    station.db.dispose()
    assert item.recorded and item.language == "tyz"
    assert item.recording is not None and item.recording.name == "thong-bao.mp3"
    assert 5 < item.recording.seconds < 20  # the pauses before and after are trimmed
    page = client.get(f"/items/{item_id}").text
    assert "Tày" in page and "thong-bao.mp3" in page and "Xã thông báo lịch tiêm phòng cho trẻ em." in page
    listing = client.get("/items").text
    row = listing[listing.index(f'href="/items/{item_id}"') :][:1500]
    assert "Tày" in row and "tiêm phòng cho trẻ em" in row and re.search(r"\d", row)
    audio = client.get(f"/api/v1/items/{item_id}/audio")
    assert audio.status_code == 200 and audio.content[:4] == b"RIFF"


def test_listen_before_saving_masters_into_a_player_and_stores_nothing(
    as_role: Callable[[str], Any], web_station: WebStation, speech_mp3: Path
) -> None:
    client = as_role("approver")
    before = item_ids(web_station)
    with speech_mp3.open("rb") as audio:
        response = client.post(
            "/items/preview-recording",
            files={"audio": (speech_mp3.name, audio, "audio/mpeg")},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200, response.text
    found = re.search(r'<audio controls preload="auto" src="(/items/preview-recording/[0-9a-f]{32})"', response.text)
    assert found, response.text
    wav = client.get(found[1])
    assert wav.status_code == 200 and wav.content[:4] == b"RIFF" and len(wav.content) > 100_000
    assert item_ids(web_station) == before
    assert client.get("/items/preview-recording/../../etc").status_code == 404
    assert client.get("/items/preview-recording/" + "0" * 32).status_code == 404


def test_a_text_file_renamed_mp3_is_refused_and_nothing_is_stored(
    as_role: Callable[[str], Any], web_station: WebStation
) -> None:
    client = as_role("official")
    before, kept = item_ids(web_station), recordings_kept(web_station)
    text = "Thông báo lịch tiếp công dân tháng 5.\nUBND xã.\n".encode()
    response = client.post("/items", data=form(), files={"audio": ("tin.mp3", text, "audio/mpeg")})
    assert response.status_code == 400
    assert "tin.mp3" in response.text and 'role="alert"' in response.text
    assert 'value="Lịch tiêm phòng"' in response.text  # the form comes back as filled in
    preview = client.post("/items/preview-recording", files={"audio": ("tin.mp3", text, "audio/mpeg")})
    assert preview.status_code == 400
    other = client.post("/items", data=form(), files={"audio": ("tin.txt", text, "text/plain")})
    assert other.status_code == 400
    assert item_ids(web_station) == before and recordings_kept(web_station) == kept


def test_a_recording_needs_its_file(as_role: Callable[[str], Any], web_station: WebStation) -> None:
    client = as_role("official")
    before = item_ids(web_station)
    response = client.post("/items", data=form(), files={"audio": ("", b"", "application/octet-stream")})
    assert response.status_code == 400 and 'role="alert"' in response.text
    assert item_ids(web_station) == before


def test_the_district_may_not_add_or_listen_and_a_form_needs_its_csrf_token(
    as_role: Callable[[str], Any], web_station: WebStation, speech_mp3: Path
) -> None:
    before = item_ids(web_station)
    district = as_role("district")
    data = speech_mp3.read_bytes()
    assert district.post("/items", data=form(), files={"audio": ("a.mp3", data)}).status_code == 403
    assert district.post("/items/preview-recording", files={"audio": ("a.mp3", data)}).status_code == 403
    official = as_role("official")
    del official.headers["X-CSRF-Token"]
    assert official.post("/items", data=form(), files={"audio": ("a.mp3", data)}).status_code == 403
    assert official.post("/items/preview-recording", files={"audio": ("a.mp3", data)}).status_code == 403
    assert item_ids(web_station) == before


def test_editing_a_recorded_item_keeps_its_recording_and_changes_its_language(
    as_role: Callable[[str], Any], web_station: WebStation, speech_mp3: Path
) -> None:
    client = as_role("official")
    response = client.post("/items", data=form(), files={"audio": (speech_mp3.name, speech_mp3.read_bytes())})
    item_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/items/{item_id}/edit").text
    assert 'value="text"' not in page and 'name="audio"' in page
    changed = client.post(
        f"/items/{item_id}/edit",
        data=form(language="hmn", title="Lịch tiêm phòng (sửa)"),
        files={"audio": ("", b"", "application/octet-stream")},
    )
    assert changed.status_code == 303, changed.text
    station = web_station.station()
    item = NewsDesk(station).get(item_id)
    station.db.dispose()
    assert item.language == "hmn" and item.title == "Lịch tiêm phòng (sửa)" and item.recording is not None


def test_an_emptied_transcript_is_cleared_and_the_recording_kept(
    as_role: Callable[[str], Any], web_station: WebStation, speech_mp3: Path
) -> None:
    client = as_role("official")
    response = client.post("/items", data=form(), files={"audio": (speech_mp3.name, speech_mp3.read_bytes())})
    item_id = int(response.headers["location"].rsplit("/", 1)[1])
    changed = client.post(
        f"/items/{item_id}/edit", data=form(text=""), files={"audio": ("", b"", "application/octet-stream")}
    )
    assert changed.status_code == 303, changed.text
    station = web_station.station()
    item = NewsDesk(station).get(item_id)
    station.db.dispose()
    assert item.text == "" and item.recording is not None
