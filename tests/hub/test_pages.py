"""What the district sees and does on its pages: composing (text or a recording, with its checks),
a commune's page (delivered, aired, targets, what went wrong, a broken log and what it means),
a bulletin's page, and the report with its downloads."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime, timedelta

from docx import Document
from sqlalchemy import text

from broadcaster.airlog import canonical_doc, hash_canonical
from broadcaster.hub import bulletins, station_api, stations
from broadcaster.hub.bulletins import BulletinInput
from broadcaster.hublink import protocol
from broadcaster.store import hublink as station_store
from tests.hub.conftest import HubSite
from tests.hub.helpers import StationFolder, air, aired, signed

MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 16


def _form(**extra: object) -> dict[str, object]:
    form = {
        "title": "Lịch tiếp công dân",
        "topic": "thu-tuc",
        "priority": "normal",
        "text": "Nội dung.",
        "airings": "2",
    }
    return form | {"to": ["SK1", "SK2"]} | extra


def test_composing_reports_each_mistake_in_vietnamese_and_keeps_what_was_typed(hub_site: HubSite) -> None:
    editor = hub_site.as_role("editor")
    page = editor.get("/bulletins/new")
    assert "Soạn bản tin" in page.text and "Sơn Kim 2" in page.text and "Khẩn cấp" in page.text
    cases = {
        "Bản tin chưa có tiêu đề.": _form(title="  "),
        "'Thủ tục' không phải là mã chủ đề.": _form(topic="Thủ tục"),
        "Ngày bắt đầu '31/02/2021' không phải là ngày hợp lệ.": _form(valid_from="31/02/2021"),
        "Ngày kết thúc 01/01/2020 đã qua.": _form(valid_until="01/01/2020"),
        "Số lần phát phải là số nguyên từ 1 đến 1000, không phải 'không'.": _form(airings="không"),
        "Hãy chọn các xã nhận bản tin.": _form(to=[]),
        "Nội dung bản tin đang trống.": _form(text=" "),
    }
    for message, form in cases.items():
        refused = editor.post("/bulletins", data=form)
        assert refused.status_code == 400, message
        assert message in html.unescape(refused.text), message
        assert 'value="Lịch tiếp công dân"' in refused.text or form["title"] != "Lịch tiếp công dân"
    assert bulletins.list_bulletins(hub_site.hub) == []


def test_the_topic_is_chosen_from_the_plan_by_its_name(hub_site: HubSite) -> None:
    """A code typed from memory is one typo from airing at every commune under no topic of the plan."""
    page = html.unescape(hub_site.as_role("editor").get("/bulletins/new").text)
    menu = re.search(r'<select id="topic" name="topic" required>(.*?)</select>', page, re.S)
    assert menu is not None, page
    offered = re.findall(r'<option value="([a-z0-9-]+)"[^>]*>([^<]+)</option>', menu.group(1))
    assert [code for code, _name in offered] == list(bulletins.plan_topics())
    assert ("thu-tuc", bulletins.plan_topics()["thu-tuc"]) in offered
    kept = html.unescape(hub_site.as_role("editor").post("/bulletins", data=_form(title=" ", topic="mot-cua")).text)
    assert '<option value="mot-cua" selected>' in kept  # a refused form keeps the choice


def test_a_bulletin_or_commune_not_found_names_the_page_to_look_on(hub_site: HubSite) -> None:
    viewer = hub_site.as_role("editor")
    for address, hint in (
        ("/bulletins/00000000-0000-4000-8000-000000000000", "Tìm bản tin đó trong trang Bản tin."),
        ("/communes/XX9", "Tìm xã đó trong trang Các xã."),
    ):
        page = viewer.get(address)
        assert page.status_code == 404 and hint in html.unescape(page.text), page.text
        assert "broadcaster hub" not in page.text


def test_a_recording_is_checked_by_its_content_and_size_and_can_be_listened_to(hub_site: HubSite) -> None:
    editor = hub_site.as_role("editor")
    text_only = {k: v for k, v in _form().items() if k != "text"}
    fake = editor.post(
        "/bulletins", data=text_only, files={"audio": ("ban-tin.mp3", b"<html>not audio</html>", "audio/mpeg")}
    )
    assert fake.status_code == 400 and "không thực sự là tệp .mp3" in fake.text
    wrong_kind = editor.post("/bulletins", data=text_only, files={"audio": ("ban-tin.exe", MP3, "audio/mpeg")})
    assert wrong_kind.status_code == 400 and ".mp3" in wrong_kind.text
    big = editor.post("/bulletins", data=text_only, files={"audio": ("dai.mp3", MP3 * 400, "audio/mpeg")})  # 1.6 MB
    assert big.status_code == 413 and "Tệp lớn hơn mức cho phép (1 MB)" in big.text
    both = editor.post("/bulletins", data=_form(), files={"audio": ("ban-tin.mp3", MP3, "audio/mpeg")})
    assert both.status_code == 400 and "một trong hai" in both.text
    assert bulletins.list_bulletins(hub_site.hub) == []

    made = editor.post("/bulletins", data=text_only, files={"audio": ("Bản tin mưa lũ.mp3", MP3, "audio/mpeg")})
    assert made.status_code == 303
    page = editor.get(made.headers["location"]).text
    assert "File ghi âm: Bản tin mưa lũ.mp3" in page and "<audio controls" in page
    listened = editor.get(made.headers["location"] + "/audio")
    assert listened.status_code == 200 and listened.content == MP3 and listened.headers["content-type"] == "audio/mpeg"


def _push(
    site: HubSite, station: StationFolder, sources: dict[int, str], first: int = 1, cursor: int = 0
) -> dict[str, object]:
    with station.station.db.session() as session:
        records = station_store.records_from(session, first, 1000)
    now = site.hub.now()
    body = protocol.records_body(station.key, station.code, records, sources, cursor, now)
    return station_api.records(site.hub, signed(station, "POST", protocol.PATH_RECORDS, body, now))


def _fetch(site: HubSite, station: StationFolder) -> int:
    """The station's exchange: it stores what was queued for it (its cursor moves past it)."""
    first = station_api.exchange(
        site.hub, signed(station, "POST", protocol.PATH_EXCHANGE, {"cursor": 0}, site.hub.now())
    )
    last = first["bulletins"][-1]["cursor"] if first["bulletins"] else 0
    station_api.exchange(site.hub, signed(station, "POST", protocol.PATH_EXCHANGE, {"cursor": last}, site.hub.now()))
    return int(last)


