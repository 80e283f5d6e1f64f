"""Hostile frames for the fuzz suite (tests/e2e/server/test_fuzz.py) and bench/fuzz.py.

`frames()` draws what a hostile client sends, built from the protocol's own models (their
JSON schema, so a new message type or field is fuzzed without touching this file): valid
frames, valid frames with one field broken, lone-surrogate escapes, random JSON, random
text, binary frames, oversize frames and text frames that are not UTF-8. `Fuzzer` sends them
to a real server on both sockets, before and after `hello` / `auth`, reading whatever comes
back and reconnecting whenever the server closes a connection (as it should, often).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import psutil
from hypothesis import strategies as st
from pydantic import TypeAdapter
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.support.harness import ServerProcess
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.headset import headset_message_adapter
from vr_server.protocol.staff import staff_message_adapter

Target = Literal["headset", "headset+hello", "staff", "staff+auth"]
TARGETS: tuple[Target, ...] = ("headset", "headset+hello", "staff", "staff+auth")
MAX_FRAME = 64 * 1024
"""The server's default VR_MAX_FRAME_BYTES."""


@dataclass(frozen=True)
class Frame:
    """One message to send: text, binary, or (`raw_text`) bytes sent as a text frame."""

    data: str | bytes
    raw_text: bool = False


# ------------------------------------------------------------------ strategies

json_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    json_leaves,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)


