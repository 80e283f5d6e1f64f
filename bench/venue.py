"""A venue day over one access point: 30 simulated headsets, the scenes of scenes/, a shaped
100 Mbit/s link and a visitor every 20 s; with download scheduling and without.

    .venv/bin/python -m bench.venue [--scale 5] [--minutes 12] [--modes scheduled,off]
        [--headsets 30] [--interval-s 20] [--link-mbps 100] [--venue-mbps 100]
        [--headset-mbps 25] [--scenes DIR] [--markdown]

What is simulated, per mode (`scheduled`: `VR_VENUE_MBPS` as given; `off`: `VR_VENUE_MBPS=0`,
headsets download when a visitor needs a scene, as before issue 18):

* a fresh `vr-server` process (SQLite, in-process bus) with every scene of scenes/, packaged by
  their generators with `--compress meshopt` once per run (or taken from `--scenes`, a folder
  of bundles);
* the access point: every asset download leaves the server through one token bucket of
  `--link-mbps` (`VR_LINK_SIM_MBPS`, vr_server/services/shaping.py), so all downloads share
  that rate, as they share a venue's Wi-Fi; no network namespaces, no radio effects;
* `--headsets` `SimulatedHeadset`s (headset_client/simulator.py) in this process, each with
  its own empty cache, connected before the first visitor; idle ones prefetch what the server
  grants (mode `scheduled`);
* a visitor every `--interval-s`, from the first second: an occupation drawn with Zipf weights
  (1, 1/2, 1/3, ... over the scenes in a seeded order) and a random idle headset; staff assign
  it (`POST /api/sessions`, autostart), the headset loads the model (cache or download), says
  `ready` and plays the whole script at visitor pace (6.5-7 minutes); when it has finished,
  staff mark it available again at once.

Measured per visitor: the wait from the assignment (the HTTP request sent) to the headset's
`ready` (its model in the cache, verified: the first frame a real headset could draw), and
whether the model came from the cache. The run reports p50/p95/p99/max of the waits of the
visitors whose model was in the cache (all, and those after the first 5 minutes), of those
whose model was downloaded ("cold starts"), and of all, the share that started from the
cache, and the bytes that crossed the link.

`--scale K` compresses time: visitor arrivals every `interval / K`, the link, budget and
per-headset cap times K, and the visitors' pace times K. Cold starts and "all waits" are
reported in simulated seconds (measured x K): what does not scale (the server's and this
process's CPU, the socket round trips, the machine's stalls) is counted K times over, so they
read pessimistic at large K. A start from the cache transfers nothing, so nothing in it is
simulated: its wait is reported as measured. With K=1 the run takes `--minutes` of real time.

Prints one JSON object per mode (and Markdown table rows with `--markdown`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from content_tools.bundle import iter_bundles, load_bundle
from headset_client import HeadsetClient, SimulatedHeadset
from headset_client.simulated_session import Progress
from tests.support.harness import running_server

WARM_AFTER_S = 300.0
"""The goal: every assignment after the first 5 minutes starts from the cache."""


@dataclass
class Visitor:
    number: int
    arrived: float
    """Simulated seconds since the first visitor's slot."""
    scene_id: str
    headset: str
    session_id: str = ""
    assigned_at: float = 0.0
    ready_at: float | None = None
    cached: bool | None = None


@dataclass
class Venue:
    scale: float
    visitors: list[Visitor] = field(default_factory=list)
    loaded: dict[str, tuple[float, bool]] = field(default_factory=dict)
    """session id -> when its headset said ready, and whether from the cache."""
    free: set[str] = field(default_factory=set)
    finished: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    waiting_for_headset: int = 0
    verbose: bool = False

    def progress(self, name: str, p: Progress) -> None:
        if self.verbose and (p.error or p.kind in ("assigned", "loaded")):
            print(f"{time.monotonic():.2f} {name}: {p}", file=sys.stderr)
        if p.kind == "loaded":  # may come before the assignment's HTTP answer
            session_id = str(p.fields.get("session_id", ""))
            self.loaded.setdefault(session_id, (time.monotonic(), bool(p.fields.get("cached"))))
        elif "steps_played" in p.fields:  # a session's report: it ended, however
            self.finished.put_nowait(name)


