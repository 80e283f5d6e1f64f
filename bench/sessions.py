"""Load benchmark: N headsets sending telemetry against a real server, with staff commands.

    .venv/bin/python -m bench.sessions --devices 100 --duration 30
    .venv/bin/python -m bench.sessions --devices 1000 --duration 30

It starts a `vr-server` process on the embedded default (SQLite, in-process bus) in a temporary
folder, enrolls N headsets, connects them all (`hello`), and lets each send `telemetry` at
`--hz` (2 by default). A staff socket sends `message` commands to random headsets at
`--commands` per second, each tagged with a nonce; the latency is the time from the staff
client's send to the frame's arrival at the headset, both on this machine's clock. Server CPU
and RSS are read from /proc through psutil over the measuring window.

It prints one JSON object (and a Markdown table row with --markdown). The load generator runs
on the same 2-core machine as the server: its own CPU use is printed too, because it competes
with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

from tests.bundles import write_bundle
from tests.harness import ServerProcess
from vr_server.protocol import PROTOCOL_VERSION


@dataclass
class Stats:
    sent: int = 0
    commands_sent: dict[str, float] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    staff_errors: dict[str, int] = field(default_factory=dict)
    staff_closed: str | None = None
    targets: dict[str, str] = field(default_factory=dict)
    connected: int = 0
    measuring: bool = False


async def enroll_all(client: httpx.AsyncClient, code: str, n: int) -> list[dict[str, str]]:
    sem = asyncio.Semaphore(32)

    async def one(i: int) -> dict[str, str]:
        device_id = f"bench-{i:05d}-{uuid.uuid4().hex[:6]}"
        async with sem:
            r = await client.post(
                "/api/devices/enroll",
                json={"code": code, "device_id": device_id, "name": f"bench-{i:05d}"},
            )
        r.raise_for_status()
        return {**r.json(), "device_id": device_id}

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def headset(
    ws_url: str, ident: dict[str, str], hz: float, stats: Stats, stop: asyncio.Event
) -> None:
    async with connect(ws_url + "/ws/headset", max_queue=None) as ws:
        await ws.send(
            json.dumps(
                {
                    "type": "hello",
                    "protocol": PROTOCOL_VERSION,
                    "device_id": ident["device_id"],
                    "device_token": ident["device_token"],
                    "app_version": "bench",
                }
            )
        )
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome":
            stats.errors += 1
            return
        stats.connected += 1
        reader = asyncio.create_task(_read(ws, stats))
        try:
            period = 1.0 / hz if hz > 0 else None
            await asyncio.sleep(random.random() * (period or 1.0))
            frame = {
                "type": "telemetry",
                "fps": 72.0,
                "battery": 0.8,
                "head": {"position": [0, 1.6, 0], "orientation": [0, 0, 0, 1]},
            }
            last_ping = time.monotonic()
            while not stop.is_set():
                if period is not None:
                    await ws.send(json.dumps(frame))
                    if stats.measuring:
                        stats.sent += 1
                if time.monotonic() - last_ping > 5:
                    await ws.send('{"type":"ping"}')
                    last_ping = time.monotonic()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), period or 5)
        finally:
            reader.cancel()
            stats.connected -= 1


async def _read(ws: ClientConnection, stats: Stats) -> None:
    async for raw in ws:
        frame = json.loads(raw)
        if frame.get("type") == "command" and frame.get("command") == "message":
            nonce = frame["text"]["en"]
            sent_at = stats.commands_sent.pop(nonce, None)
            if sent_at is not None:
                stats.latencies.append(time.perf_counter() - sent_at)
        elif frame.get("type") == "error":
            stats.errors += 1


async def staff(
    ws_url: str, token: str, targets: list[str], rate: float, stats: Stats, stop: asyncio.Event
) -> None:
    async with connect(ws_url + "/ws/staff", max_queue=None) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        drain = asyncio.create_task(_drain(ws, stats))
        try:
            i = 0
            while not stop.is_set():
                if stats.measuring and rate > 0:
                    nonce = f"bench-{i}"
                    i += 1
                    stats.commands_sent[nonce] = time.perf_counter()
                    target = random.choice(targets)
                    stats.targets[nonce] = target
                    await ws.send(
                        json.dumps(
                            {
                                "type": "message",
                                "request_id": nonce,
                                "headset_id": target,
                                "text": {"th": "ทดสอบ", "en": nonce},
                            }
                        )
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0 / rate if rate > 0 else 1.0)
        finally:
            drain.cancel()


async def _drain(ws: ClientConnection, stats: Stats) -> None:
    try:
        async for raw in ws:
            if '"type":"error"' in raw:
                frame = json.loads(raw)
                code = frame["code"]
                stats.staff_errors[code] = stats.staff_errors.get(code, 0) + 1
                stats.commands_sent.pop(frame.get("request_id") or "", None)
    finally:
        if ws.close_code is not None:
            stats.staff_closed = f"{ws.close_code} {ws.close_reason}"


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="vr-bench-")
    try:
        return await _run_in(Path(tmp), args)
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


async def _run_in(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    dist = root / "dist"
    write_bundle(dist)
    server = ServerProcess(root / "server", [dist], outbox_size=2048)
    server.create_staff()
    server.start()
    assert server.proc is not None
    proc = psutil.Process(server.proc.pid)
    me = psutil.Process()
    try:
        code = server.enrollment_code(uses=args.devices)
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            t0 = time.perf_counter()
            idents = await enroll_all(client, code, args.devices)
            enroll_s = time.perf_counter() - t0
        token = server.staff_token()
        stats = Stats()
        stop = asyncio.Event()
        sem = asyncio.Semaphore(100)

        async def start_one(ident: dict[str, str]) -> None:
            async with sem:
                pass
            await headset(server.ws_url, ident, args.hz, stats, stop)

        t0 = time.perf_counter()
        tasks = [asyncio.create_task(start_one(i)) for i in idents]
        while stats.connected < args.devices and time.perf_counter() - t0 < 120:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        connect_s = time.perf_counter() - t0
        staff_task = asyncio.create_task(
            staff(
                server.ws_url,
                token,
                [i["headset_id"] for i in idents],
                args.commands,
                stats,
                stop,
            )
        )
        await asyncio.sleep(args.warmup)
        proc.cpu_percent(None)
        me.cpu_percent(None)
        stats.measuring = True
        t_start = time.perf_counter()
        rss_peak = 0
        while time.perf_counter() - t_start < args.duration:
            await asyncio.sleep(1)
            rss_peak = max(rss_peak, proc.memory_info().rss)
        elapsed = time.perf_counter() - t_start
        stats.measuring = False
        server_cpu = proc.cpu_percent(None)
        client_cpu = me.cpu_percent(None)
        held = stats.connected
        await asyncio.sleep(1)  # let in-flight commands land
        stop.set()
        await asyncio.gather(*tasks, staff_task, return_exceptions=True)
        lat = stats.latencies
        issued = len(lat) + len(stats.commands_sent)
        return {
            "devices": args.devices,
            "hz": args.hz,
            "duration_s": round(elapsed, 1),
            "headsets_held": held,
            "enroll_s": round(enroll_s, 1),
            "connect_s": round(connect_s, 1),
            "telemetry_per_s": round(stats.sent / elapsed, 1),
            "commands_issued": issued,
            "commands_arrived": len(lat),
            "command_p50_ms": round(1000 * (percentile(lat, 0.5) or 0), 1),
            "command_p99_ms": round(1000 * (percentile(lat, 0.99) or 0), 1),
            "command_mean_ms": round(1000 * statistics.fmean(lat), 1) if lat else None,
            "server_cpu_percent": round(server_cpu, 1),
            "server_rss_mb": round(rss_peak / 2**20, 1),
            "loadgen_cpu_percent": round(client_cpu, 1),
            "errors": stats.errors,
            "staff_errors": stats.staff_errors,
            "staff_closed": stats.staff_closed,
            "missing": sorted(stats.commands_sent)[:20],
            "missing_targets": sorted({stats.targets[n] for n in stats.commands_sent})[:5],
        }
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--hz", type=float, default=2.0, help="telemetry frames per second each")
    parser.add_argument("--commands", type=float, default=20.0, help="staff commands per second")
    parser.add_argument("--duration", type=float, default=30.0, help="measuring window, seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--markdown", action="store_true", help="also print a table row")
    parser.add_argument("--keep", action="store_true", help="keep the server's folder and log")
    args = parser.parse_args(argv)
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        pass
    result = asyncio.run(run(args))
    print(json.dumps(result))
    if args.markdown:
        print(
            f"| {result['devices']} | {result['headsets_held']} | {result['telemetry_per_s']} | "
            f"{result['command_p50_ms']} | {result['command_p99_ms']} | "
            f"{result['server_cpu_percent']} | {result['server_rss_mb']} | "
            f"{result['loadgen_cpu_percent']} |"
        )
    ok = result["headsets_held"] == args.devices and not result["errors"]
    return 0 if ok and not result["staff_errors"] and not result["staff_closed"] else 1


if __name__ == "__main__":
    sys.exit(main())
