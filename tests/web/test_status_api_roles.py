"""/api/v1/status answers each role with what that role may see: the technician keeps the station's
state (on air, the next slot, its length) but not what the news says, as on the dashboard."""

from __future__ import annotations

from collections.abc import Callable

from broadcaster.service.queue import NewsDesk
from broadcaster.service.voicing import Voicing
from tests.web.conftest import TestClient, WebStation


def test_the_technician_gets_the_next_slot_without_the_news(
    as_role: Callable[[str], TestClient], web_station: WebStation
) -> None:
    station = web_station.station()
    desk = NewsDesk(station)
    item = desk.add(desk.draft(title="Tin riêng của văn hóa", topic="mot-cua", text="Nội dung chỉ người xem tin đọc."))
    Voicing(station).prepare_all([item])

    official = as_role("official").get("/api/v1/status").json()["next_slot"]
    planned = {i["id"]: i for i in official["items"]}
    assert planned[item.id]["title"] == "Tin riêng của văn hóa" and planned[item.id]["topic"] == "mot-cua"

    technician = as_role("technician").get("/api/v1/status").json()["next_slot"]
    assert (technician["slot"], technician["at"], technician["seconds"]) == (
        official["slot"],
        official["at"],
        official["seconds"],
    )
    seen = {i["id"]: i for i in technician["items"]}
    assert seen[item.id] == {k: v for k, v in planned[item.id].items() if k not in ("title", "topic")}
    assert "Tin riêng" not in str(technician)