def test_a_communes_page_shows_what_was_delivered_what_aired_and_the_targets(hub_site: HubSite) -> None:
    hub, sk1 = hub_site.hub, hub_site.stations["SK1"]
    wanted_twice = bulletins.create(
        hub,
        BulletinInput("Lịch tiếp công dân", "thu-tuc", "priority", "SK1,SK2", text="X.", airings=2, approved_by="A"),
    )
    once = bulletins.create(
        hub, BulletinInput("Phòng chống dịch", "mot-cua", "normal", "SK1", text="Y.", approved_by="A")
    )
    cursor = _fetch(hub_site, sk1)
    now = datetime.now(UTC)
    air(sk1.station, now - timedelta(hours=3), [aired(1, 60.0), aired(2, 30.0, offset=60.0)])
    air(sk1.station, now - timedelta(hours=2), [aired(1, 60.0)])
    air(sk1.station, now - timedelta(hours=1), [], status="missed", slot="Bản tin trưa")
    air(sk1.station, now - timedelta(minutes=30), [aired(3, 40.0, completed=False)], status="interrupted")
    _push(hub_site, sk1, {1: wanted_twice.id, 2: "not-a-bulletin-of-this-district", 3: once.id}, cursor=cursor)

    viewer = hub_site.as_role("viewer")
    page = viewer.get("/communes/SK1").text
    assert '<a class="brand" href="/">Phòng VH-TT huyện Hương Sơn</a>' in page  # the hub's name heads every page
    assert "Sơn Kim 1" in page and "Đang hoạt động" not in page  # no status sent: nothing claimed
    deliveries = page.split("Bản tin huyện đã gửi cho xã")[1].split("</table>")[0]
    assert "Lịch tiếp công dân" in deliveries and "2/2" in deliveries and "Đạt" in deliveries
    assert "Phòng chống dịch" in deliveries and "0/1" in deliveries and "(1 lần bị ngắt)" in deliveries
    assert "Đang thực hiện" in deliveries and deliveries.count(">Đã nhận</span>") == 2
    assert ">Ưu tiên<" in deliveries and ">Thông thường<" in deliveries
    problems = page.split("Buổi phát bị bỏ lỡ, lỗi hoặc bị ngắt trong kỳ")[1].split("</table>")[0]
    assert "Bỏ lỡ" in problems and "Bản tin trưa" in problems and "Bị ngắt" in problems
    assert "Phát trọn vẹn" not in problems
    assert f"4:{stations.get_station(hub, 'SK1').head_hash}" in page  # the verification code

    other = viewer.get("/communes/SK2").text
    assert "Chưa kết nối" in other and "Chưa nhận" in other and "Xã chưa gửi buổi phát nào." in other
    overview = viewer.get("/").text
    assert "Mất liên lạc" in overview  # SK2 never synced
    assert "Đạt: 1" in overview  # SK1: one of its two bulletins met its target

    bulletin = viewer.get(f"/bulletins/{wanted_twice.id}").text
    assert "1 / 2" in bulletin and "xã đã nhận" in bulletin  # delivered to SK1, not yet to SK2
    assert "Sơn Kim 2" in bulletin and "Chưa nhận" in bulletin
    missing = viewer.get("/communes/SK9")
    assert missing.status_code == 404 and "Không có đài SK9 trong hub này." in missing.text


