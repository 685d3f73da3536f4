"""The evidence: listing and verifying the airing log, airtime reports for the district."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from broadcaster.airlog import AiringRecord, ChainHead, VerifyResult, parse_chain_head
from broadcaster.errors import InputError
from broadcaster.newsdesk import parse_date
from broadcaster.reports.aggregate import Period, Report, Target, parse_period, period_between, report_from_facts
from broadcaster.reports.docx_report import ReportHeader
from broadcaster.station import Station
from broadcaster.store import airings as log_store
from broadcaster.store import summary_read

FORMATS = ("text", "csv", "json", "docx", "png")
NEEDS_RECORDS = ("csv",)  # formats that list every airing, not only the figures


@dataclass(frozen=True)
class LogQuery:
    start: date | None = None
    end: date | None = None  # inclusive
    status: str | None = None


def date_range(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """--from and --to as typed by the official; either may be left out, but not in the wrong order."""
    first = parse_date(start, "--from") if start else None
    last = parse_date(end, "--to") if end else None
    if first and last and last < first:
        raise InputError(f"--to {last} is before --from {first}.", "The period must end on or after its first day.")
    return first, last


class Evidence:
    def __init__(self, station: Station) -> None:
        self.station = station
        station.ready()

    def _utc_bounds(self, start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
        tz = self.station.config.tz
        low = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC) if start else None
        high = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC) if end else None
        return low, high

    # ------------------------------------------------------------ log

    def records(self, query: LogQuery) -> list[AiringRecord]:
        low, high = self._utc_bounds(query.start, query.end)
        with self.station.db.session() as session:
            return log_store.records(session, low, high, query.status)

    def record(self, seq: int) -> AiringRecord:
        with self.station.db.session() as session:
            return log_store.get(session, seq)

    def head(self) -> ChainHead:
        with self.station.db.session() as session:
            count, last = log_store.head(session)
        return ChainHead(hash=last, count=count)

    def verify(self, head_text: str | None = None) -> VerifyResult:
        with self.station.db.session() as session:
            head = self._parse_head(session, head_text) if head_text else None
            return log_store.verify(session, head)

    @staticmethod
    def _parse_head(session: Session, text: str) -> ChainHead:
        """`COUNT:HASH` as printed on a report, or the bare HASH."""
        if ":" in text:
            return parse_chain_head(text)
        wanted = text.strip().lower()
        parse_chain_head(f"0:{wanted}")  # same format check and message
        seq = log_store.seq_of(session, wanted)
        if seq is not None:
            return ChainHead(hash=wanted, count=seq)
        # Not found: the record it names is gone (or the code is mistyped); report it as a longer log.
        return ChainHead(hash=wanted, count=log_store.count(session) + 1)

    # ------------------------------------------------------------ reports

    def period(self, period: str | None, start: str | None, end: str | None) -> Period:
        if period and (start or end):
            raise InputError(
                "Give either --period or --from/--to, not both.", "Use --period alone, or --from DATE --to DATE."
            )
        if period:
            return parse_period(period)
        if not (start and end):
            raise InputError(
                "Say which period to report.",
                "Use --period 2021-Q1, --period 2021-03, --period 2021, or --from DATE --to DATE.",
            )
        first, last = date_range(start, end)
        assert first is not None and last is not None
        return period_between(first, last)

    def report(self, period: Period, *, with_records: bool = False) -> Report:
        """Figures from the airtime summary (a few indexed queries, whatever the period's length);
        the period's airing records only `with_records` (the CSV lists them)."""
        config = self.station.config
        targets = [Target(t.name, t.kind, t.value, t.per, t.topic or None) for t in config.targets]
        with self.station.db.session() as session:
            facts = summary_read.facts(session, period, config.tz)
            count, last = log_store.head(session)
            records = log_store.records(session, *summary_read.utc_bounds(period, config.tz)) if with_records else []
        return report_from_facts(
            facts,
            period,
            [(t.code, t.name) for t in config.topics],
            [s.name for s in config.slots],
            targets,
            ChainHead(hash=last, count=count),
            config.tz,
            records,
        )

    def _for_format(self, report: Report, fmt: str) -> Report:
        if fmt not in NEEDS_RECORDS or report.records:
            return report
        low, high = summary_read.utc_bounds(report.period, self.station.config.tz)
        with self.station.db.session() as session:
            return replace(report, records=tuple(log_store.records(session, low, high)))

    def header(self) -> ReportHeader:
        r = self.station.config.report
        name = self.station.config.station
        return ReportHeader(
            governing_body=r.governing_body,
            issuing_body=r.issuing_body or f"ỦY BAN NHÂN DÂN XÃ {name.commune.upper()}",
            place=r.place or name.commune,
            signer_title=r.signer_title,
            signer_name=r.signer_name,
            recipients=r.recipients,
        )

    def default_path(self, report: Report, fmt: str) -> Path:
        suffix = {"text": "txt"}.get(fmt, fmt)
        return self.station.reports_dir / f"bao-cao-{report.period.label}.{suffix}"

    def write(self, report: Report, fmt: str, path: Path) -> Path:
        from broadcaster.reports import chart, docx_report, writers

        report = self._for_format(report, fmt)
        if fmt == "docx":
            return docx_report.write_docx(report, self.header(), path, self.station.today())
        if fmt == "png":
            return chart.write_png(report, path)
        writer = {"text": writers.write_text, "csv": writers.write_csv, "json": writers.write_json}[fmt]
        return writer(report, path)

    def render(self, report: Report, fmt: str) -> str:
        from broadcaster.reports import writers

        report = self._for_format(report, fmt)
        renderer = {"text": writers.render_text, "csv": writers.render_csv, "json": writers.render_json}[fmt]
        return renderer(report)
