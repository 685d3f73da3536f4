"""Stations' pushes stored together: a group of stations' batches checked one by one and written
in one transaction (group commit), each station answered only after the commit.

A province syncs 600 stations within minutes; one transaction per station costs the hub more in
statements and commits than in checking. `Intake` (one per `hub serve` process) is a writer
thread: requests wait in its queue while it stores the previous group, and it takes all that
waited (one request per station) as the next group. Every check is the one a single push gets,
in the same order: the body is JSON, the request is signed by the station's registered key near
the hub's time, the nonce is new, every hash is recomputed and continues the chain, the head is
signed. A station refused for any of those is answered with its error and writes nothing but
its nonce (or its fork flag); the others of its group are stored. If the group's transaction
fails as a whole, each of its requests is retried alone, so one station cannot lose another's.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.errors import BroadcasterError
from broadcaster.hub import bulk
from broadcaster.hub.auth import (
    HubAPIError,
    SignedRequest,
    check_signed,
    credentials,
    parse_body,
    remember_nonces,
    replayed,
)
from broadcaster.hub.continuity import Problem
from broadcaster.hub.ingest import READ, WRITTEN, Batch, LockedStation, store, verify
from broadcaster.hub.service import Hub
from broadcaster.hub.tables import StationRow, table
from broadcaster.hublink import protocol

log = logging.getLogger(__name__)

# A station's answer: its receipt, or the error to send it (HubAPIError; a StoreError when the
# database failed it even alone).
Result = dict[str, Any] | Exception

MAX_GROUP = 64


def records(hub: Hub, requests: Sequence[SignedRequest]) -> list[Result]:
    """Verify and store each request's batch: a group of distinct stations in one transaction;
    a station named twice waits for the next group. Answers in the requests' order."""
    results: list[Result | None] = [None] * len(requests)
    waiting = list(range(len(requests)))
    while waiting:
        group: dict[str, int] = {}  # station -> request (unsigned requests each on their own)
        later = []
        for i in waiting:
            code = _station_of(requests[i]) or f"#{i}"
            if code in group:
                later.append(i)
            else:
                group[code] = i
        for i, result in zip(group.values(), _group(hub, [requests[i] for i in group.values()]), strict=True):
            results[i] = result
        waiting = later
    return [r for r in results if r is not None]


def _station_of(request: SignedRequest) -> str | None:
    creds = protocol.parse_authorization(request.authorization)
    return creds.station if creds is not None else None


def _group(hub: Hub, requests: list[SignedRequest]) -> list[Result]:
    try:
        return _transaction(hub, requests)
    except Exception as exc:
        if len(requests) == 1:
            return [exc]
        log.warning("a group of %d pushes failed (%s); storing each alone", len(requests), exc)
        return [_transaction_or_error(hub, request) for request in requests]


def _transaction_or_error(hub: Hub, request: SignedRequest) -> Result:
    try:
        return _transaction(hub, [request])[0]
    except Exception as exc:  # the station gets its error; the others of the group are stored
        return exc


def _transaction(hub: Hub, requests: list[SignedRequest]) -> list[Result]:
    """One transaction for a group of requests from distinct stations."""
    results: list[Result | None] = [None] * len(requests)
    claimed: list[tuple[int, Any, dict[str, Any]]] = []
    for i, request in enumerate(requests):
        try:
            doc = parse_body(request.body)
            claimed.append((i, credentials(request), doc))  # nothing trusted yet
        except HubAPIError as exc:
            results[i] = exc
    now, window = hub.now(), hub.settings.request_window_seconds
    with hub.db.session() as session:
        stations = _lock(session, sorted({creds.station for _i, creds, _doc in claimed}))
        signed = []
        for i, creds, doc in claimed:
            try:
                station = stations.get(creds.station)
                offset = check_signed(station, creds, requests[i], now, window)
            except HubAPIError as exc:
                results[i] = exc
                continue
            assert station is not None
            signed.append((i, station, creds.nonce, offset, doc))
        fresh = remember_nonces(session, [(station.id, nonce) for _i, station, nonce, _o, _d in signed], now)
        batches: list[Batch] = []
        for i, station, nonce, offset, doc in signed:
            results[i] = (
                _verified(hub, session, station, offset, doc, now, batches)
                if (station.id, nonce) in fresh
                else replayed()
            )
        writes = store(session, batches, now, hub.settings.tz)
        written = [station for i, station, *_rest in signed if not _refused_alone(results[i])]
        stations_written = {c: [getattr(s, c) for s in written] for c in ("id", *WRITTEN)}
        bulk.write(session, [*writes, bulk.Rows(table(StationRow), stations_written, key="id")])  # one round trip
    return [r for r in results if r is not None]


