"""The README's run command (`bash scripts/run.sh`) packages and serves every scene in scenes/;
on a fresh data folder it prints the one-time setup link, which creates the first admin, and
with `--demo 2` two simulated headsets come online once it exists."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from content_tools.bundle import MANIFEST_NAME, iter_bundles
from tests.conftest import scene_dirs, scene_library_compression, scene_library_textures
from tests.e2e.server.test_first_start import LINK
from tests.support.harness import STAFF_PASSWORD, ServerProcess, wait_until_healthy
from tests.support.http import http

ROOT = Path(__file__).resolve().parents[3]


# Packaging runs every generator and encodes every scene's textures to KTX2 before the server
# starts. But `scene_library` (packaged as run.sh packages, from scratch: the first run of each
# generator in this clone) has just done both: each generator finds its outputs up to date
# (scenes/kit/inputs.py) and writes nothing, saving about 50 s of CPU, and the textures come
# from the run's KTX2 cache (VR_KTX2_CACHE, which `vr-content package` reads), saving about
# 90 s more. The bundles must still be byte for byte the library's.
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_run_sh_serves_every_scene(tmp_path: Path, scene_library: Path, ktx2_cache: Path) -> None:
    server = ServerProcess(tmp_path / "var", [])  # for its free port, env and helpers
    server.data_dir.mkdir(parents=True)
    env = {k: v for k, v in server.env.items() if k != "VR_CONTENT_DIRS"}
    env |= {"XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env["VR_KTX2_CACHE"] = str(ktx2_cache)
    log = (tmp_path / "run.log").open("wb")
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run.sh"), "--demo", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # Set-up is done; packaging runs every generator before the server starts.
        wait_until_healthy(server.url, proc, tmp_path / "run.log", timeout_s=240, poll_s=0.5)
        [(_, setup_token)] = LINK.findall((tmp_path / "run.log").read_text(encoding="utf-8"))
        body = {"token": setup_token, "username": "staff", "password": STAFF_PASSWORD}
        assert http().post(server.url + "/api/setup", json=body).status_code == 201
        token = server.staff_token()
        catalog = server.api(token, "GET", "/api/catalog").json()
        assert sorted(scene["id"] for scene in catalog) == sorted(p.name for p in scene_dirs())
        assert len(catalog) >= 8
        assert all(scene["thumbnail_sha256"] for scene in catalog)
        if (scene_library_compression(), scene_library_textures()) == ("meshopt", "ktx2"):
            # the library the other tests play is, byte for byte, what run.sh serves
            assert _bundles(server.data_dir / "dist") == _bundles(scene_library)
        page = http().get(server.url + "/headset/")
        assert page.status_code == 200
        # --demo 2: two simulated headsets joined once the admin existed
        deadline = time.monotonic() + 60
        online: list[str] = []
        while time.monotonic() < deadline and len(online) < 2:
            headsets = server.api(token, "GET", "/api/headsets").json()
            online = sorted(h["name"] for h in headsets if h["online"])
            time.sleep(0.5)
        assert online == ["demo-01", "demo-02"], (tmp_path / "run.log").read_text()[-3000:]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def _bundles(dist: Path) -> dict[str, bytes]:
    """Each bundle folder's name and its manifest (which names every file by its sha256)."""
    return {bundle.name: (bundle / MANIFEST_NAME).read_bytes() for bundle in iter_bundles(dist)}
