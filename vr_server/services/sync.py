"""A venue's side of the sync with central (docs/sync.md): pairing once, then sending the outbox
in batches whenever central answers.

Nothing at the venue waits for central: sessions, events and tickets are stored and stamped
with their outbox position as always (storage/outbox.py); this service runs as a background
task of the app (services/monitor.py) every `VR_SYNC_INTERVAL_S`. A round reads the pairing
(so `vr-server central pair` on a running server's database takes effect at the next round),
sends batches of about `VR_SYNC_BATCH_RECORDS` rows until none wait, and keeps central's mark
after each. A round that fails (central down, unreachable, slow) records why and the next one
starts again from the mark: what was not acknowledged is sent again, which central applies once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from vr_server.errors import Invalid
from vr_server.protocol.sync import (
    PairRequest,
    PairResponse,
    Presence,
    SyncAck,
    SyncBatch,
    SyncState,
)
from vr_server.services.content_pull import ContentPull, ContentRefused
from vr_server.storage.outbox import Outbox
from vr_server.storage.venue_link import VenueLinkRecord, VenueLinks

log = logging.getLogger(__name__)

BATCH_PATH = "/api/sync/batch"
STATE_PATH = "/api/sync/state"
PAIR_PATH = "/api/sync/pair"
PRESENCE_PATH = "/api/sync/presence"


class CentralRefused(Exception):
    """Central answered, but not with success: the status and its error code."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"central answered {status}: {body[:200]}")
        self.status = status


@dataclass(frozen=True)
class SyncStatus:
    """What `/health` and the dashboard show."""

    paired: bool
    venue_name: str | None = None
    central_url: str | None = None
    acked: int = 0
    waiting: int = 0
    """Records stored here that central has not acknowledged."""
    last_sync_at: datetime | None = None
    """When central last held everything this venue had stored."""
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    content_refused: list[str] = field(default_factory=list)
    """Scene versions from central the last round could not take, and why."""


@dataclass
class _Round:
    sent: int = 0
    """Batches central acknowledged in this round."""


def _now() -> datetime:
    return datetime.now(UTC)


def _check(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 300:
        raise CentralRefused(response.status_code, response.text)
    return response


class SyncService:
    def __init__(
        self,
        links: VenueLinks,
        outbox: Outbox,
        *,
        batch_records: int = 1000,
        timeout_s: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
        content: ContentPull | None = None,
        headsets_online: Callable[[], Awaitable[int]] | None = None,
    ) -> None:
        self.headsets_online = headsets_online
        """The venue's headsets online now, told to central every round."""
        self.content = content
        """Content down from central after each round (services/content_pull.py)."""
        self.content_refused: list[str] = []
        """The last round's scene versions from central this venue could not take."""
        self.links = links
        self.outbox = outbox
        self.batch_records = batch_records
        self.timeout_s = timeout_s
        self.transport = transport
        """Tests hand an in-process transport; None: the network."""

    def _client(self, link_url: str, credential: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {credential}"} if credential else {}
        return httpx.AsyncClient(
            base_url=link_url, headers=headers, timeout=self.timeout_s, transport=self.transport
        )

    async def pair(self, central_url: str, code: str) -> VenueLinkRecord:
        """Exchange a pairing code made at central for this venue's credential, and keep it.
        The venue starts sending from the beginning of its outbox (central resets its mark for
        a venue paired again, and applies what it holds already once)."""
        url = central_url.rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise Invalid("the central server's URL must start with http:// or https://")
        async with self._client(url) as client:
            response = _check(
                await client.post(PAIR_PATH, json=PairRequest(code=code).model_dump())
            )
        paired = PairResponse.model_validate_json(response.content)
        record = VenueLinkRecord(
            central_url=url,
            venue_id=paired.venue_id,
            venue_name=paired.name,
            credential=paired.credential,
            paired_at=_now(),
            acked_seq=0,
        )
        await self.links.pair(record)
        return record

    async def status(self) -> SyncStatus:
        link = await self.links.get()
        if link is None:
            return SyncStatus(paired=False)
        return SyncStatus(
            paired=True,
            venue_name=link.venue_name,
            central_url=link.central_url,
            acked=link.acked_seq,
            waiting=await self.outbox.waiting(link.acked_seq),
            last_sync_at=link.last_sync_at,
            last_attempt_at=link.last_attempt_at,
            last_error=link.last_error,
            content_refused=list(self.content_refused),
        )

    async def run_once(self) -> int:
        """One round: send every waiting record (when paired and central answers); how many
        batches central acknowledged. A failure is recorded, not raised."""
        link = await self.links.get()
        if link is None:
            return 0
        counted = _Round()
        try:
            async with self._client(link.central_url, link.credential) as client:
                await self._send_all(client, link, counted)
                if self.headsets_online is not None:
                    presence = Presence(headsets_online=await self.headsets_online())
                    _check(await client.post(PRESENCE_PATH, json=presence.model_dump()))
                if self.content is not None:
                    pulled = await self.content.pull(client)
                    self.content_refused = pulled.refused
                    if pulled.stored or pulled.activated:
                        log.info(
                            "content from central: stored %s, active %s",
                            pulled.stored,
                            pulled.activated,
                        )
        except (httpx.HTTPError, CentralRefused, ContentRefused) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            log.info("sync with %s: %s", link.central_url, error)
            await self.links.failed(_now(), error)
        return counted.sent

    async def _send_all(
        self, client: httpx.AsyncClient, link: VenueLinkRecord, counted: _Round
    ) -> None:
        acked = link.acked_seq
        while True:
            pending = await self.outbox.pending(acked, self.batch_records)
            if pending.records == 0:
                # the link is up; a central that lost what it acknowledged (restored from a
                # backup) gets it again from its own mark
                central = await self._central_mark(client)
                if central < acked:
                    acked = central
                    await self.links.acknowledged(acked, _now(), done=False)
                    continue
                await self.links.acknowledged(acked, _now(), done=True)
                return
            batch = SyncBatch(
                venue_id=link.venue_id,
                after=acked,
                upto=pending.upto,
                sessions=pending.sessions,
                events=pending.events,
                tickets=pending.tickets,
            )
            response = await client.post(
                BATCH_PATH,
                content=batch.model_dump_json(),
                headers={"Content-Type": "application/json"},
            )
            if response.status_code == 409:  # central's mark is below ours: resend from it
                acked = await self._central_mark(client)
                await self.links.acknowledged(acked, _now(), done=False)
                continue
            ack = SyncAck.model_validate_json(_check(response).content)
            acked, counted.sent = ack.acked, counted.sent + 1
            await self.links.acknowledged(acked, _now(), done=False)

    async def _central_mark(self, client: httpx.AsyncClient) -> int:
        response = _check(await client.get(STATE_PATH))
        return SyncState.model_validate_json(response.content).acked
