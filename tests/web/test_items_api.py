"""/api/v1 through HTTP: the news queue (docs/json.md's fields), approval by the logged-in user, the
mastered preview with Range requests, and the schedule, status, log, verification and reports."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from broadcaster.service.context import Station
from broadcaster.service.queue import NewsDesk
from tests.web.conftest import TestClient, WebStation
from tests.web.helpers import APPROVAL, client_as, console, log_airing

ITEM_FIELDS = {
    "id", "title", "topic", "topic_name", "priority", "status", "text", "valid_from", "valid_until",
    "airings_wanted", "airings_done", "approved_by", "approved_at", "created_at", "cancelled_at", "speech",
}  # fmt: skip


def error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return str(response.json()["error"])


@pytest.fixture(scope="module")
def approval(tmp_path_factory: pytest.TempPathFactory) -> tuple[WebStation, Any]:
    """A station where the chairman's approval is required."""
    return console(tmp_path_factory.mktemp("approval-station"), replace=APPROVAL)


@pytest.fixture
def role_of(approval: tuple[WebStation, Any]) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        clients.append(client_as(approval[1], role))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def test_an_item_queued_through_the_api_comes_back_with_the_documented_fields(
    as_role: Callable[[str], TestClient],
) -> None:
    official = as_role("official")
    body = {
        "title": "Lịch tiếp công dân tháng 3",
        "topic": "mot-cua",
        "text": "Ngày 15/3/2021, UBND xã tiếp công dân lúc 14h30.",
        "priority": "priority",
        "valid_until": "2099-12-31",
        "airings_wanted": 3,
    }
    made = official.post("/api/v1/items", json=body)
    assert made.status_code == 201, made.text
    item = made.json()
    assert ITEM_FIELDS <= set(item)
    assert (item["title"], item["priority"], item["status"], item["valid_until"], item["airings_wanted"]) == (
        body["title"], "priority", "queued", "2099-12-31", 3,
    )  # fmt: skip
    assert item["topic_name"] == "Cơ chế một cửa, một cửa liên thông"
    assert made.headers["location"] == f"/api/v1/items/{item['id']}"
    # The command line's names work too.
    other = official.post("/api/v1/items", json={"title": "B", "topic": "thu-tuc", "text": "x", "until": "2099-01-01"})
    assert other.status_code == 201 and other.json()["valid_until"] == "2099-01-01"
    listed = official.get("/api/v1/items", params={"topic": "mot-cua", "priority": "priority"}).json()
    assert item["id"] in [i["id"] for i in listed] and other.json()["id"] not in [i["id"] for i in listed]
    assert official.get(f"/api/v1/items/{item['id']}").json()["text"] == body["text"]


def test_what_is_wrong_with_an_item_is_said_in_vietnamese_naming_the_json_field(
    as_role: Callable[[str], TestClient],
) -> None:
    official = as_role("official")
    assert error(official.post("/api/v1/items", json={"title": " ", "topic": "mot-cua", "text": "x"}), 400) == (
        "Tiêu đề để trống. Hãy gõ tiêu đề ngắn gọn; nội dung bản tin ghi ở ô Nội dung."
    )
    assert "topic: Không có chủ đề 'motcua'. Có phải ý bạn là 'mot-cua'?" in error(
        official.post("/api/v1/items", json={"title": "T", "topic": "motcua", "text": "x"}), 400
    )
    assert "valid_until" in error(
        official.post(
            "/api/v1/items", json={"title": "T", "topic": "mot-cua", "text": "x", "valid_until": "2001-01-01"}
        ),
        400,
    )
    assert "Trường không xác định: colour." in error(
        official.post("/api/v1/items", json={"title": "T", "topic": "mot-cua", "text": "x", "colour": "red"}), 400
    )
    assert error(official.post("/api/v1/items", json=["not", "an", "object"]), 400).startswith("Nội dung yêu cầu")
    assert error(official.get("/api/v1/items/999999"), 404).startswith("Không có bản tin 999999.")
    assert error(official.get("/api/v1/items/99999999999999999999"), 404).startswith("Không có bản tin")
    assert error(official.get("/api/v1/items", params={"status": "done"}), 400).startswith("'done' không phải")


