"""`vr-server demo --headsets N`: simulated headsets on a running server, so that someone
without a Quest sees a live dashboard within a minute (issue 18).

    vr-server demo --headsets 4 [--server URL] [--speed 1]

It waits for the server to answer and for its first admin account (the setup link), makes an
enrollment code for the headsets (over the API, like the dashboard's "Add headsets", with the
token of `vr-server login` when there is one; else on the configured database like
`vr-server enroll create`: the same machine as `scripts/run.sh`), then runs headset_client's
simulator, `vr-headset simulate --sessions 0`, until Ctrl-C. The simulator runs as its own
process: the server's command line may not import the headset client (docs/architecture.md,
the layers). Headsets keep their enrollment in the simulator's state folder (`demo-01`, ...),
so a second run reuses them.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

from vr_server.cli.common import CliError, run_with_services
from vr_server.cli.staff import add_remote_options, staff_client
from vr_server.credentials import load_credentials

POLL_S = 0.5
CODE_MINUTES = 60
MAX_HEADSETS = 50
"""The most one "Add headsets" code enrolls (`POST /api/enrollment-codes`): a demo, not a
load test (that is `vr-headset simulate`)."""
NAME_PREFIX = "demo"


def _get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=5)
    except httpx.HTTPError:
        return None


def wait_until(
    ready: Callable[[], bool], what: str, limit_s: float | None, say: Callable[[str], None]
) -> None:
    """Poll `ready` until it is true; `what` is said once if it is not at first. CliError
    after `limit_s` seconds (None: wait until interrupted)."""
    deadline = None if limit_s is None else time.monotonic() + limit_s
    said = False
    while not ready():
        if not said:
            say(what)
            said = True
        if deadline is not None and time.monotonic() > deadline:
            raise CliError(f"gave up after {limit_s:g} s: {what}")
        time.sleep(POLL_S)


def enrollment_code(args: argparse.Namespace) -> str:
    """A code for the demo's headsets: over the API when this CLI has a token for the server,
    else on the configured database."""
    if args.token or os.environ.get("VR_STAFF_TOKEN") or args.server in load_credentials():
        with staff_client(args) as api:
            return api.enrollment_code(args.headsets, CODE_MINUTES).code
    return run_with_services(
        lambda services: services.auth.create_enrollment_code(
            uses=args.headsets, hours=CODE_MINUTES / 60, label="demo"
        )
    )


def simulator_command(args: argparse.Namespace, code: str) -> list[str]:
    command = [sys.executable, "-m", "headset_client.cli", "simulate", "--server", args.server]
    command += ["--devices", str(args.headsets), "--enroll-code", code, "--sessions", "0"]
    command += ["--speed", f"{args.speed:g}", "--name-prefix", NAME_PREFIX]
    return command + (["--state-dir", args.state_dir] if args.state_dir else [])


def cmd_demo(args: argparse.Namespace) -> int:
    def say(text: str) -> None:
        print(f"demo: {text}", flush=True)

    if not 1 <= args.headsets <= MAX_HEADSETS:
        raise CliError(f"--headsets must be between 1 and {MAX_HEADSETS}")
    base = args.server
    wait_until(
        lambda: (r := _get(base + "/health")) is not None and r.status_code == 200,
        f"waiting for the server at {base}",
        args.wait,
        say,
    )
    wait_until(
        lambda: (r := _get(base + "/api/setup")) is not None and r.json() == {"required": False},
        "waiting for the first admin account: open the setup link printed on the server's console",
        None,
        say,
    )
    code = enrollment_code(args)
    say(
        f"starting {args.headsets} simulated headset(s) on {base}: watch them on "
        f"{base}/dashboard/ (Ctrl-C stops them)"
    )
    # our own interpreter and module, the arguments as a list: no shell
    child = subprocess.Popen(simulator_command(args, code))  # noqa: S603

    def stop(_signum: int, _frame: Any) -> None:
        child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        status = child.wait()
    except KeyboardInterrupt:  # the terminal's Ctrl-C reached the simulator too
        try:
            status = child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            status = child.wait()
        say("stopped")
        return 0
    return 0 if status in (0, 130, -signal.SIGTERM) else 1


def add_commands(sub: Any) -> None:
    """Register `demo` on the top-level parser."""
    p = sub.add_parser(
        "demo",
        help="run simulated headsets against a running server (a live dashboard without a Quest)",
        description="Wait for the server and its first admin, enroll N simulated headsets and "
        "keep them online, playing whatever staff assign, until Ctrl-C.",
    )
    p.add_argument("--headsets", type=int, default=3, help="how many (default 3)")
    p.add_argument("--speed", type=float, default=1.0, help="play N times faster than a visitor")
    p.add_argument(
        "--wait", type=float, default=120.0, help="seconds to wait for the server (default 120)"
    )
    p.add_argument("--state-dir", help="the simulator's folder of identities and caches")
    add_remote_options(p, cmd_demo, "a staff or admin token for the enrollment code")
