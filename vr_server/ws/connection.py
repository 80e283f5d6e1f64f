"""What both sockets share: reading and classifying frames, a bounded outbox drained by its own
writer task, an error budget, and the one mapping of failures to error frames and close codes
(`Connection.fail`).

Only this module and the two endpoint modules touch the WebSocket object.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any, Generic, TypeVar

from fastapi import WebSocket
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.websockets import WebSocketState

from vr_server.badinput import BAD_INPUT, InputLog, clip, is_encodable
from vr_server.errors import FrameError, Refused, ServerError, Unavailable
from vr_server.protocol.errors import CloseCode, ErrorCode
from vr_server.serving.direct_ws import EXTENSION as DIRECT_RECEIVE
from vr_server.serving.direct_ws import DirectReceive
from vr_server.ws.frames import error_frame, frame_json

log = logging.getLogger(__name__)
M = TypeVar("M")
F = TypeVar("F")


class Closed(Exception):
    """The peer went away (or we closed it); stop handling this connection. Control flow, not
    a server error (vr_server/errors.py)."""


def _summarize(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    more = exc.error_count() - 3
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


class FrameReader(Generic[M]):
    """Turns received text into a validated message, or raises FrameError with the right code."""

    def __init__(
        self, adapter: TypeAdapter[M], known_types: AbstractSet[str], max_bytes: int
    ) -> None:
        self.adapter = adapter
        self.known_types = known_types
        self.max_bytes = max_bytes

    def parse(self, raw: dict[str, Any]) -> M:
        """An ASGI `websocket.receive` event's message."""
        if raw.get("type") == "websocket.disconnect":
            raise Closed()
        text = raw.get("text")
        return self.parse_message(raw.get("bytes") if text is None else text)

    def parse_message(self, message: str | bytes | None) -> M:
        """A received text (or binary) message."""
        if not isinstance(message, str):
            if message is not None and len(message) > self.max_bytes:
                raise FrameError(
                    ErrorCode.FRAME_TOO_LARGE, f"frames are limited to {self.max_bytes} bytes"
                )
            raise FrameError(ErrorCode.INVALID_MESSAGE, "send JSON text frames, not binary")
        text = message
        if len(text) > self.max_bytes:
            raise FrameError(
                ErrorCode.FRAME_TOO_LARGE,
                f"the frame has {len(text)} characters; the limit is {self.max_bytes}",
            )
        try:
            return self.adapter.validate_json(text)
        except ValidationError as exc:
            raise self._classify(text, exc) from None

    def _classify(self, text: str, exc: ValidationError) -> FrameError:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return FrameError(ErrorCode.INVALID_JSON, "the frame is not valid JSON")
        if not isinstance(data, dict):
            return FrameError(ErrorCode.INVALID_MESSAGE, "a frame must be a JSON object")
        request_id = _echoable_request_id(data.get("request_id"))
        kind = data.get("type")
        if kind is None:
            return FrameError(ErrorCode.INVALID_MESSAGE, "the frame has no 'type'", request_id)
        if not isinstance(kind, str) or kind not in self.known_types:
            shown = repr(clip(kind, 40)) if isinstance(kind, str) else type(kind).__name__
            return FrameError(ErrorCode.UNKNOWN_TYPE, f"unknown frame type {shown}", request_id)
        return FrameError(
            ErrorCode.INVALID_MESSAGE, f"invalid {kind}: {_summarize(exc)}", request_id
        )


def _echoable_request_id(value: object) -> str | None:
    """The request id to echo in an error: only one a reply could carry (a string of at most
    64 characters that UTF-8 can encode; JSON's escapes allow a lone surrogate)."""
    if isinstance(value, str) and 0 < len(value) <= 64 and is_encodable(value):
        return value
    return None


