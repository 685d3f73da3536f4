"""The station's programme: config slots and database items turned into plans.

The glue between the pure planner and the station's state; used by the
daemon, `broadcaster schedule` and `broadcaster status`.
"""

from __future__ import annotations

from datetime import datetime

from broadcaster.config import Config, SlotConfig, parse_window
from broadcaster.model import NewsItem, Priority
from broadcaster.onair.airer import AiringRequest
from broadcaster.planning import (
    Hours,
    Occurrence,
    Plan,
    SlotSpec,
    Timing,
    WaitReason,
    occurrences,
    outside_hours_exemption,
    plan_ahead,
    plan_slot,
)
from broadcaster.service.context import Station
from broadcaster.service.voicing import Voicing
from broadcaster.store import news as news_store

EMERGENCY_SLOT = "Khẩn cấp"
# Names of the records that are not airings: a time the station was off, a clock found wrong.
OUTAGE_SLOT = "Đài ngừng hoạt động"
CLOCK_SLOT = "Đồng hồ sai"


def slot_spec(slot: SlotConfig) -> SlotSpec:
    return SlotSpec(
        name=slot.name,
        start=slot.start,
        days=tuple(slot.days),
        max_seconds=slot.max_minutes * 60,
        topics=frozenset(slot.topics),
        priorities=frozenset(Priority(p) for p in slot.priorities),
        languages=frozenset(slot.languages),
    )


def broadcast_hours(config: Config) -> Hours:
    return Hours(tuple(parse_window(w) for w in config.broadcast_hours.allowed))


class Programme:
    def __init__(self, station: Station, voicing: Voicing) -> None:
        self.station = station
        self.voicing = voicing

    @property
    def slots(self) -> list[SlotSpec]:
        return [slot_spec(s) for s in self.station.config.slots]

    def live_items(self) -> list[NewsItem]:
        with self.station.db.session() as session:
            return news_store.live_items(session)

    def durations(self, items: list[NewsItem]) -> dict[int, float | None]:
        return self.voicing.seconds_of(items)

    def timing(self) -> Timing:
        opening, closing = self.voicing.fixed_seconds()
        return Timing(opening_s=opening, closing_s=closing, pause_s=self.voicing.pause_s)

    def plan(
        self,
        occurrence: Occurrence,
        items: list[NewsItem] | None = None,
        durations: dict[int, float | None] | None = None,
        timing: Timing | None = None,
    ) -> Plan:
        items = self.live_items() if items is None else items
        return plan_slot(
            items,
            durations if durations is not None else self.durations(items),
            occurrence,
            self.station.config.tz,
            require_approval=self.station.config.station.require_approval,
            hours=broadcast_hours(self.station.config),
            timing=timing or self.timing(),
        )

    def upcoming(
        self, until: datetime, after: datetime | None = None, items: list[NewsItem] | None = None
    ) -> list[Plan]:
        """Plans of the coming slots, each assuming the ones before it aired as planned."""
        items = self.live_items() if items is None else items
        start = after or self.station.now()
        return plan_ahead(
            items,
            self.durations(items),
            occurrences(self.slots, start, until, self.station.config.tz),
            self.station.config.tz,
            require_approval=self.station.config.station.require_approval,
            hours=broadcast_hours(self.station.config),
            timing=self.timing(),
        )

    @staticmethod
    def request(plan: Plan) -> AiringRequest:
        notes = tuple(
            f"item {item_id} waits: {reason}"
            for item_id, reason in plan.waiting
            # the reasons a technician reading the log could act on; the others (not approved, does not fit,
            # other topic...) are the queue working as meant, and `broadcaster schedule` shows them
            if reason in (WaitReason.NO_SPEECH, WaitReason.OUTSIDE_HOURS)
        )
        return AiringRequest(
            kind="slot",
            slot=plan.occurrence.slot.name,
            scheduled_at=plan.occurrence.at,
            items=tuple(p.item for p in plan.items),
            exemption=plan.exemption,
            notes=notes,
        )

    def emergency_request(self, item: NewsItem, now: datetime) -> AiringRequest:
        hours = broadcast_hours(self.station.config)
        local = self.station.local(now)
        exemption = None
        if not hours.allows(local.time()):
            exemption = outside_hours_exemption(hours, local)
        return AiringRequest(
            kind="emergency", slot=EMERGENCY_SLOT, scheduled_at=now, items=(item,), exemption=exemption
        )
