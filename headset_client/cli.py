"""`vr-headset`: simulated headsets for demos, load tests and end-to-end checks.

    vr-headset simulate --server http://192.168.1.10:8000 --devices 4 --enroll-code 123456

Each simulated headset keeps its enrollment in `<state dir>/<name>/identity.json` and its
asset cache next to it, so a second run reuses both. Exit status: 0 when every requested
session finished, 1 on errors, 2 on bad arguments, 130 when interrupted
(content_tools/exit_codes.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from content_tools.exit_codes import ExitCode
from headset_client.client import HeadsetClient, http_base_url
from headset_client.errors import AuthRejected, HeadsetClientError, ServerUnreachable
from headset_client.identity import forget_identity
from headset_client.simulator import Progress, SessionReport, SimulatedHeadset

_COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "vr-headset"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vr-headset", description="Simulated Meta Quest headsets for the VR career server."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sim = sub.add_parser(
        "simulate",
        help="run simulated headsets that play assigned sessions",
        description=(
            "Enroll N simulated headsets (once; later runs reuse the saved identity), connect "
            "them, and play every session staff assign to them."
        ),
    )
    sim.add_argument("--server", required=True, help="server URL, e.g. http://192.168.1.10:8000")
    sim.add_argument("--devices", type=_positive_int, default=1, help="how many headsets")
    sim.add_argument("--enroll-code", help="enrollment code for headsets not yet enrolled")
    sim.add_argument(
        "--speed", type=_positive_float, default=1.0, help="play N times faster than a visitor"
    )
    sim.add_argument(
        "--scene",
        help="kiosk mode: start this scene by itself (the server must allow self-service)",
    )
    sim.add_argument("--language", choices=["th", "en"], default="th", help="with --scene")
    sim.add_argument(
        "--sessions",
        type=_non_negative_int,
        default=1,
        help="sessions per headset before exiting (0: run until interrupted)",
    )
    sim.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help=f"where identities and caches live (default {default_state_dir()})",
    )
    sim.add_argument("--name-prefix", default="sim", help="headsets are named PREFIX-01, ...")
    sim.add_argument(
        "--telemetry-hz", type=_telemetry_hz, default=2.0, help="telemetry rate, 0 to 2 (0: off)"
    )
    sim.add_argument("--seed", default="0", help="seed of the simulated visitors' choices")
    sim.add_argument(
        "--max-backoff", type=_positive_float, default=5.0, help="longest reconnect delay (s)"
    )
    sim.add_argument(
        "--connect-timeout",
        type=_positive_float,
        default=15.0,
        help="give up when the server cannot be reached for this long at start (s)",
    )
    sim.add_argument("--json", action="store_true", help="print JSON lines instead of text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = Output(json_mode=args.json)
    try:
        return asyncio.run(_main(args, out))
    except KeyboardInterrupt:
        out.note("interrupted")
        return ExitCode.INTERRUPTED


async def _main(args: argparse.Namespace, out: Output) -> int:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
    return await simulate(args, out)


# ---------------------------------------------------------------- simulate


@dataclass
class HeadsetOutcome:
    name: str
    reports: list[SessionReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    failure: str | None = None


async def simulate(args: argparse.Namespace, out: Output) -> int:
    state_dir: Path = (args.state_dir or default_state_dir()).expanduser()
    names = [f"{args.name_prefix}-{i:02d}" for i in range(1, args.devices + 1)]
    outcomes = [HeadsetOutcome(name) for name in names]
    out.info(
        f"{len(names)} simulated headset{'s' if len(names) > 1 else ''} -> "
        f"{http_base_url(args.server)} (speed x{args.speed:g}, "
        f"{args.sessions or 'unlimited'} session{'s' if args.sessions != 1 else ''} each)",
        kind="start",
        server=http_base_url(args.server),
        devices=len(names),
    )
    started = time.monotonic()
    tasks = [asyncio.create_task(_run_headset(o, args, state_dir, out)) for o in outcomes]
    try:
        await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        out.summary(outcomes, time.monotonic() - started, interrupted=True)
        raise
    failures = [o.failure for o in outcomes if o.failure]
    for message in dict.fromkeys(failures):  # each distinct message once
        out.error(message)
    if len(failures) < len(outcomes) or args.json:
        out.summary(outcomes, time.monotonic() - started, interrupted=False)
    ok = not failures and all(not o.errors and all(r.ok for r in o.reports) for o in outcomes)
    return ExitCode.OK if ok else ExitCode.FAILURE


async def _run_headset(
    outcome: HeadsetOutcome,
    args: argparse.Namespace,
    state_dir: Path,
    out: Output,
) -> None:
    name = outcome.name
    headset_dir = state_dir / name
    for attempt in range(2):
        client = HeadsetClient(args.server, headset_dir, name=name, backoff_max=args.max_backoff)
        try:
            saved = client.identity
            was_enrolled = saved is not None
            identity = await client.ensure_enrolled(args.enroll_code)
            if identity is not saved:
                out.progress(
                    name,
                    Progress(
                        "enrolled",
                        f"enrolled as {identity.name} ({identity.headset_id})",
                        {"headset_id": identity.headset_id},
                    ),
                )
            sim = SimulatedHeadset(
                client,
                speed=args.speed,
                seed=f"{args.seed}/{name}",
                telemetry_hz=args.telemetry_hz,
                on_progress=out.progress,
                scene=args.scene,
                language=args.language,
            )
            try:
                await _run_simulator(sim, client, args)
            finally:
                outcome.reports = list(sim.reports)
                outcome.errors = list(sim.errors)
                outcome.latencies = list(client.command_latencies)
            return
        except AuthRejected as exc:
            if attempt == 0 and args.enroll_code and was_enrolled:
                out.progress(name, Progress("enrolling", "saved token refused: enrolling again"))
                forget_identity(headset_dir)
                continue
            outcome.failure = f"{name}: {exc}"
            return
        except HeadsetClientError as exc:
            outcome.failure = str(exc) if isinstance(exc, ServerUnreachable) else f"{name}: {exc}"
            return
        finally:
            await client.close()


async def _run_simulator(
    sim: SimulatedHeadset, client: HeadsetClient, args: argparse.Namespace
) -> None:
    run = asyncio.create_task(sim.run(args.sessions))
    try:
        waiter = asyncio.create_task(_wait_connected(client, args.connect_timeout))
        done, _ = await asyncio.wait({run, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if waiter in done:
            exc = waiter.exception()
            if isinstance(exc, TimeoutError):
                reason = client.last_error or "no answer"
                raise ServerUnreachable(f"cannot reach server at {client.http_url}: {reason}")
            if exc is not None:
                raise exc
        else:
            waiter.cancel()
        await run
    finally:
        if not run.done():
            run.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await run


async def _wait_connected(client: HeadsetClient, limit_s: float) -> None:
    async with asyncio.timeout(limit_s):
        await client.wait_connected()


# ---------------------------------------------------------------- output


class Output:
    """Human lines through rich, or JSON lines (one object per line) on stdout."""

    def __init__(self, *, json_mode: bool) -> None:
        self.json_mode = json_mode
        self.console = Console(highlight=False)
        self.err = Console(stderr=True, highlight=False)
        self._colours: dict[str, str] = {}

    def _json(self, record: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()

    def progress(self, name: str, progress: Progress) -> None:
        if self.json_mode:
            self._json({"t": round(time.time(), 3), "headset": name, **progress.to_json()})
            return
        colour = self._colours.setdefault(name, _COLOURS[len(self._colours) % len(_COLOURS)])
        line = Text()
        line.append(time.strftime("%H:%M:%S "), style="dim")
        line.append(f"{name:<10} ", style=f"bold {colour}")
        style = "red" if progress.error else ("green" if progress.kind == "finished" else "")
        line.append(progress.text, style=style)
        self.console.print(line, soft_wrap=True)

    def info(self, message: str, **fields: Any) -> None:
        if self.json_mode:
            self._json({"t": round(time.time(), 3), "kind": "info", "message": message, **fields})
        else:
            self.console.print(Text(message, style="bold"), soft_wrap=True)

    def error(self, message: str) -> None:
        if self.json_mode:
            self._json({"t": round(time.time(), 3), "kind": "error", "message": message})
        self.err.print(Text(f"error: {message}", style="bold red"), soft_wrap=True)

    def note(self, message: str) -> None:
        """A remark for people only (stderr), e.g. that the run was interrupted."""
        self.err.print(Text(message, style="yellow"), soft_wrap=True)

    def summary(self, outcomes: list[HeadsetOutcome], seconds: float, *, interrupted: bool) -> None:
        latencies = [x for o in outcomes for x in o.latencies]
        reports = [r for o in outcomes for r in o.reports]
        record: dict[str, Any] = {
            "kind": "summary",
            "interrupted": interrupted,
            "seconds": round(seconds, 2),
            "sessions": len(reports),
            "finished": sum(r.state == "finished" for r in reports),
            "aborted": sum(r.state == "aborted" for r in reports),
            "failed": sum(not r.ok for r in reports),
            "errors": sum(len(o.errors) for o in outcomes) + sum(bool(o.failure) for o in outcomes),
            "command_latency_ms": _latency_stats(latencies),
            "headsets": {
                o.name: {
                    "sessions": [r.to_json() for r in o.reports],
                    "errors": o.errors,
                    "failure": o.failure,
                }
                for o in outcomes
            },
        }
        if self.json_mode:
            self._json(record)
            return
        table = Table(title="Simulated headsets", title_justify="left")
        for column in ("headset", "sessions", "finished", "aborted", "failed", "score", "errors"):
            table.add_column(column, justify="left" if column == "headset" else "right")
        for o in outcomes:
            scores = [r.percent for r in o.reports if r.percent is not None]
            table.add_row(
                o.name,
                str(len(o.reports)),
                str(sum(r.state == "finished" for r in o.reports)),
                str(sum(r.state == "aborted" for r in o.reports)),
                str(sum(not r.ok for r in o.reports)),
                f"{statistics.mean(scores):.0f}%" if scores else "-",
                str(len(o.errors) + bool(o.failure)),
            )
        self.console.print(table)
        stats = record["command_latency_ms"]
        if stats:
            self.console.print(
                f"command latency: {stats['count']} commands, p50 {stats['p50']} ms, "
                f"p95 {stats['p95']} ms, max {stats['max']} ms"
            )
        self.console.print(f"{'interrupted after' if interrupted else 'done in'} {seconds:.1f} s")


def _latency_stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {"count": len(ordered), "p50": pct(0.5), "p95": pct(0.95), "max": pct(1.0)}


# ---------------------------------------------------------------- argument types


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _telemetry_hz(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 2:
        raise argparse.ArgumentTypeError("must be between 0 (off) and 2")
    return value


if __name__ == "__main__":
    sys.exit(main())
