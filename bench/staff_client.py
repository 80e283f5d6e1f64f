"""The staff side of `bench.sessions`: a staff client that sends `message` commands to random
headsets at a set rate and counts the replies, updates and errors, and a one-shot dashboard
connection that times the staff snapshot."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from dataclasses import dataclass, field

from bench.leanws import LeanWebSocket, open_lean

# ---------------------------------------------------------------- staff client


@dataclass
class StaffState:
    issued: dict[int, str] = field(default_factory=dict)  # nonce -> target headset id
    updates: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    error_nonces: set[int] = field(default_factory=set)
    replies: int = 0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


async def staff_client(
    url: str, token: str, targets: list[str], rate: float, window: tuple[float, float]
) -> tuple[StaffState, LeanWebSocket]:
    state = StaffState()
    loop = asyncio.get_running_loop()
    first: asyncio.Future[bytes] = loop.create_future()

    def on_text(_ws: LeanWebSocket, payload: bytes) -> None:
        if not first.done():
            first.set_result(payload)
            return
        if b'"type":"headsets_live"' in payload[:40]:
            if window[0] <= time.monotonic() < window[1]:
                state.updates += payload.count(b'"id":')
        elif b'"type":"headset_update"' in payload[:40]:
            if window[0] <= time.monotonic() < window[1]:
                state.updates += 1
        elif b'"type":"reply"' in payload[:40]:
            state.replies += 1
        elif b'"type":"error"' in payload[:40]:
            frame = json.loads(payload)
            code = frame.get("code", "?")
            state.errors[code] = state.errors.get(code, 0) + 1
            with contextlib.suppress(TypeError, ValueError):
                state.error_nonces.add(int(frame.get("request_id", "").removeprefix("c")))

    ws = await open_lean(url + "/ws/staff", on_text, within_s=60)
    ws.send_text(json.dumps({"type": "auth", "token": token}))
    snapshot = await asyncio.wait_for(first, 120)
    if b'"snapshot"' not in snapshot[:40]:
        raise RuntimeError(f"staff: {snapshot[:200]!r}")

    async def commands() -> None:
        await asyncio.sleep(max(0.0, window[0] - time.monotonic()))
        if rate <= 0 or not targets:
            return
        i = 0
        start = loop.time()
        while time.monotonic() < window[1]:
            target = random.choice(targets)
            state.issued[i] = target
            ws.send_text(
                json.dumps(
                    {
                        "type": "message",
                        "request_id": f"c{i}",
                        "headset_id": target,
                        "text": {"th": "ทดสอบ", "en": f"{i}@{time.monotonic():.6f}"},
                    }
                )
            )
            i += 1
            await asyncio.sleep(max(0.0, start + i / rate - loop.time()))

    async def keepalive() -> None:  # the server closes a socket silent for 30 s
        while ws.send_text('{"type":"ping"}'):  # noqa: ASYNC110 - a timer, not a poll
            await asyncio.sleep(10)

    state.tasks = [loop.create_task(commands()), loop.create_task(keepalive())]
    return state, ws


async def dashboard(url: str, token: str, at: float) -> tuple[float, int]:
    """A staff dashboard connecting at `at` (monotonic) during the window: how long from its
    `auth` to the whole `snapshot`, and the snapshot's size."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    loop = asyncio.get_running_loop()
    first: asyncio.Future[bytes] = loop.create_future()

    def on_text(_ws: LeanWebSocket, payload: bytes) -> None:
        if not first.done():
            first.set_result(payload)

    ws = await open_lean(url + "/ws/staff", on_text, within_s=60)
    started = time.monotonic()
    ws.send_text(json.dumps({"type": "auth", "token": token}))
    snapshot = await asyncio.wait_for(first, 120)
    took = time.monotonic() - started
    ws.close()
    if b'"snapshot"' not in snapshot[:40]:
        raise RuntimeError(f"dashboard: {snapshot[:200]!r}")
    return took, len(snapshot)