def build_scenes(out: Path) -> Path:
    from content_tools.package import package_scene
    from tests.conftest import scene_dirs

    for scene_dir in scene_dirs():
        package_scene(scene_dir, out, compress="meshopt")  # as scripts/run.sh packages them
    return out


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 3),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 3),
    }


async def run_mode(mode: str, args: argparse.Namespace, library: Path, tmp: Path) -> dict[str, Any]:
    k = args.scale
    settings = {
        "link_sim_mbps": str(args.link_mbps * k),
        "venue_mbps": str(args.venue_mbps * k if mode == "scheduled" else 0),
        "headset_mbps": str(args.headset_mbps * k),
        "heartbeat_timeout_s": "60",
    }
    scenes = sorted(load_bundle(b).scene.id for b in iter_bundles(library))
    rng = random.Random(args.seed)
    popularity = scenes[:]
    rng.shuffle(popularity)
    weights = [1 / (i + 1) for i in range(len(popularity))]
    venue = Venue(k, verbose=args.verbose)
    with running_server(tmp / mode, [library], **settings) as server:
        token = server.staff_token()
        code = server.enrollment_code(uses=args.headsets)
        server_proc = psutil.Process(server.proc.pid if server.proc else 0)
        server_proc.cpu_percent()
        clients: list[HeadsetClient] = []
        ids: dict[str, str] = {}
        for n in range(args.headsets):
            client = HeadsetClient(server.url, tmp / mode / f"h{n:02d}", name=f"Quest-{n:02d}")
            await client.ensure_enrolled(code)
            clients.append(client)
            assert client.identity is not None
            ids[client.name] = client.identity.headset_id
        sims = [
            SimulatedHeadset(c, speed=k, seed=n, telemetry_hz=0, on_progress=venue.progress)
            for n, c in enumerate(clients)
        ]
        tasks = [asyncio.create_task(sim.run(sessions=0)) for sim in sims]
        for client in clients:
            await asyncio.wait_for(client.wait_connected(), 30)
        venue.free = set(ids)
        staff = httpx.AsyncClient(
            base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

        async def release() -> None:
            while True:
                name = await venue.finished.get()
                await staff.post(f"/api/headsets/{ids[name]}/status", json={"status": "available"})
                venue.free.add(name)

        releasing = asyncio.create_task(release())
        cpu_start = time.process_time()
        t0 = time.monotonic()
        count = int(args.minutes * 60 / args.interval_s)
        try:
            for number in range(count):
                due = t0 + number * args.interval_s / k
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                while not venue.free:  # every headset busy: the visitor waits for one
                    venue.waiting_for_headset += 1
                    await asyncio.sleep(0.05)
                headset = rng.choice(sorted(venue.free))
                venue.free.discard(headset)
                scene_id = rng.choices(popularity, weights)[0]
                visitor = Visitor(number, (time.monotonic() - t0) * k, scene_id, headset)
                visitor.assigned_at = time.monotonic()
                reply = await staff.post(
                    "/api/sessions",
                    json={"headset_id": ids[headset], "scene_id": scene_id, "autostart": True},
                )
                reply.raise_for_status()
                visitor.session_id = reply.json()["id"]
                venue.visitors.append(visitor)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if all(v.session_id in venue.loaded for v in venue.visitors):
                    break
                await asyncio.sleep(0.1)
            for v in venue.visitors:
                v.ready_at, v.cached = venue.loaded.get(v.session_id, (None, None))
            wall = time.monotonic() - t0
            distribution = (await staff.get("/api/distribution")).json()
            server_cpu = server_proc.cpu_percent()
        finally:
            releasing.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, releasing, return_exceptions=True)
            for client in clients:
                await client.close()
            await staff.aclose()
    return summary(
        mode, args, venue, distribution, wall, server_cpu, time.process_time() - cpu_start
    )


