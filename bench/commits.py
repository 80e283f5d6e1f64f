"""What an acknowledged event costs on SQLite: synchronous=FULL (the default, durable on a
power cut) against NORMAL (durable on a crash of the process only).

    .venv/bin/python -m bench.commits --sessions 50 --events 40

Each of `--sessions` sessions stores `--events` events one after another through the store's
own `sessions.save` (the write an `ack` waits for), all sessions at once; then one session alone
stores `--events` events (an ack's latency with no other writer). Prints one JSON object per
mode: events per second and the commit latency p50/p99 in ms. `bench/sessions.py` does not
store events (telemetry and commands are not written), so it cannot show this cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from vr_server.storage import SqlStore, migrate
from vr_server.storage.records import EventRecord, SessionRecord, TransitionRecord
from vr_server.storage.sqlite_files import Synchronous


async def one_session(store: SqlStore, headset_id: str, sid: str, events: int) -> list[float]:
    now = datetime.now(UTC)
    record = SessionRecord(sid, headset_id, "cook", "1.0.0", "running", {}, None, now, now, 1)
    await store.sessions.create(record, TransitionRecord(sid, now, "lobby", "running", "start"))
    took: list[float] = []
    for seq in range(1, events + 1):
        body = {"choice": "ก", "step": seq}
        event = EventRecord(sid, seq, "answer", "quiz", body, float(seq), now)
        later = replace(record, row_version=record.row_version + 1, machine={"n": seq})
        start = time.perf_counter()
        await store.sessions.save(later, expected_version=record.row_version, event=event)
        took.append((time.perf_counter() - start) * 1000)
        record = later
    return took


def _figures(took: list[float], wall_s: float) -> dict[str, float]:
    cuts = statistics.quantiles(took, n=100)
    return {
        "events_per_s": round(len(took) / wall_s, 1),
        "p50_ms": round(statistics.median(took), 2),
        "p99_ms": round(cuts[98], 2),
    }


async def measure(mode: Synchronous, sessions: int, events: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'vr.sqlite3'}"
        store = SqlStore.from_url(url, sqlite_synchronous=mode)
        await migrate(store)
        try:
            now = datetime.now(UTC)
            headsets = [
                await store.headsets.enroll(f"dev-{i}", None, f"{i:064d}", now)
                for i in range(sessions + 1)
            ]
            start = time.perf_counter()
            runs = await asyncio.gather(
                *(one_session(store, h.id, f"s{i}", events) for i, h in enumerate(headsets[1:]))
            )
            together = _figures([ms for run in runs for ms in run], time.perf_counter() - start)
            start = time.perf_counter()
            alone_took = await one_session(store, headsets[0].id, "alone", events)
            alone = _figures(alone_took, time.perf_counter() - start)
        finally:
            await store.close()
    return {"synchronous": mode, "sessions_at_once": sessions, "together": together, "alone": alone}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--events", type=int, default=40, help="events per session")
    args = parser.parse_args(argv)
    modes: list[Synchronous] = ["normal", "full"]
    for mode in modes:
        print(json.dumps(asyncio.run(measure(mode, args.sessions, args.events))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
