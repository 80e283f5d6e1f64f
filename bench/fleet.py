"""The headsets of `bench.sessions`: telemetry frames of each load shape, and a fleet of lean
WebSocket headsets (bench/leanws.py) that connect, send telemetry and pings on one timer, and
record command latencies and errors; `_worker` runs one fleet in a generator process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import struct
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from typing import TYPE_CHECKING

from bench.leanws import LeanWebSocket, open_lean, text_frame
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.services.looplag import BUCKETS_MS, LoopLagMonitor

if TYPE_CHECKING:
    from bench.wsfleet import WebsocketsFleet


TICK_S = 0.01
PING_EVERY_S = 5.0
TELEMETRY = {
    "type": "telemetry",
    "fps": 72.0,
    "battery": 0.8,
    "charging": False,
    "head": {"position": [0.1, 1.6, -0.2], "orientation": [0, 0.38, 0, 0.92]},
}
VARIANTS = 64
"""`--shape poses`: distinct frames each process serialises once and sends in turn."""


def _f32(x: float) -> float:
    """`x` as a headset sends it: a float32 printed with the fewest digits that read back
    as the same float32 (up to 9 significant digits)."""
    y: float = struct.unpack("f", struct.pack("f", x))[0]
    for digits in range(6, 10):
        short = float(format(y, f".{digits}g"))
        if struct.unpack("f", struct.pack("f", short))[0] == y:
            return short
    return y


def pose(rng: random.Random, x: float, y: float, z: float) -> dict[str, list[float]]:
    position = [x + rng.uniform(-0.3, 0.3), y + rng.uniform(-0.1, 0.1), z + rng.uniform(-0.3, 0.3)]
    return {
        "position": [_f32(v) for v in position],
        "orientation": [_f32(rng.uniform(-0.5, 0.5)) for _ in range(4)],
    }


def telemetry_texts(shape: str, seed: int = 0) -> list[str]:
    """The telemetry frames of a load shape. `head`: one frame, the head pose in short
    numbers (127 bytes). `poses`: VARIANTS frames with the head and both controllers'
    poses in full float32 precision, fps, battery and a step_id (~440 bytes)."""
    if shape == "head":
        return [json.dumps(TELEMETRY, separators=(",", ":"))]
    rng = random.Random(seed)
    return [
        json.dumps(
            {
                "type": "telemetry",
                "fps": _f32(72 - rng.random()),
                "battery": _f32(rng.random()),
                "charging": False,
                "step_id": "place-pan",
                "head": pose(rng, 0.0, 1.6, 0.0),
                "left": pose(rng, -0.25, 1.1, 0.3),
                "right": pose(rng, 0.25, 1.1, 0.3),
            },
            separators=(",", ":"),
        )
        for _ in range(VARIANTS)
    ]


# ---------------------------------------------------------------- headsets (any process)


@dataclass
class Ident:
    url: str  # ws://host:port of the instance this headset connects to
    device_id: str
    token: str
    headset_id: str


@dataclass
class FleetResult:
    connected: int = 0
    connect_errors: list[str] = field(default_factory=list)
    connect_s: float = 0.0
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    received: list[int] = field(default_factory=list)
    error_frames: int = 0
    error_samples: list[str] = field(default_factory=list)
    closed_by_server: dict[str, int] = field(default_factory=dict)
    held: int = 0
    backlog_bytes: int = 0
    loop_longest_ms: float = 0.0
    """This generator process's own event-loop stall in the window: a command that arrived
    meanwhile was read that much later, whatever the server did."""
    loop_over_25ms: int = 0


async def watch_own_loop(result: FleetResult, start: float, end: float) -> None:
    """Measure this process's event loop over the window (the server's own monitor)."""
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    monitor = LoopLagMonitor(interval_s=0.01, warn_ms=float("inf"))
    task = asyncio.create_task(monitor.run())
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    result.loop_longest_ms = round(monitor.longest_ms, 1)
    result.loop_over_25ms = sum(monitor.counts[BUCKETS_MS.index(25) + 1 :])


def take_frame(result: FleetResult, payload: bytes) -> None:
    """A frame a headset received: a `message` command's latency, or an error frame."""
    if b'"command"' in payload:
        now = time.monotonic()
        frame = json.loads(payload)
        if frame.get("type") == "command" and frame.get("command") == "message":
            nonce, _, sent_at = frame["text"]["en"].partition("@")
            result.latencies.append(now - float(sent_at))
            result.sent_at.append(float(sent_at))
            result.received.append(int(nonce))
    elif b'"type":"error"' in payload:
        result.error_frames += 1
        if len(result.error_samples) < 5:
            result.error_samples.append(payload[:300].decode(errors="replace"))


def count_connect_error(result: FleetResult, exc: Exception) -> None:
    if len(result.connect_errors) < 5:
        result.connect_errors.append(f"{type(exc).__name__}: {exc}")
    elif len(result.connect_errors) == 5:
        result.connect_errors.append("...")


