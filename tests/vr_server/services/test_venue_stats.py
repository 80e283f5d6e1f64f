"""The stats page at central (`GET /api/stats?venue=<id>|all`): the venues' synced sessions and
tickets adapted to the records `compute_figures` reads, keyed by venue so two venues' ids never
mix; a venue's figures at central equal its own; unknown venues and servers without venues are
refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.vr_server.services.test_sync import CENTRAL, a_visit, central_app, venue_and_central
from tests.vr_server.storage.test_venues import ticket as stored_ticket
from vr_server.api import stats as stats_api
from vr_server.errors import NotFound
from vr_server.protocol.reports import DayFigures
from vr_server.protocol.sync import SyncedSession, SyncedTicket
from vr_server.services.stats import DayData, compute_figures
from vr_server.services.venue_stats import held_data, venue_figures
from vr_server.storage.venues import HeldRows

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
DAY = date(2026, 12, 1)


def synced(
    n: int, *, started: bool = True, ended: bool = True, ticket: str | None = None
) -> SyncedSession:
    """Session "s1" on headset "h1" (the same ids at every venue), 10 minutes long."""
    return SyncedSession(
        id="s1" if n == 1 else f"s{n}",
        headset_id="h1",
        scene_id="cook",
        scene_version="1.0.0",
        state="finished" if ended else "running",
        result={"duration_s": 600.0} if ended else None,
        created_at=T0,
        updated_at=T0 + timedelta(minutes=10),
        ticket_id=ticket,
        rating=4 if ended else None,
        started_at=T0 + timedelta(seconds=30) if started else None,
        ended_at=T0 + timedelta(minutes=10) if ended else None,
        sync_seq=n,
    )


def ticket(waited_s: float) -> SyncedTicket:
    called = {"created_at": T0 - timedelta(seconds=waited_s), "called_at": T0}
    return stored_ticket(9, "done").model_copy(update=called)


def figures(held: HeldRows, names: dict[str, str]) -> DayFigures:
    sessions, tickets, headsets = held_data(held, names)
    return compute_figures(
        DayData(
            first=DAY,
            last=DAY,
            zone=ZoneInfo("UTC"),
            now=T0 + timedelta(hours=1),
            sessions=sessions,
            tickets=tickets,
            headsets=[],
            titles={},
            headset_names=headsets,
        )
    )


def test_rows_of_two_venues_with_the_same_ids_never_mix() -> None:
    held = HeldRows(
        sessions=[
            ("A", synced(1, ticket="k1")),
            ("B", synced(1, ticket="k1")),
            ("B", synced(2, started=False, ended=False)),  # assigned, never started
        ],
        tickets=[("A", ticket(120.0)), ("B", ticket(60.0))],
    )
    got = figures(held, {"A": "Hall A", "B": "Hall B"})
    assert (got.sessions, got.completed, got.completion_rate) == (2, 2, 1.0)
    assert got.average_duration_s == 600.0
    assert got.average_wait_s == 90.0  # both venues' ticket k1, each once
    assert got.satisfaction.ratings == 2
    assert [h.visitors for h in got.visitors_per_hour] == [2]
    used = {h.headset_id: (h.name, h.busy_s) for h in got.headset_utilisation}
    # venue B's headset h1 holds its finished session (10 min) and the one assigned since T0
    assert used == {"A/h1": ("Hall A · h1", 600.0), "B/h1": ("Hall B · h1", 600.0 + 3600.0)}


def test_a_session_without_times_counts_as_not_started() -> None:
    """Rows a venue sent before the times travelled: not counted as started (as at a venue)."""
    held = HeldRows(sessions=[("A", synced(1, started=False))], tickets=[])
    got = figures(held, {"A": "Hall A"})
    assert (got.sessions, got.completed, got.visitors_per_hour) == (0, 0, [])


def comparable(f: DayFigures) -> dict[str, Any]:
    """What central must compute exactly as the venue (headset names and titles differ)."""
    return {
        **f.model_dump(exclude={"headset_utilisation", "sessions_per_scene"}),
        "scenes": [(s.scene_id, s.sessions, s.completed) for s in f.sessions_per_scene],
        "busy": sorted(h.busy_s for h in f.headset_utilisation),
    }


async def test_a_venues_figures_at_central_equal_its_own(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with venue_and_central(tmp_path, test_bundles) as link:
        venue, central = link.venue, link.central
        assert central.venues is not None
        held = central.venues.venues
        with pytest.raises(NotFound, match="no venues"):
            await venue_figures(central.stats, held, "all")

        made = await link.venues.add("Hall 1")
        await link.venues.add("Hall 2")  # nothing sent
        await link.sync.pair(CENTRAL, made.code)
        for n in range(3):
            await a_visit(venue, f"สมชาย {n}", f"08123456{n:02d}")
        while await link.sync.run_once():
            pass
        assert (await link.sync.status()).waiting == 0

        own = await venue.stats.figures()
        assert own.sessions == 3
        there = await venue_figures(central.stats, held, made.venue.id)
        assert comparable(there) == comparable(own)
        every = await venue_figures(central.stats, held, "all")
        assert comparable(every) == comparable(own)
        other = await venue_figures(central.stats, held, (await link.venues.by_name("Hall 2")).id)
        assert (other.sessions, other.headset_utilisation) == (0, [])

        with pytest.raises(NotFound, match="no venue with id"):
            await venue_figures(central.stats, held, "no-such-venue")


async def test_the_stats_route_takes_a_venue_at_central_only(
    tmp_path: Path, test_bundles: Path
) -> None:
    async with venue_and_central(tmp_path, test_bundles) as link:
        venue, central = link.venue, link.central
        app = central_app(central)
        app.include_router(stats_api.router)
        account = await central.auth.create_account("staff1", "long-enough-pass", "staff")
        auth = {"Authorization": f"Bearer {(await central.auth.issue_token(account)).token}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=CENTRAL) as client:

            async def get(query: str, headers: dict[str, str] = auth) -> httpx.Response:
                return await client.get(f"/api/stats?from=2026-12-01{query}", headers=headers)

            # no venue registered: the parameter is refused, the server's own figures are not
            none = await get("&venue=all")
            assert (none.status_code, none.json()["code"]) == (404, "not_found")
            assert "no venues" in none.json()["detail"]
            assert (await get("")).json()["sessions"] == 0

            made = await link.venues.add("Hall 1")
            await link.sync.pair(CENTRAL, made.code)
            await a_visit(venue, "สมชาย", "0812345600")
            while await link.sync.run_once():
                pass

            one = await get(f"&venue={made.venue.id}")
            assert (one.status_code, one.json()["sessions"]) == (200, 1)
            assert (await get("&venue=all")).json()["sessions"] == 1
            assert (await get("")).json()["sessions"] == 0  # central's own sessions: none
            unknown = await get("&venue=11111111-2222-3333-4444-555555555555")
            assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
            assert (await get("&venue=" + "x" * 65)).status_code == 422
            assert (await get("&venue=all&to=2026-11-30")).status_code == 422  # reversed days
            assert (await get("&venue=all", {})).status_code == 401
