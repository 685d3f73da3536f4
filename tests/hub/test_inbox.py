"""Which district bulletins a station takes (pure): nothing is trusted before its signature."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from broadcaster import signing
from broadcaster.hublink.inbox import Refused, Rules, Taken, judge, judge_page
from broadcaster.hublink.protocol import AudioRef, Envelope, envelope_doc, parse_envelope, sign_envelope

NOW = datetime(2021, 3, 10, 1, 0, tzinfo=UTC)
TODAY = date(2021, 3, 10)
HUB = signing.generate()
RULES = Rules(station="SK1", hub_key=HUB.public_key())
BASE = Envelope(
    id="5d1c2f6e-0000-4000-8000-000000000001",
    priority="normal",
    title="Lịch tiếp công dân",
    topic="thu-tuc",
    text="Chủ tịch xã tiếp công dân vào thứ năm.",
    audio=None,
    valid_from=None,
    valid_until=None,
    airings=2,
    approved_by="Nguyễn Thị Hoa",
    approved_at=NOW - timedelta(hours=1),
    issued_by="Phòng VH-TT",
    to=("SK1", "SK2"),
)


def delivered(envelope: Envelope = BASE, cursor: int = 1, key: Any = HUB) -> dict[str, Any]:
    return {"cursor": cursor, **sign_envelope(key, envelope)}


def test_a_signed_bulletin_for_this_station_is_queued_as_the_district_approved_it() -> None:
    verdict = judge(delivered(), RULES, TODAY, NOW, set())
    assert isinstance(verdict, Taken) and verdict.state == "queued" and verdict.approved
    assert verdict.envelope == parse_envelope(envelope_doc(BASE))


def test_unsigned_tampered_and_foreign_signed_bulletins_are_refused() -> None:
    unsigned = delivered() | {"signature": None}
    assert judge(unsigned, RULES, TODAY, NOW, set()).reason.startswith("unsigned")  # type: ignore[union-attr]
    tampered = delivered()
    tampered["envelope"] = tampered["envelope"] | {"priority": "emergency", "title": "Sơ tán ngay"}
    verdict = judge(tampered, RULES, TODAY, NOW, set())
    assert (
        isinstance(verdict, Refused) and verdict.reason.startswith("bad signature") and verdict.title == "Sơ tán ngay"
    )
    assert signing.fingerprint(HUB) in verdict.reason
    other_hub = judge(delivered(key=signing.generate()), RULES, TODAY, NOW, set())
    assert isinstance(other_hub, Refused) and other_hub.reason.startswith("bad signature")


def test_a_bulletin_for_other_stations_or_already_received_is_refused() -> None:
    elsewhere = judge(delivered(replace(BASE, to=("SK2",))), RULES, TODAY, NOW, set())
    assert isinstance(elsewhere, Refused) and elsewhere.reason == "addressed to other stations (SK2), not SK1"
    assert isinstance(judge(delivered(replace(BASE, to=("all",))), RULES, TODAY, NOW, set()), Taken)
    replay = judge(delivered(), RULES, TODAY, NOW, {BASE.id})
    assert isinstance(replay, Refused) and replay.reason.startswith("replayed")
    taken, refused, cursor = judge_page([delivered(cursor=4), delivered(cursor=5)], RULES, TODAY, NOW, set())
    assert len(taken) == 1 and refused[0].reason.startswith("replayed") and cursor == 5  # twice in one page


def test_late_bulletins_are_recorded_as_expired_never_aired_late() -> None:
    old = judge(delivered(replace(BASE, valid_until=TODAY - timedelta(days=1))), RULES, TODAY, NOW, set())
    assert isinstance(old, Taken) and old.state == "expired"
    stale = replace(BASE, priority="emergency", approved_at=NOW - timedelta(hours=7), valid_until=TODAY)
    verdict = judge(delivered(stale), RULES, TODAY, NOW, set())
    assert isinstance(verdict, Taken) and verdict.state == "expired" and "7 hours ago" in (verdict.note or "")


def test_local_approval_holds_district_items_except_emergencies() -> None:
    rules = replace(RULES, require_local_approval=True)
    assert not judge(delivered(), rules, TODAY, NOW, set()).approved  # type: ignore[union-attr]
    emergency = judge(delivered(replace(BASE, priority="emergency")), rules, TODAY, NOW, set())
    assert isinstance(emergency, Taken) and emergency.approved and emergency.state == "queued"


def test_a_recorded_bulletin_is_held_and_malformed_ones_refused() -> None:
    audio = replace(BASE, text=None, audio=AudioRef("ab" * 32, 1000, "ban-tin.mp3"))
    held = judge(delivered(audio), RULES, TODAY, NOW, set())
    assert isinstance(held, Taken) and held.state == "held"
    bad = judge(delivered(replace(BASE, airings=0)), RULES, TODAY, NOW, set())
    assert isinstance(bad, Refused) and bad.reason.startswith("malformed: field 'airings'")
