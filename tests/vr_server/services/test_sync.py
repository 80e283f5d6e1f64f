"""A venue's sync with central, both in this process on SQLite: the venue's SyncService talks
to central's sync routes through httpx's ASGI transport (no sockets). A link that fails before
or after central applied a batch loses nothing and doubles nothing; what central holds has no
visitor's name or phone; a venue credential writes its own venue's rows only."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tests.support.bundles import tiny_glb, write_bundle
from tests.support.services import Clock, online_headset, play, services_at, start
from vr_server.api import sync as sync_api
from vr_server.api.body_limits import install_body_limits
from vr_server.api.errors import install_error_handlers
from vr_server.protocol.headset import Rating
from vr_server.protocol.queue import CheckIn
from vr_server.services import Services, SyncService, VenueService
from vr_server.storage import SqlStore
from vr_server.storage import tables as t

CENTRAL = "http://central.test"


def central_app(services: Services) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_body_limits(app)
    app.include_router(sync_api.router)
    app.state.services = services
    return app


class Flaky(httpx.AsyncBaseTransport):
    """Forwards to central, but cuts the link at chosen batch posts: before central sees the
    batch ("before"), or after it applied it, losing the answer ("after")."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.batches = 0
        self.cut: dict[int, str] = {}
        self.corrupt = False
        """Flip a bit of every content file central sends."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/sync/blobs/") and self.corrupt:
            response = await self.inner.handle_async_request(request)
            body = await response.aread()
            changed = bytes([body[0] ^ 1]) + body[1:]
            return httpx.Response(response.status_code, headers=response.headers, content=changed)
        if request.url.path != "/api/sync/batch":
            return await self.inner.handle_async_request(request)
        self.batches += 1
        where = self.cut.get(self.batches)
        if where == "before":
            raise httpx.ConnectError("link down", request=request)
        response = await self.inner.handle_async_request(request)
        if where == "after":
            raise httpx.ReadError("link cut while central answered", request=request)
        return response


@dataclass
class Link:
    venue: Services
    central: Services
    sync: SyncService
    """The venue's."""
    venues: VenueService
    """Central's."""
    flaky: Flaky


@asynccontextmanager
async def venue_and_central(
    tmp_path: Path, bundles: Path, **venue_settings: Any
) -> AsyncIterator[Link]:
    clock = Clock()
    settings = {"sync_batch_records": 7, **venue_settings}
    async with (
        services_at(tmp_path / "venue", bundles, clock, **settings) as venue,
        services_at(tmp_path / "central", bundles, clock) as central,
    ):
        assert venue.sync is not None
        assert central.venues is not None
        flaky = Flaky(httpx.ASGITransport(app=central_app(central)))
        venue.sync.transport = flaky
        yield Link(venue, central, venue.sync, central.venues, flaky)


async def a_visit(services: Services, name: str, phone: str) -> str:
    """A visitor checks in with their contact data, is called to a headset and plays the whole
    scene, then rates it: the session's id."""
    ticket = await services.queue.check_in(
        CheckIn(interests=["test-kitchen"], consent=True, name=name, phone=phone)
    )
    headset = await online_headset(services)
    called = await services.queue.call(ticket.id, headset.id)
    assert called.session_id is not None
    await start(services, headset.id, called.session_id)
    await play(services, headset.id, called.session_id)
    await services.results.rate(headset.id, Rating(session_id=called.session_id, rating=4))
    return called.session_id


async def venue_rows(store: SqlStore) -> dict[str, set[tuple[str, ...]]]:
    async with store.engine.connect() as conn:
        sessions = (await conn.execute(select(t.sessions.c.id))).scalars().all()
        events = (
            await conn.execute(select(t.session_events.c.session_id, t.session_events.c.seq))
        ).all()
        tickets = (await conn.execute(select(t.tickets.c.id))).scalars().all()
    return {
        "sessions": {(s,) for s in sessions},
        "events": {(s, str(q)) for s, q in events},
        "tickets": {(k,) for k in tickets},
    }


