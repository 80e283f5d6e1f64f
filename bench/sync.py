"""A venue's day synced to central (docs/sync.md): records per second applied at central, and the
time for a whole day to travel.

    .venv/bin/python -m bench.sync --sessions 500 --events 200 --batch 1000

1. The venue's day: `--sessions` finished sessions of `--events` events each and one ticket per
   session, written into a fresh SQLite venue database with their outbox positions (in bulk:
   the day's own writes are measured by bench/commits.py), as the venue would hold them after a
   day offline.
2. Central: a real `vr-server` process on a fresh PostgreSQL database of the machine's server
   (tests/support/postgres.py), with the venue registered; the venue pairs over HTTP.
3. The sync: the venue's own `SyncService.run_once` (this process) sends the whole outbox in
   batches of `--batch` records to central, which applies each in one transaction. Timed: the
   whole day, and each batch (p50/p95/p99/max).
4. Again, after pairing once more (central's mark restarts at 0): the whole day re-sent, every
   row already there (the cost of a replay: nothing is written but the mark).
5. Central's database work alone: the same batches (built beforehand) applied by
   `SqlVenues.apply` in this process to the PostgreSQL database, as another venue.

Also measured: the central process's CPU seconds during each HTTP run.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import insert, update

from tests.support.harness import ServerProcess
from tests.support.postgres import Postgres
from vr_server.protocol.sync import SyncBatch
from vr_server.services.sync import SyncService
from vr_server.storage import SqlStore, migrate
from vr_server.storage import tables as t


async def write_day(store: SqlStore, sessions: int, events: int) -> int:
    """A venue's day in bulk, positions included; how many records."""
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    headset = await store.headsets.enroll("bench", None, "h" * 64, start)
    position = 0
    async with store.engine.begin() as conn:
        for n in range(sessions):
            sid, tid = str(uuid.uuid4()), str(uuid.uuid4())
            at = start + timedelta(seconds=60 * n)
            position += 1
            await conn.execute(
                insert(t.tickets).values(
                    id=tid, venue_day="2026-12-01", number=n + 1, language="th",
                    interests='["cook"]', status="done", created_at=at, ended_at=at,
                    session_id=sid, has_personal_data=False, sync_seq=position,
                )
            )  # fmt: skip
            rows = []
            for seq in range(1, events + 1):
                position += 1
                body = {"kind": "interaction", "step_id": "pick", "node": "knife", "n": seq}
                rows.append(
                    {
                        "session_id": sid, "seq": seq, "kind": "interaction", "step_id": "pick",
                        "body": json.dumps(body), "client_at": float(seq),
                        "received_at": at, "sync_seq": position,
                    }
                )  # fmt: skip
            position += 1
            await conn.execute(
                insert(t.sessions).values(
                    id=sid, headset_id=headset.id, scene_id="cook", scene_version="1.0.0",
                    state="finished", machine="{}", result='{"score": 40, "max_score": 50}',
                    created_at=at, updated_at=at, row_version=events + 1, ticket_id=tid,
                    rating=4, rated_at=at, sync_seq=position,
                )
            )  # fmt: skip
            await conn.execute(insert(t.session_events), rows)
        await conn.execute(update(t.sync_clock).values(value=position))
    return sessions * (events + 2)


class Timed(httpx.AsyncBaseTransport):
    """The network transport, timing each batch post."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.batches: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if request.url.path == "/api/sync/batch":
            self.batches.append((time.perf_counter() - start) * 1000)
        return response


def figures(took: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(took, n=100, method="inclusive") if len(took) > 1 else took * 99
    return {
        "batches": len(took),
        "p50_ms": round(statistics.median(took), 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(max(took), 1),
    }


async def send_day(
    store: SqlStore, central: ServerProcess, code: str, batch: int
) -> dict[str, Any]:
    transport = Timed()
    sync = SyncService(store.venue_link, store.outbox, batch_records=batch, transport=transport)
    runs = {}
    for name in ("first", "replay"):
        if name == "replay":  # paired again (a new code): central's mark restarts at 0
            again = central.cli("central", "venue", "code", "bench venue", "--json")
            code = json.loads(again.stdout)["code"]
        await sync.pair(central.url, code)
        transport.batches.clear()
        assert central.proc is not None
        process = psutil.Process(central.proc.pid)
        cpu = process.cpu_times()
        start = time.perf_counter()
        await sync.run_once()
        wall = time.perf_counter() - start
        after = process.cpu_times()
        status = await sync.status()
        assert status.waiting == 0, status
        central_cpu = after.user + after.system - cpu.user - cpu.system
        runs[name] = {
            "wall_s": round(wall, 2),
            "central_cpu_s": round(central_cpu, 2),
            **figures(transport.batches),
        }
    return runs


async def apply_only(store: SqlStore, database: str, batch: int) -> dict[str, Any]:
    """Central's database work alone: the venue's batches read beforehand, then applied one
    after another in this process (`SqlVenues.apply` on the PostgreSQL database)."""
    batches, after = [], 0
    while True:
        pending = await store.outbox.pending(after, batch)
        if not pending.records:
            break
        batches.append(pending)
        after = pending.upto
    central = SqlStore.from_url(database)
    try:
        venue = await central.venues.create("apply-only venue")
        took = []
        start = time.perf_counter()
        for p in batches:
            one = SyncBatch(
                venue_id=venue.id, after=p.after, upto=p.upto, sessions=p.sessions,
                events=p.events, tickets=p.tickets,
            )  # fmt: skip
            began = time.perf_counter()
            await central.venues.apply(venue.id, one)
            took.append((time.perf_counter() - began) * 1000)
        wall = time.perf_counter() - start
    finally:
        await central.close()
    records = sum(p.records for p in batches)
    return {"wall_s": round(wall, 2), "records_per_s": round(records / wall), **figures(took)}


async def measure(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    venue = SqlStore.from_url(f"sqlite+aiosqlite:///{folder / 'venue.sqlite3'}")
    await migrate(venue)
    pg = Postgres()
    database = await pg.acreate()
    central = ServerProcess(folder / "central", [], database_url=database)
    try:
        records = await write_day(venue, args.sessions, args.events)
        await asyncio.to_thread(central.start)
        added = central.cli("central", "venue", "add", "bench venue", "--json")
        runs = await send_day(venue, central, json.loads(added.stdout)["code"], args.batch)
        for run in runs.values():
            run["records_per_s"] = round(records / run["wall_s"])
        runs["apply_only"] = await apply_only(venue, database, args.batch)
        return {"sessions": args.sessions, "events": args.events, "records": records,
                "batch": args.batch, **runs}  # fmt: skip
    finally:
        await asyncio.to_thread(central.stop)
        await venue.close()
        await pg.adrop(database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(asyncio.run(measure(args, Path(folder))), indent=2))


if __name__ == "__main__":
    main()