class ErrorBudget:
    """Counts invalid frames in a sliding minute; past the limit the connection is closed."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.times: deque[float] = deque()

    def spend(self) -> bool:
        """Record one error; False when the budget is exhausted."""
        now = self.clock()
        self.times.append(now)
        while self.times and now - self.times[0] > 60:
            self.times.popleft()
        return len(self.times) <= self.per_minute


class Connection:
    """A WebSocket with a bounded outbox and a writer task.

    `send` never waits: a client that does not read fast enough is disconnected with 4408
    instead of slowing everyone else, once its outbox is full or more than `max_pending`
    bytes wait for it (in the outbox and, under `vr_server.serving.direct_ws`, in the transport's
    buffer: the kernel takes megabytes first, so counting frames alone lets a client that
    stopped reading hold a connection for minutes). Under `vr_server.serving.direct_ws` a frame with
    nothing queued before it is written at once, without the writer's task hop.
    """

    def __init__(
        self, ws: WebSocket, outbox_size: int, error_budget: int, max_pending: int = 1 << 20
    ) -> None:
        self.ws = ws
        self.id = uuid.uuid4().hex
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue(outbox_size)
        self.errors = ErrorBudget(error_budget)
        self.max_pending = max_pending
        self._pending = 0
        """Characters in the outbox and in the frame the writer is writing."""
        self.who = "a client before authenticating"
        """Who this is, for the log: the endpoint sets it once it knows."""
        self.bad_input = InputLog.connection_bucket()
        self._closing_hooks: list[Callable[[], None]] = []
        self.close_code: int | None = None
        self.close_reason = ""
        self._writer: asyncio.Task[None] | None = None
        self.done = asyncio.Event()
        # The receive timeout: one lazily re-armed timer per connection instead of a new
        # `asyncio.timeout` (a timer created and cancelled) for every frame.
        self._deadline = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._waiting: asyncio.Task[Any] | None = None
        self._expired: int | None = None  # the waiting task's cancel count before we cancelled
        self._timeout = 0.0
        direct = ws.scope.get("extensions", {}).get(DIRECT_RECEIVE)
        self._direct: DirectReceive | None = direct if isinstance(direct, DirectReceive) else None
        self._writing = False

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_loop())

    async def _write_loop(self) -> None:
        try:
            while True:
                text = await self.outbox.get()
                if text is None:
                    break
                self._writing = True
                await self.ws.send_text(text)
                self._writing = False
                self._pending -= len(text)
            if self.ws.application_state == WebSocketState.CONNECTED:
                await self.ws.close(
                    code=self.close_code or CloseCode.NORMAL, reason=self.close_reason
                )
        except Exception:  # the socket is gone; the reader notices
            log.debug("writer stopped", exc_info=True)
        finally:
            self.done.set()

    def send(self, frame: BaseModel | str) -> bool:
        """Write `frame` now or queue it; True when it was, on an open connection."""
        if self.close_code is not None:
            return False
        text = frame if isinstance(frame, str) else frame_json(frame)
        direct = self._direct
        # nothing is waiting to be written before it: write it now (vr_server.serving.direct_ws)
        if direct is not None and not self._writing and self.outbox.empty():
            if direct.buffered() > self.max_pending:
                self.drop_slow()
                return False
            if direct.send_text(text):
                return True
        if self._pending + (direct.buffered() if direct else 0) > self.max_pending:
            self.drop_slow()
            return False
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            self.drop_slow()
            return False
        self._pending += len(text)
        return True

    def on_closing(self, hook: Callable[[], None]) -> None:
        """Call `hook` once, as soon as the connection starts closing (before what is queued
        has been written): e.g. to stop counting as a receiver of the bus. At once when it
        is closing already."""
        if self.close_code is not None:
            hook()
        else:
            self._closing_hooks.append(hook)

    def drop_slow(self) -> None:
        """The client does not read what it is sent: its backlog is dropped and it is
        closed with 4408 at once, behind what the transport holds already (a client that
        reads again gets the close frame; one that does not is cut off a few seconds later)."""
        if self.close_code is not None:
            return
        frames, pending = self.outbox.qsize(), self._pending
        buffered = self._direct.buffered() if self._direct else 0
        reason = "the client does not read its messages"
        self.request_close(CloseCode.TOO_SLOW, reason)
        log.warning(
            "closed %s (%s) with 4408: it does not read its messages (%d frames, about %d "
            "bytes queued, %d bytes in the transport's buffer)",
            self.who,
            _address(self.ws),
            frames,
            pending,
            buffered,
        )
        direct = self._direct
        if direct is not None and direct.close_now(CloseCode.TOO_SLOW, reason, grace_s=5.0):
            self._direct = None  # the writer finds the socket closing and stops

    def request_close(self, code: int, reason: str) -> None:
        """Ask for the connection to end after what is queued has been written."""
        if self.close_code is None:
            self.close_code, self.close_reason = code, reason
            hooks, self._closing_hooks = self._closing_hooks, []
            for hook in hooks:
                hook()
        # make room for the sentinel if needed: a slow client loses its backlog
        while True:
            try:
                self.outbox.put_nowait(None)
                break
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    dropped = self.outbox.get_nowait()
                    self._pending -= len(dropped or "")

    def fail(
        self,
        exc: BaseException,
        about: object = None,
        *,
        budget: str | None = None,
        fatal: bool = False,
    ) -> None:
        """The one place an exception becomes what the client sees. `about`: the frame being
        handled, whose `seq` and `request_id` the error frame echoes.

        - Closed: nothing (the connection is ending already);
        - Refused: its error frame, then the close with its code (4401, 4426, 1011);
        - FrameError, a frame the client should not have sent: one rate-limited log line
          (vr_server.badinput), its error frame, and one error off the budget: close 4429
          "too many invalid frames" once it is spent;
        - any other ServerError: its error frame; it costs the budget when `budget` says so
          (the close reason then: an event's "too many invalid events");
        - anything else, and any of these but Refused when `fatal` (it ended the connection's
          handling, as a failure while setting the connection up does): logged with its
          traceback, close 1011 "internal error".
        """
        if isinstance(exc, Closed):
            return
        if isinstance(exc, Refused):
            self.send(error_frame(exc))
            self.request_close(exc.close_code, exc.close_reason)
            return
        if fatal or not isinstance(exc, ServerError):
            log.error("%s (%s): socket failed", self.who, _address(self.ws), exc_info=exc)
            self.request_close(CloseCode.INTERNAL_ERROR, "internal error")
            return
        if isinstance(exc, FrameError):
            BAD_INPUT.warning(
                self.bad_input,
                "bad frame from %s (%s): %s",
                self.who,
                _address(self.ws),
                clip(exc.message, 160),
            )
            budget = "too many invalid frames"
        self.send(error_frame(exc, about))
        if budget is not None and not self.errors.spend():
            self.request_close(CloseCode.TOO_MANY_ERRORS, budget)

    async def receive(self, timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
        """The next raw ASGI message; raises Closed on disconnect, close request or timeout."""
        if self.close_code is not None:
            raise Closed()
        loop = asyncio.get_running_loop()
        self._timeout = timeout
        deadline = self._deadline = loop.time() + timeout
        if self._timer is None or self._timer.when() > deadline:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = loop.call_at(deadline, self._check_deadline)
        task = self._waiting = asyncio.current_task()
        try:
            message = dict(await self.ws.receive())
        except asyncio.CancelledError:
            expired, self._expired = self._expired, None
            if task is None or expired is None or task.uncancel() > expired:
                raise  # cancelled by someone else, not by the timeout
            self.request_close(CloseCode.TOO_SLOW, "no frame within the heartbeat timeout")
            raise Closed() from None
        except RuntimeError:  # receive after the socket closed
            raise Closed() from None
        finally:
            self._waiting = None
        self._expired = None
        if message["type"] == "websocket.disconnect":
            if self.close_code is None:
                self.close_code = int(message.get("code") or CloseCode.NORMAL)
            raise Closed()
        return message

    def take_directly(self, handler: Callable[[str | bytes], bool]) -> bool:
        """Where the server offers it (`vr_server.serving.direct_ws`), have messages that arrive
        while this connection waits in `receive` handed to `handler` in the read callback,
        without waking the receiving task. `handler` returns True when it dealt with the
        message; on False the message is received by `receive` as usual (so is every message
        that arrives while the task is busy: the order stays the wire's). Every message counts
        as activity for `receive`'s timeout. Returns False where the server has no such path
        (nothing changes then)."""
        direct = self._direct
        if direct is None:
            return False
        loop = asyncio.get_running_loop()

        def offer(message: str | bytes) -> bool:
            if self._waiting is None or self.close_code is not None:
                return False
            self._deadline = loop.time() + self._timeout
            return handler(message)

        direct.attach(offer)
        self._direct = direct
        return True

    def _check_deadline(self) -> None:
        """The timer: cancel a receive that has waited past its deadline, else re-arm."""
        self._timer = None
        task = self._waiting
        if task is None or task.done():
            return  # not receiving now: the next receive re-arms the timer
        loop = asyncio.get_running_loop()
        if loop.time() < self._deadline:
            self._timer = loop.call_at(self._deadline, self._check_deadline)
            return
        self._expired = task.cancelling()
        task.cancel()

    async def finish(self) -> None:
        """Flush the outbox, close the socket with the requested code, stop the writer."""
        self.request_close(self.close_code or CloseCode.NORMAL, self.close_reason)
        if self.bad_input.suppressed:  # what its own bucket kept out of the log
            BAD_INPUT.warning(
                None,
                "%s (%s) closed: %d more bad frames not logged",
                self.who,
                _address(self.ws),
                self.bad_input.suppressed,
            )
        if self._direct is not None:
            self._direct.detach()
            self._direct = None  # what is left goes through the writer, then the close
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writer is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._writer), timeout=5)
            except TimeoutError:
                self._writer.cancel()


def _address(ws: WebSocket) -> str:
    client = ws.client
    return f"{client.host}:{client.port}" if client else "unknown address"


async def first_frame(
    conn: Connection, reader: FrameReader[M], expected: type[F], within_s: float
) -> F:
    """The opening frame (`hello` or `auth`), which must come within `within_s` seconds.

    Anything else raises Refused (an error frame and close code 4401); Closed is raised when
    the peer went away or stayed silent.
    """
    name = expected.__name__.lower()
    try:
        raw = await conn.receive(within_s)
    except Closed:
        if conn.close_code == CloseCode.TOO_SLOW:
            conn.close_code, conn.close_reason = CloseCode.UNAUTHORIZED, f"no {name} in time"
        raise
    try:
        msg = reader.parse(raw)
    except FrameError as err:
        reason = f"the first frame must be a valid {name}"
        raise Refused(err.code, err.message, CloseCode.UNAUTHORIZED, reason) from None
    if not isinstance(msg, expected):
        raise Refused(
            ErrorCode.HELLO_REQUIRED,
            f"send {name} first",
            CloseCode.UNAUTHORIZED,
            f"{name} required",
        )
    return msg


@contextlib.contextmanager
def logging_in(credentials: str) -> Iterator[None]:
    """Around the check of a socket's credentials: wrong ones refuse it (`auth_failed`, close
    4401 "wrong <credentials> credentials"); a database that cannot be reached closes it with
    1011 (the credentials may be fine: the client connects again later)."""
    try:
        yield
    except Unavailable as exc:
        raise Refused(
            exc.code, exc.message, CloseCode.INTERNAL_ERROR, "the database is unreachable"
        ) from exc
    except ServerError as exc:
        raise Refused(
            ErrorCode.AUTH_FAILED,
            exc.message,
            CloseCode.UNAUTHORIZED,
            f"wrong {credentials} credentials",
        ) from exc