def from_schema(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid for a (pydantic-generated) JSON schema: the subset pydantic writes."""
    if "$ref" in schema:
        return st.deferred(lambda: from_schema(defs[schema["$ref"].split("/")[-1]], defs))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([from_schema(s, defs) for s in schema[key]])
    kind = schema.get("type")
    if kind == "string":
        if "pattern" in schema:
            size = st.from_regex(schema["pattern"], fullmatch=True)
            return size.filter(lambda s: len(s) <= schema.get("maxLength", 1000))
        return st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 50))
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        items = from_schema(schema.get("items", {}), defs)
        return st.lists(
            items, min_size=schema.get("minItems", 0), max_size=schema.get("maxItems", 4)
        )
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: from_schema(v, defs) for k, v in properties.items() if k in required},
            optional={k: from_schema(v, defs) for k, v in properties.items() if k not in required},
        )
    return json_values  # no constraint


def messages(adapter: TypeAdapter[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid messages of a protocol union (e.g. every headset -> server frame)."""
    schema = adapter.json_schema()
    return from_schema(schema, schema.get("$defs", {}))


def _break(message: dict[str, Any], pick: int, value: Any, how: int) -> dict[str, Any]:
    """`message` with one field broken: replaced by `value`, removed, or one added."""
    broken = dict(message)
    keys = sorted(broken)
    key = keys[pick % len(keys)] if keys else "type"
    inner = broken.get(key)
    if isinstance(inner, dict) and inner and how % 4 == 3:  # one level down
        inner = dict(inner)
        inner[sorted(inner)[pick % len(inner)]] = value
        broken[key] = inner
    elif how % 4 == 0:
        broken.pop(key, None)
    elif how % 4 == 1:
        broken[f"extra{pick}"] = value
    else:
        broken[key] = value
    return broken


def _surrogate(message: dict[str, Any], pick: int) -> str:
    """The message's JSON with a lone surrogate (which JSON escapes as `\\ud800`) at the end
    of one of its strings."""
    paths: list[tuple[dict[str, Any], str]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, str):
                    paths.append((value, key))
                walk(inner)

    copy = json.loads(json.dumps(message))
    walk(copy)
    if paths:
        holder, key = paths[pick % len(paths)]
        holder[key] += "\ud800"
    return json.dumps(copy)  # ensure_ascii: the lone surrogate is written as an escape


def _long_type(length: int, char: str) -> str:
    return '{"type":"' + char * length + '"}'


def _oversize(length: int) -> Frame:
    return Frame(json.dumps({"type": "ping", "pad": "x" * length}))


def frames(adapter: TypeAdapter[Any]) -> st.SearchStrategy[Frame]:
    """What a hostile client sends on the socket whose messages `adapter` reads."""
    valid = messages(adapter)
    picks = st.integers(0, 1 << 16)
    text = st.one_of(
        valid.map(json.dumps),
        st.builds(_break, valid, picks, json_values, picks).map(json.dumps),
        st.builds(_surrogate, valid, picks),
        json_values.map(json.dumps),
        st.text(max_size=200),
        st.builds(_long_type, st.integers(1, 60_000), st.sampled_from("xก")),
    )
    return st.one_of(
        text.map(Frame),
        text.map(Frame),  # twice: mostly JSON
        st.binary(max_size=200).map(Frame),
        st.integers(MAX_FRAME + 1, MAX_FRAME + 5000).map(_oversize),
        st.binary(min_size=1, max_size=20).map(lambda b: Frame(b"\xff" + b, raw_text=True)),
    )


HEADSET_FRAMES = frames(headset_message_adapter)
STAFF_FRAMES = frames(staff_message_adapter)


def _aimed(target: Target) -> st.SearchStrategy[tuple[Target, Frame]]:
    chosen = HEADSET_FRAMES if target.startswith("headset") else STAFF_FRAMES
    return chosen.map(lambda frame: (target, frame))


def batches(size: int) -> st.SearchStrategy[list[tuple[Target, Frame]]]:
    """`size` frames, each aimed at one of the targets (with frames of that socket)."""
    aimed = st.sampled_from(TARGETS).flatmap(_aimed)
    return st.lists(aimed, min_size=size, max_size=size)


# ------------------------------------------------------------------ the driver


@dataclass
class Credentials:
    device_id: str
    device_token: str
    staff_token: str


@dataclass
class Fuzzer:
    """Sends frames to a server's sockets; one connection per target, opened (and after
    `hello` / `auth` where the target says so) whenever the last one was closed."""

    ws_url: str
    credentials: Credentials
    sent: int = 0
    connects: int = 0
    closes: Counter[int | None] = field(default_factory=Counter)
    _open: dict[Target, ClientConnection] = field(default_factory=dict)
    _readers: set[asyncio.Task[None]] = field(default_factory=set)

    async def send(self, target: Target, frame: Frame) -> None:
        ws = self._open.get(target)
        if ws is None:
            ws = self._open[target] = await self._connect(target)
        with contextlib.suppress(ConnectionClosed):  # closed: the next frame reconnects
            await ws.send(frame.data, text=True if frame.raw_text else None)
        self.sent += 1

    async def close(self) -> None:
        for ws in list(self._open.values()):
            await ws.close()
        self._open.clear()
        if self._readers:
            await asyncio.wait(self._readers, timeout=10)

    async def _connect(self, target: Target) -> ClientConnection:
        self.connects += 1
        path = "/ws/headset" if target.startswith("headset") else "/ws/staff"
        ws = await connect(self.ws_url + path, max_size=None, open_timeout=20)
        if target == "headset+hello":
            c = self.credentials
            await ws.send(
                json.dumps(
                    {"type": "hello", "protocol": PROTOCOL_VERSION, "app_version": "fuzz"}
                    | {"device_id": c.device_id, "device_token": c.device_token}
                )
            )
        elif target == "staff+auth":
            await ws.send(json.dumps({"type": "auth", "token": self.credentials.staff_token}))
        task = asyncio.create_task(self._read(target, ws))
        self._readers.add(task)
        task.add_done_callback(self._readers.discard)
        return ws

    async def _read(self, target: Target, ws: ClientConnection) -> None:
        """Read (and drop) what the server sends until it closes the connection."""
        with contextlib.suppress(ConnectionClosed):
            async for _ in ws:
                pass
        self.closes[ws.close_code] += 1
        if self._open.get(target) is ws:
            del self._open[target]


def new_device_id() -> str:
    return f"fuzz-{uuid.uuid4().hex[:12]}"


def fuzz_credentials(server: ServerProcess, code: str, token: str) -> Credentials:
    """A newly enrolled headset's and a staff member's credentials for a Fuzzer."""
    device_id = new_device_id()
    enrolled = server.enroll(code, device_id)
    return Credentials(device_id, enrolled["device_token"], token)


async def control_session(server: ServerProcess, code: str, token: str) -> str:
    """A session with a stored event, whose headset then goes away: the fuzzing must leave
    its stored events as they are."""
    from tests.support.sockets import hello_headset, start_session

    sock, enrolled = await hello_headset(server, code)
    assignment = await start_session(server, token, sock, enrolled["headset_id"])
    session_id: str = assignment["session_id"]
    event = {"kind": "step_started", "step_id": "intro"}
    await sock.send({"type": "event", "session_id": session_id, "seq": 1, "event": event})
    assert (await sock.recv_type("ack"))["seq"] == 1
    await sock.close()
    return session_id


def stored_events(server: ServerProcess, token: str, session_id: str) -> list[Any]:
    response = server.api(token, "GET", f"/api/sessions/{session_id}/events")
    assert response.status_code == 200, response.text
    events: list[Any] = response.json()
    assert events
    return events


def rss(server: ServerProcess) -> int:
    """The server process's resident memory, in bytes."""
    assert server.proc is not None
    return int(psutil.Process(server.proc.pid).memory_info().rss)
