"""Fixtures shared by the end-to-end tests (`server` is in tests/conftest.py)."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import scene_dirs, scene_library_compression, scene_library_textures
from tests.support.e2e import e2e_only
from tests.support.harness import ServerProcess, running_server

VR_CONTENT = str(Path(sys.executable).with_name("vr-content"))


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


LIBRARY_JOBS = 2
"""`vr-content package` processes that build the scene library side by side."""
LIBRARY_TIMEOUT_S = 900.0
"""The library's own time limit: the first test to ask for it does not count the build (nor
the wait for it) against its timeout (`_test_timeout_paused`)."""


@contextmanager
def _test_timeout_paused() -> Iterator[None]:
    """pytest-timeout (method signal) times each test, its fixtures included, with
    ITIMER_REAL. The library is the run's, not the first test's that asks for it: on a slow day
    its build on a fresh clone (the generators, then the KTX2 encoding) took most of the 120 s,
    and the first browser play timed out. The timer is stopped meanwhile and started again
    with what was left of it."""
    remaining, interval = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        if remaining:
            signal.setitimer(signal.ITIMER_REAL, remaining, interval)


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test run's temporary folder, which its xdist workers share."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # <run>/popen-gwN: the run's folder is shared
        base = base.parent
    return base


@pytest.fixture(scope="session")
def ktx2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The KTX2 encodings of this test run (content_tools/ktx2_cache.py): the scene library
    fills it, and packaging the same scenes again (`scripts/run.sh`, the determinism check)
    takes its textures from there instead of encoding them again, about 7 s of CPU a scene.
    Shared by the run's xdist workers; a new run starts empty."""
    return _run_folder(tmp_path_factory) / "ktx2-cache"


@pytest.fixture(scope="session")
def scene_library(tmp_path_factory: pytest.TempPathFactory, ktx2_cache: Path) -> Path:
    """Every scene in scenes/ packaged once per test run by `vr-content package`, as
    `scripts/run.sh` packages it for the headsets: each generator run, compressed as
    `scene_library_compression` says (meshopt by default) and the textures encoded as
    `scene_library_textures` says (KTX2 by default). The xdist workers of one run share the
    folder, the first to ask builds it under a lock, in LIBRARY_JOBS processes of half the
    scenes each (the other worker is often waiting for the library; neither counts the build
    against its test's timeout, LIBRARY_TIMEOUT_S limits it). On a fresh clone about 50 s of
    CPU go to the generators (a third of it the baked light, a third the thumbnails) and most
    of the rest to the KTX2
    encoding (7.6 of the 8.3 s that packaging the warehouse's generated files takes, measured
    2026-12-07 with the sign atlases), which fills `ktx2_cache`; a generator whose inputs did
    not change since it last ran in this clone writes nothing (scenes/kit/inputs.py). Tests
    only read it."""
    base = _run_folder(tmp_path_factory)
    dist = base / "scene-library"
    done = base / "scene-library.done"
    with _test_timeout_paused(), (base / "scene-library.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(dist, ignore_errors=True)  # a worker that died half-way
            dist.mkdir()
            _package_library(dist, ktx2_cache)
            done.touch()
    return dist


def _package_library(dist: Path, ktx2_cache: Path) -> None:
    options = [
        f"--compress={scene_library_compression()}",
        f"--textures={scene_library_textures()}",
        f"--ktx2-cache={ktx2_cache}",
    ]
    scenes = [str(path) for path in scene_dirs()]
    runs = [
        subprocess.Popen(
            [VR_CONTENT, "package", *scenes[job::LIBRARY_JOBS], "-o", str(dist), *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for job in range(LIBRARY_JOBS)
    ]
    deadline = time.monotonic() + LIBRARY_TIMEOUT_S
    try:
        outputs = [
            run.communicate(timeout=max(1.0, deadline - time.monotonic()))[0].decode(
                errors="replace"
            )
            for run in runs
        ]
    except subprocess.TimeoutExpired:
        for run in runs:
            run.kill()
        pytest.fail(f"packaging the scene library took more than {LIBRARY_TIMEOUT_S:.0f} s")
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, f"vr-content package failed:\n{output[-3000:]}"
