"""uvicorn's HTTP protocol with the ASGI `http.response.pathsend` extension, sent by sendfile.

A scene model is tens of megabytes and fifty headsets fetch it at once when a job fair opens.
Streamed through Python, every megabyte is read into a bytes object in a worker thread and
written out again by the event loop: two copies and a thread hop per megabyte. With this
protocol the kernel moves the file's pages to the socket itself (`os.sendfile`), as nginx does.

The protocol adds `http.response.pathsend` (ASGI 2.4) to the scope's extensions on plain-TCP
connections; an application that finds it may answer `http.response.start` (with a
Content-Length) followed by `{"type": "http.response.pathsend", "path": ...}`. Over TLS the
bytes must pass through the TLS layer in Python, so the extension is not offered there and the
application streams as before.

How the bytes are sent: the headers go through the transport as usual; once the transport's
buffer is empty, a thread of the response's own sends the file with `os.sendfile` on a
duplicate of the socket's descriptor, polling for room when the socket is full, and hands the
result back to the event loop. The event loop does nothing per megabyte, and a file not yet in
the page cache holds up only that thread while the disk reads it. (The loop only watches the
socket for writing while its own buffer has data, which it does not while the thread sends;
HTTP/1.1 sends nothing else on the connection until the response is complete.) A thread per
download in flight: each is a few kilobytes of memory, waiting in the kernel almost always.
The threads are kept for the next downloads (`SenderThreads`): starting one makes the event
loop wait until it runs, which was a sixth of the loop's time for small files.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import queue
import select
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from vr_server.tasks import open_in_thread

log = logging.getLogger(__name__)

EXTENSION = "http.response.pathsend"
BLOCK = 4 * 1024 * 1024
"""Bytes asked of one sendfile call (the socket's free buffer usually takes less)."""
POLL_MS = 500
"""How often a sending thread waiting for room looks whether it should stop."""
SEND_TIMEOUT_S = 60.0
"""A client that takes nothing for this long is disconnected (nginx's send_timeout)."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class SenderThreads:
    """The threads that send files: one per download in flight, kept IDLE_S after their last
    download for the next ones, then ended. Daemon threads: a stalled client never holds up
    the process's exit. One set per process, like asyncio's default executor; no thread
    starts before the first download."""

    IDLE_S = 30.0

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0  # threads waiting for a job that no caller has counted on yet
        self.threads = 0
        """Threads alive (sending or idle)."""
        self.busy = 0
        """Jobs given and not yet finished."""

    def run(self, job: Callable[[], None]) -> None:
        """Run `job` in a thread of the set, a new one when none is idle."""
        with self._lock:
            self.busy += 1
            start = self._idle == 0
            if start:
                self.threads += 1
            else:
                self._idle -= 1
        self._jobs.put(job)
        if start:
            threading.Thread(target=self._work, name="vr-sendfile", daemon=True).start()

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=self.IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._idle == 0:
                        continue  # a caller counted on this thread: its job is on the way
                    self._idle -= 1
                    self.threads -= 1
                return
            try:
                job()
            except BaseException:  # a job reports its own errors; this keeps the thread
                log.exception("file sending job failed")
            with self._lock:
                self.busy -= 1
                self._idle += 1


SENDERS = SenderThreads()


class ClientGone(Exception):
    """The connection closed (or stalled past SEND_TIMEOUT_S) while a file was being sent."""


class PathsendHttpProtocol(HttpToolsProtocol):
    """HttpToolsProtocol whose plain-TCP requests may answer with `http.response.pathsend`."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.transport.get_extra_info("sslcontext") is None and _socket_fd(self.transport):
            self.scope["extensions"] = {EXTENSION: {}}

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        if EXTENSION in cycle.scope.get("extensions", {}):
            app = _with_pathsend(app, cycle)
        super()._start_asgi_task(cycle, app)


def _socket_fd(transport: asyncio.BaseTransport) -> int | None:
    sock = transport.get_extra_info("socket")
    if sock is None:
        return None
    try:
        fd = sock.fileno()
    except (OSError, AttributeError):
        return None
    return fd if isinstance(fd, int) and fd >= 0 else None


def _with_pathsend(app: App, cycle: RequestResponseCycle) -> App:
    """`app` with a `send` that turns `http.response.pathsend` into sendfile on `cycle`."""

    async def send(message: Message) -> None:
        if message["type"] != EXTENSION:
            await cycle.send(message)  # type: ignore[arg-type]
            return
        await _send_path(cycle, os.fspath(message["path"]))

    async def wrapped(scope: Scope, receive: Receive, _send: Send) -> None:
        await app(scope, receive, send)

    return wrapped


async def _send_path(cycle: RequestResponseCycle, path: str) -> None:
    if not cycle.response_started or cycle.response_complete:
        raise RuntimeError("http.response.pathsend must follow http.response.start")
    if cycle.disconnected:
        return
    if cycle.scope["method"] == "HEAD":
        await cycle.send({"type": "http.response.body", "body": b"", "more_body": False})
        return
    if cycle.chunked_encoding:
        raise RuntimeError("http.response.pathsend needs a Content-Length header")
    count = cycle.expected_content_length
    file_fd = await open_in_thread(lambda: os.open(path, os.O_RDONLY), os.close)
    try:
        sent = await _sendfile(cycle, file_fd, count)
    except ClientGone:
        cycle.disconnected = True
        if not cycle.transport.is_closing():
            cycle.transport.close()
        return
    finally:
        os.close(file_fd)
    if sent != count:
        # The file is shorter than the Content-Length announced: the response cannot be
        # completed, so the connection is closed (the client sees a truncated body).
        cycle.transport.close()
        raise RuntimeError(f"{path}: {sent} bytes sent, the response announced {count}")
    cycle.expected_content_length = 0
    await cycle.send({"type": "http.response.body", "body": b"", "more_body": False})


async def _sendfile(cycle: RequestResponseCycle, file_fd: int, count: int) -> int:
    """Send `count` bytes of `file_fd` from offset 0; the number sent (less at end of file)."""
    transport = cycle.transport
    sock_fd = _socket_fd(transport)
    if sock_fd is None:
        raise ClientGone()
    deadline = time.monotonic() + SEND_TIMEOUT_S
    while transport.get_write_buffer_size():  # the headers, still in the transport's buffer
        if transport.is_closing() or time.monotonic() > deadline:
            raise ClientGone()
        await asyncio.sleep(0.002)
    loop = asyncio.get_running_loop()
    done: asyncio.Future[int] = loop.create_future()
    stop = threading.Event()
    dup = os.dup(sock_fd)  # the thread's own descriptor: closing the transport cannot reuse it

    def report(result: int | BaseException) -> None:
        if done.done():
            return
        if isinstance(result, BaseException):
            done.set_exception(result)
        else:
            done.set_result(result)

    def run() -> None:
        try:
            result: int | BaseException = _send_blocking(dup, file_fd, count, stop)
        except BaseException as exc:  # handed to the awaiting task
            result = exc
        finally:
            os.close(dup)
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(report, result)

    SENDERS.run(run)
    try:
        while True:
            try:
                return await asyncio.wait_for(asyncio.shield(done), timeout=1.0)
            except TimeoutError:
                if transport.is_closing() or cycle.disconnected:
                    raise ClientGone() from None
    finally:
        stop.set()  # a no-op when the thread has finished; stops it when the task gave up


def _send_blocking(sock_fd: int, file_fd: int, count: int, stop: threading.Event) -> int:
    """The sending thread: sendfile into the non-blocking socket, polling for room."""
    poller = select.poll()
    poller.register(sock_fd, select.POLLOUT)
    offset = 0
    idle_since = time.monotonic()
    while offset < count:
        if stop.is_set():
            raise ClientGone()
        try:
            n = os.sendfile(sock_fd, file_fd, offset, min(BLOCK, count - offset))
        except BlockingIOError:
            poller.poll(POLL_MS)
            if time.monotonic() - idle_since > SEND_TIMEOUT_S:
                raise ClientGone() from None
            continue
        except OSError as exc:
            if exc.errno in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, errno.EBADF):
                raise ClientGone() from None
            raise
        if n == 0:
            break  # end of file
        offset += n
        idle_since = time.monotonic()
    return offset
