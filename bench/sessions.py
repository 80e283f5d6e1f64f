"""Load benchmark: N headsets sending telemetry against real servers, with staff commands.

    .venv/bin/python -m bench.sessions --devices 1000 --duration 20
    .venv/bin/python -m bench.sessions --devices 10000 --processes 2 --duration 20
    .venv/bin/python -m bench.sessions --devices 4000 --instances 2 --processes 2
    .venv/bin/python -m bench.sessions --devices 10000 --processes 2 --shape poses
    .venv/bin/python -m bench.sessions --devices 3000 --processes 3 --client websockets

It starts `--instances` `vr-server` processes (one: the embedded default, SQLite and the
in-process bus, in a temporary folder; two: both on a fresh PostgreSQL database and one Redis
with a prefix of their own, on different ports), enrolls N headsets, connects them
(`hello` -> `welcome`), split evenly across the instances, and lets each send `telemetry` at
`--hz` (2 by default) plus a `ping` every 5 s. One staff client, connected to the last
instance, sends `message` commands at `--commands` per second to random headsets (with two
instances: only headsets connected to the *other* instance, so every command crosses the bus).
Each command's text carries the send time on the machine's monotonic clock; its latency is
the time from the staff client's send to the frame's arrival at the headset.

The load generator is lean (bench/leanws.py): one asyncio protocol object per headset, frames
serialised once, a single timer per process that writes each headset's frame in its slot of
the period, so that the server, not the generator, is what is measured. `--processes P`
spreads the headsets over P generator processes (the first one is this process, which also
runs the staff client). Server and generator CPU come from /proc (psutil) over the
measuring window; server RSS is sampled every second.

Load shapes (`--shape`): `head` (the default) sends the head pose in short numbers (127-byte
frames); `poses` sends the head's and both controllers' poses in float32 precision, fps,
battery and a step_id (~440-byte frames, 64 variants per process), as a headset app does.
Clients (`--client`): `lean` (above), or `websockets`, the `websockets` library with one
connection and two tasks per headset, each frame serialised as it is sent (bench/wsfleet.py):
a check that the figures do not depend on our client; it costs the machine far more.

The server's event-loop stalls in the measuring window come from its `/health` (`loop`,
polled every second): the longest, how many wake-ups were late by more than 25 ms, and each
stall of 10 ms or more as [seconds into the window, ms, loop-thread CPU ms, process CPU ms].

Headsets are enrolled straight into the database in one transaction (`--enroll bulk`, the
default: the same rows `POST /api/devices/enroll` writes), because enrolling 10,000 through
the API takes minutes; `--enroll api` uses the API and reports its time.

It prints one JSON object (and a Markdown table row with --markdown); it exits 1 when a
headset could not connect, an error frame came back, or a command was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.cluster import Cluster, enroll_api, enroll_bulk
from bench.fleet import (
    PING_EVERY_S,
    Ident,
    _install_uvloop,
    _worker,
    make_fleet,
    telemetry_texts,
    watch_own_loop,
)
from bench.servers import add_server_option, served_pid
from bench.staff_client import dashboard, staff_client
from tests.support.harness import ServerProcess

# ---------------------------------------------------------------- measuring


def _cpu_s(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            times = p.cpu_times()
            total += times.user + times.system
    return total


class LoopStalls:
    """The servers' event-loop stalls within the measuring window, from `loop` in their
    `/health` (polled once a second: the stalls of 10 ms or more, with their time, and the
    histogram of every wake-up's lateness, compared with its state at the window's start)."""

    def __init__(self, servers: list[ServerProcess], start: float, end: float) -> None:
        self.urls = [s.url for s in servers]
        offset = time.time() - time.monotonic()
        self.window = (start + offset, end + offset)
        self.first: list[dict[str, int]] = [{} for _ in servers]
        self.last: list[dict[str, int]] = [{} for _ in servers]
        self.stalls: list[dict[float, list[float]]] = [{} for _ in servers]
        self.gc: list[dict[str, Any]] = [{} for _ in servers]
        self.gc_first: list[dict[str, Any]] = [{} for _ in servers]

    async def poll(self, first: bool = False) -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            for k, url in enumerate(self.urls):
                loop = (await http.get(url + "/health")).json().get("loop") or {}
                histogram = loop.get("histogram", {})
                self.gc[k] = loop.get("gc", {})
                if first:
                    self.gc_first[k] = self.gc[k]
                if first:  # stalls before this answer are not in the compared histogram
                    self.first[k] = histogram
                    self.window = (max(self.window[0], time.time()), self.window[1])
                self.last[k] = histogram
                for at, *stall in loop.get("recent_stalls", []):
                    if self.window[0] <= at <= self.window[1]:
                        self.stalls[k][at] = stall  # ms, loop thread CPU ms, process CPU ms

    def report(self) -> dict[str, Any]:
        counts = [
            {b: n - first.get(b, 0) for b, n in last.items()}
            for first, last in zip(self.first, self.last, strict=True)
        ]
        over = [
            sum(n for b, n in c.items() if b.startswith(">") or float(b[2:]) > 25) for c in counts
        ]
        return {
            "loop_longest_stall_ms": max(
                (stall[0] for found in self.stalls for stall in found.values()), default=None
            ),
            "loop_top_bucket": max(
                (b for c in counts for b, n in c.items() if n),
                key=lambda b: float("inf") if b.startswith(">") else float(b[2:]),
                default=None,
            ),
            "loop_stalls_over_25ms": sum(over),
            "loop_stalls_10ms_plus": sorted(  # the 40 longest, in time order
                sorted(
                    (
                        (round(at - self.window[0], 2), *stall)
                        for found in self.stalls
                        for at, stall in found.items()
                    ),
                    key=lambda stall: -stall[1],
                )[:40]
            ),
            "loop_histogram": counts,
            "server_gc": self.gc,  # since each server started
            "server_gc_in_window": [
                {
                    g: {
                        "count": p["count"] - first.get(g, {}).get("count", 0),
                        "total_ms": round(p["total_ms"] - first.get(g, {}).get("total_ms", 0), 1),
                    }
                    for g, p in last.items()
                }
                for first, last in zip(self.gc_first, self.gc, strict=True)
            ],
        }


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="vr-bench-"))
    cluster = Cluster(root, args)
    try:
        cluster.start()
        return await _measure(cluster, args)
    finally:
        cluster.stop()
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


async def _measure(cluster: Cluster, args: argparse.Namespace) -> dict[str, Any]:
    servers = cluster.servers
    server_procs = [psutil.Process(served_pid(s.proc.pid)) for s in servers if s.proc is not None]
    rss_idle = [p.memory_info().rss for p in server_procs]

    t0 = time.perf_counter()
    if args.enroll == "api":
        code = servers[0].enrollment_code(uses=args.devices)
        raw = await enroll_api(servers[0].url, code, args.devices)
    else:
        raw = await enroll_bulk(cluster.database_url, args.devices)
    enroll_s = time.perf_counter() - t0
    idents = [
        Ident(servers[i % len(servers)].ws_url, r["device_id"], r["device_token"], r["headset_id"])
        for i, r in enumerate(raw)
    ]
    token = servers[-1].staff_token()

    # Split the headsets over the generator processes; share 0 stays in this process.
    shares = [idents[k :: args.processes] for k in range(args.processes)]
    ctx = mp.get_context("spawn")
    children: list[tuple[Any, Pipe]] = []
    for share in shares[1:]:
        parent_end, child_end = ctx.Pipe()
        proc = ctx.Process(
            target=_worker,
            args=(child_end, share, args.hz, args.connect_concurrency, args.shape, args.client),
        )
        proc.start()
        children.append((proc, parent_end))
    loop = asyncio.get_running_loop()
    fleet = make_fleet(args.client, shares[0], args.hz, args.connect_concurrency, args.shape)
    t0 = time.perf_counter()
    fleet.start()
    await fleet.connect_all()
    connected = fleet.result.connected
    for _, pipe in children:
        kind, n, _ = await loop.run_in_executor(None, pipe.recv)
        assert kind == "connected"
        connected += n
    connect_s = time.perf_counter() - t0

    # With two instances, staff (on the last one) commands headsets on the other ones.
    targets = [i.headset_id for i in idents if len(servers) == 1 or i.url != servers[-1].ws_url]
    start = time.monotonic() + args.warmup
    end = start + args.duration
    stop_at = end + 1.5  # let in-flight commands land
    window = (start, end)
    staff, staff_ws = await staff_client(servers[-1].ws_url, token, targets, args.commands, window)
    fleet.window = window
    own_loop = asyncio.create_task(watch_own_loop(fleet.result, start, end))
    every = args.duration / (args.dashboards + 1)
    dashboards = [
        asyncio.create_task(dashboard(servers[-1].ws_url, token, start + (k + 1) * every))
        for k in range(args.dashboards)
    ]
    for _, pipe in children:
        pipe.send(("window", start, end, stop_at))

    gen_procs = [psutil.Process(), *(psutil.Process(p.pid) for p, _ in children)]
    profiler = None
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    server_cpu0 = [_cpu_s([p]) for p in server_procs]
    gen_cpu0 = _cpu_s(gen_procs)
    if args.py_spy:
        profiler = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "-p",
                str(server_procs[0].pid),
                "-d",
                str(int(args.duration)),
                "-r",
                "100",
                "-f",
                "raw",
                "-o",
                args.py_spy,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    t_start = time.monotonic()
    rss_peak = list(rss_idle)
    gen_rss = 0
    stalls = LoopStalls(servers, start, end)
    await stalls.poll(first=True)
    while time.monotonic() < end:
        await asyncio.sleep(min(1.0, max(0.0, end - time.monotonic())))
        for k, p in enumerate(server_procs):
            with contextlib.suppress(psutil.Error):
                rss_peak[k] = max(rss_peak[k], p.memory_info().rss)
        gen_rss = max(gen_rss, sum(p.memory_info().rss for p in gen_procs))
        await stalls.poll()
    elapsed = time.monotonic() - t_start
    per_server_cpu = [
        round((_cpu_s([p]) - c0) / elapsed * 100, 1)
        for p, c0 in zip(server_procs, server_cpu0, strict=True)
    ]
    server_cpu = sum(per_server_cpu)
    gen_cpu = (_cpu_s(gen_procs) - gen_cpu0) / elapsed * 100
    await asyncio.sleep(max(0.0, stop_at - time.monotonic()))

    await own_loop
    results = [await fleet.finish()]
    for proc, pipe in children:
        kind, result = await loop.run_in_executor(None, pipe.recv)
        assert kind == "result"
        results.append(result)
        proc.join(10)
    staff_closed = staff_ws.close_code  # set only when the server closed it
    snapshots = await asyncio.gather(*dashboards)
    staff_ws.close()
    for task in staff.tasks:
        task.cancel()
    if profiler is not None:
        profiler.wait(30)

    latencies = [x for r in results for x in r.latencies]
    timeline = sorted(
        (round(t - start, 3), round(1000 * x, 1))
        for r in results
        for t, x in zip(r.sent_at, r.latencies, strict=True)
    )
    received = {n for r in results for n in r.received}
    lost = sorted(set(staff.issued) - received - staff.error_nonces)
    held = sum(r.held for r in results)
    sent = sum(r.sent for r in results)
    n = args.devices
    rss_mb = sum(rss_peak) / 2**20
    rss_growth_mb = (sum(rss_peak) - sum(rss_idle)) / 2**20
    closed: dict[str, int] = {}
    for r in results:
        for code, count in r.closed_by_server.items():
            closed[code] = closed.get(code, 0) + count
    return {
        "devices": n,
        "shape": args.shape,
        "server": args.server,
        "client": args.client,
        "telemetry_bytes": len(telemetry_texts(args.shape)[0]),
        "instances": len(servers),
        "processes": args.processes,
        "hz": args.hz,
        "duration_s": round(elapsed, 1),
        "connected": connected,
        "headsets_held": held,
        "enroll": args.enroll,
        "enroll_s": round(enroll_s, 1),
        "connect_s": round(connect_s, 1),
        "telemetry_per_s": round(sent / elapsed, 1),
        "frames_per_s": round(sent / elapsed * (1 + 1 / max(1, PING_EVERY_S * args.hz)), 1),
        "generator_backlog_kb": round(sum(r.backlog_bytes for r in results) / 1024, 1),
        "staff_updates_per_s": round(staff.updates / elapsed, 1),
        "commands_issued": len(staff.issued),
        "commands_arrived": len(latencies),
        "commands_lost": len(lost),
        "command_p50_ms": round(1000 * (percentile(latencies, 0.5) or 0), 1),
        "command_p99_ms": round(1000 * (percentile(latencies, 0.99) or 0), 1),
        "command_max_ms": round(1000 * max(latencies, default=0), 1),
        **stalls.report(),
        "dashboard_snapshot_ms": [round(1000 * t, 1) for t, _ in snapshots],
        "snapshot_kb": round(max((n for _, n in snapshots), default=0) / 1024, 1),
        "generator_longest_stall_ms": max(r.loop_longest_ms for r in results),
        "generator_stalls_over_25ms": sum(r.loop_over_25ms for r in results),
        "server_cpu_percent": round(server_cpu, 1),
        "server_cpu_per_1000": round(server_cpu / n * 1000, 1),
        "server_rss_mb": round(rss_mb, 1),
        "server_rss_per_1000_mb": round(rss_growth_mb / n * 1000, 1),
        "generator_cpu_percent": round(gen_cpu, 1),
        "generator_rss_mb": round(gen_rss / 2**20, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "connect_errors": [e for r in results for e in r.connect_errors][:5],
        "error_frames": sum(r.error_frames for r in results),
        "error_samples": [e for r in results for e in r.error_samples][:3],
        "closed_by_server": closed,
        "staff_errors": staff.errors,
        "staff_closed": staff_closed,
        "lost_sample": lost[:10],
        "error_targets": len({staff.issued[n] for n in staff.error_nonces if n in staff.issued}),
        "error_repeats": len(staff.error_nonces)
        - len({staff.issued[n] for n in staff.error_nonces if n in staff.issued}),
        "per_server_cpu_percent": per_server_cpu,
        "timeline": timeline,  # (send time in the window, latency ms); main() takes it out
        "window_start_monotonic": round(start, 3),
        "per_server_rss_mb": [round(x / 2**20, 1) for x in rss_peak],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument(
        "--shape",
        choices=["head", "poses"],
        default="head",
        help="telemetry: the head pose in short numbers, or three poses in float32 precision",
    )
    parser.add_argument(
        "--client",
        choices=["lean", "websockets"],
        default="lean",
        help="the headsets' WebSocket client: bench/leanws.py, or the websockets library "
        "(one connection and two tasks per headset, frames serialised as sent; bench/wsfleet.py)",
    )
    parser.add_argument(
        "--dashboards",
        type=int,
        default=1,
        help="staff dashboards connecting during the window, evenly spread (each gets a "
        "snapshot of every headset: 3 MB at 10,000)",
    )
    parser.add_argument("--hz", type=float, default=2.0, help="telemetry frames per second each")
    parser.add_argument("--commands", type=float, default=20.0, help="staff commands per second")
    parser.add_argument("--duration", type=float, default=20.0, help="measuring window, seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--processes", type=int, default=1, help="load generator processes")
    parser.add_argument("--instances", type=int, default=1, help="vr-server processes")
    parser.add_argument("--enroll", choices=["bulk", "api"], default="bulk")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="with --instances 2: a PostgreSQL URL to create the bench's database through",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="VR_NAME=VALUE",
        help="a setting for every server, e.g. VR_WS_IMPL=wsproto (repeatable)",
    )
    add_server_option(parser)
    parser.add_argument("--py-spy", metavar="FILE", help="profile instance 1 over the window")
    parser.add_argument(
        "--latency-log", metavar="FILE", help="write each command's send time and latency"
    )
    parser.add_argument("--markdown", action="store_true", help="also print a table row")
    parser.add_argument("--keep", action="store_true", help="keep the servers' folders and logs")
    args = parser.parse_args(argv)
    if args.processes < 1 or args.instances < 1 or args.processes > args.devices:
        parser.error("--processes and --instances must be at least 1 (and processes <= devices)")
    if args.hz <= 0:
        parser.error("--hz must be above 0")
    _install_uvloop()
    result = asyncio.run(run(args))
    timeline = result.pop("timeline")
    if args.latency_log:
        Path(args.latency_log).write_text("".join(f"{t} {ms}\n" for t, ms in timeline))
    print(json.dumps(result))
    if args.markdown:
        print(markdown_row(result))
        print(stall_row(result))
    ok = (
        result["headsets_held"] == args.devices
        and not result["error_frames"]
        and not result["commands_lost"]
        and not result["staff_errors"]
        and result["staff_closed"] is None
    )
    return 0 if ok else 1


def stall_row(r: dict[str, Any]) -> str:
    """A row of docs/benchmarks.md's loop-stall table."""
    snapshots = ", ".join(f"{ms:,.0f}" for ms in r["dashboard_snapshot_ms"]) or "-"
    return (
        f"| {r['devices']:,} | {r['shape']} ({r['telemetry_bytes']} B) | {r['client']} "
        f"({r['processes']}) | {r['command_p50_ms']} | {r['command_p99_ms']} | "
        f"{r['command_max_ms']} | {r['loop_longest_stall_ms'] or '<10'} | "
        f"{r['loop_stalls_over_25ms']} | {r['generator_longest_stall_ms']} | {snapshots} | "
        f"{r['server_cpu_percent']} | {r['generator_cpu_percent']} | {r['load_average'][0]} |"
    )


def markdown_row(r: dict[str, Any]) -> str:
    return (
        f"| {r['devices']:,} | {r['instances']} | {r['headsets_held']:,} | "
        f"{r['telemetry_per_s']:,.0f} | {r['staff_updates_per_s']:,.0f} | "
        f"{r['command_p50_ms']} | {r['command_p99_ms']} | "
        f"{r['server_cpu_percent']} | {r['server_rss_mb']:.0f} | "
        f"{r['server_cpu_per_1000']} | {r['server_rss_per_1000_mb']} | "
        f"{r['generator_cpu_percent']} ({r['processes']}) | "
        f"{r['load_average'][0]} |"
    )


if __name__ == "__main__":
    sys.exit(main())
