"""The headset socket, kept open: connect, handshake, heartbeat, reconnect.

`Connection.start()` runs a loop: open `/ws/headset` through the `Connector` (the network seam,
`headset_client.transport`), send `hello`, wait for `welcome` (and, when it names an active
session, the assignment right after it), then hand every frame to `on_frame` while a heartbeat
task pings every half `heartbeat_s` and aborts a socket that has been silent for three. A
dropped connection is reopened with exponential backoff and jitter; a refused one (close 4401,
4426, 4409, or a refused upgrade) stops the loop for good with `failure` set.

What the frames mean is the owner's business (`HeadsetClient`): it gives the hello to send and
callbacks for "open", each frame, "lost", and the notices to publish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from headset_client.errors import (
    AuthRejected,
    HeadsetClientError,
    ProtocolMismatch,
    Replaced,
)
from headset_client.notices import ClientFailed, Disconnected, Notice
from headset_client.transport import ConnectFailed, Connector, Transport, TransportClosed
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.errors import CloseCode
from vr_server.protocol.headset import (
    Assignment,
    Error,
    Hello,
    Ping,
    ServerToHeadset,
    Welcome,
    server_to_headset_adapter,
)

__all__ = ["Backoff", "Connection", "fatal_close"]

log = logging.getLogger(__name__)


class UnexpectedFrame(Exception):
    """The server broke the handshake order; reconnect and try again."""


@dataclass
class Backoff:
    """Exponential backoff with jitter: attempt n waits between half and all of
    `min(maximum, initial * 2**(n-1))` seconds."""

    initial: float = 0.25
    maximum: float = 5.0
    rng: random.Random = field(default_factory=random.Random)  # jitter, not a secret

    def delay(self, attempt: int) -> float:
        cap: float = min(self.maximum, self.initial * 2 ** max(0, attempt - 1))
        return cap / 2 + self.rng.uniform(0, cap / 2)


def fatal_close(exc: TransportClosed, last_error: str | None = None) -> HeadsetClientError | None:
    """The error that ends the client for a close code retrying cannot fix, else None."""
    detail = exc.reason or last_error or ""
    suffix = f": {detail}" if detail else ""
    if exc.code == CloseCode.UNAUTHORIZED:
        return AuthRejected(
            f"device token refused by the server (close 4401){suffix}; "
            "enroll again with an enrollment code",
            exc.code,
        )
    if exc.code == CloseCode.PROTOCOL_MISMATCH:
        return ProtocolMismatch(
            f"the server speaks another protocol version than this client "
            f"({PROTOCOL_VERSION}) (close 4426){suffix}",
            exc.code,
        )
    if exc.code == CloseCode.REPLACED:
        return Replaced(
            "another connection with this headset's identity took over (close 4409)",
            exc.code,
        )
    return None


class Connection:
    """One headset's socket to the server at `url`; `label` names it in logs and errors.

    Callbacks: `hello()` gives the frame that opens each connection; `on_open(welcome, first)`
    runs once a connection is up (`first`: the assignment that followed `welcome`, or None);
    `on_frame(frame)` runs for every later frame; `on_lost()` runs when a connection ends;
    `publish(notice)` tells subscribers (`Disconnected`, `ClientFailed`, error frames during
    the handshake).
    """

    def __init__(
        self,
        url: str,
        connector: Connector,
        *,
        hello: Callable[[], Awaitable[Hello]],
        on_open: Callable[[Welcome, ServerToHeadset | None], Awaitable[None]],
        on_frame: Callable[[ServerToHeadset], Awaitable[None]],
        on_lost: Callable[[], None],
        publish: Callable[[Notice], None],
        label: Callable[[], str],
        unreachable: str = "",
        backoff: Backoff | None = None,
        handshake_timeout: float = 10.0,
        clock: Callable[[], float],
    ) -> None:
        self.url = url
        self._connector = connector
        self._hello = hello
        self._on_open = on_open
        self._on_frame = on_frame
        self._on_lost = on_lost
        self._publish = publish
        self._label = label
        self._unreachable = unreachable or f"cannot reach {url}"
        self.backoff = backoff or Backoff()
        self.handshake_timeout = handshake_timeout
        self._clock = clock

        self.transport: Transport | None = None
        """The open connection (None while connecting or disconnected)."""
        self.welcome: Welcome | None = None
        self.connections = 0
        """How many times a connection reached `welcome`."""
        self.last_error: str | None = None
        self.failure: HeadsetClientError | None = None
        self.closing = False
        self._run_task: asyncio.Task[None] | None = None
        self._status = asyncio.Event()
        self._last_rx = 0.0

    def start(self) -> None:
        """Start the connection loop (returns at once; see `wait_connected`)."""
        if self._run_task is None:
            self.closing = False
            self._run_task = asyncio.create_task(self._run(), name=f"headset-{self._label()}")
            self.pulse()

    async def wait_connected(self) -> Welcome:
        """Wait until a connection is open; raises `failure` if the loop gave up."""
        while True:
            if self.failure is not None:
                raise self.failure
            if self.transport is not None and self.welcome is not None:
                return self.welcome
            if self.closing:
                raise RuntimeError(f"headset client {self._label()} is closed")
            await self._status.wait()

    async def close(self) -> None:
        """Close the connection normally and stop the loop."""
        self.closing = True
        transport = self.transport
        if transport is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):
                    await transport.close(CloseCode.NORMAL, "headset shutting down")
        task, self._run_task = self._run_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def drop(self) -> None:
        """Kill the connection abruptly (no close frame), as a Wi-Fi drop would."""
        transport = self.transport
        if transport is not None:
            self.last_error = "connection dropped on purpose"
            transport.abort()

    def pulse(self) -> None:
        """Wake whoever waits for a change of connection status."""
        self._status.set()
        self._status = asyncio.Event()

    def fail(self, error: HeadsetClientError) -> None:
        self.failure = error
        self.last_error = str(error)
        self._publish(ClientFailed(error))
        self.pulse()

    # ------------------------------------------------------------ the loop

    async def _run(self) -> None:
        attempt = 0
        try:
            while not self.closing:
                try:
                    transport = await self._connector(self.url)
                except ConnectFailed as exc:
                    if exc.fatal is not None:
                        self.fail(exc.fatal)
                        return
                    self.last_error = f"{self._unreachable}: {exc}"
                    attempt += 1
                    await asyncio.sleep(self.backoff.delay(attempt))
                    continue
                welcomed_before = self.connections
                fatal = await self._serve_until_closed(transport, welcomed_before)
                if fatal is not None:
                    self.fail(fatal)
                    return
                attempt = 1 if self.connections > welcomed_before else attempt + 1
                if not self.closing:
                    await asyncio.sleep(self.backoff.delay(attempt))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: report it rather than die silently
            log.exception("headset client %s crashed", self._label())
            self.fail(HeadsetClientError(f"headset client crashed: {exc!r}"))

    async def _serve_until_closed(
        self, transport: Transport, welcomed_before: int
    ) -> HeadsetClientError | None:
        """Serve one connection until it ends; the error that ends the client, if any."""
        fatal: HeadsetClientError | None = None
        try:
            await self._serve(transport)
        except TransportClosed as exc:
            fatal = fatal_close(exc, self.last_error)
            self.last_error = f"connection closed ({exc.code}) {exc.reason}".strip()
            if self.connections > welcomed_before:
                will_retry = fatal is None and not self.closing
                self._publish(Disconnected(exc.code, exc.reason, will_retry=will_retry))
        except TimeoutError:
            self.last_error = "the server did not answer hello in time"
        except UnexpectedFrame as exc:
            self.last_error = f"protocol error after welcome: {exc}"
        finally:
            transport.abort()  # a server gone without a close frame leaves a socket
            self.transport = None
            self._on_lost()
            self.pulse()
        return fatal

    async def _serve(self, transport: Transport) -> None:
        hello = await self._hello()
        await transport.send(hello.model_dump_json())
        welcome = await self._handshake(transport)
        self.welcome = welcome
        self._last_rx = asyncio.get_running_loop().time()
        first: ServerToHeadset | None = None
        if welcome.session_id is not None:
            # welcome names the active session; its assignment is the very next frame
            async with asyncio.timeout(self.handshake_timeout):
                while first is None:
                    first = await self._recv_frame(transport)
            if not isinstance(first, Assignment) or first.session_id != welcome.session_id:
                raise UnexpectedFrame(f"expected the assignment of {welcome.session_id}")
        self.transport = transport
        self.connections += 1
        self.pulse()
        await self._on_open(welcome, first)
        heartbeat = asyncio.create_task(self._heartbeat(transport, welcome.heartbeat_s))
        try:
            while True:
                frame = await self._recv_frame(transport)
                if frame is not None:
                    await self._on_frame(frame)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _handshake(self, transport: Transport) -> Welcome:
        async with asyncio.timeout(self.handshake_timeout):
            while True:
                frame = await self._recv_frame(transport)
                if isinstance(frame, Welcome):
                    return frame
                if isinstance(frame, Error):
                    # The server explains, then closes with a code (4401, 4426, ...).
                    self.last_error = f"{frame.code}: {frame.message}"
                    self._publish(frame)

    async def _recv_frame(self, transport: Transport) -> ServerToHeadset | None:
        text = await transport.recv()
        self._last_rx = asyncio.get_running_loop().time()
        try:
            return server_to_headset_adapter.validate_json(text)
        except ValidationError as exc:
            log.warning("%s: ignoring a frame the protocol does not allow: %s", self._label(), exc)
            return None

    async def _heartbeat(self, transport: Transport, heartbeat_s: float) -> None:
        loop = asyncio.get_running_loop()
        interval = max(0.05, heartbeat_s / 2)
        dead_after = max(3 * heartbeat_s, 5.0)
        while True:
            await asyncio.sleep(interval)
            if loop.time() - self._last_rx > dead_after:
                self.last_error = f"no frame from the server for {dead_after:.0f} s"
                transport.abort()
                return
            try:
                await transport.send(Ping(t=self._clock()).model_dump_json())
            except TransportClosed:
                return
