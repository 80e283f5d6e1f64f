"""Fixtures shared by the end-to-end tests (`server` is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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
    """A real server with every scene in scenes/ and self-service (kiosk mode) on."""
    with running_server(
        tmp_path_factory.mktemp("server"), [scene_library], self_service="true"
    ) as proc:
        yield proc
