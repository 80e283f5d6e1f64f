"""The headset socket on the direct receive path (vr_server.serving.direct_ws, the default
VR_WS_IMPL).

The whole app runs under a real uvicorn in the test's event loop, once with the direct
protocol and once with uvicorn's own, so the test can see where telemetry was handled (the
transport's read callback has no current task) and that both give the same answers.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from tests.support.harness import RawSocket, past_first_start, uvicorn_in_process
from vr_server.app import create_app
from vr_server.bus.channels import STAFF_CHANNEL
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.errors import CloseCode
from vr_server.services import Services
from vr_server.serving.direct_ws import DirectWebSocketProtocol
from vr_server.settings import Settings

PROTOCOLS = pytest.mark.parametrize(
    ("protocol", "direct"),
    [(DirectWebSocketProtocol, True), (WebSocketsSansIOProtocol, False)],
    ids=["direct", "plain-uvicorn"],
)


@asynccontextmanager
async def serving(
    tmp_path: Path, protocol: type[asyncio.Protocol], **settings: Any
) -> AsyncIterator[tuple[str, Services]]:
    app = create_app(Settings(data_dir=tmp_path / "data", **settings))
    async with uvicorn_in_process(app, ws=protocol) as port:
        await past_first_start(app.state.services)
        yield f"ws://127.0.0.1:{port}", app.state.services


async def headset(url: str, services: Services) -> tuple[RawSocket, str]:
    code = await services.auth.create_enrollment_code(uses=1, hours=1)
    device_id = f"dev-{uuid.uuid4().hex[:8]}"
    record, token, _ = await services.auth.enroll(code, device_id, None)
    sock = await RawSocket.open(url + "/ws/headset")
    await sock.send(
        {"type": "hello", "protocol": PROTOCOL_VERSION, "device_id": device_id}
        | {"device_token": token, "app_version": "test"}
    )
    assert (await sock.recv())["type"] == "welcome"
    return sock, record.id


@PROTOCOLS
async def test_telemetry_pings_and_bad_frames(
    tmp_path: Path, protocol: type[asyncio.Protocol], direct: bool
) -> None:
    async with serving(tmp_path, protocol) as (url, services):
        fleet = services.fleet
        in_task: list[bool] = []
        take = fleet.telemetry

        def recording(headset_id: str, msg: Any) -> None:
            in_task.append(asyncio.current_task() is not None)
            take(headset_id, msg)

        fleet.telemetry = recording  # type: ignore[method-assign]
        staff = services.bus.subscribe(STAFF_CHANNEL, maxsize=100)
        sock, headset_id = await headset(url, services)

        await sock.send({"type": "telemetry", "battery": 0.5, "fps": 72.0, "charging": True})
        await sock.send({"type": "ping", "t": 1.0})
        assert (await sock.recv_type("pong"))["t"] == 1.0
        await sock.send('{"type": "telemetry", "fps": "fast"}')
        error = await sock.recv_type("error")
        assert error["code"] == "invalid_message"
        assert "fps" in error["message"]
        # not for the direct path: handled by the connection's task, in order
        await sock.send({"type": "request_scene", "scene_id": "nope", "language": "en"})
        refused = await sock.recv_type("error")  # no self-service: a reason the app words
        assert (refused["code"], refused["reason"], refused["params"]) == (
            "not_allowed",
            "self_service_off",
            {},
        )
        await sock.send({"type": "ping", "t": 2.0})
        assert (await sock.recv_type("pong"))["t"] == 2.0

        assert in_task == [not direct]
        entry = await fleet.presence.get(headset_id)
        assert entry is not None
        assert (entry.battery, entry.fps, entry.charging) == (0.5, 72.0, True)
        # staff get the figures in the next batch
        assert await fleet.flush_live() == 1
        async with asyncio.timeout(5):
            while (frame := json.loads(await staff.get()))["type"] != "headsets_live":
                pass
        live = frame["headsets"]
        assert [(h["id"], h["battery"], h["fps"], h["step_id"]) for h in live] == [
            (headset_id, 0.5, 72.0, None)
        ]
        await sock.close()


@PROTOCOLS
async def test_telemetry_alone_keeps_the_connection_and_silence_closes_it(
    tmp_path: Path, protocol: type[asyncio.Protocol], direct: bool
) -> None:
    """Frames taken directly count as activity for the heartbeat timeout."""
    async with serving(tmp_path, protocol, heartbeat_s=0.25, heartbeat_timeout_s=0.5) as (
        url,
        services,
    ):
        sock, _ = await headset(url, services)
        for _ in range(10):  # 1 s, twice the timeout
            await sock.send({"type": "telemetry", "battery": 0.9})
            await asyncio.sleep(0.1)
        await sock.send({"type": "ping", "t": 3.0})
        assert (await sock.recv_type("pong"))["t"] == 3.0
        assert await sock.closed_with(timeout=5) == CloseCode.TOO_SLOW  # then silence
        await sock.close()
