"""vr_server.serving.direct_ws: uvicorn's sans-I/O WebSocket protocol with the direct receive path.

A real uvicorn server runs in the test's event loop with a small ASGI app, so the test can see
which messages its handler took, and in which context (a read callback has no current task),
and which reached the app through the ordinary ASGI `receive`.
"""

from __future__ import annotations

import asyncio
import os
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.support.harness import uvicorn_in_process
from vr_server.serving.direct_ws import EXTENSION, DirectReceive, DirectWebSocketProtocol


@dataclass
class Recorder:
    """What the app saw. The handler takes messages starting with "fast" (or b"fast")."""

    attach: bool = True
    fail_on: str | None = None
    offered: list[str | bytes] = field(default_factory=list)
    taken: list[str | bytes] = field(default_factory=list)
    taken_in_task: list[bool] = field(default_factory=list)
    received: list[str | bytes] = field(default_factory=list)
    extension_found: bool | None = None

    def handler(self, message: str | bytes) -> bool:
        self.offered.append(message)
        if self.fail_on is not None and message == self.fail_on:
            raise RuntimeError("a fault in the handler")
        fast = message.startswith("fast") if isinstance(message, str) else message[:4] == b"fast"
        if fast:
            self.taken.append(message)
            self.taken_in_task.append(asyncio.current_task() is not None)
        return fast


def make_app(rec: Recorder) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return
        assert scope["type"] == "websocket"
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        direct = scope["extensions"].get(EXTENSION)
        rec.extension_found = isinstance(direct, DirectReceive)
        if rec.attach and direct is not None:
            direct.attach(rec.handler)
        while True:
            event = await receive()
            if event["type"] == "websocket.disconnect":
                return
            message = event.get("text")
            message = event.get("bytes") if message is None else message
            rec.received.append(message)
            if message == "report":  # answers with what was taken before it
                await send({"type": "websocket.send", "text": "|".join(map(str, rec.taken))})
            elif message == "slow":  # the app is busy for a while
                await asyncio.sleep(0.2)

    return app


@asynccontextmanager
async def serving(
    rec: Recorder, protocol: type[asyncio.Protocol] = DirectWebSocketProtocol
) -> AsyncIterator[str]:
    app = make_app(rec)
    async with uvicorn_in_process(
        app, ws=protocol, ws_per_message_deflate=False, lifespan="off"
    ) as port:
        yield f"ws://127.0.0.1:{port}/"


