"""The upload helper (web/uploads.py): size limit before the body is read, allow-list plus content sniffing,
generated names that no file name can steer out of the folder."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi import FastAPI, UploadFile

from broadcaster.web import errors
from broadcaster.web.app import LanguageAndLastResort
from broadcaster.web.uploads import AUDIO, DOCUMENTS, BodyLimit, display_name, save_upload, sniff_bytes
from tests.web.conftest import TestClient

LIMIT = 64 * 1024


def docx_bytes(text: str = "Tin CCHC") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def upload_client(folder: Path) -> Iterator[TestClient]:
    app = FastAPI()
    app.add_middleware(BodyLimit, limit_bytes=LIMIT)
    app.add_middleware(LanguageAndLastResort, language="vi")
    errors.install(app)

    @app.post("/api/v1/upload")
    def upload(file: UploadFile) -> dict[str, Any]:
        stored = save_upload(file, folder, DOCUMENTS, LIMIT)
        return {"path": str(stored.path), "name": stored.original_name, "size": stored.size, "ext": stored.extension}

    with TestClient(app) as client:
        yield client


def send(client: TestClient, name: str, data: bytes) -> Any:
    return client.post("/api/v1/upload", files={"file": (name, data, "application/octet-stream")})


def test_accepted_files_are_stored_under_generated_names(upload_client: TestClient, folder: Path) -> None:
    for name, data in [
        ("Tin tuần 12.docx", docx_bytes()),
        ("tin.CSV", "title,topic,text\nTin,mot-cua,Nội dung\n".encode()),
        ("tin-cu.txt", b"Tin c\xb8c x\xfc"),  # TCVN3 from an old office PC
        ("utf16.txt", "Tin".encode("utf-16")),
    ]:
        answer = send(upload_client, name, data)
        assert answer.status_code == 200, answer.text
        stored = Path(answer.json()["path"])
        assert stored.parent == folder and stored.read_bytes() == data
        assert len(stored.stem) == 32 and stored.suffix == Path(name).suffix.lower()
        assert answer.json()["name"] == name and answer.json()["size"] == len(data)
    assert not list(folder.glob("*.part"))


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/cron.d/evil.txt",
        "..\\..\\windows\\evil.txt",
        "/etc/passwd.txt",
        "a/../../b/evil.txt",
        "....txt",
    ],
)
def test_file_names_cannot_steer_where_a_file_goes(upload_client: TestClient, folder: Path, name: str) -> None:
    answer = send(upload_client, name, b"Tin")
    assert answer.status_code == 200, answer.text
    stored = Path(answer.json()["path"])
    assert stored.parent == folder and stored.resolve().is_relative_to(folder.resolve())
    assert "/" not in answer.json()["name"] and "\\" not in answer.json()["name"]
    assert {p.name for p in folder.iterdir()} == {stored.name}


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("tin.exe", b"MZ\x90\x00", "không thuộc loại được nhận"),
        ("tin.pdf", b"%PDF-1.4", "không thuộc loại được nhận"),
        ("tin", b"Tin", "không thuộc loại được nhận"),
        ("tin.docx", b"Tin thuong, khong phai docx", "không thực sự là tệp .docx"),
        ("tin.docx", b"PK\x03\x04 not really a zip", "không thực sự là tệp .docx"),
        ("anh.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không thực sự là tệp .txt"),
        ("chuong-trinh.txt", b"\x7fELF\x02\x01\x01", "không thực sự là tệp .txt"),
        ("rong.txt", b"", "không có nội dung"),
    ],
)
def test_wrong_kinds_are_refused_with_what_to_send(
    upload_client: TestClient, folder: Path, name: str, data: bytes, words: str
) -> None:
    answer = send(upload_client, name, data)
    assert answer.status_code == 400
    assert words in answer.json()["error"]
    assert not folder.exists() or not list(folder.iterdir())


def test_a_zip_that_is_not_a_word_document_is_refused(upload_client: TestClient) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.sh", "echo hi")
    assert send(upload_client, "tin.docx", out.getvalue()).status_code == 400


def test_a_body_over_the_limit_gets_413(upload_client: TestClient, folder: Path) -> None:
    answer = send(upload_client, "to.txt", b"a" * (LIMIT + 1))
    assert answer.status_code == 413
    assert "lớn hơn mức cho phép (0,1 MB)" in answer.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it arrives
        yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="to.txt"\r\n\r\n'
        for _ in range(10):
            yield b"x" * (LIMIT // 4)
        yield b"\r\n--B--\r\n"

    chunked = upload_client.post(
        "/api/v1/upload", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=B"}
    )
    assert chunked.status_code == 413
    assert not folder.exists() or not list(folder.iterdir())


def test_the_limit_refuses_by_content_length_before_reading_any_of_the_body() -> None:
    reads = 0
    reached = False

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        nonlocal reached
        reached = True

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/api/v1/x", "headers": [(b"content-length", b"999999999")],
        "query_string": b"", "root_path": "", "scheme": "http", "server": ("t", 80), "app": FastAPI(),
    }  # fmt: skip
    # In its own thread: Playwright's tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, BodyLimit(inner, 1024)(scope, receive, send)).result()
    assert sent[0]["status"] == 413 and reads == 0 and not reached


def test_the_helper_counts_too(tmp_path: Path) -> None:
    class Upload:
        filename = "lon.txt"
        file = io.BytesIO(b"y" * 5000)

    with pytest.raises(errors.WebError) as refused:
        save_upload(Upload(), tmp_path, DOCUMENTS, 4096)
    assert refused.value.status == 413
    assert list(tmp_path.iterdir()) == []


def test_sniffing_of_audio_and_display_names() -> None:
    assert sniff_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ", "a.wav", AUDIO)
    assert sniff_bytes(b"ID3\x04\x00", "a.MP3", AUDIO) and sniff_bytes(b"\xff\xfb\x90\x00", "a.mp3", AUDIO)
    assert sniff_bytes(b"OggS\x00\x02", "a.ogg", AUDIO) and sniff_bytes(b"fLaC\x00", "a.flac", AUDIO)
    assert sniff_bytes(b"\x00\x00\x00\x20ftypM4A ", "a.m4a", AUDIO)
    assert not sniff_bytes(b"RIFF\x24\x00\x00\x00AVI ", "a.wav", AUDIO)
    assert not sniff_bytes(b"Tin", "a.wav", AUDIO) and not sniff_bytes(b"RIFF....WAVE", "a.txt", AUDIO)
    assert display_name("C:\\Users\\vanhoa\\Tin\u202e.txt") == "Tin.txt"
    assert display_name(None) == "(no name)"
