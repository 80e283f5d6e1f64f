"""WebSocket compression benchmark: what accepting permessage-deflate costs the server.

A Quest browser offers permessage-deflate on every WebSocket. This starts `vr-server` (SQLite,
the sample scenes) once declining it (the default) and once accepting it
(`VR_WS_DEFLATE=true`), connects `--headsets` enrolled headsets that offer it (the
`websockets` client, as a browser does), lets each send telemetry at `--hz`, and measures the
server's CPU over `--seconds` once all are connected, and how much its resident memory grew
from before the first connection.

    .venv/bin/python -m bench.deflate [--headsets 1000] [--hz 2] [--seconds 10] [--markdown]

Prints one JSON object per setting (and Markdown table rows with --markdown).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

from bench.fleet import TELEMETRY
from tests.support.harness import ServerProcess
from vr_server.protocol import PROTOCOL_VERSION

SETTLE_S = 8.0
SCENES = Path(__file__).resolve().parent.parent / "scenes"


async def headset(
    url: str, device_id: str, token: str, period: float, stop: asyncio.Event, sent: list[int]
) -> ClientConnection:
    ws = await connect(url, compression="deflate", max_size=None)
    hello = {
        "type": "hello",
        "protocol": PROTOCOL_VERSION,
        "device_id": device_id,
        "device_token": token,
        "app_version": "bench",
    }
    await ws.send(json.dumps(hello))
    await ws.recv()  # welcome
    frame = json.dumps(TELEMETRY)
    while not stop.is_set():
        await ws.send(frame)
        sent[0] += 1
        await asyncio.sleep(period)
    return ws


async def measure(server: ServerProcess, args: argparse.Namespace) -> dict[str, Any]:
    assert server.proc is not None
    code = server.enrollment_code(uses=args.headsets)
    creds: list[tuple[str, str]] = []
    async with httpx.AsyncClient(timeout=30) as client:
        for n in range(args.headsets):
            device_id = f"bench-{n}"
            answer = await client.post(
                server.url + "/api/devices/enroll", json={"code": code, "device_id": device_id}
            )
            answer.raise_for_status()
            creds.append((device_id, answer.json()["device_token"]))
    proc = psutil.Process(server.proc.pid)
    rss_before = proc.memory_info().rss
    sent = [0]
    stop = asyncio.Event()
    tasks = []
    for device_id, token in creds:
        url = server.ws_url + "/ws/headset"
        tasks.append(asyncio.create_task(headset(url, device_id, token, 1 / args.hz, stop, sent)))
        await asyncio.sleep(0.002)
    await asyncio.sleep(SETTLE_S)  # every headset connected, the hellos answered
    cpu0, frames0, t0 = sum(proc.cpu_times()[:2]), sent[0], time.monotonic()
    await asyncio.sleep(args.seconds)
    cpu1, frames1, t1 = sum(proc.cpu_times()[:2]), sent[0], time.monotonic()
    rss = proc.memory_info().rss
    stop.set()
    sockets = await asyncio.gather(*tasks)
    response = sockets[0].response if sockets else None
    agreed = response.headers.get("Sec-WebSocket-Extensions") if response else None
    for ws in sockets:
        await ws.close()
    return {
        "headsets": args.headsets,
        "deflate_accepted": agreed is not None,
        "extension": agreed,
        "frames_per_s": round((frames1 - frames0) / (t1 - t0)),
        "server_cpu_percent": round(100 * (cpu1 - cpu0) / (t1 - t0), 1),
        "server_rss_mb": round(rss / 2**20),
        "rss_added_mb": round((rss - rss_before) / 2**20),
    }


def run(args: argparse.Namespace, deflate: bool) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="vr-bench-deflate-"))
    settings: dict[str, Any] = {"ws_deflate": "true"} if deflate else {}
    server = ServerProcess(root, [SCENES], **settings)
    try:
        server.start()
        return asyncio.run(measure(server, args))
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--headsets", type=int, default=1000)
    parser.add_argument("--hz", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    results = [run(args, deflate) for deflate in (False, True)]
    for result in results:
        print(json.dumps(result))
    if args.markdown:
        for r in results:
            setting = "true" if r["deflate_accepted"] else "false (default)"
            print(
                f"| {setting} | {r['headsets']:,} | {r['frames_per_s']:,} | "
                f"{r['server_cpu_percent']} | {r['server_rss_mb']} | {r['rss_added_mb']} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
