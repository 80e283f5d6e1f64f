"""`HeadsetClient`: what a headset needs to talk to the server, composed of one piece a concern.

* Enrollment over HTTP (`headset_client.enrollment`), with the identity kept in
  `<state dir>/identity.json`.
* One WebSocket to `/ws/headset`, kept open by `headset_client.connection`: `hello` ->
  `welcome`, a heartbeat, reconnects with backoff and jitter; a refused connection (close 4401,
  4426, 4409) stops the client with a clear error.
* Session events numbered, buffered until acknowledged and resent after a reconnect
  (`headset_client.session` over the sans-I/O `EventOutbox`).
* Asset downloads into the `AssetCache`, resumable and verified (`headset_client.downloads`).
* Telemetry at most twice a second (`headset_client.telemetry`).
* Subscribers (`subscribe()`) receive assignments, commands, results and the client's news.
  Commands are acknowledged on receipt; their delivery latency is kept in
  `command_latencies`.

This module routes the server's frames to those pieces and keeps the public API in one class.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from content_tools.format import AssetRef, Language
from headset_client.addresses import headset_ws_url, http_base_url
from headset_client.cache import AssetCache
from headset_client.connection import Backoff, Connection
from headset_client.distribution import Distribution
from headset_client.downloads import AssetDownloader, DownloadResult, ProgressHook
from headset_client.enrollment import enroll
from headset_client.errors import ConnectionRejected, HeadsetClientError, NotEnrolled
from headset_client.identity import Identity, load_identity, new_device_id, save_identity
from headset_client.notices import Connected, Notice, Subscription
from headset_client.session import SessionLink
from headset_client.telemetry import TelemetrySender
from headset_client.transport import Connector, TransportClosed, make_websocket_connector
from vr_server.protocol import PROTOCOL_VERSION
from vr_server.protocol.distribution import DistributionStatus, DownloadGrant, DownloadStop
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
    Pong,
    Ready,
    RequestScene,
    Result,
    ServerToHeadset,
    Welcome,
)
from vr_server.protocol.poses import PoseFrame, PoseRate

APP_VERSION = "vr-headset-py/0.1.0"


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
        prefetch: bool = True,
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
        self._clock = clock
        self.command_latencies: list[float] = []
        """Seconds from a command's `issued_at` to its arrival, one entry per command."""
        self.last_rtt: float | None = None
        self._subs: set[Subscription] = set()

        self._connection = Connection(
            self.ws_url,
            connector
            or make_websocket_connector(open_timeout=handshake_timeout, user_agent=app_version),
            hello=self._hello,
            on_open=self._opened,
            on_frame=self._received,
            on_lost=self._lost,
            publish=self._publish,
            label=lambda: self.name,
            unreachable=f"cannot reach server at {self.http_url}",
            backoff=Backoff(backoff_initial, backoff_max, rng or random.Random()),  # noqa: S311
            handshake_timeout=handshake_timeout,
            clock=clock,
        )
        self._session = SessionLink(
            lambda: self._connection.transport,
            self._publish,
            label=lambda: self.name,
            clock=clock,
        )
        self._downloads = AssetDownloader(
            self._http,
            self.http_url,
            self.cache,
            retries=download_retries,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
        )
        self.distribution = Distribution(
            self.send,
            self._downloads,
            self.cache,
            lambda: self.identity.token if self.identity is not None else None,
            enabled=prefetch,
        )
        """Content distribution: the cache reported, prefetching and download grants
        (`prefetch=False`: none of it, as an older client)."""
        self._telemetry = TelemetrySender(self.send)
        self.send_telemetry = self._telemetry.send
        """Send telemetry (fps, battery, charging, step_id, poses), at most twice a second;
        False when it was too soon or not connected (`TelemetrySender.send`)."""

    # ------------------------------------------------------------ properties

    @property
    def name(self) -> str:
        if self.welcome is not None:
            return self.welcome.headset.name
        if self.identity is not None:
            return self.identity.name
        return self.requested_name or self.state_dir.name

    @property
    def welcome(self) -> Welcome | None:
        return self._connection.welcome

    @property
    def connected(self) -> bool:
        return self._connection.transport is not None

    @property
    def connections(self) -> int:
        """How many times a connection reached `welcome`."""
        return self._connection.connections

    @property
    def failure(self) -> HeadsetClientError | None:
        return self._connection.failure

    @property
    def last_error(self) -> str | None:
        return self._connection.last_error

    @property
    def assignment(self) -> Assignment | None:
        """The session this headset is in, as last assigned (None in the lobby)."""
        return self._session.assignment

    @property
    def session_id(self) -> str | None:
        return self._session.session_id

    @property
    def pending_events(self) -> tuple[Event, ...]:
        return self._session.outbox.pending

    # ------------------------------------------------------------ enrollment

    async def enroll(self, code: str, *, name: str | None = None) -> Identity:
        """Enroll with a one-time code; saves and returns the identity."""
        device_id = self._device_id or (
            self.identity.device_id if self.identity else new_device_id(self.state_dir.name)
        )
        identity = await enroll(
            self._http, self.http_url, code, device_id=device_id, name=name or self.requested_name
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
        self._connection.start()

    async def wait_connected(self) -> Welcome:
        """Wait until a connection is open (bound it with `asyncio.timeout`); raises the
        client's failure if it gives up. Waits for `start()` if it was not called yet."""
        return await self._connection.wait_connected()

    async def close(self) -> None:
        """Close the connection normally, stop every task, release the HTTP client."""
        await self._connection.close()
        await self._session.close()
        if self._owns_http:
            await self._http.aclose()
        self._connection.pulse()

    async def __aenter__(self) -> HeadsetClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def drop_connection(self) -> None:
        """Kill the connection abruptly (no close frame), as a Wi-Fi drop would; the client
        reconnects by itself."""
        self._connection.drop()

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
        return await self._session.send_event(body, session_id=session_id)

    async def wait_acked(self) -> None:
        """Wait until every event sent so far is acknowledged (or dropped)."""
        await self._session.wait_acked()

    async def send(self, frame: HeadsetMessage) -> bool:
        """Send a frame now; False when not connected (the frame is not kept)."""
        return await self._send_text(frame.model_dump_json())

    async def send_pose(self, frame: PoseFrame) -> bool:
        """Send a `pose` frame now, without the parts it lacks (False when not connected)."""
        return await self._send_text(frame.model_dump_json(exclude_none=True))

    async def _send_text(self, text: str) -> bool:
        transport = self._connection.transport
        if transport is None:
            return False
        try:
            await transport.send(text)
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

    # ------------------------------------------------------------ assets

    async def download(
        self,
        asset: AssetRef | str,
        *,
        on_progress: ProgressHook | None = None,
        session_id: str | None = None,
    ) -> DownloadResult:
        """Fetch an asset into the cache (nothing to do when cached) and return its path.

        Interrupted transfers resume with a Range request; bytes are verified against the
        sha256 (IntegrityError when they do not match). Raises DownloadError otherwise.
        With `session_id` (a visitor waits for it) and a server that schedules downloads,
        the download waits for its grant (headset_client/distribution.py).
        """
        if session_id is not None and isinstance(asset, AssetRef):
            return await self.distribution.fetch_for_session(asset, session_id, on_progress)
        token = self.identity.token if self.identity is not None else None
        return await self._downloads.download(asset, token=token, on_progress=on_progress)

    # ------------------------------------------------------------ the connection's callbacks

    async def _hello(self) -> Hello:
        assert self.identity is not None  # noqa: S101 - start() checked it
        cached = await asyncio.to_thread(self.cache.hashes)
        return Hello(
            protocol=PROTOCOL_VERSION,
            device_id=self.identity.device_id,
            device_token=self.identity.token,
            app_version=self.app_version,
            cached=cached,
        )

    async def _opened(self, welcome: Welcome, first: ServerToHeadset | None) -> None:
        self._session.welcomed(welcome.session_id)
        self._publish(Connected(welcome, reconnect=self.connections > 1))
        if first is not None:
            await self._received(first)
        await self._session.flush()
        await self.distribution.report(idle=self._session.assignment is None)

    async def _received(self, frame: ServerToHeadset) -> None:
        await self._dispatch(frame)  # looked up per frame: tests wrap `_dispatch` to spy

    def _lost(self) -> None:
        self._session.connection_lost()
        self.distribution.connection_lost()

    async def _dispatch(self, frame: ServerToHeadset) -> None:
        if isinstance(frame, Ack):
            self._session.on_ack(frame)
        elif isinstance(frame, Command):
            self.command_latencies.append(self._clock() - frame.issued_at)
            await self.send(CommandAck(command_id=frame.command_id))
            self._publish(frame)
        elif isinstance(frame, Assignment):
            await self._session.on_assignment(frame)
        elif isinstance(frame, Error):
            if not await self._session.on_error(frame):
                self._connection.last_error = f"{frame.code}: {frame.message}"
                self._publish(frame)
        elif isinstance(frame, Result):
            self._session.on_result(frame)
            await self.distribution.report(idle=self._session.assignment is None)
        elif isinstance(frame, DistributionStatus | DownloadGrant | DownloadStop):
            await self.distribution.on_frame(frame)
        elif isinstance(frame, PoseRate):
            self._publish(frame)  # a spectator watches (20 Hz) or not (2 Hz): pose_stream.py
        elif isinstance(frame, Pong) and frame.t is not None:
            self.last_rtt = max(0.0, self._clock() - frame.t)
        # A second welcome changes nothing.

    def _publish(self, notice: Notice) -> None:
        for sub in list(self._subs):
            sub.put(notice)


__all__ = [
    "APP_VERSION",
    "ConnectionRejected",
    "DownloadResult",
    "HeadsetClient",
    "ProgressHook",
    "headset_ws_url",
    "http_base_url",
]
