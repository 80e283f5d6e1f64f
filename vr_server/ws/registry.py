"""One message registry per socket, generated from the protocol union the socket receives.

Each message type of the union (`HeadsetMessage`, `StaffMessage`) maps to exactly one handler:

- **fast** (`@registry.fast(Model)`): a plain function that does not wait. It may run on the
  direct receive path (vr_server/serving/direct_ws.py), in the transport's read callback,
  without waking the connection's task: telemetry and pings, from 10,000 headsets.
- **async** (`@registry.on(Model)`): a coroutine, run by the connection's receive loop.

The type names come from the union itself (each model's `type` literal), never from a copied
list: a member without a handler, or a handler for a model outside the union, is an error
(`Registry.check`, run when the socket's module is imported, and tests/vr_server/ws/).

A handler raises to fail: `Connection.fail` turns the exception into the error frame (echoing
the message's `seq` / `request_id`) and, where it applies, the close code.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin

from fastapi import WebSocket
from pydantic import BaseModel, TypeAdapter

from vr_server.errors import FrameError, ServerError
from vr_server.protocol.headset import Ping
from vr_server.protocol.staff import StaffPing
from vr_server.services import Services
from vr_server.ws.connection import Connection, FrameReader
from vr_server.ws.frames import pong

log = logging.getLogger(__name__)


@dataclass(eq=False, slots=True)
class Link:
    """An accepted connection and what its handlers work with."""

    conn: Connection
    services: Services


L = TypeVar("L", bound=Link)
FastHandler = Callable[[L, Any], None]
AsyncHandler = Callable[[L, Any], Awaitable[None]]


@contextlib.asynccontextmanager
async def accepted(
    ws: WebSocket, *, outbox_scale: int = 1, pending_scale: int = 1
) -> AsyncIterator[Link]:
    """Accept the socket and run its connection (an outbox of `outbox_scale` times
    VR_OUTBOX_SIZE frames and `pending_scale` times VR_OUTBOX_MAX_BYTES): what the body raises
    goes to `Connection.fail` (fatal: it ended the connection's handling); then the
    connection stops counting for revocation, writes what is queued and closes."""
    services: Services = ws.app.state.services
    settings = services.settings
    await ws.accept()
    conn = Connection(
        ws,
        settings.outbox_size * outbox_scale,
        settings.max_errors_per_minute,
        settings.outbox_max_bytes * pending_scale,
    )
    conn.start()
    try:
        yield Link(conn, services)
    except Exception as exc:
        conn.fail(exc, fatal=True)
    finally:
        services.revocations.untrack(conn)
        await conn.finish()


def union_members(union: object) -> dict[str, type[BaseModel]]:
    """The models of a discriminated union (`Annotated[A | B, Field(discriminator="type")]`),
    by the value of their `type` literal."""
    inner = get_args(union)[0] if get_origin(union) is Annotated else union
    members: dict[str, type[BaseModel]] = {}
    for model in get_args(inner):
        (name,) = get_args(model.model_fields["type"].annotation)
        members[name] = model
    return members


@dataclass(frozen=True, slots=True)
class Route(Generic[L]):
    model: type[BaseModel]
    fast: FastHandler[L] | None
    run: AsyncHandler[L] | None
    budget: str | None
    """A failure counts towards the connection's error budget; the close reason once spent."""


class Registry(Generic[L]):
    """The handlers of one socket's messages."""

    def __init__(self, union: object, socket: str) -> None:
        self.socket = socket
        self.members = union_members(union)
        self.type_names = frozenset(self.members)
        self.routes: dict[type[BaseModel], Route[L]] = {}
        self._fast: dict[type[BaseModel], FastHandler[L]] = {}

    def fast(self, *models: type[BaseModel]) -> Callable[[FastHandler[L]], FastHandler[L]]:
        """Register a handler that never waits (it may run in the read callback)."""

        def register(handler: FastHandler[L]) -> FastHandler[L]:
            for model in models:
                self._add(Route(model, handler, None, None))
                self._fast[model] = handler
            return handler

        return register

    def on(
        self, *models: type[BaseModel], budget: str | None = None
    ) -> Callable[[AsyncHandler[L]], AsyncHandler[L]]:
        """Register a coroutine; `budget`: its failures count as invalid input (the close
        reason when the error budget is spent)."""

        def register(handler: AsyncHandler[L]) -> AsyncHandler[L]:
            for model in models:
                self._add(Route(model, None, handler, budget))
            return handler

        return register

    def _add(self, route: Route[L]) -> None:
        name = route.model.__name__
        if self.members.get(_type_name(route.model)) is not route.model:
            raise TypeError(f"{name} is not a message of {self.socket}: no handler for it")
        if route.model in self.routes:
            raise TypeError(f"{name} has a handler on {self.socket} already")
        self.routes[route.model] = route

    def missing(self) -> list[str]:
        """The message types of the union that have no handler."""
        handled = {_type_name(model) for model in self.routes}
        return sorted(self.type_names - handled)

    def check(self) -> None:
        """TypeError unless every message type of the union has its handler."""
        if missing := self.missing():
            raise TypeError(f"{self.socket}: no handler for {', '.join(missing)}")

    def reader(self, adapter: TypeAdapter[Any], max_bytes: int) -> FrameReader[Any]:
        """The frame reader for this socket's messages (`adapter`: the union's TypeAdapter)."""
        return FrameReader(adapter, self.type_names, max_bytes)

    async def dispatch(self, link: L, msg: BaseModel) -> None:
        """Run the message's handler; what it raises goes to `Connection.fail`."""
        route = self.routes[type(msg)]
        try:
            if route.fast is not None:
                route.fast(link, msg)
            elif route.run is not None:
                await route.run(link, msg)
        except Exception as exc:
            link.conn.fail(exc, msg, budget=route.budget)

    async def serve(self, link: L, reader: FrameReader[Any], timeout_s: float) -> None:
        """Receive and dispatch until the connection closes (raises Closed then)."""
        conn = link.conn
        while True:
            raw = await conn.receive(timeout_s)
            try:
                msg = reader.parse(raw)
            except FrameError as err:
                conn.fail(err)
                continue
            await self.dispatch(link, msg)

    def direct(self, link: L, reader: FrameReader[Any]) -> Callable[[str | bytes], bool]:
        """The handler for `Connection.take_directly`: a message with a fast handler (or a bad
        frame) is dealt with here; any other is left to `serve` (False). The hot path of
        telemetry: one parse, one dictionary lookup, one call."""
        fast = self._fast
        conn = link.conn
        parse = reader.parse_message

        def take(message: str | bytes) -> bool:
            try:
                msg = parse(message)
            except FrameError as err:
                conn.fail(err)
                return True
            handle = fast.get(type(msg))
            if handle is None:
                return False
            try:
                handle(link, msg)
            except ServerError as exc:  # anything else: direct_ws queues the message instead
                conn.fail(exc, msg)
            return True

        return take


def _type_name(model: type[BaseModel]) -> str:
    field = model.model_fields.get("type")
    return str(get_args(field.annotation)[0]) if field is not None else ""


def answer_ping(link: Link, msg: Ping | StaffPing) -> None:
    """`ping` on any socket: `pong` with the client's `t` and the server's clock."""
    link.conn.send(pong(msg.t))
