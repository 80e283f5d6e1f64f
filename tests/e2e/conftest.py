"""Fixtures shared by the end-to-end tests (`server` is in tests/conftest.py)."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import scene_dirs, scene_library_compression
from tests.support.e2e import e2e_only
from tests.support.harness import ServerProcess, running_server


@pytest.fixture(scope="module")
def token(server: ServerProcess) -> str:
    """A staff token for the module's server."""
    return server.staff_token()


@pytest.fixture(scope="module")
def code(server: ServerProcess) -> str:
    """An enrollment code with enough uses for every headset of a test module."""
    return server.enrollment_code(uses=200)


@pytest.fixture(scope="module")
@e2e_only
def kiosk_server(
    tmp_path_factory: pytest.TempPathFactory, scene_library: Path
) -> Iterator[ServerProcess]:
    """A real server with every scene in scenes/ and self-service (kiosk mode) on (download
    scheduling off, as on every harness server: `scheduling_server` has it on)."""
    with running_server(
        tmp_path_factory.mktemp("server"), [scene_library], self_service="true"
    ) as proc:
        yield proc


@pytest.fixture(scope="module")
def scheduling_server(
    tmp_path_factory: pytest.TempPathFactory, scene_library: Path
) -> Iterator[ServerProcess]:
    """Every scene, self-service on, download scheduling in two slots of 40 Mbit/s: the whole
    library prefetches in a few seconds (content distribution, issue 18)."""
    with running_server(
        tmp_path_factory.mktemp("scheduling"),
        [scene_library],
        self_service="true",
        venue_mbps="80",
        headset_mbps="40",
    ) as proc:
        yield proc


@pytest.fixture(scope="session")
def scene_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every scene in scenes/ packaged once per test run (runs each generator; compressed as
    `scene_library_compression` says: meshopt by default): the xdist workers of one run share
    the folder, the first to ask builds it under a lock (about 53 s of CPU for the twelve
    scenes, 23 s of it the baked light, measured 2026-12-07 on the loaded shared machine; 48 s
    and 19 s before the detail shapes, 20 s before the bake; meshopt adds about 1 s a scene).
    Tests only read it."""
    from content_tools.package import package_scene

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # <run>/popen-gwN: the run's folder is shared
        base = base.parent
    dist = base / "scene-library"
    done = base / "scene-library.done"
    with (base / "scene-library.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(dist, ignore_errors=True)  # a worker that died half-way
            dist.mkdir()
            # One at a time: reading a model silences pygltflib's warnings with
            # warnings.catch_warnings, which is process-wide state and not safe to enter from
            # two threads at once.
            for scene_dir in scene_dirs():
                package_scene(scene_dir, dist, compress=scene_library_compression())
            done.touch()
    return dist
