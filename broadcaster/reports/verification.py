"""What a report checks about the log it is made from, and what only `broadcaster log verify` checks. Pure.

A report never reads every record (the 10-year report must take < 200 ms, and re-hashing
75,000 records takes over a second), so it checks what it reads and what can be checked
without reading everything (`REPORT_CHECKS`):

1. every day and run of figures it reads matches its seal, and the airing the seal names
   still has that hash in the log (reports/daybook.py);
2. the whole chain is linked: airings numbered 1..N without gaps, each one's previous-hash
   equal to the hash of the one before (catches deleted, inserted, reordered and re-sealed
   records anywhere in the log);
3. the figures count exactly the airings the log holds for the period, and as many airings of
   each incomplete status as the report lists as incidents;
4. the last full `broadcaster log verify` did not find the log broken.

`broadcaster log verify` checks everything: it re-hashes every record (so an edit that left
the hash alone is caught), checks the code printed on an earlier report (`--head`), and sums
the whole log again to compare every day and run of figures exactly (so figures forged
together with a re-computed seal are caught).

A report whose checks fail is refused (`UnverifiedLogError`), or, when the official asks
for it, made and marked on every page as made from a log that failed verification.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from broadcaster.airlog import VerifyResult
from broadcaster.errors import BroadcasterError
from broadcaster.i18n import _, ngettext
from broadcaster.reports.daybook import SumRow, check_row
from broadcaster.reports.figures import Incident
from broadcaster.reports.reasons_vi import problem_shown

REPORT_CHECKS = (
    "figures: every day and run read matches its seal and the airing it names",
    "chain: airings 1..N without gaps, each linked to the one before",
    "counts: the figures count every airing of the period, and every incident listed",
    "last full verification (broadcaster log verify) did not fail",
)
FULL_CHECKS = (
    "every record re-hashed and linked to the one before",
    "figures: every day and run summed again from the records and compared",
)


@dataclass(frozen=True, slots=True)
class LogCheck:
    """The checks behind one report; no problems means every check passed."""

    problems: tuple[str, ...] = ()
    checks: tuple[str, ...] = REPORT_CHECKS
    allowed: bool = False  # the official asked for the report even if a check failed (--allow-unverified)

    @property
    def ok(self) -> bool:
        return not self.problems


class UnverifiedLogError(BroadcasterError):
    """A report was asked for on a log (or figures) that failed verification."""


def refusal(check: LogCheck) -> UnverifiedLogError:
    more = len(check.problems) - 1
    extra = (" " + ngettext("(and {n} more problem)", "(and {n} more problems)", more).format(n=more)) if more else ""
    return UnverifiedLogError(
        _("The airing log does not verify, so no report was made: {problem}{more}").format(
            problem=problem_shown(check.problems[0]), more=extra
        ),
        _(
            "Run `broadcaster log verify` for the details and restore the station database from a backup. "
            "To make the report anyway, marked on every page as made from a log that failed verification, "
            "add --allow-unverified."
        ),
    )


def count_problems(statuses: Mapping[str, int], airings_in_log: int, incidents: Sequence[Incident]) -> list[str]:
    """Check 3: the figures against the log's own count of the period's airings and its incidents."""
    problems = []
    counted = sum(statuses.values())
    if counted != airings_in_log:
        problems.append(
            f"The airtime figures count {counted} airings in this period but the log holds {airings_in_log}: "
            "airings or figures were deleted or added."
        )
    listed: dict[str, int] = {}
    for incident in incidents:
        listed[incident.status] = listed.get(incident.status, 0) + 1
    for status in sorted(set(listed) | {s for s in statuses if s != "completed"}):
        if listed.get(status, 0) != statuses.get(status, 0):
            problems.append(
                f"The log lists {listed.get(status, 0)} {status} airings in this period but the figures count "
                f"{statuses.get(status, 0)}: a record's status was changed, or records were deleted or added."
            )
    return problems


@dataclass(frozen=True, slots=True)
class LogVerdict:
    """What `broadcaster log verify` found: the chain (as `airlog.verify_chain`) and the figures."""

    chain: VerifyResult
    figures_problem: str | None = None
    figures_checked: int = 0  # days and runs compared; 0 when the figures are not built yet

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.figures_problem is None

    @property
    def count(self) -> int:
        return self.chain.count

    @property
    def head_hash(self) -> str:
        return self.chain.head_hash

    @property
    def first_bad_seq(self) -> int | None:
        return self.chain.first_bad_seq

    @property
    def problem(self) -> str | None:
        return self.chain.problem or self.figures_problem


def verdict_text(verdict: LogVerdict, at: datetime) -> str:
    """The verdict as kept in the station database, so a report knows the last full verification failed."""
    return json.dumps(
        {"ok": verdict.ok, "problem": verdict.problem, "count": verdict.count, "at": at.isoformat()},
        ensure_ascii=False,
    )


def last_failure(text: str | None, tz: tzinfo | None = None) -> str | None:
    """Check 4: the problem the last full verification found, or None if it passed (or never ran).
    Its time is kept in UTC and said in the station's (`tz`)."""
    if not text:
        return None
    try:
        kept = json.loads(text)
        if kept["ok"]:
            return None
        at = datetime.fromisoformat(kept["at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return f"The last `broadcaster log verify` (at {at}) found: {kept['problem']}"
    except (ValueError, KeyError, TypeError):
        return "The result of the last `broadcaster log verify` kept in the database is unreadable (it was altered)."


# --- the figures, summed again, against those stored (`log verify`) ---------------------------


def compare(expected: Mapping[tuple[str, date], SumRow], stored: Iterable[tuple[SumRow, str | None]]) -> list[str]:
    """What differs between the figures summed from the log (`expected`) and those stored, for `log verify`."""
    problems = []
    seen = set()
    for row, hash_there in stored:
        seen.add((row.span, row.start))
        problem = check_row(row, hash_there)
        want = expected.get((row.span, row.start))
        if problem is None and want is None:
            problem = f"The airtime figures of {row.label()} are for days without airings in the log: they were added."
        elif problem is None and want != row:
            problem = (
                f"The airtime figures of {row.label()} do not match the airings of those days: "
                "they were changed and sealed again."
            )
        if problem is not None:
            problems.append(problem)
    problems += [
        f"The airtime figures of {want.label()} are missing: they were deleted."
        for key, want in sorted(expected.items())
        if key not in seen
    ]
    return problems


def names_missing_airings(row: SumRow, hash_at_last_seq: str | None) -> bool:
    """The row names an airing the log no longer holds as it was: evidence that summing again would erase."""
    return hash_at_last_seq != row.last_hash
