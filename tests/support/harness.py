"""A real `vr-server` process on a free port, with its own data folder, for end-to-end tests.

The server runs as a subprocess (`python -m vr_server serve`), exactly as a user starts it, so
the tests cover settings, migrations, bundle import and uvicorn's WebSocket handling too.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.support.e2e import require_e2e
from tests.support.http import http
from tests.support.postgres import run_async

T = TypeVar("T")

STAFF_USER = "staff"
STAFF_PASSWORD = "correct-horse-battery"


def end_process(
    proc: subprocess.Popen[Any], *, sig: int = signal.SIGTERM, timeout: float = 15
) -> None:
    """Send `sig`, wait up to `timeout` seconds, then kill."""
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def simulate_args(
    server_url: str,
    code: str,
    state_dir: Path,
    *,
    speed: float,
    sessions: int,
    extra: tuple[str, ...] = (),
) -> list[str]:
    """The arguments of `vr-headset simulate` for one simulated headset enrolling with `code`
    and reporting in JSON lines (`sessions` 0: until stopped)."""
    return [
        "simulate",
        "--server",
        server_url,
        "--devices",
        "1",
        "--enroll-code",
        code,
        "--speed",
        str(speed),
        "--sessions",
        str(sessions),
        "--state-dir",
        str(state_dir),
        "--json",
        *extra,
    ]


def wait_until_healthy(
    url: str,
    proc: subprocess.Popen[Any],
    log_path: Path,
    *,
    timeout_s: float,
    poll_s: float,
) -> None:
    """Return once `url + /health` answers 200; RuntimeError with the log's tail when the
    process exits first or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-3000:]}")
        try:
            if http().get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(poll_s)
    raise RuntimeError(f"server did not start: {log_path.read_text()[-3000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerProcess:
    def __init__(
        self,
        data_dir: Path,
        content_dirs: list[Path],
        *,
        server_command: list[str] | None = None,
        first_start: bool = False,
        **settings: Any,
    ) -> None:
        """`first_start`: leave the database without an admin account, so the server starts
        in setup mode (api/setup.py); by default `start` makes the admin `admin` first.
        Download scheduling is off unless `venue_mbps` is given (a test's headsets download
        what their visitors ask for and nothing ahead: tests/e2e/server/test_distribution.py
        and the tests beside it turn it on)."""
        self.data_dir = data_dir
        self.first_start = first_start
        self.admin_ready = False
        self.server_command = server_command or [sys.executable, "-m", "vr_server", "serve"]
        self.port = free_port()
        self.env = {
            **os.environ,
            "VR_DATA_DIR": str(data_dir),
            "VR_CONTENT_DIRS": json.dumps([str(p) for p in content_dirs]),
            "VR_PORT": str(self.port),
            "VR_LOG_LEVEL": "warning",
            "VR_VENUE_MBPS": "0",
            **{f"VR_{k.upper()}": str(v) for k, v in settings.items()},
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def cli(self, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vr_server", *args],
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def start(self) -> None:
        require_e2e("a vr-server process")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.first_start:
            self.ensure_admin()
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(self.server_command, env=self.env, stdout=log, stderr=log)
        wait_until_healthy(self.url, self.proc, self.log_path, timeout_s=30, poll_s=0.1)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None:
            return
        end_process(self.proc, sig=sig, timeout=15)
        self.proc = None

    def rss_bytes(self) -> int:
        """The server process's resident memory (Linux /proc)."""
        assert self.proc is not None
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(kib) * 1024

    # ------------------------------------------------------------ credentials

    def create_staff(
        self, username: str = STAFF_USER, password: str = STAFF_PASSWORD, role: str = "staff"
    ) -> None:
        """The account, made in this process as `vr-server staff create NAME --role ROLE` makes
        it (`SetupService.create_on_console`; that command has tests of its own): a
        `vr-server` process would spend about a CPU-second importing the server, for every
        server of every test module."""
        run_async(
            on_services(
                self.env,
                lambda services: services.setup.create_on_console(username, password, role),
            )
        )

    def ensure_admin(self) -> None:
        """The admin account `admin` (password STAFF_PASSWORD), unless it exists: with it the
        server is past its first start. Another instance on the same database may have made it.
        Made in this process as `vr-server staff create admin --role admin` makes it
        (`SetupService.create_on_console`): a `vr-server` process would spend most of a
        second importing the server, on every start of every test module."""
        if self.admin_ready:
            return
        run_async(create_admin(self.env))
        self.admin_ready = True

    def admin_token(self) -> str:
        """A token of the admin account `admin` (created on first use)."""
        self.ensure_admin()
        return self.staff_token("admin", STAFF_PASSWORD)

    def allow_contacts(self, username: str = STAFF_USER) -> None:
        """Let staff account `username` read visitors' contact data (an admin's decision)."""
        path = f"/api/admin/accounts/{username}/contact-access"
        response = self.api(self.admin_token(), "POST", path, {"allowed": True})
        assert response.status_code == 200, response.text

    def staff_token(self, username: str = STAFF_USER, password: str = STAFF_PASSWORD) -> str:
        response = http().post(
            self.url + "/api/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    def enrollment_code(self, uses: int = 10) -> str:
        """A code valid for a day, made in this process as `vr-server enroll create --uses N`
        makes it (tests/e2e/cli/test_enroll_command.py runs that command)."""
        code: str = run_async(
            on_services(
                self.env,
                lambda services: services.auth.create_enrollment_code(uses=uses, hours=24.0),
            )
        )
        return code

    def enroll(self, code: str, device_id: str) -> dict[str, str]:
        response = http().post(
            self.url + "/api/devices/enroll", json={"code": code, "device_id": device_id}
        )
        assert response.status_code == 200, response.text
        data: dict[str, str] = response.json()
        return data

    def api(self, token: str, method: str, path: str, body: Any = None) -> httpx.Response:
        return http().request(
            method, self.url + path, json=body, headers={"Authorization": f"Bearer {token}"}
        )

    def check_in(self, token: str, **fields: Any) -> dict[str, Any]:
        """A walk-in ticket for test-kitchen, checked in by staff (`fields`: consent, name,
        phone, ...); the ticket as the server answered."""
        body = {"interests": ["test-kitchen"], **fields}
        response = self.api(token, "POST", "/api/queue/tickets", body)
        assert response.status_code == 201, response.text
        ticket: dict[str, Any] = response.json()
        return ticket


@contextmanager
def running_server(
    data_dir: Path, content_dirs: list[Path], *, authors: Iterable[str] = (), **settings: Any
) -> Iterator[ServerProcess]:
    """A started server with the staff account and the `authors` accounts (password
    STAFF_PASSWORD; `ServerProcess` takes the other arguments), stopped on the way out."""
    proc = ServerProcess(data_dir, content_dirs, **settings)
    try:
        proc.create_staff()
        for author in authors:  # as `vr-server author create` (test_audit runs that command)
            proc.create_staff(author, STAFF_PASSWORD, "author")
        proc.start()
        yield proc
    finally:
        proc.stop()


class RawSocket:
    """A protocol-level client for tests: send dicts or raw text, receive parsed frames."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, url: str, **kwargs: Any) -> RawSocket:
        return cls(await connect(url, max_size=None, **kwargs))

    async def send(self, frame: Mapping[str, Any] | str | bytes) -> None:
        await self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def recv(self, timeout: float = 10) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        frame: dict[str, Any] = json.loads(raw)
        return frame

    async def recv_type(self, kind: str, timeout: float = 10) -> dict[str, Any]:
        """Skip frames until one of `kind` arrives."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.recv(timeout)
                if frame["type"] == kind:
                    return frame

    async def closed_with(self, timeout: float = 10) -> int | None:
        """Wait for the server to close; returns the close code."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self.ws.recv()
        except ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd else None

    async def close(self) -> None:
        await self.ws.close()


async def wait_frame(
    sock: RawSocket, match: Callable[[dict[str, Any]], bool], timeout: float = 30
) -> dict[str, Any]:
    """The first frame on `sock` that `match` accepts (frames before it are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = await sock.recv(timeout)
            if match(frame):
                return frame


async def on_services(env: Mapping[str, str], fn: Callable[[Any], Awaitable[T]]) -> T:
    """`fn(services)` on the database a server with environment `env` uses (its
    `VR_DATA_DIR`, and `VR_DATABASE_URL` when set), as the local `vr-server` commands run it
    (`vr_server.cli.common.with_services`: opened and migrated, then closed)."""
    from vr_server.cli.common import with_services
    from vr_server.settings import Settings

    settings = Settings(data_dir=Path(env["VR_DATA_DIR"]), database_url=env.get("VR_DATABASE_URL"))
    return await with_services(settings, fn)


async def create_admin(env: Mapping[str, str]) -> None:
    """The admin `admin` on the database a server with environment `env` uses, unless the
    account exists (made by another instance on the same database, or by an earlier start)."""
    from vr_server.errors import Conflict

    with suppress(Conflict):
        await on_services(
            env, lambda services: services.setup.create_on_console("admin", STAFF_PASSWORD, "admin")
        )


async def past_first_start(services: Any) -> None:
    """An admin account on an app's fresh database, so that the app leaves setup mode
    (`vr_server/api/setup.py`: nothing but the setup page answers before)."""
    await services.auth.create_account("admin", STAFF_PASSWORD, "admin")


@asynccontextmanager
async def uvicorn_in_process(app: Any, **config: Any) -> AsyncIterator[int]:
    """A real uvicorn serving `app` in this event loop (so a test can look inside the app
    while it serves); yields the port. `config`: uvicorn.Config's options. It stops without
    uvicorn's 0.1 s ticks (tests/support/prompt_uvicorn.py)."""
    import uvicorn

    from tests.support.prompt_uvicorn import PromptServer

    port = free_port()
    options = {"ws_ping_interval": None, "log_level": "warning", **config}
    server = PromptServer(uvicorn.Config(app, host="127.0.0.1", port=port, **options))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(20):
            while not server.started:  # noqa: ASYNC110 - uvicorn offers no event
                await asyncio.sleep(0.01)
        yield port
    finally:
        server.stop()
        await task