def test_the_approver_recorded_is_the_logged_in_user_and_never_the_author(
    role_of: Callable[[str], TestClient], approval: tuple[WebStation, Any]
) -> None:
    official, chairman = role_of("official"), role_of("approver")
    theirs = official.post("/api/v1/items", json={"title": "Tin văn hóa", "topic": "mot-cua", "text": "Nội dung."})
    own = chairman.post("/api/v1/items", json={"title": "Tin chủ tịch", "topic": "mot-cua", "text": "Nội dung."})
    theirs_id, own_id = theirs.json()["id"], own.json()["id"]
    assert error(official.post(f"/api/v1/items/{theirs_id}/approve"), 403)  # not the official's to approve
    refused = error(chairman.post(f"/api/v1/items/{own_id}/approve"), 409)
    assert refused == (
        f"Bạn đã tự tạo bản tin {own_id} nên không thể tự phê duyệt. "
        "Người khác có quyền phê duyệt (Chủ tịch UBND xã) phải duyệt bản tin này."
    )
    assert chairman.get(f"/api/v1/items/{own_id}").json()["approved_at"] is None
    approved = chairman.post(f"/api/v1/items/{theirs_id}/approve")
    assert approved.status_code == 200
    assert (approved.json()["approved_by"], approved.json()["status"]) == ("chutich", "approved")
    station = approval[0].station()
    from broadcaster.store import audit

    with station.db.session() as session:
        newest = audit.entries(session, limit=1, action="item.approve")[0]
    assert (newest.actor, newest.target, newest.address) == ("chutich", f"item:{theirs_id}", "testclient")
    # an edit takes the approval away (the chairman approves the new text)
    edited = official.patch(f"/api/v1/items/{theirs_id}", json={"text": "Nội dung mới.", "valid_until": None})
    assert edited.status_code == 200 and edited.json()["approved_by"] is None
    assert error(official.post(f"/api/v1/items/{theirs_id}/air-now"), 400).startswith(
        f"Bản tin {theirs_id} chưa được duyệt."
    )


def test_cancel_and_air_now_through_the_api(as_role: Callable[[str], TestClient]) -> None:
    official = as_role("official")
    item = official.post("/api/v1/items", json={"title": "Tin hủy", "topic": "mot-cua", "text": "x"}).json()
    down = error(official.post(f"/api/v1/items/{item['id']}/air-now", json={"again": False}), 503)
    assert (
        down.startswith("Máy phát không hoạt động nên không thể phát ngay.") and "systemctl start broadcaster" in down
    )
    cancelled = official.post(f"/api/v1/items/{item['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancelled_at"]
    assert error(official.post(f"/api/v1/items/{item['id']}/air-now"), 400).startswith(
        f"Bản tin {item['id']} đã bị hủy."
    )


