"""Logins against downloads: /assets range reads with and without a storm of logins.

    .venv/bin/python -m bench.logins [--seconds 8] [--readers 4] [--login-clients 24]

A fresh `vr-server` holds one 8 MB blob. `--readers` clients read 64 KiB ranges of it at random
offsets, one after the other, for `--seconds`: first alone, then while `--login-clients`
clients sign in over and over with the right password (each login is one scrypt hash, ~50 ms
of CPU). Before the hashing had its own thread pool (services/hashing.py), 600 logins from 24
clients raised the median range read from 5.5 ms to 2.5 s: scrypt and the file reads queued
in the same default pool.

Prints one JSON object: median, p99 and max of the range reads in each phase (ms), how many
reads and logins were done, how many logins were refused (429: too many waiting), and each
read over 250 ms as [seconds into the phase when it ended, ms it took].
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.assets import store_blob
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess

BLOB_BYTES = 8 * 1024 * 1024
RANGE_BYTES = 64 * 1024
SLOW_S = 0.25


def _figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "reads": len(ordered),
    }


async def _reader(
    client: httpx.AsyncClient,
    url: str,
    until: float,
    out: list[float],
    slow: list[tuple[float, float]],
) -> None:
    while time.monotonic() < until:
        start = random.randrange(0, BLOB_BYTES - RANGE_BYTES)
        began = time.perf_counter()
        response = await client.get(
            url, headers={"Range": f"bytes={start}-{start + RANGE_BYTES - 1}"}
        )
        took = time.perf_counter() - began
        out.append(took)
        if took > SLOW_S:  # when, in the phase, and how long: a stall or a queue?
            slow.append((round(until - time.monotonic(), 2), round(took * 1000)))
        if response.status_code != 206 or len(response.content) != RANGE_BYTES:
            raise RuntimeError(f"range read answered {response.status_code}")


async def _login_client(
    client: httpx.AsyncClient, base: str, until: float, counts: dict[str, int]
) -> None:
    body = {"username": STAFF_USER, "password": STAFF_PASSWORD}
    while time.monotonic() < until:
        response = await client.post(base + "/api/auth/login", json=body)
        key = {200: "logins", 429: "refused"}.get(response.status_code, "failed")
        counts[key] = counts.get(key, 0) + 1
        if response.status_code == 429:
            await asyncio.sleep(int(response.headers.get("Retry-After", "1")))


async def _phase(
    server: ServerProcess, url: str, token: str, args: argparse.Namespace, storm: bool
) -> dict[str, Any]:
    # Clients are made before the clock starts: each builds an SSL context (~50 ms of this
    # process's CPU), and 24 of them at the storm's start stalled every reader by 1-1.5 s.
    headers = {"Authorization": f"Bearer {token}"}
    readers = [httpx.AsyncClient(headers=headers, timeout=60) for _ in range(args.readers)]
    logins = [httpx.AsyncClient(timeout=120) for _ in range(args.login_clients if storm else 0)]
    reads: list[float] = []
    slow: list[tuple[float, float]] = []
    counts: dict[str, int] = {}
    until = time.monotonic() + args.seconds
    tasks = [_reader(client, url, until, reads, slow) for client in readers]
    tasks += [_login_client(client, server.url, until, counts) for client in logins]
    try:
        await asyncio.gather(*tasks)
    finally:
        for client in readers + logins:
            await client.aclose()
    ends = [(round(args.seconds - left, 2), ms) for left, ms in sorted(slow, reverse=True)]
    return {**_figures(reads), **counts, "slow_reads": ends}


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-logins-") as tmp:
        root = Path(tmp)
        blob = root / "blob.bin"
        blob.write_bytes(os.urandom(BLOB_BYTES))
        sha = hashlib.sha256(blob.read_bytes()).hexdigest()
        data_dir = root / "server"
        store_blob(data_dir, blob, sha)
        # No throttle here: every login of the storm hashes (the throttle is tested elsewhere).
        server = ServerProcess(
            data_dir, [], login_free_failures=10**9, login_free_failures_per_address=10**9
        )
        server.create_staff()
        server.start()
        try:
            token = server.staff_token()
            url = f"{server.url}/assets/{sha}"
            quiet = asyncio.run(_phase(server, url, token, args, storm=False))
            storm = asyncio.run(_phase(server, url, token, args, storm=True))
        finally:
            server.stop()
    return {
        "seconds": args.seconds,
        "readers": args.readers,
        "login_clients": args.login_clients,
        "without_logins": quiet,
        "with_logins": storm,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--readers", type=int, default=4, help="clients reading ranges")
    parser.add_argument("--login-clients", type=int, default=24, help="clients signing in")
    print(json.dumps(run(parser.parse_args(argv)), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
