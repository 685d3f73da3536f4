"""Helpers of the console's tests: a console of its own for a station with other settings, airings in
its log, and reading what a page says."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from broadcaster.airlog import AiredItem, AiringDraft, AiringRecord
from broadcaster.model import NewsItem
from broadcaster.service.context import Station
from broadcaster.store import airings
from tests.web.conftest import ROLE_USERS, WebStation, login, make_station

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

APPROVAL = {"require_approval = false": "require_approval = true"}


def console(folder: Path, **config: Any) -> tuple[WebStation, Any]:
    """A station with a user of every role and its console app (e.g. `replace=APPROVAL`)."""
    from broadcaster.web.app import create_app

    made = make_station(folder, **config)
    return made, create_app(made.config)


def client_as(app: Any, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    login(client, *ROLE_USERS[role])
    return client


def role_clients(app: Any) -> Iterator[Callable[[str], TestClient]]:
    """For a fixture to yield from: a client logged in as the role named, each closed after the test."""
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        clients.append(client_as(app, role))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def log_airing(
    station: Station,
    items: list[NewsItem],
    at: datetime | None = None,
    status: str = "completed",
    slot: str = "Bản tin sáng",
) -> AiringRecord:
    """One airing of `items` in the station's log, as the airer writes it (the summary included); by
    default an hour ago, but never before the station's midnight: tests read it in today's reports."""
    if at is None:
        now = datetime.now(UTC)
        midnight = datetime.combine(now.astimezone(station.config.tz).date(), time(0), station.config.tz)
        at = max(now - timedelta(hours=1), midnight.astimezone(UTC))
    aired = tuple(
        AiredItem(
            item_id=i.id,
            title=i.title,
            topic=i.topic,
            priority=i.priority.value,
            offset_seconds=5.0 + 20 * n,
            duration_seconds=18.0,
            engine="espeak",
            voice="vi",
            approved_by=i.approved_by,
            approved_at=i.approved_at,
            completed=status == "completed",
        )
        for n, i in enumerate(items)
    )
    played = 5.0 + 20 * len(items)
    draft = AiringDraft(
        slot=slot,
        kind="slot",
        scheduled_at=at,
        started_at=at if status in ("completed", "interrupted") else None,
        ended_at=at + timedelta(seconds=played) if status in ("completed", "interrupted") else None,
        duration_seconds=played if status in ("completed", "interrupted") else 0.0,
        status=status,
        reason=None if status == "completed" else "Mất điện",
        output="file",
        device="aired",
        amplifier="not controlled",  # a station without an amplifier relay
        audio_sha256=None,
        exemption=None,
        items=aired,
    )
    with station.db.session() as session:
        return airings.append(session, draft, station.config.tz, count_aired=[i.id for i in items])


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found[1]


def text_of(html: str) -> str:
    """The page's visible words, roughly: tags dropped, spaces joined."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