def summary(
    mode: str,
    args: argparse.Namespace,
    venue: Venue,
    distribution: dict[str, Any],
    wall: float,
    server_cpu: float,
    own_cpu: float,
) -> dict[str, Any]:
    k = args.scale
    done = [v for v in venue.visitors if v.ready_at is not None]

    def wait(v: Visitor) -> float:
        return (v.ready_at or 0) - v.assigned_at

    late = [v for v in done if v.arrived >= WARM_AFTER_S]
    cached = [v for v in done if v.cached]
    cold = [wait(v) * k for v in done if not v.cached]
    return {
        "mode": mode,
        "scale": k,
        "headsets": args.headsets,
        "visitors": len(venue.visitors),
        "never_ready": len(venue.visitors) - len(done),
        "simulated_minutes": round(wall * k / 60, 1),
        "wall_s": round(wall, 1),
        "link_mbps": args.link_mbps,
        "venue_mbps": args.venue_mbps if mode == "scheduled" else 0,
        "headset_mbps": args.headset_mbps,
        "wait_s": percentiles([wait(v) * k for v in done]),
        "wait_after_5min_s": percentiles([wait(v) * k for v in late]),
        "cached_wait_s": percentiles([wait(v) for v in cached]),
        "cached_wait_after_5min_s": percentiles([wait(v) for v in cached if v in late]),
        "cold_wait_s": percentiles(cold),
        "from_cache": len(cached),
        "from_cache_after_5min": f"{sum(1 for v in late if v.cached)}/{len(late)}",
        "cold_start_max_s": round(max(cold), 3) if cold else None,
        "cold_starts": len(cold),
        "link_mb": round(distribution.get("link_bytes", 0) / 1e6, 1),
        "granted_mb": round(distribution.get("sent_bytes", 0) / 1e6, 1),
        "peak_grants": distribution.get("peak_grants"),
        "server_cpu_pct": round(server_cpu, 1),
        "bench_cpu_pct": round(100 * own_cpu / wall, 1) if wall else None,
        "waits_for_a_headset": venue.waiting_for_headset,
    }


def markdown(row: dict[str, Any]) -> str:
    def four(p: dict[str, Any]) -> str:
        if not p["n"]:
            return "-"
        return " / ".join(f"{p[q]:.2f}" for q in ("p50", "p95", "p99", "max"))

    return (
        f"| {row['mode']} | {row['visitors']} | "
        f"{row['from_cache']} ({row['from_cache_after_5min']} after 5 min) | "
        f"{four(row['cached_wait_s'])} | {four(row['cached_wait_after_5min_s'])} | "
        f"{row['cold_starts']}: {four(row['cold_wait_s'])} | {four(row['wait_s'])} | "
        f"{row['link_mb']} | {row['server_cpu_pct']} |"
    )


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-venue-") as tmp_name:
        tmp = Path(tmp_name)
        library = Path(args.scenes) if args.scenes else build_scenes(tmp / "scenes")
        rows = []
        for mode in args.modes.split(","):
            row = await run_mode(mode, args, library, tmp)
            print(json.dumps(row), flush=True)
            rows.append(row)
        return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.venue", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", type=float, default=5.0, help="time compression K")
    parser.add_argument("--minutes", type=float, default=12.0, help="simulated minutes of visitors")
    parser.add_argument("--modes", default="scheduled,off")
    parser.add_argument("--headsets", type=int, default=30)
    parser.add_argument("--interval-s", type=float, default=20.0)
    parser.add_argument("--link-mbps", type=float, default=100.0)
    parser.add_argument("--venue-mbps", type=float, default=100.0)
    parser.add_argument("--headset-mbps", type=float, default=25.0)
    parser.add_argument("--scenes", help="a folder of scene bundles (default: build scenes/)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="headsets' errors on stderr")
    args = parser.parse_args(argv)
    rows = asyncio.run(main_async(args))
    if args.markdown:
        print(
            "| mode | visitors | from cache | from cache: wait p50 / p95 / p99 / max (s) | "
            "the same after 5 min | cold starts: n, wait p50 / p95 / p99 / max (s) | "
            "all waits (s) | link MB | server CPU % |"
        )
        print("|---|---:|---|---|---|---|---|---:|---:|")
        for row in rows:
            print(markdown(row))
    return 1 if any(row["never_ready"] for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
