"""Content distribution's browser tests share these: simulated headsets in a process of their
own (`vr-headset simulate`, idle in the lobby) and a new scene version published as an author
does (`vr-content publish`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import IO

from tests.support.harness import ServerProcess


def simulate(
    server: ServerProcess, state: Path, log: IO[bytes], *, devices: int, prefix: str
) -> subprocess.Popen[bytes]:
    """`devices` simulated headsets, enrolled and idle in the lobby (no sessions)."""
    argv = [sys.executable, "-m", "headset_client.cli", "simulate", "--server", server.url]
    argv += ["--devices", str(devices), "--enroll-code", server.enrollment_code(uses=devices)]
    argv += ["--state-dir", str(state), "--sessions", "0", "--name-prefix", prefix, "--json"]
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)


def publish(server: ServerProcess, folder: Path, author: str) -> None:
    """Publish the bundles of `folder` with `author`'s token."""
    token = server.cli("author", "token", author, "--json")
    assert token.returncode == 0, token.stderr
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "vr-content"),
            "publish",
            str(folder),
            "--server",
            server.url,
            "--token",
            json.loads(token.stdout)["token"],
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
