"""`log verify`'s full check, over any store of the log (`LogSource`): the chain and the figures.

Every record is re-hashed and linked, the code of an earlier report (COUNT:HASH or HASH) is
checked, and every day and run of figures is summed again and compared. With two cores a second
process checks and sums the first part of the log while this one checks and sums the rest
(verify_process.py), each reading its rows once: the same verdict as one pass. The verdict is
kept in the database: a report refuses a log whose last full check failed.

Two stores read the log: the ORM (store/log_orm.py, any database) and, on a plain SQLite file,
the standard library's driver (store/sealed_sqlite.py), which spares the command the import of
SQLAlchemy, a fifth of its time (service/log_verify.py). This module imports neither.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Protocol

from broadcaster.airlog import ChainHead, VerifyResult, parse_chain_head
from broadcaster.airlog_verify import ChainScan
from broadcaster.errors import BroadcasterError
from broadcaster.reports.daybook import Daybook, SumRow
from broadcaster.reports.daybook_join import join
from broadcaster.reports.log_days import OnRecord, adder, tz_name
from broadcaster.reports.verification import LogVerdict, compare, verdict_text
from broadcaster.verify_process import MIN_SPLIT, ChainJob, PartScan

log = logging.getLogger(__name__)


class LogSource(Protocol):
    """The airing log and its stored figures, as the full check reads them."""

    child_share: float  # the second process's share of the log (bench_verify: both parts take as long)

    def head(self) -> tuple[int, str]:
        """The last airing's number and hash."""

    def count(self) -> int: ...

    def seq_of(self, record_hash: str) -> int | None: ...

    def hash_of(self, seq: int) -> str | None: ...

    def built_for(self) -> str | None:
        """The time zone the stored figures were summed for (None: never)."""

    def scan(self, checker: ChainScan, on_record: OnRecord | None, after: int = 0) -> None:
        """Feed the airings after #`after` to `checker` (store.airings.scan), and those it verified to `on_record`."""

    def part_scan(self, until: int) -> PartScan:
        """How a forked child reads airings 1..`until` (its own connection: none crosses a fork)."""

    def stored_rows(self) -> list[tuple[SumRow, str | None]]:
        """Every stored day and run, with the hash the log holds for the airing each names (store.summary)."""

    def sum_log(self, tz: tzinfo, book: Daybook | None = None, after: int = 0) -> Daybook:
        """The figures of the airings after #`after` summed into `book` (store.summary.sum_log)."""

    def keep_verdict(self, text: str, now: datetime) -> None: ...


def parse_head(source: LogSource, text: str) -> ChainHead:
    """`COUNT:HASH` as printed on a report, or the bare HASH."""
    if ":" in text:
        return parse_chain_head(text)
    wanted = text.strip().lower()
    parse_chain_head(f"0:{wanted}", typed=text)  # the same format check; the refusal quotes what was typed
    seq = source.seq_of(wanted)
    if seq is not None:
        return ChainHead(hash=wanted, count=seq)
    # Not found: the record it names is gone (or the code is mistyped); report it as a longer log.
    return ChainHead(hash=wanted, count=source.count() + 1)


def check_log(source: LogSource, tz: tzinfo, head_text: str | None, now: Callable[[], datetime]) -> LogVerdict:
    """The full check of the log in `source` (station time zone `tz`), the verdict kept."""
    head = parse_head(source, head_text) if head_text else None
    built = source.built_for() == tz_name(tz)
    split = round(source.head()[0] * source.child_share)
    # The check builds large acyclic structures (and receives the child's): the collector's passes over
    # them found nothing and took a tenth of the command's time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        job = ChainJob.start(source.part_scan(split), head, split, tz) if built and split >= MIN_SPLIT else None
        verdict = _verify_here(source, tz, head, built) if job is None else _verify_split(source, tz, head, job)
    finally:
        if collecting:
            gc.enable()
    at = now()
    try:
        source.keep_verdict(verdict_text(verdict, at), at)
    except BroadcasterError as exc:  # e.g. a read-only copy of the database: the verdict still stands
        log.warning("could not keep the verification result in the database: %s", exc)
    return verdict


def _verify_split(source: LogSource, tz: tzinfo, head: ChainHead | None, job: ChainJob) -> LogVerdict:
    """Airings after the child's part checked and summed here, then joined with the child's part."""
    try:
        later = Daybook(later=True)
        second = ChainScan(head, after=job.until, prev=source.hash_of(job.until) or "")
        source.scan(second, adder(later, tz), after=job.until)
        first = job.result()
        chain = second.after(first[0], first[1]) if first else None
        if chain is not None and not chain.ok:
            return LogVerdict(chain)
        book = first[2] if first is not None and chain is not None else None
        earlier = job.earlier_days(list(later.items)) if book else None
    finally:
        job.close()
    if chain is None or book is None or earlier is None:  # the child failed, or the log changed meanwhile
        return _verify_here(source, tz, head, True)
    book.items = earlier
    # The joined book holds the days of the later part's items only: enough for its figures, not to go on.
    return _judge(chain, *stored_when_summed(source, tz, join(book, later), whole=False))


def _verify_here(source: LogSource, tz: tzinfo, head: ChainHead | None, built: bool) -> LogVerdict:
    """The chain and the figures in one pass over the log, in this process."""
    book = Daybook()
    checker = ChainScan(head)
    source.scan(checker, adder(book, tz) if built else None)
    if not built or not checker.result().ok:
        return LogVerdict(checker.result())
    return _judge(checker.result(), *stored_when_summed(source, tz, book))


def stored_when_summed(
    source: LogSource, tz: tzinfo, book: Daybook, whole: bool = True
) -> tuple[Daybook, list[tuple[SumRow, str | None]]]:
    """The stored figures as they were for the airings `book` summed (the daemon may log more
    meanwhile: then the book goes on with them; from the start, unless it is `whole`)."""
    for _attempt in range(5):
        stored = source.stored_rows()
        if source.head()[0] == book.count:
            break
        book = source.sum_log(tz, book, after=book.count) if whole else source.sum_log(tz)
        whole = True
    return book, stored


def _judge(chain: VerifyResult, book: Daybook, stored: list[tuple[SumRow, str | None]]) -> LogVerdict:
    if not chain.ok:
        return LogVerdict(chain)
    problems = compare(book.all_rows(), stored)
    if not problems:
        return LogVerdict(chain, None, len(stored))
    more = len(problems) - 1
    extra = f" (and {more} more)" if more else ""
    return LogVerdict(chain, problems[0] + extra, len(stored))
