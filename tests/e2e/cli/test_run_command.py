"""The README's run command (`bash scripts/run.sh`) packages and serves every scene in scenes/."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx

from tests.conftest import scene_dirs
from tests.support.harness import ServerProcess, wait_until_healthy

ROOT = Path(__file__).resolve().parents[3]


def test_run_sh_serves_every_scene(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "var", [])  # for its free port, env and helpers
    server.data_dir.mkdir(parents=True)
    server.create_staff()
    env = {k: v for k, v in server.env.items() if k != "VR_CONTENT_DIRS"}
    log = (tmp_path / "run.log").open("wb")
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # Set-up is done; packaging runs every generator before the server starts.
        wait_until_healthy(server.url, proc, tmp_path / "run.log", timeout_s=240, poll_s=0.5)
        token = server.staff_token()
        catalog = server.api(token, "GET", "/api/catalog").json()
        assert sorted(scene["id"] for scene in catalog) == sorted(p.name for p in scene_dirs())
        assert len(catalog) >= 8
        assert all(scene["thumbnail_sha256"] for scene in catalog)
        page = httpx.get(server.url + "/headset/")
        assert page.status_code == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