class HeadsetFleet:
    """Many headsets on lean sockets, driven by one timer."""

    def __init__(
        self, idents: list[Ident], hz: float, concurrency: int, shape: str = "head"
    ) -> None:
        self.idents = idents
        self.hz = hz
        self.shape = shape
        self.concurrency = concurrency
        self.sockets: list[LeanWebSocket] = []
        self.result = FleetResult()
        self.window = (float("inf"), float("inf"))
        self._stop = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        # each headset sends in one slot of the period, TICK_S apart
        self._groups: list[list[LeanWebSocket]] = [
            [] for _ in range(max(1, round(1.0 / hz / TICK_S)) if hz > 0 else 1)
        ]

    # ---- receiving
    def _on_text(self, ws: LeanWebSocket, payload: bytes) -> None:
        take_frame(self.result, payload)

    # ---- connecting
    async def _connect_one(self, ident: Ident, sem: asyncio.Semaphore) -> None:
        loop = asyncio.get_running_loop()
        async with sem:
            try:
                first: asyncio.Future[bytes] = loop.create_future()

                def opening(_ws: LeanWebSocket, payload: bytes) -> None:
                    if not first.done():
                        first.set_result(payload)

                ws = await open_lean(ident.url + "/ws/headset", opening, within_s=60)
                ws.send_text(
                    json.dumps(
                        {
                            "type": "hello",
                            "protocol": PROTOCOL_VERSION,
                            "device_id": ident.device_id,
                            "device_token": ident.token,
                            "app_version": "bench",
                        }
                    )
                )
                welcome = await asyncio.wait_for(first, 120)
                if b'"welcome"' not in welcome:
                    ws.abort()
                    raise RuntimeError(welcome[:200].decode(errors="replace"))
                ws.on_text = self._on_text
                self._add(ws)
                self.result.connected += 1
            except Exception as exc:
                count_connect_error(self.result, exc)

    async def connect_all(self) -> None:
        t0 = time.perf_counter()
        sem = asyncio.Semaphore(self.concurrency)
        await asyncio.gather(*(self._connect_one(i, sem) for i in self.idents))
        self.result.connect_s = time.perf_counter() - t0

    # ---- sending
    def start(self) -> None:
        """Start the timer before connecting: each headset sends from its `welcome` on (a
        headset that stays silent for the heartbeat timeout is closed by the server)."""
        self._sender = asyncio.create_task(self._send_loop())

    def _add(self, ws: LeanWebSocket) -> None:
        self.sockets.append(ws)
        self._groups[random.randrange(len(self._groups))].append(ws)

    async def _send_loop(self) -> None:
        loop = asyncio.get_running_loop()
        period = 1.0 / self.hz
        slots = len(self._groups)
        tick = period / slots
        frames = [text_frame(t) for t in telemetry_texts(self.shape, seed=os.getpid())]
        ping = text_frame('{"type":"ping"}')
        ping_every = max(1, round(PING_EVERY_S / period))
        start = loop.time()
        n = 0
        while not self._stop.is_set():
            round_no, k = divmod(n, slots)
            # each group pings in a round of its own, so pings are spread like telemetry
            with_ping = (round_no + k) % ping_every == 0
            now = time.monotonic()
            counting = self.window[0] <= now < self.window[1]
            sent = 0
            for j, ws in enumerate(self._groups[k]):
                if ws.write(frames[(n + j) % len(frames)]):
                    sent += 1
                    if with_ping:
                        ws.write(ping)
            if counting:
                self.result.sent += sent
            n += 1
            delay = start + n * tick - loop.time()
            await asyncio.sleep(max(0.0, delay))

    async def finish(self) -> FleetResult:
        """Stop sending, record what is still held, close every socket."""
        self._stop.set()
        if self._sender is not None:
            await self._sender
        held = 0
        backlog = 0
        for ws in self.sockets:
            if ws.transport is not None and not ws.transport.is_closing():
                held += 1
                backlog += ws.transport.get_write_buffer_size()
            elif ws.close_code is not None:
                key = str(ws.close_code)
                self.result.closed_by_server[key] = self.result.closed_by_server.get(key, 0) + 1
        self.result.held = held
        self.result.backlog_bytes = backlog
        for ws in self.sockets:
            ws.close()
        await asyncio.sleep(0.5)
        return self.result


def _install_uvloop() -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        pass


def make_fleet(
    client: str, idents: list[Ident], hz: float, concurrency: int, shape: str
) -> HeadsetFleet | WebsocketsFleet:
    if client == "websockets":
        from bench.wsfleet import WebsocketsFleet

        return WebsocketsFleet(idents, hz, concurrency, shape)
    return HeadsetFleet(idents, hz, concurrency, shape)


def _worker(
    pipe: Pipe, idents: list[Ident], hz: float, concurrency: int, shape: str, client: str
) -> None:
    """A generator process: connect its headsets, send until told, report."""
    _install_uvloop()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        fleet = make_fleet(client, idents, hz, concurrency, shape)
        fleet.start()
        await fleet.connect_all()
        pipe.send(("connected", fleet.result.connected, fleet.result.connect_s))
        kind, start, end, stop = await loop.run_in_executor(None, pipe.recv)
        assert kind == "window"
        fleet.window = (start, end)
        await watch_own_loop(fleet.result, start, end)
        await asyncio.sleep(max(0.0, stop - time.monotonic()))
        pipe.send(("result", await fleet.finish()))

    asyncio.run(main())
