"""The README's walk-through, command by command, with the real CLIs and the packaged cook
scene: package, serve (a first start: no admin yet), create the admin on the console, enroll a
simulated headset, log in once (later commands use that server), assign, watch it finish,
and read the stored session and events back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.support.harness import STAFF_PASSWORD, ServerProcess, simulate_args
from tests.support.http import http

ROOT = Path(__file__).resolve().parents[3]


def run(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_readme_walkthrough_on_the_cook_scene(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    dist = tmp_path / "dist"
    packaged = run(
        [str(bin_dir / "vr-content"), "package", str(ROOT / "scenes" / "cook"), "-o", str(dist)],
        dict(os.environ),
    )
    assert packaged.returncode == 0, packaged.stderr

    server = ServerProcess(tmp_path / "var", [dist], first_start=True)  # as on a new machine
    server.start()
    try:
        env = {**server.env, "XDG_CONFIG_HOME": str(tmp_path / "config")}
        env.pop("VR_SERVER_URL", None)
        assert http().get(server.url + "/api/catalog").status_code == 503  # no admin yet
        created = run(
            [
                sys.executable,
                "-m",
                "vr_server",
                "staff",
                "create",
                "admin",
                "--role",
                "admin",
                "--password-stdin",
            ],
            env,
            STAFF_PASSWORD + "\n",
        )
        assert created.returncode == 0, created.stderr
        code = json.loads(
            run(
                [sys.executable, "-m", "vr_server", "enroll", "create", "--uses", "5", "--json"],
                env,
            ).stdout
        )["code"]

        simulate = subprocess.Popen(
            [
                str(bin_dir / "vr-headset"),
                *simulate_args(server.url, code, tmp_path / "headsets", speed=100, sessions=1),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            client = [sys.executable, "-m", "vr_server"]
            login = run(
                [
                    *client,
                    "login",
                    "--server",
                    server.url,
                    "--username",
                    "admin",
                    "--password-stdin",
                ],
                env,
                STAFF_PASSWORD + "\n",
            )
            assert login.returncode == 0, login.stderr
            deadline = time.monotonic() + 30
            headsets: list[dict[str, object]] = []
            while time.monotonic() < deadline:
                listed = run([*client, "headsets", "--json"], env)  # the server of login
                assert listed.returncode == 0, listed.stderr
                headsets = [h for h in json.loads(listed.stdout) if h["online"]]
                if headsets:
                    break
                time.sleep(0.2)
            assert headsets, "the simulated headset never came online"
            scenes = json.loads(run([*client, "scenes", "--json"], env).stdout)
            assert [s["id"] for s in scenes] == ["cook"]
            assigned = run(
                [
                    *client,
                    "assign",
                    str(headsets[0]["name"]),
                    "cook",
                    "--json",
                ],
                env,
            )
            assert assigned.returncode == 0, assigned.stderr
            session_id = json.loads(assigned.stdout)["id"]
            out, err = simulate.communicate(timeout=90)
            assert simulate.returncode == 0, err + out
        finally:
            if simulate.poll() is None:
                simulate.kill()
                simulate.wait()

        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        assert any(line.get("kind") == "finished" for line in lines), out[-2000:]
        shown = run([*client, "session", session_id, "--events", "--json"], env)
        assert shown.returncode == 0, shown.stderr
        data = json.loads(shown.stdout)
        assert data["session"]["state"] == "finished"
        assert data["session"]["result"]["isco08"] == "5120"
        seqs = [e["seq"] for e in data["events"]]
        assert seqs == list(range(1, len(seqs) + 1))
        assert data["events"][-1]["kind"] == "session_completed"
        human = run([*client, "sessions", "--all"], env)
        assert session_id in human.stdout
        assert "finished" in human.stdout
    finally:
        server.stop()


def test_client_commands_explain_missing_login_and_unreachable_server(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("VR_STAFF_TOKEN", None)
    not_logged_in = run(
        [sys.executable, "-m", "vr_server", "headsets", "--server", "http://127.0.0.1:9"], env
    )
    assert not_logged_in.returncode == 1
    assert "not logged in" in not_logged_in.stderr
    unreachable = run(
        [
            sys.executable,
            "-m",
            "vr_server",
            "headsets",
            "--server",
            "http://127.0.0.1:9",
            "--token",
            "x",
        ],
        env,
    )
    assert unreachable.returncode == 1
    assert "cannot reach the server" in unreachable.stderr