def masked(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    """A client frame with a random masking key."""
    key = os.urandom(4)
    n = len(payload)
    first = (0x80 if fin else 0) | opcode
    if n < 126:
        head = struct.pack("!BB", first, 0x80 | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", first, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", first, 0x80 | 127, n)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def write_raw(ws: ClientConnection, data: bytes) -> None:
    """Bytes straight onto the client's socket (the client keeps no frame state of its own
    for what it sends, so complete frames written this way are well-formed)."""
    ws.transport.write(data)


async def report(ws: ClientConnection) -> str:
    await ws.send("report")
    answer = await asyncio.wait_for(ws.recv(), 5)
    assert isinstance(answer, str)
    return answer


async def test_messages_are_taken_in_the_read_callback_without_waking_the_app() -> None:
    rec = Recorder()
    async with serving(rec) as url, connect(url, compression=None) as ws:
        for i in range(5):
            await ws.send(f"fast-{i}")
            await asyncio.sleep(0.01)  # one frame per read
        write_raw(ws, b"".join(masked(0x1, f"fast-{i}".encode()) for i in range(5, 10)))
        assert await report(ws) == "|".join(f"fast-{i}" for i in range(10))
    assert rec.extension_found is True
    assert rec.taken_in_task == [False] * 10  # the transport's callback, no task
    assert rec.received == ["report"]  # the app's receive saw only what the handler declined


async def test_the_wire_order_is_kept_behind_a_declined_message() -> None:
    """A declined message is queued; nothing behind it is offered to the handler until the
    app has received everything queued (reading pauses meanwhile, as in uvicorn), so the app
    sees those in order. (Whether the app is busy is the handler's to say: the headset
    socket's declines while its task works, `Connection.take_directly`.)"""
    rec = Recorder()
    async with serving(rec) as url, connect(url, compression=None) as ws:
        write_raw(ws, masked(0x1, b"slow") + masked(0x1, b"fast-1") + masked(0x1, b"fast-2"))
        await asyncio.sleep(0.05)
        await ws.send("fast-3")  # read once the app has taken fast-2
        await asyncio.sleep(0.3)
        await ws.send("fast-4")
        assert await report(ws) == "fast-3|fast-4"
    assert rec.received == ["slow", "fast-1", "fast-2", "report"]
    assert rec.offered == ["slow", "fast-3", "fast-4", "report"]


async def test_frames_the_lean_parser_leaves_alone_still_arrive() -> None:
    """Fragmented, large (64-bit length), binary, split across reads, after a ping: through
    uvicorn's parser, still offered to the handler, still in order."""
    rec = Recorder()
    big = "fast-big-" + "x" * 100_000
    async with serving(rec) as url, connect(url, compression=None, max_size=None) as ws:
        await ws.send(["fast-", "frag", "mented"])  # three frames, one message
        await ws.send(big)
        await ws.send(b"fast-binary")
        await asyncio.wait_for(await ws.ping(), 5)  # a control frame between messages
        split, after = masked(0x1, b"fast-split"), masked(0x1, b"fast-after")
        write_raw(ws, split[:3])  # half a header
        await asyncio.sleep(0.05)
        write_raw(ws, split[3:] + after[:5])  # the rest, and the start of the next frame
        await asyncio.sleep(0.05)
        write_raw(ws, after[5:])
        await asyncio.sleep(0.05)
        write_raw(ws, masked(0x1, "fast-ไทย".encode()))
        await report(ws)
    assert rec.taken == [
        "fast-fragmented",
        big,
        b"fast-binary",
        "fast-split",
        "fast-after",
        "fast-ไทย",
    ]
    assert rec.received == ["report"]


async def test_invalid_utf8_closes_with_1007_and_reaches_no_one() -> None:
    rec = Recorder()
    async with serving(rec) as url, connect(url, compression=None) as ws:
        write_raw(ws, masked(0x1, b"fast-\xff\xfe"))
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 1007
    assert rec.offered == []
    assert rec.received == []


async def test_an_unmasked_client_frame_fails_the_connection() -> None:
    rec = Recorder()
    async with serving(rec) as url, connect(url, compression=None) as ws:
        write_raw(ws, b"\x81\x06fast-1")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 1002  # protocol error
    assert rec.offered == []


async def test_a_failing_handler_is_detached_and_its_message_received_as_usual() -> None:
    rec = Recorder(fail_on="fast-boom")
    async with serving(rec) as url, connect(url, compression=None) as ws:
        await ws.send("fast-1")
        await asyncio.sleep(0.05)
        await ws.send("fast-boom")
        await asyncio.sleep(0.05)
        await ws.send("fast-2")
        assert await report(ws) == "fast-1"
    assert rec.received == ["fast-boom", "fast-2", "report"]


@pytest.mark.parametrize(
    ("protocol", "attach"),
    [(DirectWebSocketProtocol, False), (WebSocketsSansIOProtocol, True)],
    ids=["not-attached", "plain-uvicorn"],
)
async def test_without_the_path_everything_is_plain_asgi(
    protocol: type[asyncio.Protocol], attach: bool
) -> None:
    rec = Recorder(attach=attach)
    async with serving(rec, protocol) as url, connect(url, compression=None) as ws:
        for i in range(3):
            await ws.send(f"fast-{i}")
        assert await report(ws) == ""
    assert rec.extension_found is (protocol is DirectWebSocketProtocol)
    assert rec.received == ["fast-0", "fast-1", "fast-2", "report"]
    assert rec.offered == []


async def test_send_text_writes_at_once_only_while_open() -> None:
    results: list[bool] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        direct = scope["extensions"][EXTENSION]
        results.append(direct.send_text("before accept"))
        await send({"type": "websocket.accept"})
        results.append(direct.send_text("ส่งตรง"))
        await send({"type": "websocket.send", "text": "then the ASGI way"})
        results.append(direct.send_text("third"))
        await receive()  # the client's close
        results.append(direct.send_text("after close"))

    async with (
        uvicorn_in_process(app, ws=DirectWebSocketProtocol, lifespan="off") as port,
        connect(f"ws://127.0.0.1:{port}/", compression=None) as ws,
    ):
        got = [await asyncio.wait_for(ws.recv(), 5) for _ in range(3)]
        await ws.close()
        await asyncio.sleep(0.2)
    assert got == ["ส่งตรง", "then the ASGI way", "third"]
    assert results == [False, True, True, False]