def _refused_alone(result: Result | None) -> bool:
    """Refused with nothing to keep on the station's row (a fork keeps its flag, a receipt its head)."""
    return isinstance(result, HubAPIError) and result.extra.get("acknowledged") is None


def _verified(
    hub: Hub,
    session: Session,
    station: LockedStation,
    offset: int,
    doc: dict[str, Any],
    now: datetime,
    batches: list[Batch],
) -> Result:
    try:
        outcome = verify(
            session, station, doc, now=now, key=hub.key, max_records=hub.settings.max_records, batches=batches
        )
    except HubAPIError as exc:
        return exc
    station.clock_offset_ms = offset
    if outcome.problem is not None:
        # The flag on a forked station is committed with the group; the batch is not stored.
        return _refused(outcome.problem, {"count": station.head_count, "hash": station.head_hash})
    assert outcome.receipt is not None
    return outcome.receipt


def _refused(problem: Problem, acknowledged: dict[str, Any]) -> HubAPIError:
    return HubAPIError(
        problem.status, problem.code, problem.message, extra={"seq": problem.seq, "acknowledged": acknowledged}
    )


def _lock(session: Session, codes: list[str]) -> dict[str, LockedStation]:
    """The group's stations' rows, locked in id order (as every group is: no two wait on each other)."""
    if not codes:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        # A fixed text on the driver's cursor: building, caching and reading SQLAlchemy's select cost
        # more CPU than the stations' signature checks. Times come back aware, as UTCDateTime gives them.
        return {row[1]: LockedStation(*row) for row in bulk.fetch(session, _LOCK_SQL, [codes])}
    columns = table(StationRow).c
    query = select(*(columns[c] for c in READ)).where(columns.code.in_(codes)).order_by(columns.id).with_for_update()
    return {row.code: LockedStation(*row) for row in session.execute(query)}


_LOCK_SQL = f"SELECT {', '.join(READ)} FROM stations WHERE code = ANY(%b) ORDER BY id FOR UPDATE"  # noqa: S608


class Intake:
    """The writer thread of one `hub serve` process: `await intake.push(request)` is the push's answer,
    given once its group is committed (or refused)."""

    def __init__(self, hub: Hub, max_group: int = MAX_GROUP) -> None:
        self.hub = hub
        self.max_group = max_group
        self._queue: deque[tuple[SignedRequest, asyncio.AbstractEventLoop, asyncio.Future[Result]]] = deque()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    async def push(self, request: SignedRequest) -> Result:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Result] = loop.create_future()
        with self._wake:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hub-intake", daemon=True)
                self._thread.start()
            self._queue.append((request, loop, answer))
            self._wake.notify()
        return await answer

    def _next_group(self) -> list[tuple[SignedRequest, asyncio.AbstractEventLoop, asyncio.Future[Result]]]:
        with self._wake:
            while not self._queue:
                self._wake.wait()
            group: list[tuple[SignedRequest, asyncio.AbstractEventLoop, asyncio.Future[Result]]] = []
            stations: set[str | None] = set()
            kept = []
            while self._queue and len(group) < self.max_group:
                item = self._queue.popleft()
                code = _station_of(item[0])
                if code is not None and code in stations:
                    kept.append(item)  # a station's second request waits for the next group
                    continue
                stations.add(code)
                group.append(item)
            self._queue.extendleft(reversed(kept))
            return group

    def _run(self) -> None:
        while True:
            group = self._next_group()
            try:
                results = records(self.hub, [request for request, _loop, _answer in group])
            except BaseException as exc:  # never leave a station waiting
                results = [exc if isinstance(exc, Exception) else BroadcasterError(str(exc))] * len(group)
            for (_request, loop, answer), result in zip(group, results, strict=True):
                loop.call_soon_threadsafe(_settle, answer, result)


def _settle(answer: asyncio.Future[Result], result: Result) -> None:
    if not answer.done():  # the client may have gone away
        answer.set_result(result)
