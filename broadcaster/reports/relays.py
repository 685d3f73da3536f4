"""Relays (tiếp sóng) of a period, reported apart from the commune's own news. Pure: no I/O.

A relay slot airs another station's programme (the district's, VOV's). Its airing record, of kind
"relay", holds a `relay` block (relay/result.py `RelayResult.as_dict`): the stream's `url` and
`name`, and the seconds actually relayed, of fallback (the station's own bulletin or the notice,
aired while the stream was down) and of silence. None of that is the commune's news: only when the
slot names a `relay_topic` does the record also carry the relay as an item of that topic (item kind
"relay"), which the topic figures count like any item. The relay figures below are read from the
records themselves, so a relay with a topic is both counted in its topic and listed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from broadcaster.airlog import AiringRecord
from broadcaster.reports.figures import AIRED_STATUSES

KIND = "relay"


@dataclass(frozen=True, slots=True)
class RelayAiring:
    """What one relay record says it aired (seconds as logged, to the millisecond)."""

    source: str  # relay_name, else the stream's url, else the slot
    url: str
    aired: bool  # completed or interrupted: sound went out
    relay_seconds: float
    fallback_seconds: float
    silence_seconds: float
    topics: tuple[str, ...]  # the topics the relay counted toward as the commune's news (relay_topic)
    topic_seconds: float  # the relay's seconds counted in those topics


@dataclass(frozen=True, slots=True)
class RelayFigures:
    """The relays of one source over a period."""

    source: str
    urls: tuple[str, ...]
    airings: int  # relay airings that aired (completed or interrupted)
    not_aired: int  # relay records of the period that aired nothing (failed, missed)
    relay_seconds: float
    fallback_seconds: float
    silence_seconds: float
    topics: tuple[str, ...]  # empty: reported apart only, not counted as the commune's news
    topic_seconds: float

    @property
    def counts_toward_topic(self) -> bool:
        return bool(self.topics)


def _seconds(block: Mapping[str, Any], kind: str) -> float:
    """The block's total for `kind`, else the sum of its segments of that kind (0 when it aired nothing)."""
    total = block.get(f"{kind}_seconds")
    if isinstance(total, int | float):
        return float(total)
    segments = block.get("segments") or []
    return round(sum(float(s.get("seconds") or 0) for s in segments if s.get("kind") == kind), 3)


def relay_airing(record: AiringRecord) -> RelayAiring:
    """The relay figures of one record of kind "relay"."""
    block: Mapping[str, Any] = record.relay or {}
    url = str(block.get("url") or "")
    aired = record.status in AIRED_STATUSES
    counted = [i for i in record.items if i.kind == KIND] if aired else []
    return RelayAiring(
        source=str(block.get("name") or url or record.slot),
        url=url,
        aired=aired,
        relay_seconds=_seconds(block, "relay") if aired else 0.0,
        fallback_seconds=_seconds(block, "fallback") if aired else 0.0,
        silence_seconds=_seconds(block, "silence") if aired else 0.0,
        topics=tuple(dict.fromkeys(i.topic for i in counted)),
        topic_seconds=sum(i.duration_seconds for i in counted),
    )


def relay_rows(records: Iterable[AiringRecord]) -> tuple[RelayFigures, ...]:
    """Per source, in the order each first aired: the relay records among `records` summed.

    Seconds are summed in milliseconds, as the rest of the report is."""
    by_source: dict[str, list[RelayAiring]] = {}
    for record in records:
        if record.kind == KIND:
            one = relay_airing(record)
            by_source.setdefault(one.source, []).append(one)
    return tuple(_figures(source, airings) for source, airings in by_source.items())


def _ms(seconds: Iterable[float]) -> float:
    return sum(round(s * 1000) for s in seconds) / 1000


def _figures(source: str, airings: list[RelayAiring]) -> RelayFigures:
    return RelayFigures(
        source=source,
        urls=tuple(dict.fromkeys(a.url for a in airings if a.url)),
        airings=sum(a.aired for a in airings),
        not_aired=sum(not a.aired for a in airings),
        relay_seconds=_ms(a.relay_seconds for a in airings),
        fallback_seconds=_ms(a.fallback_seconds for a in airings),
        silence_seconds=_ms(a.silence_seconds for a in airings),
        topics=tuple(dict.fromkeys(t for a in airings for t in a.topics)),
        topic_seconds=_ms(a.topic_seconds for a in airings),
    )


def relay_json(relays: Iterable[RelayFigures]) -> list[dict[str, Any]]:
    """The `relays` field of the report's JSON (docs/json.md)."""
    return [
        {
            "source": r.source,
            "urls": list(r.urls),
            "airings": r.airings,
            "not_aired": r.not_aired,
            "relay_seconds": r.relay_seconds,
            "fallback_seconds": r.fallback_seconds,
            "silence_seconds": r.silence_seconds,
            "counts_toward_topic": r.counts_toward_topic,
            "topics": list(r.topics),
            "topic_seconds": r.topic_seconds,
        }
        for r in relays
    ]
