"""Spectator view benchmark: the bytes per second of one watched headset at 20 Hz.

Starts `vr-server` (SQLite, a test scene), enrolls one headset (a raw WebSocket client that
sends the simulated visitor's `pose` frames of headset_client/pose_stream.py, head, both hands
and a grabbed node in every frame: the largest frame there is, at the rate `pose_rate` asks
for), connects `--watchers` staff clients that `watch` it, and counts over `--seconds`, once the
poses flow: the frames and bytes the headset sends (headset to server) and that each watcher
receives (server to staff). Payload bytes are the JSON text; WebSocket bytes add the frame
header (2 bytes from the server, 6 from a client, which masks its frames; the server declines
permessage-deflate by default); TCP/IP adds about 52 bytes per frame sent in its own segment
(IPv4 + TCP with timestamps), shown separately. Then the watchers leave and the headset must
be told `pose_rate` 2.

    .venv/bin/python -m bench.watch [--seconds 10] [--watchers 2] [--markdown]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from headset_client.pose_stream import PoseStream
from tests.support.bundles import write_bundle
from tests.support.harness import ServerProcess
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.poses import PoseFrame

BUDGET = 5000
"""Bytes per second per watched headset (issue 18)."""
TCP_IP = 52
CLIENT_WS = 6
SERVER_WS = 2


class Headset:
    """The headset's socket, sending PoseStream's frames at the rate the server asks for."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.rates: list[int] = []
        self.counting = False
        self.frames = 0
        self.bytes = 0
        self.changed = asyncio.Event()
        self.stream = PoseStream(self.send, lambda: "pan")

    async def send(self, frame: PoseFrame) -> bool:
        text = frame.model_dump_json(exclude_none=True)
        await self.ws.send(text)
        if self.counting:
            self.frames += 1
            self.bytes += len(text.encode())
        return True

    async def read(self) -> None:
        async for text in self.ws:
            frame = json.loads(text)
            if frame["type"] == "pose_rate":
                self.rates.append(frame["hz"])
                await self.stream.set_rate(frame["hz"])
                self.changed.set()


class Watcher:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.counting = False
        self.frames = 0
        self.bytes = 0
        self.first = asyncio.Event()

    async def read(self) -> None:
        async for text in self.ws:
            if '"watched_pose"' not in text:
                continue
            self.first.set()
            if self.counting:
                self.frames += 1
                self.bytes += len(text.encode() if isinstance(text, str) else text)


async def staff_socket(server: ServerProcess, token: str) -> ClientConnection:
    ws = await connect(server.ws_url + "/ws/staff", max_size=None, compression=None)
    await ws.send(json.dumps({"type": "auth", "token": token}))
    await ws.recv()  # snapshot
    return ws


async def measure(server: ServerProcess, args: argparse.Namespace) -> dict[str, Any]:
    token = server.staff_token()
    device_id = f"bench-{uuid.uuid4().hex[:8]}"
    enrolled = server.enroll(server.enrollment_code(), device_id)
    ws = await connect(server.ws_url + "/ws/headset", compression=None)
    hello = {"protocol": PROTOCOL_VERSION, "device_id": device_id}
    await ws.send(json.dumps({"type": "hello", **hello, "device_token": enrolled["device_token"]}))
    await ws.recv()  # welcome
    headset = Headset(ws)
    tasks = [asyncio.create_task(headset.read())]
    watchers = [Watcher(await staff_socket(server, token)) for _ in range(args.watchers)]
    tasks += [asyncio.create_task(w.read()) for w in watchers]
    for w in watchers:
        watch = {"type": "watch", "request_id": "w", "headset_id": enrolled["headset_id"]}
        await w.ws.send(json.dumps(watch))
    async with asyncio.timeout(30):
        for w in watchers:
            await w.first.wait()
    await asyncio.sleep(1.0)  # settle
    parties: list[Headset | Watcher] = [headset, *watchers]
    for party in parties:
        party.counting = True
    started = time.monotonic()
    await asyncio.sleep(args.seconds)
    for party in parties:
        party.counting = False
    elapsed = time.monotonic() - started
    for w in watchers:
        await w.ws.close()
    async with asyncio.timeout(30):
        while headset.stream.hz != 2:
            headset.changed.clear()
            await headset.changed.wait()
    for task in tasks:
        task.cancel()
    await headset.stream.stop()
    await ws.close()
    up_fps = headset.frames / elapsed
    down = [(w.frames / elapsed, w.bytes / elapsed) for w in watchers]
    down_fps = sum(f for f, _ in down) / len(down)
    down_payload = sum(b for _, b in down) / len(down)
    up_payload = headset.bytes / elapsed
    return {
        "seconds": round(elapsed, 2),
        "watchers": args.watchers,
        "rates": headset.rates,
        "headset_frames_per_s": round(up_fps, 1),
        "frame_bytes": round(headset.bytes / max(1, headset.frames), 1),
        "up_payload_Bps": round(up_payload),
        "up_ws_Bps": round(up_payload + up_fps * CLIENT_WS),
        "up_with_tcp_ip_Bps": round(up_payload + up_fps * (CLIENT_WS + TCP_IP)),
        "watcher_frames_per_s": round(down_fps, 1),
        "relayed_frame_bytes": round(down_payload / max(0.001, down_fps), 1),
        "down_payload_Bps_per_watcher": round(down_payload),
        "down_ws_Bps_per_watcher": round(down_payload + down_fps * SERVER_WS),
        "down_with_tcp_ip_Bps_per_watcher": round(down_payload + down_fps * (SERVER_WS + TCP_IP)),
        "budget_Bps": BUDGET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--watchers", type=int, default=2)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_bundle(root / "dist")
        server = ServerProcess(root / "data", [root / "dist"])
        server.create_staff()
        server.start()
        try:
            result = asyncio.run(measure(server, args))
        finally:
            server.stop()
    print(json.dumps(result))
    if args.markdown:
        r = result
        print(
            f"| {r['watchers']} | {r['headset_frames_per_s']} | {r['frame_bytes']} | "
            f"{r['up_payload_Bps']} / {r['up_ws_Bps']} / {r['up_with_tcp_ip_Bps']} | "
            f"{r['watcher_frames_per_s']} | {r['relayed_frame_bytes']} | "
            f"{r['down_payload_Bps_per_watcher']} / {r['down_ws_Bps_per_watcher']} / "
            f"{r['down_with_tcp_ip_Bps_per_watcher']} | {r['rates']} |"
        )


if __name__ == "__main__":
    main()
