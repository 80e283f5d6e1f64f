"""Staff snapshot benchmark: how long building a dashboard's first `snapshot` holds the event loop.

A staff dashboard that connects gets every headset, active session, scene and the queue in one
`snapshot` frame (3 MB for 10,000 headsets). Meanwhile every headset on the instance waits for
the event loop. This builds the services in-process on a fresh SQLite database (the sample
scenes, `--headsets` enrolled straight into the database as `bench/sessions.py` does), with
the server's own garbage-collector settings, and builds the snapshot `--rounds` times while a
probe task sleeps 1 ms at a time: the longest gap between its wake-ups is how long the loop
was held at once.

    .venv/bin/python -m bench.snapshot [--headsets 10000] [--rounds 5] [--markdown]

Prints one JSON object (and a Markdown table row with --markdown).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.cluster import enroll_bulk
from vr_server.app import close_services, open_services
from vr_server.cli.serve import tune_gc
from vr_server.settings import Settings
from vr_server.ws.staff import _snapshot

SCENES = Path(__file__).resolve().parent.parent / "scenes"


async def measure(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    services = await open_services(Settings(data_dir=data_dir, content_dirs=[SCENES]))
    try:
        await enroll_bulk(f"sqlite+aiosqlite:///{data_dir / 'vr.sqlite3'}", args.headsets)
        tune_gc()  # as `vr-server serve` does once started
        gaps: list[float] = []
        stop = asyncio.Event()

        async def probe() -> None:
            last = time.perf_counter()
            while not stop.is_set():
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        prober = asyncio.create_task(probe())
        await asyncio.sleep(0.2)
        walls, held, size = [], [], 0
        for _ in range(args.rounds):
            gaps.clear()
            started = time.perf_counter()
            size = len(await _snapshot(services))
            walls.append(time.perf_counter() - started)
            held.append(max(gaps, default=0.0))
        stop.set()
        await prober
    finally:
        await close_services(services)
    return {
        "headsets": args.headsets,
        "rounds": args.rounds,
        "snapshot_mb": round(size / 1e6, 2),
        "build_ms_median": round(1000 * statistics.median(walls), 1),
        "loop_held_ms_median": round(1000 * statistics.median(held), 1),
        "loop_held_ms_max": round(1000 * max(held), 1),
        "loop_held_ms_rounds": [round(1000 * h, 1) for h in held],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--headsets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="vr-bench-snapshot-"))
    try:
        result = asyncio.run(measure(args, data_dir))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(result))
    if args.markdown:
        print(
            f"| {result['headsets']:,} | {result['snapshot_mb']} | {result['build_ms_median']} | "
            f"{result['loop_held_ms_median']} | {result['loop_held_ms_max']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
