"""What the hub benches share: a fresh hub database, a registered province, realistic records.

Not a bench itself. The hub's database is PostgreSQL: --database URL, or a database named
after BROADCASTER_TEST_PG_URL's with `_bench` appended (created if missing, emptied first).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from broadcaster import signing
from broadcaster.airlog import GENESIS, AiredItem, AiringDraft, AiringRecord, seal
from broadcaster.hub.service import Hub
from broadcaster.hub.settings import HubSettings
from broadcaster.hub.tables import StationRow
from broadcaster.hublink import protocol

SLOTS = ("Bản tin sáng", "Bản tin trưa", "Bản tin chiều")


def bench_database(url: str | None) -> str:
    if url:
        return url
    base = os.environ.get("BROADCASTER_TEST_PG_URL")
    if not base:
        sys.exit('Give --database URL or start PostgreSQL: eval "$(bash scripts/start-postgres.sh)"')
    parsed = make_url(base)
    name = f"{parsed.database}_bench"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def fresh_hub(url: str, folder: Path) -> Hub:
    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    hub = Hub(HubSettings(database=url, key_file=folder / "hub-key.pem"))
    hub.init()
    return hub


@dataclass
class Commune:
    code: str
    key: Ed25519PrivateKey
    head: AiringRecord | None = None


def register(hub: Hub, n: int) -> list[Commune]:
    """n stations in one statement (registering is not what is measured)."""
    communes = [Commune(f"XA-{i:04d}", signing.generate()) for i in range(1, n + 1)]
    now = datetime.now(UTC)
    rows = [
        {
            "code": c.code,
            "name": f"Xã số {i}",
            "public_key": signing.public_text(c.key),
            "created_at": now,
            "head_count": 0,
            "head_hash": GENESIS,
            "head_prev_hash": GENESIS,
            "cursor": 0,
        }
        for i, c in enumerate(communes, start=1)
    ]
    with hub.db.session() as session:
        session.execute(insert(StationRow), rows)
    return communes


def day_of_records(commune: Commune, day: datetime, per_day: int, district_item: int | None) -> list[AiringRecord]:
    """A day of airings: `per_day` slots, three items each (the first from the district when given)."""
    records = []
    for k in range(per_day):
        at = day + timedelta(hours=6 + 2.5 * k)
        items = tuple(
            AiredItem(
                item_id=district_item if (j == 0 and district_item) else 100 + k * 3 + j,
                title=f"Tin tuyên truyền cải cách hành chính số {k * 3 + j}",
                topic="thu-tuc",
                priority="normal",
                offset_seconds=95.0 * j,
                duration_seconds=90.0,
                engine="gtts",
                voice="vi",
                approved_by="Trần Thị Bình",
                approved_at=at - timedelta(days=1),
                completed=True,
            )
            for j in range(3)
        )
        draft = AiringDraft(
            slot=SLOTS[k % len(SLOTS)],
            kind="slot",
            scheduled_at=at,
            started_at=at,
            ended_at=at + timedelta(seconds=285),
            duration_seconds=285.0,
            status="completed",
            reason=None,
            output="device",
            device="default",
            amplifier="command",
            audio_sha256="ab" * 32,
            exemption=None,
            items=items,
        )
        prev = commune.head
        record = seal(draft, prev.hash if prev else GENESIS, (prev.seq if prev else 0) + 1)
        commune.head = record
        records.append(record)
    return records


def push_request(commune: Commune, records: Sequence[AiringRecord], sources: dict[int, str]) -> tuple[bytes, str]:
    """The body and Authorization header of one push, signed now."""
    now = datetime.now(UTC)
    body = json.dumps(protocol.records_body(commune.key, commune.code, records, sources, 0, now)).encode()
    return body, protocol.authorization(commune.key, commune.code, "POST", protocol.PATH_RECORDS, body, now)


def exchange_request(commune: Commune, cursor: int) -> tuple[bytes, str]:
    now = datetime.now(UTC)
    head = commune.head
    doc = {
        "cursor": cursor,
        "limit": 50,
        "head": {"count": head.seq if head else 0, "hash": head.hash if head else GENESIS},
        "status": {
            "version": "0.1.0",
            "disk_free_mb": 81234,
            "daemon": "running",
            "next_slot": protocol.timestamp(now),
        },
    }
    body = json.dumps(doc, separators=(",", ":")).encode()
    return body, protocol.authorization(commune.key, commune.code, "POST", protocol.PATH_EXCHANGE, body, now)


class Server:
    """`broadcaster hub serve` in its own process, as the district runs it."""

    def __init__(self, url: str, key_file: Path, log: Path, workers: int = 1) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        script = Path(sys.executable).with_name("broadcaster")
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            [
                *(str(script), "hub", "--database", url, "--key", str(key_file)),
                *("serve", "--port", str(self.port), "--workers", str(workers)),
            ],
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + protocol.PATH_HUB, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit(f"the hub did not start; see {log}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by `hub serve` and its worker processes (from /proc): a figure that
        holds when other work shares the machine, unlike the wall clock."""
        return sum(_cpu_of(pid) for pid in [self.proc.pid, *_children(self.proc.pid)])

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(15)
        self.log.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def as_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # the fields after the command's name


def _cpu_of(pid: int) -> float:
    try:
        fields = _stat(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


# --- a light HTTP client: the bench's 8 "stations" share the hub's 2 cores, so they must cost little


def http_request(port: int, method: str, path: str, body: bytes = b"", authorization: str | None = None) -> bytes:
    """One HTTP/1.1 request as a station's client sends it (keep-alive), prepared before the clock starts."""
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: */*", "User-Agent: broadcaster-bench"]
    if authorization is not None:
        head.append(f"Authorization: {authorization}")
    if method == "POST":
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


async def _answer(reader: Any) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = next(int(line.split(":", 1)[1]) for line in lines[1:] if line.lower().startswith("content-length:"))
    return status, await reader.readexactly(length)


def send_all(port: int, jobs: Sequence[Sequence[bytes]], connections: int) -> tuple[float, list[float], list[bytes]]:
    """Send each job's requests in turn over `connections` keep-alive connections (asyncio, one thread);
    the wall time, each job's latency and the last answer's body of each job. Any non-200 stops it."""
    import asyncio

    latencies: list[float] = [0.0] * len(jobs)
    answers: list[bytes] = [b""] * len(jobs)
    queue = iter(range(len(jobs)))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for i in queue:
            started = time.perf_counter()
            for request in jobs[i]:
                writer.write(request)
                status, answers[i] = await _answer(reader)
                if status != 200:
                    raise SystemExit(f"the hub answered {status}: {answers[i][:300]!r}")
            latencies[i] = time.perf_counter() - started
        writer.close()

    async def run() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return time.perf_counter() - started

    return asyncio.run(run()), latencies, answers


class DatabaseCPU:
    """CPU time of the PostgreSQL backends serving the bench's database (same machine, from /proc):
    with the hub's own, what a station's sync costs the machine."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)

    def seconds(self) -> float:
        with self.engine.connect() as connection:
            pids = connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            ).scalars()
            return sum(_cpu_of(pid) for pid in pids)
