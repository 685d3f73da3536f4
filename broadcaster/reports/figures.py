"""Value types of a report: targets, figures, results, and the pre-aggregated `Facts`. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from broadcaster.airlog import AiringRecord, ChainHead
from broadcaster.errors import InputError
from broadcaster.reports.periods import UNITS, Period

if TYPE_CHECKING:
    from broadcaster.reports.relays import RelayFigures
    from broadcaster.reports.verification import LogCheck

AIRED_STATUSES = frozenset({"completed", "interrupted"})
PRIORITIES = ("normal", "priority", "emergency")
TARGET_KINDS = ("minutes", "segments", "topic_coverage")
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Target:
    """A plan target, e.g. Target("CCHC airtime", "minutes", 120, "month")."""

    name: str
    kind: str
    value: float
    per: str
    topic: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise InputError(
                f"Target '{self.name}' has an unknown kind '{self.kind}'.",
                f"Use one of: {', '.join(TARGET_KINDS)}.",
            )
        if self.per not in UNITS:
            raise InputError(
                f"Target '{self.name}' is counted per '{self.per}', which is not a period.",
                f"Use one of: {', '.join(UNITS)}.",
            )
        if not self.value >= 0:
            raise InputError(f"Target '{self.name}' must be zero or more, not {self.value}.")


@dataclass(frozen=True, slots=True)
class TopicFigures:
    code: str
    name: str
    seconds: float
    airings: int
    items: int


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """Figures for one slot or one priority."""

    key: str
    seconds: float
    airings: int
    items: int


@dataclass(frozen=True, slots=True)
class LanguageFigures:
    """Airtime in one language (ISO 639-3 code and its name in config.toml); `items` are item airings."""

    code: str
    name: str
    seconds: float
    airings: int
    items: int


@dataclass(frozen=True, slots=True)
class Incident:
    """An airing that did not complete, with its station-local scheduled time."""

    when: datetime
    seq: int
    slot: str
    kind: str
    status: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class UnitResult:
    """A target judged on one calendar unit (week, month...) touching the period.

    `expected` is the target for the part of the unit inside the period (the target times
    covered_days / unit_days); `value` is what was reached in that part."""

    label: str
    start: date
    end: date
    partial: bool
    expected: float
    value: float
    met: bool
    short_topics: tuple[str, ...] = ()
    covered_days: int = 0  # days of the unit inside the period
    unit_days: int = 0


@dataclass(frozen=True, slots=True)
class TargetResult:
    """`reached` is the worst unit's value scaled up to a whole unit; `worst` is that unit itself,
    whose own figures are what a document prints when it is only partly inside the period."""

    target: Target
    reached: float
    met: bool
    units: tuple[UnitResult, ...]
    worst: UnitResult | None = None


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    label: str
    start: date
    end: date
    seconds: float


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    tz: tzinfo
    total_seconds: float
    airings: int
    item_airings: int
    distinct_items: int
    topics: tuple[TopicFigures, ...]
    slots: tuple[GroupFigures, ...]
    priorities: tuple[GroupFigures, ...]
    statuses: tuple[tuple[str, int], ...]
    incidents: tuple[Incident, ...]
    targets: tuple[TargetResult, ...]
    weekly: tuple[SeriesPoint, ...]
    monthly: tuple[SeriesPoint, ...]
    chain_head: ChainHead
    records: tuple[AiringRecord, ...] = field(default=(), repr=False)  # in-period, for CSV
    check: LogCheck | None = None  # what was checked about the log before the report was made (None: nothing)
    languages: tuple[LanguageFigures, ...] = ()  # Vietnamese first, then every other language that aired
    relays: tuple[RelayFigures, ...] = ()  # relays of the period per source, apart from the news (reports/relays.py)
    # recorded items' transcripts (item id -> text), for the CSV: the news as it was, not evidence of airing
    transcripts: Mapping[int, str] = field(default_factory=dict, repr=False)

    @property
    def unverified(self) -> bool:
        """Made from a log or figures that failed a check (only with --allow-unverified): every format says so."""
        return self.check is not None and not self.check.ok

    def topic_name(self, code: str) -> str:
        for t in self.topics:
            if t.code == code:
                return t.name
        return code


@dataclass(frozen=True, slots=True)
class Facts:
    """The airings of a period, summed: what `rollup` computes from records and what a
    database can compute with a few GROUP BY queries. Days are station-local dates; all
    milliseconds and counts include only items on air (see aggregate's docstring).
    """

    day_topic_ms: Mapping[tuple[date, str], int]  # (day, topic) -> ms on air
    day_topic_airings: Mapping[tuple[date, str], int]  # airings with >= 1 item of the topic on air
    day_airings: Mapping[date, int]  # airings with >= 1 item on air
    slot_ms: Mapping[str, int]
    slot_items: Mapping[str, int]  # item airings
    slot_airings: Mapping[str, int]
    priority_ms: Mapping[str, int]
    priority_items: Mapping[str, int]
    priority_airings: Mapping[str, int]  # airings with >= 1 item of the priority on air
    topic_items: Mapping[str, int]  # distinct items on air per topic over the whole period
    distinct_items: int
    statuses: Mapping[str, int]  # every airing of the period, by status
    incidents: tuple[Incident, ...] = field(default=())  # airings not completed, station-local time
    language_ms: Mapping[str, int] = field(default_factory=dict)  # by ISO 639-3 code
    language_items: Mapping[str, int] = field(default_factory=dict)  # item airings
    language_airings: Mapping[str, int] = field(default_factory=dict)  # airings with >= 1 item in the language


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """Who issues and signs the report (the .docx); station settings, passed by the caller.

    Here, not in docx_report.py, so that naming it does not import python-docx."""

    governing_body: str
    issuing_body: str
    place: str
    signer_title: str
    signer_name: str
    recipients: Sequence[str]
    doc_symbol: str = "BC-UBND"
    signer_authority: str = "TM. ỦY BAN NHÂN DÂN"