async def central_rows(store: SqlStore, venue_id: str) -> dict[str, set[tuple[str, ...]]]:
    async with store.engine.connect() as conn:
        s, e, k = t.venue_sessions.c, t.venue_events.c, t.venue_tickets.c
        sessions = (await conn.execute(select(s.id).where(s.venue_id == venue_id))).scalars().all()
        events = (
            await conn.execute(select(e.session_id, e.seq).where(e.venue_id == venue_id))
        ).all()
        tickets = (await conn.execute(select(k.id).where(k.venue_id == venue_id))).scalars().all()
    return {
        "sessions": {(x,) for x in sessions},
        "events": {(x, str(q)) for x, q in events},
        "tickets": {(x,) for x in tickets},
    }


async def everything_central_holds(store: SqlStore) -> str:
    """Every value of every row of every table of central's database, as one text."""
    texts = []
    async with store.engine.connect() as conn:
        for table in t.metadata.sorted_tables:
            texts += [repr(tuple(row)) for row in (await conn.execute(select(table))).all()]
    return "\n".join(texts)


def sqlstore(services: Services) -> SqlStore:
    assert isinstance(services.store, SqlStore)
    return services.store


async def test_offline_then_synced_once_with_cuts_on_both_sides(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with venue_and_central(tmp_path, test_bundles) as link:
        venue, central, flaky = link.venue, link.central, link.flaky
        # not paired: a round does nothing, the health says so
        assert await link.sync.run_once() == 0
        assert not (await link.sync.status()).paired

        made = await link.venues.add("Hall 1")
        paired = await link.sync.pair(CENTRAL, made.code)
        assert paired.venue_id == made.venue.id
        with pytest.raises(Exception, match="401"):  # the code is used up
            await link.sync.pair(CENTRAL, made.code)

        sessions = [await a_visit(venue, f"สมชาย {n}", f"08123456{n:02d}") for n in range(3)]
        status = await link.sync.status()
        here = await venue_rows(sqlstore(venue))
        total = sum(len(rows) for rows in here.values())
        assert status.waiting == total
        assert status.last_sync_at is None

        # the link is cut: before the 2nd batch reaches central, then after the 4th was applied
        flaky.cut = {2: "before", 4: "after"}
        assert await link.sync.run_once() == 1
        failed = await link.sync.status()
        assert "ConnectError" in (failed.last_error or "")
        assert 0 < failed.waiting < total
        assert await link.sync.run_once() == 1  # batches 3 and 4; 4's answer is lost
        assert await link.sync.run_once() > 0  # from the mark: the 4th again, then the rest
        done = await link.sync.status()
        assert (done.waiting, done.last_error) == (0, None)
        assert done.last_sync_at is not None

        told = await sqlstore(central).venues.get(made.venue.id)
        assert told is not None
        assert told.headsets_online == 3  # the three visits' headsets, still connected
        there = await central_rows(sqlstore(central), made.venue.id)
        assert there == here
        assert len(there["sessions"]) == len(sessions)
        counts = await sqlstore(central).venues.counts(made.venue.id)
        assert counts == {k: len(v) for k, v in here.items()}  # each row exactly once

        held = await everything_central_holds(sqlstore(central))
        assert "สมชาย" not in held
        assert "0812345600" not in held
        async with sqlstore(venue).engine.connect() as conn:
            tokens = (await conn.execute(select(t.sessions.c.result_token))).scalars().all()
        assert tokens
        assert all(token not in held for token in tokens if token)

        # nothing waits: a round sends no batch, it only asks central where it stands
        before = flaky.batches
        assert await link.sync.run_once() == 0
        assert flaky.batches == before


async def test_central_refuses_forged_and_replayed_batches(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with venue_and_central(tmp_path, test_bundles) as link:
        venue, central, flaky = link.venue, link.central, link.flaky
        a = await link.venues.add("Hall A")
        b = await link.venues.add("Hall B")
        paired = await link.sync.pair(CENTRAL, a.code)
        await a_visit(venue, "Somchai", "0899999999")
        pending = await sqlstore(venue).outbox.pending(0, 1000)
        body: dict[str, Any] = {
            "venue_id": paired.venue_id,
            "after": 0,
            "upto": pending.upto,
            "events": [e.model_dump(mode="json") for e in pending.events],
        }
        auth = {"Authorization": f"Bearer {paired.credential}"}
        async with httpx.AsyncClient(transport=flaky.inner, base_url=CENTRAL) as client:
            # no credential, a wrong one, a staff one
            assert (await client.post("/api/sync/batch", json=body)).status_code == 401
            wrong = {"Authorization": "Bearer nope"}
            assert (
                await client.post("/api/sync/batch", json=body, headers=wrong)
            ).status_code == 401
            # another venue's id in the batch
            forged = {**body, "venue_id": b.venue.id}
            refused = await client.post("/api/sync/batch", json=forged, headers=auth)
            assert refused.status_code == 403
            # malformed: not JSON, a row outside (after, upto], a field too long
            bad = await client.post(
                "/api/sync/batch",
                content=b"{not json",
                headers={**auth, "Content-Type": "application/json"},
            )
            assert bad.status_code == 422
            outside = {**body, "upto": 0}
            assert (
                await client.post("/api/sync/batch", json=outside, headers=auth)
            ).status_code == 422
            # oversize: refused before it is read
            huge = {**body, "events": [{**body["events"][0], "body": {"x": "y" * 5_000_000}}]}
            assert (
                await client.post("/api/sync/batch", json=huge, headers=auth)
            ).status_code == 413
            # a gap: the venue claims central acknowledged more than it did
            gap = {**body, "after": 1, "events": body["events"][1:]}
            assert (await client.post("/api/sync/batch", json=gap, headers=auth)).status_code == 409
            assert await sqlstore(central).venues.counts(a.venue.id) == {
                "sessions": 0,
                "events": 0,
                "tickets": 0,
            }
            # the real batch, then replayed: applied once
            first = await client.post("/api/sync/batch", json=body, headers=auth)
            assert first.status_code == 200, first.text
            again = await client.post("/api/sync/batch", json=body, headers=auth)
            assert (first.json()["applied"], again.json()["applied"]) == (len(body["events"]), 0)
            assert again.json()["acked"] == pending.upto
            state = await client.get("/api/sync/state", headers=auth)
            assert state.json() == {"venue_id": a.venue.id, "name": "Hall A", "acked": pending.upto}
            # revoked (a stolen laptop): refused at once, what it sent stays
            assert await link.venues.revoke(a.venue) == 1
            gone = await client.get("/api/sync/state", headers=auth)
            assert gone.status_code == 401
        assert (await sqlstore(central).venues.counts(a.venue.id))["events"] == len(body["events"])
        assert await sqlstore(central).venues.counts(b.venue.id) == {
            "sessions": 0,
            "events": 0,
            "tickets": 0,
        }


async def test_content_published_at_central_reaches_the_venue_verified_and_pinned(
    tmp_path: Path, test_bundles: Path
) -> None:
    pins = {"test-kitchen": "1.0.0"}
    async with venue_and_central(tmp_path, test_bundles, sync_pins=pins) as link:
        venue, central = link.venue, link.central
        dist = tmp_path / "central-dist"
        new_scene = write_bundle(dist, scene_id="test-central", glb=tiny_glb(7))
        newer_kitchen = write_bundle(dist, version="2.0.0", glb=tiny_glb(8))
        for folder in (new_scene, newer_kitchen):
            await central.catalog.import_bundle(folder)
        made = await link.venues.add("Hall C")
        await link.sync.pair(CENTRAL, made.code)

        # a file changed on the way: refused, nothing of it kept
        link.flaky.corrupt = True
        await link.sync.run_once()
        status = await link.sync.status()
        assert status.last_error is None  # the link is fine: only that scene was refused
        assert len(status.content_refused) == 2  # test-central and test-kitchen 2.0.0
        assert all("sha256" in why for why in status.content_refused)
        assert await venue.store.content.get_version("test-central", "1.0.0") is None
        glb = hashlib.sha256(tiny_glb(7)).hexdigest()
        assert not venue.blobs.exists(glb)

        link.flaky.corrupt = False
        await link.sync.run_once()
        assert (await link.sync.status()).content_refused == []
        active = {s.id: s.version for s in await venue.catalog.summaries()}
        assert active["test-central"] == "1.0.0"  # new here: active
        assert active["test-kitchen"] == "1.0.0"  # pinned: 2.0.0 stored, 1.0.0 stays
        stored = [r.version for r in await venue.store.content.list_versions("test-kitchen")]
        assert sorted(stored) == ["1.0.0", "2.0.0"]
        assert hashlib.sha256(venue.blobs.path_for(glb).read_bytes()).hexdigest() == glb

        # the next round fetches nothing again and changes nothing
        before = link.flaky.batches
        await link.sync.run_once()
        assert {s.id: s.version for s in await venue.catalog.summaries()} == active
        assert link.flaky.batches == before
