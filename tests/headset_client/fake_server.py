"""A small stand-in for the VR server, for testing the headset client without `vr_server`.

It speaks the contract the client is written against (enroll, assets with Range, the headset
socket) with the real protocol models, and judges events with the real `SessionMachine`, so a
test sees the same acks and errors the real server would give. Knobs let tests misbehave on
purpose: hold back acks, swallow events, corrupt or cut asset downloads, close with a code.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response, StreamingResponse

from content_tools.format import BundleManifest, Language, LocalizedText
from tests.support.prompt_uvicorn import PromptServer
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol import session_machine as sm
from vr_server.protocol.errors import ErrorCode
from vr_server.protocol.headset import (
    Ack,
    Assignment,
    Command,
    CommandAck,
    CommandName,
    Error,
    Event,
    HeadsetIdentity,
    Hello,
    LoadFailed,
    Loading,
    Ping,
    Pong,
    Ready,
    Result,
    Resume,
    Telemetry,
    Welcome,
    headset_message_adapter,
)
from vr_server.protocol.scoring import compute_result


def answer_event(
    machine: sm.SessionMachine,
    stored: dict[int, dict[str, Any]],
    session_id: str,
    frame: Event,
    now: float,
) -> Ack | Error | None:
    """A server's answer to an event frame of the session `machine` plays (`stored`: its event
    bodies by seq, where an accepted one is added): an Ack once stored, a duplicate Ack for an
    identical replay, a seq_conflict Error for a replay that differs, an Error for an event the
    machine rejects; None when the machine says none of these."""
    body = frame.event.model_dump(mode="json")
    reply: Ack | Error | None = None
    for out in machine.handle(sm.HeadsetEvent(frame.seq, frame.event), now):
        if isinstance(out, sm.Accepted):
            stored[frame.seq] = body
            reply = Ack(session_id=session_id, seq=frame.seq)
        elif isinstance(out, sm.Replayed):
            if stored.get(frame.seq) == body:
                reply = Ack(session_id=session_id, seq=frame.seq, duplicate=True)
            else:
                reply = Error(code=ErrorCode.SEQ_CONFLICT, message="differs", seq=frame.seq)
        elif isinstance(out, sm.Rejected):
            code, message, expected = out.code, out.message, out.expected_seq
            reply = Error(code=code, message=message, seq=frame.seq, expected_seq=expected)
    return reply


@dataclass
class Device:
    device_id: str
    token: str
    headset_id: str
    name: str


@dataclass
class FakeSession:
    id: str
    headset_id: str
    machine: sm.SessionMachine
    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    result: Result | None = None


class FakeServer:
    def __init__(
        self,
        manifest: BundleManifest,
        glb: bytes,
        *,
        codes: tuple[str, ...] = ("123456",),
        heartbeat_s: float = 1.0,
        protocol: int = PROTOCOL_VERSION,
    ) -> None:
        self.manifest = manifest
        self.assets = {hashlib.sha256(glb).hexdigest(): glb}
        self.codes = set(codes)
        self.heartbeat_s = heartbeat_s
        self.protocol = protocol
        self.devices: dict[str, Device] = {}  # by token
        self.sessions: dict[str, FakeSession] = {}
        self.active: dict[str, str] = {}  # headset id -> session id
        self.sockets: dict[str, WebSocket] = {}
        self.locks: dict[int, asyncio.Lock] = {}
        self.hellos: list[Hello] = []
        self.frames: list[tuple[str, Any]] = []  # (headset id, message) in arrival order
        self.telemetry_times: list[float] = []
        self.command_acks: list[str] = []
        self.asset_requests: list[dict[str, str]] = []
        self.connections = 0
        # knobs
        self.mute_acks = False
        """Apply and store events but send no ack (as if acks were lost in a drop)."""
        self.swallow_events = False
        """Drop incoming events unseen (as if they were lost in a drop)."""
        self.corrupt_assets = False
        self.cut_asset_after: int | None = None
        """Serve only this many bytes of the next asset download, then break the connection."""
        self.close_after_hello: int | None = None
        """Close every connection with this code after reading hello."""
        self._changed = asyncio.Event()
        self.app = self._build_app()
        self._server: PromptServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.port = 0

    # ------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=0,
            log_level="critical",
            ws="websockets-sansio",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = PromptServer(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for ws in list(self.sockets.values()):
            with contextlib.suppress(Exception):
                await ws.close(1001)
        if self._server is not None and self._task is not None:
            self._server.stop()
            await self._task

    # ------------------------------------------------------------ control from tests

    def add_device(self, device_id: str = "quest-test", name: str = "Quest 1") -> Device:
        device = Device(device_id, secrets.token_hex(8), f"hs-{len(self.devices) + 1}", name)
        self.devices[device.token] = device
        return device

    def device(self, headset_id: str) -> Device:
        return next(d for d in self.devices.values() if d.headset_id == headset_id)

    async def assign(
        self, headset_id: str, *, language: Language = "en", autostart: bool = True
    ) -> str:
        session_id = f"s-{uuid.uuid4().hex[:8]}"
        machine = sm.SessionMachine(self.manifest.script)
        machine.handle(sm.Assign(language=language, autostart=autostart), time.time())
        self.sessions[session_id] = FakeSession(session_id, headset_id, machine)
        self.active[headset_id] = session_id
        await self._send_to(headset_id, self.assignment(session_id))
        return session_id

    def assignment(self, session_id: str) -> Assignment:
        s = self.sessions[session_id]
        m = s.machine
        return Assignment(
            session_id=session_id,
            manifest=self.manifest,
            resume=Resume(
                state=m.state, step_index=m.step_index, next_seq=m.next_seq, language=m.language
            ),
        )

    async def command(
        self,
        headset_id: str,
        name: CommandName,
        *,
        language: Language | None = None,
        text: LocalizedText | None = None,
    ) -> Command:
        session_id = self.active.get(headset_id)
        s = self.sessions.get(session_id) if session_id else None
        inputs: dict[str, sm.Input] = {
            "start": sm.Start(),
            "pause": sm.Pause(),
            "resume": sm.Resume(),
            "end": sm.Abort("ended by staff"),
        }
        if language is not None and name == "language":
            inputs["language"] = sm.SetLanguage(language)
        if s is not None and name in inputs:
            outs = s.machine.handle(inputs[name], time.time())
            rejected = [o for o in outs if isinstance(o, sm.Rejected)]
            assert not rejected, rejected
        frame = Command(
            command_id=uuid.uuid4().hex[:12],
            command=name,
            session_id=session_id,
            language=language,
            text=text,
            issued_at=time.time(),
        )
        await self._send_to(headset_id, frame)
        if s is not None:
            await self._maybe_result(s)
        return frame

    async def kick(self, headset_id: str, code: int = 1011) -> None:
        ws = self.sockets.get(headset_id)
        if ws is not None:
            await ws.close(code)

    def events_of(self, session_id: str) -> list[dict[str, Any]]:
        stored = self.sessions[session_id].events
        return [stored[k] for k in sorted(stored)]

    def received(self, kind: type[Any]) -> list[Any]:
        return [m for _, m in self.frames if isinstance(m, kind)]

    async def wait_until(self, predicate: Callable[[], bool], limit_s: float = 10.0) -> None:
        """Wait until `predicate()` holds; it is checked whenever the server sees something."""
        async with asyncio.timeout(limit_s):
            while not predicate():
                await self._changed.wait()

    def _pulse(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # ------------------------------------------------------------ app

    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/api/devices/enroll")
        async def enroll(request: Request) -> Response:
            body = await request.json()
            if body.get("code") not in self.codes:
                return JSONResponse({"detail": "unknown enrollment code"}, status_code=401)
            for token, d in list(self.devices.items()):
                if d.device_id == body["device_id"]:
                    del self.devices[token]
            name = body.get("name") or f"Quest {len(self.devices) + 1}"
            device = self.add_device(body["device_id"], name)
            return JSONResponse(
                {"headset_id": device.headset_id, "name": device.name, "device_token": device.token}
            )

        @app.get("/assets/{sha}")
        async def asset(sha: str, request: Request) -> Response:
            self.asset_requests.append(dict(request.headers))
            self._pulse()
            auth = request.headers.get("authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in self.devices:
                return JSONResponse({"detail": "device token required"}, status_code=401)
            data = self.assets.get(sha)
            if data is None:
                return JSONResponse({"detail": "no such asset"}, status_code=404)
            if self.corrupt_assets:
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            headers = {"ETag": f'"{sha}"', "Accept-Ranges": "bytes"}
            start, status = 0, 200
            ranged = request.headers.get("range", "")
            if ranged.startswith("bytes="):
                start = int(ranged[6:].split("-", 1)[0])
                if start >= len(data):
                    return Response(status_code=416)
                status = 206
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            body = data[start:]
            cut, self.cut_asset_after = self.cut_asset_after, None
            if cut is None:
                return Response(
                    body, status_code=status, headers=headers, media_type="model/gltf-binary"
                )
            headers["Content-Length"] = str(len(body))

            async def broken() -> AsyncIterator[bytes]:
                yield body[:cut]
                await asyncio.sleep(0.05)
                raise ConnectionResetError("cut on purpose")

            return StreamingResponse(
                broken(), status_code=status, headers=headers, media_type="model/gltf-binary"
            )

        @app.websocket("/ws/headset")
        async def headset_socket(ws: WebSocket) -> None:
            await ws.accept()
            with contextlib.suppress(WebSocketDisconnect):
                await self._serve(ws)

        return app

    async def _serve(self, ws: WebSocket) -> None:
        hello = Hello.model_validate_json(await ws.receive_text())
        self.hellos.append(hello)
        self._pulse()
        if self.close_after_hello is not None:
            await ws.close(self.close_after_hello)
            return
        if hello.protocol != self.protocol:
            await ws.send_text(
                Error(code=ErrorCode.PROTOCOL_VERSION, message="no").model_dump_json()
            )
            await ws.close(4426, "protocol version mismatch")
            return
        device = self.devices.get(hello.device_token)
        if device is None or device.device_id != hello.device_id:
            await ws.send_text(
                Error(code=ErrorCode.AUTH_FAILED, message="unknown device").model_dump_json()
            )
            await ws.close(4401, "wrong device credentials")
            return
        hid = device.headset_id
        old = self.sockets.get(hid)
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close(4409)
        self.sockets[hid] = ws
        self.connections += 1
        welcome = Welcome(
            protocol=PROTOCOL_VERSION,
            server_version="fake",
            headset=HeadsetIdentity(id=hid, name=device.name),
            heartbeat_s=self.heartbeat_s,
            server_time=datetime.now(UTC),
            session_id=self.active.get(hid),
        )
        await self._send(ws, welcome)
        if hid in self.active:
            await self._send(ws, self.assignment(self.active[hid]))
        self._pulse()
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    return
                msg = headset_message_adapter.validate_json(message["text"])
                self.frames.append((hid, msg))
                await self._handle(ws, hid, msg)
                self._pulse()
        finally:
            if self.sockets.get(hid) is ws:
                del self.sockets[hid]
            self._pulse()

    async def _handle(self, ws: WebSocket, hid: str, msg: Any) -> None:
        now = time.time()
        if isinstance(msg, Ping):
            await self._send(ws, Pong(t=msg.t, server_time=now))
        elif isinstance(msg, Telemetry):
            self.telemetry_times.append(asyncio.get_running_loop().time())
        elif isinstance(msg, CommandAck):
            self.command_acks.append(msg.command_id)
        elif isinstance(msg, Loading | Ready | LoadFailed):
            s = self.sessions[msg.session_id]
            inp: sm.Input = (
                sm.LoadingStarted()
                if isinstance(msg, Loading)
                else sm.Loaded()
                if isinstance(msg, Ready)
                else sm.LoadFailed(msg.reason)
            )
            for out in s.machine.handle(inp, now):
                if isinstance(out, sm.Rejected):
                    await self._send(ws, Error(code=out.code, message=out.message))
                elif isinstance(out, sm.SendCommand) and out.command == "start":
                    await self._send(
                        ws,
                        Command(
                            command_id=uuid.uuid4().hex[:12],
                            command="start",
                            session_id=s.id,
                            issued_at=time.time(),
                        ),
                    )
            await self._maybe_result(s)
        elif isinstance(msg, Event):
            if self.swallow_events:
                return
            await self._event(ws, hid, msg, now)

    async def _event(self, ws: WebSocket, hid: str, msg: Event, now: float) -> None:
        s = self.sessions.get(msg.session_id)
        if s is None or s.headset_id != hid:
            await self._send(
                ws, Error(code=ErrorCode.WRONG_SESSION, message="not yours", seq=msg.seq)
            )
            return
        reply = answer_event(s.machine, s.events, s.id, msg, now)
        if reply is not None and not (self.mute_acks and isinstance(reply, Ack)):
            await self._send(ws, reply)
        await self._maybe_result(s)

    async def _maybe_result(self, s: FakeSession) -> None:
        if s.result is not None or not s.machine.is_final:
            return
        s.result = Result(
            session_id=s.id,
            state=s.machine.state,
            result=compute_result(s.machine, self.manifest.scene),
        )
        if self.active.get(s.headset_id) == s.id:
            del self.active[s.headset_id]
        await self._send_to(s.headset_id, s.result)

    async def _send_to(self, headset_id: str, frame: Any) -> None:
        ws = self.sockets.get(headset_id)
        if ws is not None:
            with contextlib.suppress(Exception):
                await self._send(ws, frame)

    async def _send(self, ws: WebSocket, frame: Any) -> None:
        lock = self.locks.setdefault(id(ws), asyncio.Lock())
        async with lock:
            await ws.send_text(frame.model_dump_json())
