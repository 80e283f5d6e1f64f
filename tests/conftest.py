from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bundles import write_bundle
from tests.harness import ServerProcess


@pytest.fixture(scope="session")
def test_bundles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    write_bundle(dist)
    return dist


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, test_bundles: Path) -> Iterator[ServerProcess]:
    """One real server per test module, with a staff account and the test bundle."""
    proc = ServerProcess(tmp_path_factory.mktemp("server"), [test_bundles])
    proc.create_staff()
    proc.start()
    yield proc
    proc.stop()


SCENES_DIR = Path(__file__).resolve().parents[1] / "scenes"


def scene_dirs() -> list[Path]:
    """Every occupation scene folder in scenes/ (those with a scene.yaml)."""
    return sorted(path.parent for path in SCENES_DIR.glob("*/scene.yaml"))


@pytest.fixture(scope="session")
def scene_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every scene in scenes/ packaged once per test session (runs each generator)."""
    from content_tools.package import package_scene

    dist = tmp_path_factory.mktemp("scene-library")
    # One at a time: reading a model silences pygltflib's warnings with warnings.catch_warnings,
    # which is process-wide state and not safe to enter from two threads at once.
    for scene_dir in scene_dirs():
        package_scene(scene_dir, dist)
    return dist
