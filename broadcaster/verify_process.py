"""Checking and summing the first part of the airing log in a second process (for `log verify`).

A full verification re-hashes every record and sums every record into the airtime figures:
plain Python over 75,000 records for ten years, seconds on the station PC. On a machine with
two cores a forked child checks airings 1..M of the chain and sums them into figures, from the
rows it reads once, while the parent does the same for M+1..N (M is chosen so both take about
as long). The parent then joins the two verdicts (`ChainScan.after`): the same verdict and
message as one scan; and the two parts' figures (reports/daybook_join.py): the figures of one
pass. The child opens its own database connection (a connection must never cross a fork),
sends back its result and leaves with `os._exit` (no clean-up of anything it inherited).
Where forking is not available or not safe (one core, other threads running, not Linux or
macOS), or the child fails, the parent checks and sums the whole log itself: only slower.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from datetime import tzinfo
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from broadcaster.airlog import ChainHead, VerifyResult
from broadcaster.airlog_verify import ChainScan
from broadcaster.reports.daybook import Daybook, ItemDays
from broadcaster.reports.log_days import adder

if TYPE_CHECKING:
    from broadcaster.reports.log_days import OnRecord

log = logging.getLogger(__name__)

MIN_SPLIT = 5000  # a shorter log: one process


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Two cores, no other thread (a fork copies only the calling thread), and fork on this system."""
    return _cores() >= 2 and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


# How the child reads airings 1..M of the log into a ChainScan and a figures adder (its own connection).
PartScan = Callable[[ChainScan, "OnRecord"], None]


def _check(scan: PartScan, head: ChainHead | None, tz: tzinfo, pipe: Connection, parents: Connection) -> None:
    parents.close()  # the parent's end, inherited: closed here, so the parent closing it ends a wait for it
    try:
        checker, book = ChainScan(head), Daybook()
        scan(checker, adder(book, tz))
        result = checker.result(check_head=False)
        # The figures only count when the chain holds: a broken chain is the verdict, and nothing to send.
        pipe.send((result, checker.at_head(), (book.days, book.last, book.count) if result.ok else None))
        if result.ok:
            # Of the items' days, only those of the items the parent's part holds too (sending them all
            # costs more than summing them).
            wanted = pipe.recv()
            pipe.send({item_id: book.items[item_id] for item_id in wanted if item_id in book.items})
    except (EOFError, BrokenPipeError):
        pass  # the parent needs nothing more (or is gone)
    except BaseException as exc:  # the parent checks the log itself
        with contextlib.suppress(OSError):
            pipe.send(f"{type(exc).__name__}: {exc}")
    finally:
        pipe.close()


class ChainJob:
    """Airings 1..`until` of the log, being checked and summed in a child process.

    Ask for its `result()`, then (if it has figures) `earlier_days`; `close()` in any case."""

    def __init__(self, process: Any, pipe: Connection, until: int) -> None:
        self._process = process
        self._pipe = pipe
        self.until = until

    @classmethod
    def start(cls, scan: PartScan, head: ChainHead | None, until: int, tz: tzinfo) -> ChainJob | None:
        """Airings 1..`until` checked and summed by `scan` in a child; None when the chain is better
        checked in this process (see the module docstring)."""
        if not _can_fork():
            return None
        context = multiprocessing.get_context("fork")
        mine, theirs = context.Pipe()
        process = context.Process(target=_check, args=(scan, head, tz, theirs, mine), daemon=True)
        try:
            process.start()
        except OSError as exc:
            log.info("chain check stays in this process: %s", exc)
            return None
        theirs.close()
        return cls(process, mine, until)

    def result(self) -> tuple[VerifyResult, str | None, Daybook | None] | None:
        """The child's verdict on its part (without the head check), its hash of the head's airing, and
        its part summed, without the items' days (None when its chain does not hold); None if it failed
        (then check the log here)."""
        answer = self._receive()
        if not isinstance(answer, tuple):
            return None
        chain, at_head, figures = answer
        if figures is None:
            return chain, at_head, None
        book = Daybook()
        book.days, book.last, book.count = figures
        return chain, at_head, book

    def earlier_days(self, item_ids: list[int]) -> dict[int, ItemDays] | None:
        """The on-air days in the child's part of these items (those it holds); None if it failed."""
        try:
            self._pipe.send(item_ids)
        except OSError:
            return None
        answer = self._receive()
        return answer if isinstance(answer, dict) else None

    def close(self) -> None:
        """Wait for the child; again: nothing more."""
        self._pipe.close()
        self._process.join()

    def _receive(self) -> Any:
        try:
            answer = self._pipe.recv()
        except (EOFError, OSError):
            answer = "the child process ended without an answer"
        if isinstance(answer, str):
            log.warning("the check of the log in a second process failed (%s); checking it here", answer)
        return answer
