"""The evidence: listing and verifying the airing log, airtime reports for the district.

What a report checks before it is made, and what only `log verify` checks, is set out in
reports/verification.py; how the figures are sealed against the log, in reports/daybook.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from broadcaster.airlog import AiringRecord, ChainHead, record_hash
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.i18n import _, format_day, ngettext
from broadcaster.model import ItemKind
from broadcaster.reports.aggregate import Period, Report, Target, parse_period, period_between, report_from_facts
from broadcaster.reports.figures import ReportHeader
from broadcaster.reports.formats import NEEDS_RECORDS
from broadcaster.reports.periods import check_reach
from broadcaster.reports.reasons_vi import problem_shown
from broadcaster.reports.relays import relay_rows
from broadcaster.reports.verification import (
    REPORT_CHECKS,
    LogCheck,
    LogVerdict,
    count_problems,
    last_failure,
    names_missing_airings,
    refusal,
)
from broadcaster.service.context import Station
from broadcaster.service.log_check import check_log
from broadcaster.service.queue import parse_date
from broadcaster.store import airings as log_store
from broadcaster.store import news as news_store
from broadcaster.store import summary, summary_read
from broadcaster.store.log_orm import OrmLog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogQuery:
    start: date | None = None
    end: date | None = None  # inclusive
    status: str | None = None


def date_range(
    start: str | None, end: str | None, names: tuple[str, str] = ("--from", "--to")
) -> tuple[date | None, date | None]:
    """--from and --to as typed by the official; either may be left out, but not in the wrong order.

    `names`: what the two fields are called where they were typed (a console form passes its labels)."""
    first = parse_date(start, names[0]) if start else None
    last = parse_date(end, names[1]) if end else None
    for day, what in ((first, names[0]), (last, names[1])):
        if day is not None:
            check_reach(day, f"{what} {day.isoformat()}")
    if first and last and last < first:
        raise InputError(
            _("{until} {end} is before {start_name} {start}.").format(
                until=names[1], end=format_day(last), start_name=names[0], start=format_day(first)
            ),
            _("The period must end on or after its first day."),
        )
    return first, last


class ReportRefused(BroadcasterError):
    """A report asked for in the console or the API on a log that does not verify."""

    http_status = 409


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

    def newest(self, query: LogQuery, limit: int = 50, before: int | None = None) -> list[AiringRecord]:
        """A page of the log for a screen, newest first; `before`: the oldest airing of the page before."""
        low, high = self._utc_bounds(query.start, query.end)
        with self.station.db.session() as session:
            return log_store.newest(session, low, high, query.status, limit=max(1, min(limit, 1000)), before=before)

    def record(self, seq: int) -> AiringRecord:
        with self.station.db.session() as session:
            return log_store.get(session, seq)

    def head(self) -> ChainHead:
        with self.station.db.session() as session:
            count, last = log_store.head(session)
        return ChainHead(hash=last, count=count)

    def verify(self, head_text: str | None = None) -> LogVerdict:
        """The full check of the log and its figures (service/log_check.py); `head_text`: the code of an
        earlier report (COUNT:HASH or HASH)."""
        return check_log(OrmLog(self.station.db), self.station.config.tz, head_text, self.station.now)

    def rebuild_figures(self) -> LogVerdict:
        """Sum the log again into the figures reports read (after `verify` found them changed).

        Refused when the log itself does not verify, or when the figures name airings the log no
        longer holds (deleted or rewritten): summing again would erase that evidence."""
        verdict = self.verify()
        if not verdict.chain.ok:
            raise InputError(
                _("The airing log itself does not verify ({problem}), so its figures were not summed again.").format(
                    problem=verdict.chain.problem
                ),
                _("Restore the station database from a backup."),
            )
        with self.station.db.session() as session:
            lost = [row for row, there in summary.stored_rows(session) if names_missing_airings(row, there)]
            if lost:
                raise InputError(
                    _(
                        "The airtime figures count airing #{seq}, which the log no longer holds as it was: airings "
                        "were deleted or rewritten, and summing the figures again would hide it."
                    ).format(seq=lost[0].last_seq),
                    _("Restore the station database from a backup."),
                )
            summary.rebuild(session, self.station.config.tz)
        return self.verify()

    # ------------------------------------------------------------ reports

    def period(
        self, period: str | None, start: str | None, end: str | None, names: tuple[str, str] = ("--from", "--to")
    ) -> Period:
        """The period asked for; `names`: what the two days are called where they were typed (a console
        form passes its labels, and is then told what to fill in rather than which options to give)."""
        if period and (start or end):
            raise InputError(
                _("Give either --period or --from/--to, not both."), _("Use --period alone, or --from DATE --to DATE.")
            )
        if period:
            chosen = parse_period(period)
            for day in (chosen.start, chosen.end):
                check_reach(day, f"--period {period.strip()}")
            return chosen
        if not (start and end):
            hint = (
                _("Use --period 2021-Q1, --period 2021-03, --period 2021, or --from DATE --to DATE.")
                if names[0] == "--from"
                else _("Choose a month, a quarter or a year, or fill in both days.")
            )
            raise InputError(_("Say which period to report."), hint)
        first, last = date_range(start, end, names)
        assert first is not None and last is not None
        return period_between(first, last)

    def report(self, period: Period, *, with_records: bool = False, allow_unverified: bool = False) -> Report:
        """Figures from the sealed airtime summary, checked as reports/verification.py says; the
        period's airing records too `with_records` (the CSV lists them).

        Raises UnverifiedLogError when a check fails, unless `allow_unverified`: then the report
        is made and carries the problems (`report.check`), which every format prints."""
        return self._report(period, with_records, allow_unverified, links=True)

    def progress(self, period: Period) -> Report:
        """The period's figures against the plan's targets for a screen that shows how the month is
        going: the sealed figures read and checked, and the last full verification, but not the links
        of the whole chain (a tenth of a second over ten years, on every look). Never refused:
        `check.problems` says what failed."""
        return self._report(period, False, True, links=False)

    def checked_report(self, period: Period, *, with_records: bool = False) -> Report:
        """As `report`, for the console and the API: a log that does not verify is refused with each
        problem in the station's language, and what to do from the console."""
        built = self.report(period, with_records=with_records, allow_unverified=True)
        if built.check is None or built.check.ok:
            return built
        problems = [problem_shown(p) for p in built.check.problems]
        more = len(problems) - 1
        extra = (
            (" " + ngettext("(and {n} more problem)", "(and {n} more problems)", more).format(n=more)) if more else ""
        )
        raise ReportRefused(
            _("The airing log does not verify, so no report was made: {problem}{more}").format(
                problem=problems[0], more=extra
            ),
            _(
                "Open the airing log and run the integrity check for the details, and ask the technician to restore "
                "the station database from a backup."
            ),
        )

    def _report(self, period: Period, with_records: bool, allow_unverified: bool, links: bool) -> Report:
        config = self.station.config
        targets = [Target(t.name, t.kind, t.value, t.per, t.topic or None) for t in config.targets]
        with self.station.db.session() as session:
            read = summary_read.read_period(session, period, config.tz)
            count, last = log_store.head(session)
            problems = [p for p in [log_store.link_problem(session) if links else None] if p]
            problems += read.problems
            problems += count_problems(read.facts.statuses, read.airings, read.facts.incidents)
            problems += [p for p in [last_failure(log_store.last_verdict(session), config.tz)] if p]
            records, transcripts = self._period_records(session, period) if with_records else ([], {})
            # The relay section is read from the period's relay records, not from the sealed figures:
            # they are links of the chain, and each is re-hashed here (as the CSV's records are), so a
            # changed relay record is refused like any changed record.
            relays = summary_read.relay_records(session, period, config.tz)
        checks = REPORT_CHECKS if links else tuple(c for c in REPORT_CHECKS if not c.startswith("chain"))
        check = LogCheck(
            tuple(problems) + _changed(records if with_records else relays), checks, allowed=allow_unverified
        )
        if not check.ok and not allow_unverified:
            raise refusal(check)
        built = report_from_facts(
            read.facts,
            period,
            [(t.code, t.name) for t in config.topics],
            [s.name for s in config.slots],
            targets,
            ChainHead(hash=last, count=count),
            config.tz,
            records,
            [(language.code, language.name) for language in config.languages],
            relay_rows(relays),
        )
        return replace(built, check=check, transcripts=transcripts)

    def _period_records(self, session: Session, period: Period) -> tuple[list[AiringRecord], dict[int, str]]:
        """The period's airing records, and the transcripts of the recorded items among them."""
        records = log_store.records(session, *summary_read.utc_bounds(period, self.station.config.tz))
        recorded = (i.item_id for r in records for i in r.items if i.kind == ItemKind.RECORDING.value)
        return records, news_store.transcripts_of(session, recorded)

    def _for_format(self, report: Report, fmt: str) -> Report:
        if fmt not in NEEDS_RECORDS or report.records:
            return report
        with self.station.db.session() as session:
            records, transcripts = self._period_records(session, report.period)
        check = report.check or LogCheck()
        changed = tuple(p for p in _changed(records) if p not in check.problems)  # relay records: already checked
        if changed:
            check = replace(check, problems=check.problems + changed)
            if not check.allowed:
                raise refusal(check)
        return replace(report, records=tuple(records), check=check, transcripts=transcripts)

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


def _changed(records: list[AiringRecord]) -> tuple[str, ...]:
    """The records a CSV lists are re-hashed: each must still match its hash."""

    def intact(record: AiringRecord) -> bool:
        try:
            return record_hash(record) == record.hash
        except (ValueError, TypeError, UnicodeError):
            return False

    return tuple(
        f"Airing #{r.seq} was changed after it was written (its hash does not match its contents)."
        for r in records
        if not intact(r)
    )
