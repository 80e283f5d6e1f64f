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
