"""Checking most of the hash chain in a second process while this one sums the figures (for `log verify`).

A full verification re-hashes every record and sums every record into the airtime figures:
both plain Python over 75,000 records for ten years, a second or more each on the station
PC. On a machine with two cores a forked child checks airings 1..M of the chain while the
parent sums the figures and checks M+1..N (M is chosen so both take about as long); the
parent then joins the two verdicts (`ChainScan.after`): the same verdict and message as one
scan. The child opens its own database connection (a connection must never cross a fork),
sends back its result and leaves with `os._exit` (no clean-up of anything it inherited).
Where forking is not available or not safe (one core, other threads running, not Linux or
macOS), or the child fails, the parent checks the whole chain itself: only slower.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from typing import Any

from broadcaster.airlog import ChainHead, VerifyResult

log = logging.getLogger(__name__)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _check(url: str, head: ChainHead | None, until: int, pipe: Connection) -> None:
    try:
        from broadcaster.airlog_verify import ChainScan
        from broadcaster.store import airings
        from broadcaster.store.db import Database

        database = Database(url)
        checker = ChainScan(head)
        with database.session() as session:
            airings.scan(session, checker, until=until)
        pipe.send((checker.result(check_head=False), checker.at_head()))
    except BaseException as exc:  # the parent checks the chain itself
        pipe.send(f"{type(exc).__name__}: {exc}")
    finally:
        pipe.close()


class ChainJob:
    """Airings 1..`until` of the chain of the database at `url`, being checked in a child process."""

    def __init__(self, process: Any, pipe: Connection) -> None:
        self._process = process
        self._pipe = pipe

    @classmethod
    def start(cls, url: str, head: ChainHead | None, until: int) -> ChainJob | None:
        """None when the chain is better checked in this process (see the module docstring)."""
        if _cores() < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
            return None
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_check, args=(url, head, until, send), daemon=True)
        try:
            process.start()
        except OSError as exc:
            log.info("chain check stays in this process: %s", exc)
            return None
        send.close()
        return cls(process, receive)

    def result(self) -> tuple[VerifyResult, str | None] | None:
        """The child's verdict on its part (without the head check) and its hash of the head's airing;
        None if it failed (then check the chain in this process)."""
        try:
            answer = self._pipe.recv()
        except (EOFError, OSError):
            answer = "the child process ended without an answer"
        finally:
            self._pipe.close()
            self._process.join()
        if isinstance(answer, tuple):
            return answer
        log.warning("the chain check in a second process failed (%s); checking it here", answer)
        return None