def test_the_preview_is_the_mastered_speech_and_answers_range_requests(as_role: Callable[[str], TestClient]) -> None:
    official = as_role("official")
    item = official.post("/api/v1/items", json={"title": "Nghe thử", "topic": "mot-cua", "text": "Xin chào bà con."})
    url = f"/api/v1/items/{item.json()['id']}/audio"
    whole = official.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/wav"
    assert whole.content[:4] == b"RIFF" and whole.content[8:12] == b"WAVE"
    size = len(whole.content)
    assert size > 44_100  # more than half a second of 16-bit mono speech
    part = official.get(url, headers={"Range": "bytes=0-1023"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 0-1023/{size}" and part.content == whole.content[:1024]
    tail = official.get(url, headers={"Range": f"bytes={size - 10}-"})
    assert tail.status_code == 206 and tail.content == whole.content[-10:]
    # the speech is now made: the item page says how
    speech = official.get(f"/api/v1/items/{item.json()['id']}").json()["speech"]
    assert [p["part"] for p in speech] == ["title", "text"] and all(p["engine"] == "espeak" for p in speech)


def test_schedule_status_log_and_verify_answer_as_the_command_line_does(
    as_role: Callable[[str], TestClient], web_station: WebStation
) -> None:
    official = as_role("official")
    plans = official.get("/api/v1/schedule", params={"days": 2}).json()
    assert plans and {"slot", "at", "seconds", "max_seconds", "exemption", "items", "waiting"} <= set(plans[0])
    assert error(official.get("/api/v1/schedule", params={"days": 0}), 400)
    status = official.get("/api/v1/status").json()
    assert status["daemon_running"] is False and status["next_slot"]["slot"] == plans[0]["slot"]
    station = web_station.station()
    item = NewsDesk(station).add(NewsDesk(station).draft(title="Tin đã phát", topic="mot-cua", text="Nội dung."))
    record = log_airing(station, [item])
    newest = official.get("/api/v1/log", params={"limit": 1}).json()
    assert newest[0]["id"] == record.seq and newest[0]["items"][0]["title"] == "Tin đã phát"
    older = official.get("/api/v1/log", params={"before": record.seq, "limit": 5}).json()
    assert all(r["id"] < record.seq for r in older)
    verified = official.get("/api/v1/log/verify").json()
    assert verified["ok"] is True and verified["code"] == f"{record.seq}:{record.hash}"
    wrong = official.get("/api/v1/log/verify", params={"head": f"{record.seq}:{'0' * 64}"}).json()
    assert wrong["ok"] is False and "mã kiểm chứng" in wrong["problem"]


@pytest.fixture(scope="module")
def reporting(tmp_path_factory: pytest.TempPathFactory) -> tuple[WebStation, Any, Station]:
    made, app = console(tmp_path_factory.mktemp("report-station"))
    station = made.station()
    desk = NewsDesk(station)
    item = desk.add(desk.draft(title="Tin báo cáo", topic="mot-cua", text="Nội dung."))
    log_airing(station, [item])
    return made, app, station


# The .docx and the chart are written by a child process (python-docx and matplotlib stay out of the console).
CHILD = pytest.mark.slow


@pytest.mark.parametrize("fmt", ["json", "csv", pytest.param("docx", marks=CHILD), pytest.param("png", marks=CHILD)])
def test_the_report_downloads_in_every_format(reporting: tuple[WebStation, Any, Station], fmt: str) -> None:
    _made, app, station = reporting
    district = client_as(app, "district")
    period = f"{station.today():%Y-%m}"
    answer = district.get("/api/v1/report", params={"period": period, "format": fmt})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == f'attachment; filename="bao-cao-{period}.{fmt}"'
    if fmt == "json":
        assert answer.json()["airings"] == 1 and answer.json()["period"]["label"] == period
    elif fmt == "csv":
        assert answer.content.startswith(b"\xef\xbb\xbf") and "Tin báo cáo" in answer.content.decode("utf-8-sig")
    elif fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(answer.content))
        assert any("BÁO CÁO" in p.text.upper() for p in document.paragraphs)
    else:
        assert answer.content.startswith(b"\x89PNG")
    assert not list(station.reports_dir.glob(".console-*"))  # the file made for the answer is gone


def test_a_report_on_a_log_that_does_not_verify_is_refused_in_vietnamese(tmp_path: Path) -> None:
    made, app = console(tmp_path)
    station = made.station()
    desk = NewsDesk(station)
    record = log_airing(station, [desk.add(desk.draft(title="Tin", topic="mot-cua", text="Nội dung."))])
    with station.db.session() as session:  # someone shortens an airing in the database by hand
        session.execute(text("UPDATE airings SET duration_ms = 1000 WHERE seq = :seq"), {"seq": record.seq})
    district = client_as(app, "district")
    period = f"{station.today():%Y-%m}"
    assert district.get("/api/v1/log/verify").json()["ok"] is False  # the full check finds it and remembers
    for fmt in ("json", "docx"):
        refused = error(district.get("/api/v1/report", params={"period": period, "format": fmt}), 409)
        assert refused.startswith("Nhật ký phát không toàn vẹn nên không lập báo cáo:")
        assert "Kiểm tra tính toàn vẹn" in refused
    page = district.get("/reports", params={"kind": "month", "month": period})
    assert page.status_code == 409 and "Nhật ký phát không toàn vẹn nên không lập báo cáo" in page.text
    assert "Tải về" not in page.text


def test_the_report_period_picker_takes_a_quarter_a_year_and_a_range(
    reporting: tuple[WebStation, Any, Station],
) -> None:
    _made, app, station = reporting
    official = client_as(app, "official")
    today = station.today()
    quarter = (today.month - 1) // 3 + 1
    for params, heading in (
        ({"kind": "quarter", "quarter": str(quarter), "year": str(today.year)}, "Báo cáo từ ngày"),
        ({"kind": "year", "year": str(today.year)}, f"01/01/{today.year}"),
        ({"kind": "range", "from": today.isoformat(), "to": today.isoformat()}, f"{today:%d/%m/%Y}"),
    ):
        page = official.get("/reports", params=params)
        assert page.status_code == 200 and heading in page.text, params
        assert "phút bản tin đã phát" in page.text and "<svg" in page.text
    json_data = json.loads(
        official.get("/api/v1/report", params={"from": today.isoformat(), "to": today.isoformat()}).text
    )
    assert json_data["airings"] == 1
