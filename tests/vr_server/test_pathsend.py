"""vr_server.serving.pathsend: `http.response.pathsend` served by sendfile from uvicorn's HTTP
protocol.

A real uvicorn server with PathsendHttpProtocol runs in the test's event loop, once on
asyncio's loop and once on uvloop (the server's default), and real sockets read what it
sends: whole files (larger than a socket buffer, so sendfile must wait for room), keep-alive
after a file, HEAD, a file shorter than its Content-Length, a client that reads slowly and one
that leaves mid-file. The /assets route itself is checked on the same protocol at the end.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
import uvloop

from tests.support.harness import past_first_start, uvicorn_in_process
from vr_server.serving import pathsend
from vr_server.serving.pathsend import EXTENSION, PathsendHttpProtocol

SIZE = 6 * 1024 * 1024 + 12345  # several socket buffers, not a multiple of a page

RunLoop = Callable[[Coroutine[Any, Any, None]], None]
LOOPS: dict[str, RunLoop] = {
    "asyncio": asyncio.run,
    "uvloop": uvloop.run,
}


@pytest.fixture(params=sorted(LOOPS))
def run_loop(request: pytest.FixtureRequest) -> RunLoop:
    return LOOPS[request.param]


@pytest.fixture
def big_file(tmp_path: Path) -> tuple[Path, bytes]:
    data = os.urandom(SIZE)
    path = tmp_path / "model.glb"
    path.write_bytes(data)
    return path, data


def pathsend_server(app: Any, **config: Any) -> AbstractAsyncContextManager[int]:
    """uvicorn in this event loop with the patched HTTP protocol; yields the port."""
    return uvicorn_in_process(app, http=PathsendHttpProtocol, **config)


def file_app(
    path: Path, *, length: int | None = None, seen: list[dict[str, Any]] | None = None
) -> Any:
    """Answers every request with `path` by pathsend when offered (else says so, 501)."""
    size = path.stat().st_size if length is None else length

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return
        if seen is not None:
            seen.append(scope)
        if EXTENSION not in scope.get("extensions", {}):
            await send({"type": "http.response.start", "status": 501, "headers": []})
            await send({"type": "http.response.body", "body": b"no pathsend"})
            return
        headers = [(b"content-length", str(size).encode()), (b"content-type", b"model/gltf-binary")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": EXTENSION, "path": str(path)})

    return app


async def http_get(
    port: int, *, method: str = "GET", requests: int = 1, chunk_delay: float = 0.0
) -> list[tuple[int, dict[str, str], bytes]]:
    """`requests` requests on one keep-alive connection; (status, headers, body) each."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answers = []
    try:
        for _ in range(requests):
            writer.write(f"{method} /f HTTP/1.1\r\nHost: t\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode().split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:] if line)}
            length = 0 if method == "HEAD" else int(headers.get("content-length", "0"))
            body = bytearray()
            while len(body) < length:
                piece = await reader.read(min(65536, length - len(body)))
                if not piece:
                    break  # the server closed the connection
                body += piece
                if chunk_delay:
                    await asyncio.sleep(chunk_delay)
            answers.append((status, headers, bytes(body)))
    finally:
        writer.close()
    return answers


def count_sends(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The byte counts of every file the server sends by sendfile, from now on (noted before
    the sending starts: the client may have every byte before the sending thread returns)."""
    sends: list[int] = []
    real = pathsend._send_blocking

    def counting(sock_fd: int, file_fd: int, count: int, stop: threading.Event) -> int:
        sends.append(count)
        return real(sock_fd, file_fd, count, stop)

    monkeypatch.setattr(pathsend, "_send_blocking", counting)
    return sends


def test_sender_threads_are_reused_then_end_when_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    senders = pathsend.SenderThreads()
    monkeypatch.setattr(senders, "IDLE_S", 0.3)
    done = threading.Event()
    ran: list[str] = []

    def job() -> None:
        ran.append(threading.current_thread().name)
        done.set()

    for _ in range(5):  # one after the other: one thread does them all
        done.clear()
        senders.run(job)
        assert done.wait(5)
        deadline = time.monotonic() + 5
        while senders.busy:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    assert len(ran) == 5
    assert senders.threads == 1

    gate = threading.Event()
    started = threading.Semaphore(0)

    def blocking() -> None:
        started.release()
        gate.wait(5)

    for _ in range(3):  # at once: a thread each
        senders.run(blocking)
    for _ in range(3):
        assert started.acquire(timeout=5)
    assert (senders.threads, senders.busy) == (3, 3)
    gate.set()
    deadline = time.monotonic() + 5
    while senders.threads:  # idle for IDLE_S: they end
        assert time.monotonic() < deadline, "idle sender threads did not end"
        time.sleep(0.05)


def test_whole_file_then_keep_alive(
    run_loop: RunLoop,
    big_file: tuple[Path, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, data = big_file
    sends = count_sends(monkeypatch)

    async def scenario() -> None:
        async with pathsend_server(file_app(path)) as port:
            answers = await http_get(port, requests=3)
        for status, headers, body in answers:
            assert status == 200
            assert headers["content-length"] == str(SIZE)
            assert hashlib.sha256(body).digest() == hashlib.sha256(data).digest()
        assert sends == [SIZE, SIZE, SIZE]  # every body went by sendfile

    run_loop(scenario())


def test_slow_reader_gets_every_byte(run_loop: RunLoop, big_file: tuple[Path, bytes]) -> None:
    """A reader slower than the sender: the socket fills, sendfile waits for room."""
    path, data = big_file

    async def scenario() -> None:
        async with pathsend_server(file_app(path)) as port:
            [(status, _headers, body)] = await http_get(port, chunk_delay=0.0005)
        assert status == 200
        assert body == data

    run_loop(scenario())


def test_head_sends_no_body(run_loop: RunLoop, big_file: tuple[Path, bytes]) -> None:
    path, _data = big_file

    async def scenario() -> None:
        async with pathsend_server(file_app(path)) as port:
            # HEAD then GET on one connection: a body sent for HEAD would be read as the
            # second answer's status line.
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"HEAD /f HTTP/1.1\r\nHost: t\r\n\r\nGET /f HTTP/1.1\r\nHost: t\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200")
            assert f"content-length: {SIZE}".encode() in head
            second = await reader.readuntil(b"\r\n\r\n")
            assert second.startswith(b"HTTP/1.1 200")
            body = await reader.readexactly(SIZE)
            assert body == path.read_bytes()
            writer.close()

    run_loop(scenario())


def test_file_shorter_than_content_length_closes_the_connection(
    run_loop: RunLoop, big_file: tuple[Path, bytes]
) -> None:
    path, data = big_file

    async def scenario() -> None:
        app = file_app(path, length=SIZE + 1000)
        options = {"log_level": "critical", "timeout_keep_alive": 60}  # no idle close
        async with pathsend_server(app, **options) as port:
            async with asyncio.timeout(10):  # closed at once, not left hanging
                [(status, _headers, body)] = await http_get(port)
        assert status == 200
        assert body == data  # every byte there is, then the connection closed

    run_loop(scenario())


def test_client_leaving_mid_file_ends_the_send(
    run_loop: RunLoop, big_file: tuple[Path, bytes]
) -> None:
    path, data = big_file

    async def scenario() -> None:
        fds_before = len(os.listdir("/proc/self/fd"))
        async with pathsend_server(file_app(path)) as port:
            for _ in range(3):
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"GET /f HTTP/1.1\r\nHost: t\r\n\r\n")
                await reader.readexactly(300_000)
                sock = writer.get_extra_info("socket")
                linger = struct.pack("ii", 1, 0)  # close with a reset
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                writer.close()  # a reset: the server's next write fails
            async with asyncio.timeout(10):
                while pathsend.SENDERS.busy:  # noqa: ASYNC110 - threads offer no event
                    await asyncio.sleep(0.05)
            # the server still serves
            [(status, _headers, body)] = await http_get(port)
            assert status == 200
            assert body == data
        assert len(os.listdir("/proc/self/fd")) <= fds_before + 1  # no descriptor left open

    run_loop(scenario())


def test_not_offered_over_tls(tmp_path: Path, big_file: tuple[Path, bytes]) -> None:
    """TLS bytes pass through Python: the app is not offered pathsend and must stream."""
    from vr_server.tls import init_tls

    path, _data = big_file
    files = init_tls(tmp_path / "data", ["127.0.0.1"], days=2)
    seen: list[dict[str, Any]] = []

    async def scenario() -> None:
        options = {"ssl_certfile": str(files.cert), "ssl_keyfile": str(files.key)}
        async with pathsend_server(file_app(path, seen=seen), **options) as port:
            context = ssl.create_default_context(cafile=str(files.ca_cert))
            reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
            writer.write(b"GET /f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            writer.close()
        assert head.startswith(b"HTTP/1.1 501")
        assert EXTENSION not in seen[0].get("extensions", {})

    asyncio.run(scenario())


async def test_assets_route_sends_whole_files_by_sendfile(
    tmp_path: Path, test_bundles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/assets on the server's protocol: a whole file goes by sendfile; ranges, HEAD and 304
    keep their answers (ranges stream: pathsend has no offset)."""
    import httpx

    from tests.support.bundles import tiny_glb
    from vr_server.app import create_app
    from vr_server.settings import Settings

    data = tiny_glb()
    sha = hashlib.sha256(data).hexdigest()
    sends = count_sends(monkeypatch)
    app = create_app(Settings(data_dir=tmp_path / "data", content_dirs=[test_bundles]))
    async with pathsend_server(app) as port:
        services = app.state.services
        await past_first_start(services)
        code = await services.auth.create_enrollment_code(uses=1, hours=1)
        _record, token, _ = await services.auth.enroll(code, "dev-pathsend", None)
        auth = {"Authorization": f"Bearer {token}"}
        url = f"http://127.0.0.1:{port}/assets/{sha}"
        async with httpx.AsyncClient(headers=auth) as client:
            whole = await client.get(url)
            assert whole.status_code == 200
            assert whole.content == data
            assert whole.headers["etag"] == f'"{sha}"'
            assert sends == [len(data)]
            part = await client.get(url, headers={"Range": "bytes=10-99"})
            assert part.status_code == 206
            assert part.content == data[10:100]
            head = await client.head(url)
            assert head.status_code == 200
            assert head.content == b""
            assert head.headers["content-length"] == str(len(data))
            cached = await client.get(url, headers={"If-None-Match": f'"{sha}"'})
            assert cached.status_code == 304
            assert sends == [len(data)]  # none of those three sent the file


async def test_assets_stream_without_the_extension(
    tmp_path: Path, test_bundles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's own protocol (VR_SENDFILE=false) offers no pathsend: the route streams."""
    import httpx
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from tests.support.bundles import tiny_glb
    from vr_server.app import create_app
    from vr_server.settings import Settings

    data = tiny_glb()
    sha = hashlib.sha256(data).hexdigest()
    sends = count_sends(monkeypatch)
    app = create_app(Settings(data_dir=tmp_path / "data", content_dirs=[test_bundles]))
    async with uvicorn_in_process(app, http=HttpToolsProtocol) as port:
        services = app.state.services
        await past_first_start(services)
        code = await services.auth.create_enrollment_code(uses=1, hours=1)
        _record, token, _ = await services.auth.enroll(code, "dev-stream", None)
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
            whole = await client.get(f"http://127.0.0.1:{port}/assets/{sha}")
    assert whole.status_code == 200
    assert whole.content == data
    assert sends == []
