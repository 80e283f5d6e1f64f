"""`vr-server demo --headsets N` against a real server from a fresh data folder: it waits for
the first admin (the setup link), enrolls N simulated headsets and keeps them online until
Ctrl-C; a second run with a saved staff login makes its code over the API ("Add headsets")
and reuses the headsets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.server.test_first_start import printed_links
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from tests.support.http import http

CLI = [sys.executable, "-m", "vr_server"]


def wait_for(condition: Callable[[], Any], what: str, limit_s: float = 60) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out: {what}")


def start_demo(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [*CLI, "demo", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's job
        )


def ctrl_c(proc: subprocess.Popen[bytes]) -> int:
    """What a terminal's Ctrl-C does: SIGINT to the whole foreground group."""
    os.killpg(proc.pid, signal.SIGINT)
    return proc.wait(timeout=30)


def online_demo_headsets(server: ServerProcess, token: str) -> list[str]:
    headsets = server.api(token, "GET", "/api/headsets").json()
    return sorted(h["name"] for h in headsets if h["online"] and h["name"].startswith("demo-"))


def test_demo_brings_headsets_online_after_first_start(tmp_path: Path, test_bundles: Path) -> None:
    server = ServerProcess(tmp_path / "var", [test_bundles], first_start=True)
    server.start()
    env = {
        **server.env,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no saved login yet
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("VR_SERVER_URL", None)
    state = str(tmp_path / "headsets")
    first_log, second_log = tmp_path / "demo-1.log", tmp_path / "demo-2.log"
    demo = start_demo(
        env, first_log, "--headsets", "3", "--server", server.url, "--state-dir", state
    )
    try:
        wait_for(
            lambda: "waiting for the first admin account" in first_log.read_text(),
            "the demo waits for setup",
        )
        assert demo.poll() is None
        [(_, setup_token)] = printed_links(server)
        body = {"token": setup_token, "username": "admin", "password": STAFF_PASSWORD}
        assert http().post(server.url + "/api/setup", json=body).status_code == 201
        token = server.staff_token("admin")
        names = wait_for(
            lambda: online_demo_headsets(server, token) == ["demo-01", "demo-02", "demo-03"],
            "three demo headsets online",
        )
        assert names
        assert ctrl_c(demo) == 0, first_log.read_text()[-2000:]
        assert "demo: stopped" in first_log.read_text()
        wait_for(lambda: online_demo_headsets(server, token) == [], "the headsets go offline")

        # Logged in once as staff (no --server afterwards): the code comes over the API, as
        # from "Add headsets"; the two headsets are the enrolled ones again.
        server.create_staff()
        login = subprocess.run(
            [*CLI, "login", "--server", server.url, "--username", STAFF_USER, "--password-stdin"],
            env=env,
            input=STAFF_PASSWORD + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert login.returncode == 0, login.stderr
        demo = start_demo(
            {**env, "VR_DATA_DIR": str(tmp_path / "elsewhere")},  # not the server's database
            second_log,
            "--headsets", "2", "--state-dir", state,
        )  # fmt: skip
        wait_for(
            lambda: online_demo_headsets(server, token) == ["demo-01", "demo-02"],
            "two demo headsets online",
        )
        total = len(server.api(token, "GET", "/api/headsets").json())
        assert total == 3  # no new enrollments
        made = server.api(token, "GET", "/api/audit?action=enrollment_created").json()
        assert [entry["actor"] for entry in made["entries"]] == [STAFF_USER]
        assert ctrl_c(demo) == 0, second_log.read_text()[-2000:]
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        server.stop()
