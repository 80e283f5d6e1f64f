"""Logins against downloads: /assets range reads with and without a storm of logins.

    .venv/bin/python -m bench.logins [--seconds 8] [--readers 4] [--login-clients 24]

A fresh `vr-server` holds one 8 MB blob. `--readers` clients read 64 KiB ranges of it at random
offsets, one after the other, for `--seconds`: first alone, then while `--login-clients`
clients sign in over and over with the right password (each login is one scrypt hash, ~50 ms
of CPU). Before the hashing had its own thread pool (services/hashing.py), 600 logins from 24
clients raised the median range read from 5.5 ms to 2.5 s: scrypt and the file reads queued
in the same default pool.

Prints one JSON object: median, p99 and max of the range reads in each phase (ms), how many
reads and logins were done, and how many logins were refused (429: too many waiting).
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
from tests.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess

BLOB_BYTES = 8 * 1024 * 1024
RANGE_BYTES = 64 * 1024


def _figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "reads": len(ordered),
    }


async def _reader(url: str, token: str, until: float, out: list[float]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        while time.monotonic() < until:
            start = random.randrange(0, BLOB_BYTES - RANGE_BYTES)
            began = time.perf_counter()
            response = await client.get(
                url, headers={"Range": f"bytes={start}-{start + RANGE_BYTES - 1}"}
            )
            out.append(time.perf_counter() - began)
            if response.status_code != 206 or len(response.content) != RANGE_BYTES:
                raise RuntimeError(f"range read answered {response.status_code}")


async def _login_client(base: str, until: float, counts: dict[str, int]) -> None:
    body = {"username": STAFF_USER, "password": STAFF_PASSWORD}
    async with httpx.AsyncClient(timeout=120) as client:
        while time.monotonic() < until:
            response = await client.post(base + "/api/auth/login", json=body)
            key = {200: "logins", 429: "refused"}.get(response.status_code, "failed")
            counts[key] = counts.get(key, 0) + 1
            if response.status_code == 429:
                await asyncio.sleep(int(response.headers.get("Retry-After", "1")))


async def _phase(
    server: ServerProcess, url: str, token: str, args: argparse.Namespace, storm: bool
) -> dict[str, Any]:
    until = time.monotonic() + args.seconds
    reads: list[float] = []
    counts: dict[str, int] = {}
    tasks = [_reader(url, token, until, reads) for _ in range(args.readers)]
    if storm:
        tasks += [_login_client(server.url, until, counts) for _ in range(args.login_clients)]
    await asyncio.gather(*tasks)
    return {**_figures(reads), **counts}


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
