"""`HeadsetClient`: what a headset needs to talk to the server.

* Enrollment over HTTP, with the identity kept in `<state dir>/identity.json`.
* One WebSocket to `/ws/headset`, kept open by a connection loop: `hello` -> `welcome`, then a
  heartbeat task (`ping` every half `heartbeat_s`) and a receive loop. A dropped connection is
  reopened with exponential backoff and jitter; a refused one (close 4401, 4426, 4409) stops
  the client with a clear error.
* Session events numbered, buffered until acknowledged and resent after a reconnect (the
  sans-I/O `EventOutbox` decides; this module only moves frames).
* Asset downloads into the `AssetCache`, resumable (HTTP Range) and verified.
* Subscribers (`subscribe()`) receive assignments, commands, results and the client's news.
  Commands are acknowledged on receipt; their delivery latency is kept in
  `command_latencies`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import ValidationError

from content_tools.format import AssetRef, Language
from headset_client.cache import AssetCache, check_sha256
from headset_client.errors import (
    AuthRejected,
    ConnectionRejected,
    DownloadError,
    EnrollmentFailed,
    EnrollmentRefused,
    HeadsetClientError,
    IntegrityError,
    NoActiveSession,
    NotEnrolled,
    ProtocolMismatch,
    Replaced,
    ServerUnreachable,
)
from headset_client.identity import Identity, load_identity, new_device_id, save_identity
from headset_client.notices import (
    ClientFailed,
    Connected,
    Disconnected,
    EventRejected,
    Notice,
    SessionLost,
    Subscription,
)
from headset_client.outbox import EventOutbox
from headset_client.transport import (
    ConnectFailed,
    Connector,
    Transport,
    TransportClosed,
    make_websocket_connector,
)
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.common import Pose
from vr_server.protocol.enrollment import EnrollRequest, EnrollResponse
from vr_server.protocol.errors import CloseCode
from vr_server.protocol.events import SessionEvent
from vr_server.protocol.headset import (
    Ack,
    Assignment,
    Command,
    CommandAck,
    Error,
    Event,
    HeadsetMessage,
    Hello,
    LoadFailed,
    Loading,
    Ping,
    Pong,
    Ready,
    RequestScene,
    Result,
    ServerToHeadset,
    Telemetry,
    Welcome,
    server_to_headset_adapter,
)

log = logging.getLogger(__name__)

APP_VERSION = "vr-headset-py/0.1.0"
TELEMETRY_MIN_INTERVAL_S = 0.5
"""Telemetry is sent at most twice a second."""
_WRITE_BATCH = 256 << 10

ProgressHook = Callable[[int, int | None], Awaitable[None]]
"""Called with (bytes done, bytes expected or None) while an asset downloads."""


@dataclass(frozen=True)
class DownloadResult:
    sha256: str
    path: Path
    cached: bool
    """The asset was already in the cache; nothing was downloaded."""
    downloaded_bytes: int
    seconds: float


class _UnexpectedFrame(Exception):
    """The server broke the handshake order; reconnect and try again."""


class _Retry(Exception):
    """A download attempt failed in a way that another attempt may fix."""


def http_base_url(server: str) -> str:
    """`http(s)://host:port` from a server URL given as http(s) or ws(s)."""
    url = server.rstrip("/")
    if url.startswith("ws://"):
        url = "http://" + url[5:]
    elif url.startswith("wss://"):
        url = "https://" + url[6:]
    elif not url.startswith(("http://", "https://")):
        url = "http://" + url
    return url.removesuffix("/ws/headset")


def headset_ws_url(server: str) -> str:
    base = http_base_url(server)
    scheme, rest = base.split("://", 1)
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws/headset"


class HeadsetClient:
    """One headset's connection to the server. Use `async with` or call `close()`.

    >>> client = HeadsetClient("http://192.168.1.10:8000", Path("~/.local/state/vr-headset/q1"))
    >>> await client.ensure_enrolled(code)       # reuses identity.json when present
    >>> async with client.subscribe() as inbox:
    ...     await client.start()
    ...     assignment = await inbox.next(Assignment)
    """

    def __init__(
        self,
        server: str,
        state_dir: Path | str,
        *,
        name: str | None = None,
        device_id: str | None = None,
        app_version: str = APP_VERSION,
        cache: AssetCache | None = None,
        http: httpx.AsyncClient | None = None,
        connector: Connector | None = None,
        backoff_initial: float = 0.25,
        backoff_max: float = 5.0,
        handshake_timeout: float = 10.0,
        download_retries: int = 3,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.http_url = http_base_url(server)
        self.ws_url = headset_ws_url(server)
        self.state_dir = Path(state_dir).expanduser()
        self.requested_name = name
        self.app_version = app_version
        self.identity: Identity | None = load_identity(self.state_dir)
        self._device_id = device_id
        self.cache = cache if cache is not None else AssetCache(self.state_dir / "cache")
        self._owns_http = http is None
        self._http = (
            http
            if http is not None
            else httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0), trust_env=False)
        )
        self._connector = connector or make_websocket_connector(
            open_timeout=handshake_timeout, user_agent=app_version
        )
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.handshake_timeout = handshake_timeout
        self.download_retries = download_retries
        self._rng = rng or random.Random()  # noqa: S311 - reconnect jitter, not a secret
        self._clock = clock

        self.welcome: Welcome | None = None
        self.assignment: Assignment | None = None
        """The session this headset is in, as last assigned (None in the lobby)."""
        self.command_latencies: list[float] = []
        """Seconds from a command's `issued_at` to its arrival, one entry per command."""
        self.last_rtt: float | None = None
        self.last_error: str | None = None
        self.connections = 0
        """How many times a connection reached `welcome`."""
        self.failure: HeadsetClientError | None = None

        self._outbox = EventOutbox()
        self._transport: Transport | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._aux_tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._subs: set[Subscription] = set()
        self._send_lock = asyncio.Lock()
        self._idle = asyncio.Event()
        self._idle.set()
        self._status = asyncio.Event()
        self._last_rx = 0.0
        self._last_telemetry = -1e9

    # ------------------------------------------------------------ properties

    @property
    def name(self) -> str:
        if self.welcome is not None:
            return self.welcome.headset.name
        if self.identity is not None:
            return self.identity.name
        return self.requested_name or self.state_dir.name

    @property
    def connected(self) -> bool:
        return self._transport is not None

    @property
    def session_id(self) -> str | None:
        return self._outbox.session_id

    @property
    def pending_events(self) -> tuple[Event, ...]:
        return self._outbox.pending

    # ------------------------------------------------------------ enrollment

    async def enroll(self, code: str, *, name: str | None = None) -> Identity:
        """Enroll with a one-time code; saves and returns the identity."""
        device_id = self._device_id or (
            self.identity.device_id if self.identity else new_device_id(self.state_dir.name)
        )
        url = f"{self.http_url}/api/devices/enroll"
        # The server validates the request (and says what is wrong); the model gives the shape.
        body = EnrollRequest.model_construct(
            code=code, device_id=device_id, name=name or self.requested_name
        )
        try:
            reply = await self._http.post(url, json=body.model_dump())
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                f"cannot reach server at {self.http_url}: {_describe(exc)}"
            ) from exc
        if reply.status_code == 401:
            raise EnrollmentRefused("enrollment code refused (HTTP 401)")
        if reply.status_code != 200:
            raise EnrollmentFailed(
                f"enrollment failed (HTTP {reply.status_code}): {_detail(reply)}"
            )
        try:
            data = EnrollResponse.model_validate_json(reply.content)
        except ValidationError as exc:
            raise EnrollmentFailed(f"enrollment reply not understood: {exc}") from exc
        identity = Identity(
            device_id=device_id,
            token=data.device_token,
            headset_id=data.headset_id,
            name=data.name,
            server=self.http_url,
        )
        await asyncio.to_thread(save_identity, self.state_dir, identity)
        self.identity = identity
        return identity

    async def ensure_enrolled(self, code: str | None = None) -> Identity:
        """The saved identity; enroll with `code` when there is none (or it is another
        server's)."""
        ident = self.identity
        if ident is not None and (code is None or ident.server in (None, self.http_url)):
            return ident
        if code is None:
            raise NotEnrolled(
                f"headset {self.name!r} is not enrolled ({self.state_dir} holds no "
                "identity.json): pass an enrollment code"
            )
        return await self.enroll(code, name=self.requested_name)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start the connection loop (returns at once; see `wait_connected`)."""
        if self.identity is None:
            raise NotEnrolled(f"headset {self.name!r} is not enrolled")
        if self._run_task is None:
            self._closing = False
            self._run_task = asyncio.create_task(self._run(), name=f"headset-{self.name}")
            self._pulse()

    async def wait_connected(self) -> Welcome:
        """Wait until a connection is open (bound it with `asyncio.timeout`); raises the
        client's failure if it gives up. Waits for `start()` if it was not called yet."""
        while True:
            if self.failure is not None:
                raise self.failure
            if self._transport is not None and self.welcome is not None:
                return self.welcome
            if self._closing:
                raise RuntimeError(f"headset client {self.name} is closed")
            await self._status.wait()

    async def close(self) -> None:
        """Close the connection normally, stop every task, release the HTTP client."""
        self._closing = True
        transport = self._transport
        if transport is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):
                    await transport.close(CloseCode.NORMAL, "headset shutting down")
        tasks = [t for t in (self._run_task, *self._aux_tasks) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._run_task = None
        if self._owns_http:
            await self._http.aclose()
        self._pulse()

    async def __aenter__(self) -> HeadsetClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def drop_connection(self) -> None:
        """Kill the connection abruptly (no close frame), as a Wi-Fi drop would; the client
        reconnects by itself."""
        transport = self._transport
        if transport is not None:
            self.last_error = "connection dropped on purpose"
            transport.abort()

    def subscribe(self) -> Subscription:
        sub = Subscription(self._subs.discard)
        self._subs.add(sub)
        return sub

    # ------------------------------------------------------------ sending

    async def send_event(self, body: SessionEvent, *, session_id: str | None = None) -> Event:
        """Number an event of the current session, buffer it until acknowledged and send it
        (now if connected, else after the reconnect). Returns the numbered frame.

        With `session_id`, raises NoActiveSession unless that session is still the current
        one (so a player that has not noticed a new assignment cannot send into it)."""
        current = self._outbox.session_id
        if current is None or (session_id is not None and session_id != current):
            which = f"session {session_id} is" if session_id else "no session is"
            raise NoActiveSession(f"{which} assigned to {self.name}; cannot send {body.kind}")
        frame = self._outbox.add(body, at=self._clock())
        self._idle.clear()
        await self._flush()
        return frame

    async def wait_acked(self) -> None:
        """Wait until every event sent so far is acknowledged (or dropped)."""
        await self._idle.wait()

    async def send(self, frame: HeadsetMessage) -> bool:
        """Send a frame now; False when not connected (the frame is not kept)."""
        transport = self._transport
        if transport is None:
            return False
        try:
            await transport.send(frame.model_dump_json())
        except TransportClosed:
            return False
        return True

    async def send_loading(self, session_id: str, progress: float) -> bool:
        progress = min(1.0, max(0.0, progress))
        return await self.send(Loading(session_id=session_id, progress=progress))

    async def request_scene(self, scene_id: str, language: Language = "th") -> bool:
        """Kiosk mode: ask to start `scene_id` (the server must allow self-service)."""
        return await self.send(RequestScene(scene_id=scene_id, language=language))

    async def send_ready(self, session_id: str) -> bool:
        return await self.send(Ready(session_id=session_id))

    async def send_load_failed(self, session_id: str, reason: str) -> bool:
        return await self.send(LoadFailed(session_id=session_id, reason=reason[:500]))

    async def send_telemetry(
        self,
        *,
        fps: float | None = None,
        battery: float | None = None,
        charging: bool | None = None,
        step_id: str | None = None,
        head: Pose | None = None,
        left: Pose | None = None,
        right: Pose | None = None,
    ) -> bool:
        """Send telemetry unless the last one went out less than half a second ago."""
        now = asyncio.get_running_loop().time()
        if now - self._last_telemetry < TELEMETRY_MIN_INTERVAL_S - 1e-3:
            return False
        frame = Telemetry(
            fps=fps,
            battery=battery,
            charging=charging,
            step_id=step_id,
            head=head,
            left=left,
            right=right,
        )
        sent = await self.send(frame)
        if sent:
            self._last_telemetry = now
        return sent

    # ------------------------------------------------------------ assets

    async def download(
        self, asset: AssetRef | str, *, on_progress: ProgressHook | None = None
    ) -> DownloadResult:
        """Fetch an asset into the cache (nothing to do when cached) and return its path.

        Interrupted transfers resume with a Range request; bytes are verified against the
        sha256 (IntegrityError when they do not match). Raises DownloadError otherwise.
        """
        sha = check_sha256(asset.sha256 if isinstance(asset, AssetRef) else asset)
        expected = asset.size if isinstance(asset, AssetRef) else None
        started = time.monotonic()
        if self.cache.has(sha):
            await asyncio.to_thread(self.cache.touch, sha)
            if on_progress is not None:
                size = self.cache.size(sha)
                await on_progress(size or 0, size)
            return DownloadResult(sha, self.cache.path(sha), True, 0, 0.0)
        if self.identity is None:
            raise NotEnrolled("enroll before downloading assets")
        attempt = 0
        while True:
            try:
                path, n = await self._download_once(sha, expected, on_progress)
            except _Retry as exc:
                attempt += 1
                if attempt > self.download_retries:
                    raise DownloadError(
                        f"could not download asset {sha[:12]}… after {attempt} attempts: {exc}"
                    ) from exc
                await asyncio.sleep(min(self.backoff_max, self.backoff_initial * 2**attempt))
                continue
            return DownloadResult(sha, path, False, n, time.monotonic() - started)

    async def _download_once(
        self, sha: str, expected: int | None, on_progress: ProgressHook | None
    ) -> tuple[Path, int]:
        assert self.identity is not None  # noqa: S101 - type narrowing, not an input check
        url = f"{self.http_url}/assets/{sha}"
        writer = await asyncio.to_thread(self.cache.writer, sha, resume=True)
        received = 0
        batch: list[bytes] = []
        try:
            headers = {"Authorization": f"Bearer {self.identity.token}"}
            if writer.offset:
                headers["Range"] = f"bytes={writer.offset}-"
            try:
                async with self._http.stream("GET", url, headers=headers) as reply:
                    status = reply.status_code
                    if status == 401:
                        raise AuthRejected("device token refused when downloading (HTTP 401)")
                    if status == 404:
                        raise DownloadError(f"asset {sha[:12]}… is not on the server (HTTP 404)")
                    resumed_wrong = status == 206 and not _range_starts_at(reply, writer.offset)
                    if status == 416 or resumed_wrong:
                        writer.restart()
                        raise _Retry(f"the server refused to resume the download (HTTP {status})")
                    if status >= 500 or status == 429:
                        raise _Retry(f"HTTP {status}")
                    if status not in (200, 206):
                        raise DownloadError(f"downloading asset {sha[:12]}… failed (HTTP {status})")
                    if status == 200 and writer.offset:
                        writer.restart()  # the server sent the whole file
                    total = expected
                    if total is None and "content-length" in reply.headers:
                        total = writer.offset + int(reply.headers["content-length"])
                    batched = 0
                    async for chunk in reply.aiter_bytes():
                        batch.append(chunk)
                        batched += len(chunk)
                        received += len(chunk)
                        if batched >= _WRITE_BATCH:
                            await asyncio.to_thread(writer.write, b"".join(batch))
                            batch, batched = [], 0
                            if on_progress is not None:
                                await on_progress(writer.written, total)
                    if batch:
                        await asyncio.to_thread(writer.write, b"".join(batch))
                        batch = []
            except httpx.TransportError as exc:
                if batch:  # keep what arrived: the next attempt asks for the rest only
                    await asyncio.to_thread(writer.write, b"".join(batch))
                raise _Retry(_describe(exc)) from exc
            if expected is not None and writer.written < expected:
                raise _Retry(f"the transfer stopped after {writer.written} of {expected} bytes")
            resumed = writer.offset > 0
            try:
                path = await asyncio.to_thread(writer.commit)
            except IntegrityError as exc:
                if resumed:  # the kept part may have been stale: start over once
                    raise _Retry(str(exc)) from exc
                raise
            if on_progress is not None:
                await on_progress(writer.written, writer.written)
            return path, received
        finally:
            writer.close()

    # ------------------------------------------------------------ connection loop

    async def _run(self) -> None:
        attempt = 0
        try:
            while not self._closing:
                try:
                    transport = await self._connector(self.ws_url)
                except ConnectFailed as exc:
                    if exc.fatal is not None:
                        self._fail(exc.fatal)
                        return
                    self.last_error = f"cannot reach server at {self.http_url}: {exc}"
                    attempt += 1
                    await self._backoff(attempt)
                    continue
                welcomed_before = self.connections
                fatal: HeadsetClientError | None = None
                try:
                    await self._serve(transport)
                except TransportClosed as exc:
                    fatal = self._fatal_close(exc)
                    self.last_error = f"connection closed ({exc.code}) {exc.reason}".strip()
                    if self.connections > welcomed_before:
                        self._publish(
                            Disconnected(
                                exc.code,
                                exc.reason,
                                will_retry=fatal is None and not self._closing,
                            )
                        )
                except TimeoutError:
                    self.last_error = "the server did not answer hello in time"
                    transport.abort()
                except _UnexpectedFrame as exc:
                    self.last_error = f"protocol error after welcome: {exc}"
                    transport.abort()
                finally:
                    transport.abort()  # a server gone without a close frame leaves a socket
                    self._transport = None
                    self._outbox.connection_lost()
                    self._pulse()
                if fatal is not None:
                    self._fail(fatal)
                    return
                attempt = 1 if self.connections > welcomed_before else attempt + 1
                if not self._closing:
                    await self._backoff(attempt)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug: report it rather than die silently
            log.exception("headset client %s crashed", self.name)
            self._fail(HeadsetClientError(f"headset client crashed: {exc!r}"))

    async def _serve(self, transport: Transport) -> None:
        assert self.identity is not None  # noqa: S101 - type narrowing, not an input check
        cached = await asyncio.to_thread(self.cache.hashes)
        hello = Hello(
            protocol=PROTOCOL_VERSION,
            device_id=self.identity.device_id,
            device_token=self.identity.token,
            app_version=self.app_version,
            cached=cached,
        )
        await transport.send(hello.model_dump_json())
        welcome = await self._handshake(transport)
        self.welcome = welcome
        loop = asyncio.get_running_loop()
        self._last_rx = loop.time()
        first: ServerToHeadset | None = None
        if welcome.session_id is not None:
            # welcome names the active session; its assignment is the very next frame
            async with asyncio.timeout(self.handshake_timeout):
                while first is None:
                    first = await self._recv_frame(transport)
            if not isinstance(first, Assignment) or first.session_id != welcome.session_id:
                raise _UnexpectedFrame(f"expected the assignment of {welcome.session_id}")
        if self._outbox.session_id is not None and self._outbox.session_id != welcome.session_id:
            self._session_gone(self._outbox.session_id)  # it ended while we were away
        self._transport = transport
        self.connections += 1
        self._pulse()
        self._publish(Connected(welcome, reconnect=self.connections > 1))
        if first is not None:
            await self._dispatch(first)
        await self._flush()
        heartbeat = asyncio.create_task(self._heartbeat(transport, welcome.heartbeat_s))
        try:
            while True:
                frame = await self._recv_frame(transport)
                if frame is not None:
                    await self._dispatch(frame)
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
            log.warning("%s: ignoring a frame the protocol does not allow: %s", self.name, exc)
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

    def _fatal_close(self, exc: TransportClosed) -> HeadsetClientError | None:
        detail = exc.reason or self.last_error or ""
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

    async def _backoff(self, attempt: int) -> None:
        cap = min(self.backoff_max, self.backoff_initial * 2 ** max(0, attempt - 1))
        await asyncio.sleep(cap / 2 + self._rng.uniform(0, cap / 2))

    # ------------------------------------------------------------ frames in

    async def _dispatch(self, frame: ServerToHeadset) -> None:
        if isinstance(frame, Ack):
            self._outbox.ack(frame.session_id, frame.seq, duplicate=frame.duplicate)
            self._update_idle()
        elif isinstance(frame, Command):
            self.command_latencies.append(self._clock() - frame.issued_at)
            await self.send(CommandAck(command_id=frame.command_id))
            self._publish(frame)
        elif isinstance(frame, Assignment):
            old = self._outbox.session_id
            dropped = self._outbox.resume(frame.session_id, frame.resume.next_seq)
            if old is not None and old != frame.session_id:
                self._publish(SessionLost(old, len(dropped)))
            self.assignment = frame
            self._update_idle()
            self._publish(frame)
            await self._flush()
        elif isinstance(frame, Error):
            await self._on_error(frame)
        elif isinstance(frame, Result):
            self._outbox.end_session(frame.session_id)
            if self.assignment is not None and self.assignment.session_id == frame.session_id:
                self.assignment = None
            self._update_idle()
            self._publish(frame)
        elif isinstance(frame, Pong) and frame.t is not None:
            self.last_rtt = max(0.0, self._clock() - frame.t)
        # A second welcome changes nothing.

    async def _on_error(self, frame: Error) -> None:
        session = self._outbox.session_id
        verdict = self._outbox.error(frame)
        if verdict.rejected is not None and not verdict.session_gone:
            log.warning("%s: event %d refused: %s", self.name, frame.seq or 0, frame.message)
            self._publish(EventRejected(verdict.rejected, frame.code, frame.message))
        if verdict.session_gone and session is not None:
            self._session_gone(session, already_dropped=True)
        if verdict.resend:
            await self._flush()
        if verdict.retry_later:
            self._later(1.0, self._flush)
        if not verdict.handled:
            self.last_error = f"{frame.code}: {frame.message}"
            self._publish(frame)
        self._update_idle()

    def _session_gone(self, session_id: str, *, already_dropped: bool = False) -> None:
        dropped = [] if already_dropped else self._outbox.end_session(session_id)
        if self.assignment is not None and self.assignment.session_id == session_id:
            self.assignment = None
        self._update_idle()
        self._publish(SessionLost(session_id, len(dropped)))

    # ------------------------------------------------------------ helpers

    async def _flush(self) -> None:
        """Send the buffered events not yet sent on this connection, in seq order."""
        async with self._send_lock:
            transport = self._transport
            if transport is None:
                return
            for frame in self._outbox.take_unsent():
                try:
                    await transport.send(frame.model_dump_json())
                except TransportClosed:
                    return  # the receive loop sees the close; all is resent after reconnect

    def _later(self, delay: float, func: Callable[[], Awaitable[None]]) -> None:
        async def run() -> None:
            await asyncio.sleep(delay)
            await func()

        task = asyncio.create_task(run())
        self._aux_tasks.add(task)
        task.add_done_callback(self._aux_tasks.discard)

    def _update_idle(self) -> None:
        if self._outbox.idle:
            self._idle.set()
        else:
            self._idle.clear()

    def _publish(self, notice: Notice) -> None:
        for sub in list(self._subs):
            sub.put(notice)

    def _pulse(self) -> None:
        """Wake whoever waits for a change of connection status."""
        self._status.set()
        self._status = asyncio.Event()

    def _fail(self, error: HeadsetClientError) -> None:
        self.failure = error
        self.last_error = str(error)
        self._publish(ClientFailed(error))
        self._pulse()


def _range_starts_at(reply: httpx.Response, offset: int) -> bool:
    value = reply.headers.get("content-range", "")
    # "bytes 1000-1999/2000"
    try:
        unit, rest = value.split(" ", 1)
        return unit == "bytes" and int(rest.split("-", 1)[0]) == offset
    except ValueError:
        return False


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _detail(reply: httpx.Response) -> str:
    try:
        data = reply.json()
    except ValueError:
        return reply.text[:200] or reply.reason_phrase
    detail = data.get("detail") or data.get("message") or data if isinstance(data, dict) else data
    if isinstance(detail, list):  # FastAPI validation errors: [{"loc": [...], "msg": ...}]
        parts = []
        for item in detail[:3]:
            if isinstance(item, dict) and "msg" in item:
                loc = [str(p) for p in item.get("loc", []) if p != "body"]
                parts.append(f"{'.'.join(loc)}: {item['msg']}" if loc else str(item["msg"]))
            else:
                parts.append(str(item))
        return "; ".join(parts)[:300]
    return str(detail)[:300]


__all__ = [
    "APP_VERSION",
    "ConnectionRejected",
    "DownloadResult",
    "HeadsetClient",
    "ProgressHook",
    "headset_ws_url",
    "http_base_url",
]
