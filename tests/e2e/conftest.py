"""Fixtures shared by the end-to-end tests (`server` is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.support.harness import ServerProcess


@pytest.fixture(scope="module")
def token(server: ServerProcess) -> str:
    """A staff token for the module's server."""
    return server.staff_token()


@pytest.fixture(scope="module")
def code(server: ServerProcess) -> str:
    """An enrollment code with enough uses for every headset of a test module."""
    return server.enrollment_code(uses=200)
