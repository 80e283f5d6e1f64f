"""`bench/sessions.py --client websockets`: headsets on the `websockets` library, to check that
the figures do not depend on our lean client (bench/leanws.py).

Each headset is what a straightforward client would be: one `websockets` connection (its
defaults: permessage-deflate offered, which the server declines, and a protocol ping every
20 s), a task that sends `telemetry` every 1/hz seconds from a random phase, each frame
serialised when it is sent (`--shape poses`: fresh float32 poses every time) plus a `ping`
every 5 s, and a task that reads what the server sends. It costs the machine several times
what the lean client does, so give it more `--processes` (each process holds fewer headsets).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.fleet import (
    PING_EVERY_S,
    TELEMETRY,
    FleetResult,
    Ident,
    count_connect_error,
    pose,
    take_frame,
)
from vr_server.protocol import PROTOCOL_VERSION


def telemetry_now(shape: str, rng: random.Random) -> dict[str, Any]:
    if shape == "head":
        return TELEMETRY
    return {
        "type": "telemetry",
        "fps": round(72 - rng.random(), 2),
        "battery": round(rng.random(), 3),
        "charging": False,
        "step_id": "place-pan",
        "head": pose(rng, 0.0, 1.6, 0.0),
        "left": pose(rng, -0.25, 1.1, 0.3),
        "right": pose(rng, 0.25, 1.1, 0.3),
    }


class WebsocketsFleet:
    """The same interface as `HeadsetFleet` (connect_all, start, window, finish)."""

    def __init__(self, idents: list[Ident], hz: float, concurrency: int, shape: str) -> None:
        self.idents = idents
        self.hz = hz
        self.concurrency = concurrency
        self.shape = shape
        self.result = FleetResult()
        self.window = (float("inf"), float("inf"))
        self._stop = asyncio.Event()
        self._sockets: list[ClientConnection] = []
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Nothing to start: each headset sends from its `welcome` on."""

    async def connect_all(self) -> None:
        t0 = time.perf_counter()
        sem = asyncio.Semaphore(self.concurrency)
        await asyncio.gather(*(self._connect_one(i, sem) for i in self.idents))
        self.result.connect_s = time.perf_counter() - t0

    async def _connect_one(self, ident: Ident, sem: asyncio.Semaphore) -> None:
        async with sem:
            try:
                ws = await connect(ident.url + "/ws/headset", proxy=None, open_timeout=60)
                await ws.send(
                    json.dumps(
                        {
                            "type": "hello",
                            "protocol": PROTOCOL_VERSION,
                            "device_id": ident.device_id,
                            "device_token": ident.token,
                            "app_version": "bench-websockets",
                        }
                    )
                )
                welcome = await asyncio.wait_for(ws.recv(), 120)
                if '"welcome"' not in welcome:
                    await ws.close()
                    raise RuntimeError(str(welcome)[:200])
            except Exception as exc:
                count_connect_error(self.result, exc)
                return
        self._sockets.append(ws)
        self.result.connected += 1
        self._tasks.append(asyncio.create_task(self._send(ws)))
        self._tasks.append(asyncio.create_task(self._receive(ws)))

    async def _send(self, ws: ClientConnection) -> None:
        rng = random.Random()
        period = 1.0 / self.hz
        await asyncio.sleep(rng.random() * period)
        next_ping = time.monotonic() + rng.random() * PING_EVERY_S
        with contextlib.suppress(ConnectionClosed):
            while not self._stop.is_set():
                started = time.monotonic()
                await ws.send(json.dumps(telemetry_now(self.shape, rng), separators=(",", ":")))
                if self.window[0] <= started < self.window[1]:
                    self.result.sent += 1
                if started >= next_ping:
                    await ws.send('{"type":"ping"}')
                    next_ping += PING_EVERY_S
                await asyncio.sleep(max(0.0, started + period - time.monotonic()))

    async def _receive(self, ws: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for message in ws:
                take_frame(self.result, message.encode() if isinstance(message, str) else message)

    async def finish(self) -> FleetResult:
        self._stop.set()
        held = 0
        for ws in self._sockets:
            if ws.close_code is None:
                held += 1
            else:
                key = str(ws.close_code)
                self.result.closed_by_server[key] = self.result.closed_by_server.get(key, 0) + 1
        self.result.held = held
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(
            *(asyncio.wait_for(ws.close(), 5) for ws in self._sockets), return_exceptions=True
        )
        return self.result
