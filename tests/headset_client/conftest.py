from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from content_tools.format import BundleManifest
from headset_client.client import HeadsetClient
from tests.headset_client.fake_server import FakeServer
from tests.headset_client.support import build_manifest, every_kind_script, fake_glb

ClientFactory = Callable[..., Awaitable[HeadsetClient]]


@pytest.fixture
def glb() -> bytes:
    return fake_glb()


@pytest.fixture
def manifest(glb: bytes) -> BundleManifest:
    return build_manifest(every_kind_script(), glb)


@pytest.fixture
async def fake_server(manifest: BundleManifest, glb: bytes) -> AsyncIterator[FakeServer]:
    server = FakeServer(manifest, glb, heartbeat_s=0.5)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def make_client(tmp_path: Path, fake_server: FakeServer) -> AsyncIterator[ClientFactory]:
    """Enrolled clients of the fake server, with short backoff; closed after the test."""
    clients: list[HeadsetClient] = []

    async def make(name: str = "q1", **kwargs: object) -> HeadsetClient:
        client = HeadsetClient(
            fake_server.url,
            tmp_path / name,
            name=name,
            backoff_initial=0.05,
            backoff_max=0.2,
            rng=random.Random(1),
            **kwargs,  # type: ignore[arg-type]
        )
        clients.append(client)
        await client.ensure_enrolled("123456")
        return client

    yield make
    for client in clients:
        await client.close()