def test_a_forked_commune_is_flagged_on_its_page_with_what_it_means_and_what_the_district_did(
    hub_site: HubSite,
) -> None:
    hub, sk1 = hub_site.hub, hub_site.stations["SK1"]
    now = datetime.now(UTC)
    for n in range(3):
        air(sk1.station, now - timedelta(hours=3 - n), [aired(10 + n)])
    _push(hub_site, sk1, {})
    with sk1.station.db.session() as session:
        session.execute(text("UPDATE airings SET duration_ms = 1000 WHERE seq = 2"))
        record = station_store.records_from(session, 2, 1)[0]
        session.execute(
            text("UPDATE airings SET hash = :h WHERE seq = 2"),
            {"h": hash_canonical(record.prev_hash, canonical_doc(record))},
        )
    try:
        _push(hub_site, sk1, {}, first=2)
    except station_api.HubAPIError as refused:
        assert refused.status == 409

    viewer = hub_site.as_role("viewer")
    assert "Nhật ký phát của 1 xã khác với bản huyện đang lưu." in viewer.get("/").text
    page = viewer.get("/communes/SK1").text
    assert "Nhật ký phát của xã khác với bản huyện đã nhận và đang lưu." in page
    assert "Sai khác từ buổi phát #2" in page and "Ý nghĩa:" in page
    assert "broadcaster hub stations unfork SK1" in page

    stations.unfork(hub, "SK1", "Đã kiểm tra tại xã: nhân viên sửa nhầm", actor="cli:huyen")
    page = viewer.get("/communes/SK1").text
    assert "Ý nghĩa:" not in page
    history = page.split("Các xử lý của huyện")[1]
    assert "Đã gỡ cảnh báo nhật ký sai khác" in history and "cli:huyen" in history
    # the details in words and in the page's date format, not as the stored JSON keys and ISO times
    assert "Ghi chú: Đã kiểm tra tại xã: nhân viên sửa nhầm" in history
    assert "Từ buổi phát số: 2" in history
    assert re.search(r"Phát hiện lúc: \d\d/\d\d/\d{4} \d\d:\d\d", history)
    assert not re.search(r"\b(note|seq|flagged_at|problem): ", history)


def test_the_report_page_and_its_downloads(hub_site: HubSite) -> None:
    hub, sk1 = hub_site.hub, hub_site.stations["SK1"]
    air(sk1.station, datetime.now(UTC) - timedelta(hours=2), [aired(1, 90.0)])
    receipt = _push(hub_site, sk1, {})["receipt"]
    viewer = hub_site.as_role("viewer")
    page = viewer.get("/reports")
    assert page.status_code == 200 and "Báo cáo tổng hợp của huyện" in page.text
    assert f"1:{receipt['hash']}" in page.text  # each commune's verification code  # type: ignore[index]
    month = hub.today().strftime("%Y-%m")
    docx = viewer.get(f"/reports/download?format=docx&period={month}")
    assert docx.status_code == 200 and f"bao-cao-huyen-{month}.docx" in docx.headers["content-disposition"]
    document = Document(io.BytesIO(docx.content))
    words = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "BÁO CÁO" in words and "Sơn Kim 1" in words and receipt["hash"] in words  # type: ignore[index]
    sheet = viewer.get(f"/reports/download?format=csv&period={month}")
    assert sheet.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["SK1", "Sơn Kim 1", "1"]
    assert viewer.get(f"/reports/download?format=png&period={month}").content.startswith(b"\x89PNG")
    data = json.loads(viewer.get(f"/reports/download?format=json&period={month}").content)
    assert data["total"]["airings"] == 1

    assert "Không có báo cáo dạng 'exe'" in html.unescape(viewer.get("/reports/download?format=exe").text)
    wrong = viewer.get("/reports?start=31/02/2021&end=01/03/2021")
    assert wrong.status_code == 400
    assert "Ngày bắt đầu '31/02/2021' không phải là ngày hợp lệ." in html.unescape(wrong.text)
    reversed_ = viewer.get("/reports?start=31/03/2021&end=01/03/2021")
    assert reversed_.status_code == 400 and "Ngày kết thúc của kỳ trước ngày bắt đầu." in reversed_.text
    ranged = viewer.get("/reports?start=01/03/2021&end=31/03/2021")
    assert ranged.status_code == 200 and "tháng 3 năm 2021" in ranged.text
