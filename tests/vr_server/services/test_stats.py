"""The day's figures against a constructed venue day: sessions, tickets and ratings are stored
with chosen times (Bangkok, UTC+7), then every figure and every CSV cell is checked."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.bundles import write_bundle
from tests.support.scripts import every_action_script
from tests.support.services import Clock, services_at
from vr_server.errors import Invalid
from vr_server.protocol.session_machine import SessionMachine
from vr_server.services import Services
from vr_server.services.stats import CSV_COLUMNS
from vr_server.storage.records import SessionRecord, TransitionRecord

BKK = timedelta(hours=7)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Bangkok wall-clock time in December 2026, as an aware UTC datetime."""
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC) - BKK


async def add_session(
    services: Services,
    *,
    headset_id: str,
    scene_id: str,
    created: datetime,
    started: datetime | None,
    ended: datetime | None,
    state: str,
    duration_s: float | None = None,
    score: float | None = None,
    rating: int | None = None,
    ticket_id: str | None = None,
    language: str = "th",
) -> str:
    machine: dict[str, Any] = SessionMachine(every_action_script()).snapshot()
    machine.update(
        state=state,
        language=language,
        started_at=started.timestamp() if started else None,
        ended_at=ended.timestamp() if ended else None,
    )
    result = (
        {"score": score, "percent": score * 2, "duration_s": duration_s}
        if score is not None
        else None
    )
    session_id = f"s-{created:%d%H%M}"
    record = SessionRecord(
        id=session_id,
        headset_id=headset_id,
        scene_id=scene_id,
        scene_version="1.0.0",
        state=state,
        machine=machine,
        result=result,
        created_at=created,
        updated_at=ended or created,
        row_version=1,
        ticket_id=ticket_id,
        result_token=f"tok{created:%d%H%M}" + "x" * 20,
    )
    await services.store.sessions.create(
        record, TransitionRecord(session_id, created, "lobby", "assigned", "assign")
    )
    if rating is not None:
        await services.store.sessions.rate(session_id, rating, ended or created)
    return session_id


async def add_ticket(services: Services, created: datetime, called: datetime) -> str:
    ticket = await services.store.queue.create(
        venue_day=(created + BKK).date().isoformat(),
        language="th",
        interests=["test-kitchen"],
        created_at=created,
    )
    await services.store.queue.update(ticket.id, None, status="done", called_at=called)
    return ticket.id


@pytest.fixture
def two_scenes(tmp_path: Path, test_bundles: Path) -> Path:
    dist = tmp_path / "dist"
    write_bundle(dist, scene_id="test-kitchen")
    write_bundle(dist, scene_id="test-garage")
    return dist


async def build_day(services: Services) -> dict[str, str]:
    now = datetime.now(UTC)
    h1 = await services.store.headsets.enroll("dev-1", "แว่น-01", "a" * 64, now)
    h2 = await services.store.headsets.enroll("dev-2", "=Quest-02", "b" * 64, now)
    t1 = await add_ticket(services, local(1, 9, 50), local(1, 10, 0))
    t2 = await add_ticket(services, local(1, 11, 40), local(1, 12, 10))
    ids = {
        # 06:30 in Bangkok is 23:30 UTC the day before: still 1 December at the venue
        "s6": await add_session(
            services, headset_id=h2.id, scene_id="test-kitchen", created=local(1, 6, 30),
            started=local(1, 6, 31), ended=local(1, 6, 36), state="finished",
            duration_s=300, score=25,
        ),
        "s1": await add_session(
            services, headset_id=h1.id, scene_id="test-kitchen", created=local(1, 10, 0),
            started=local(1, 10, 1), ended=local(1, 10, 7), state="finished",
            duration_s=360, score=40, rating=5, ticket_id=t1, language="en",
        ),
        "s2": await add_session(
            services, headset_id=h1.id, scene_id="test-kitchen", created=local(1, 10, 30),
            started=local(1, 10, 31), ended=local(1, 10, 33), state="aborted",
            duration_s=120, score=10, rating=3,
        ),
        "s3": await add_session(  # never started: the scene failed to load
            services, headset_id=h2.id, scene_id="test-kitchen", created=local(1, 11, 0),
            started=None, ended=local(1, 11, 1), state="aborted",
        ),
        "s4": await add_session(
            services, headset_id=h2.id, scene_id="test-garage", created=local(1, 12, 10),
            started=local(1, 12, 11), ended=local(1, 12, 16), state="finished",
            duration_s=300, score=45, rating=4, ticket_id=t2,
        ),
        # the next venue day
        "s5": await add_session(
            services, headset_id=h1.id, scene_id="test-kitchen", created=local(2, 9, 0),
            started=local(2, 9, 1), ended=local(2, 9, 6), state="finished",
            duration_s=300, score=50, rating=1,
        ),
    }  # fmt: skip
    return {**ids, "h1": h1.id, "h2": h2.id}


async def test_figures_of_a_constructed_day(tmp_path: Path, two_scenes: Path) -> None:
    clock = Clock(local(2, 20).timestamp())
    async with services_at(tmp_path, two_scenes, clock) as services:
        ids = await build_day(services)
        day = await services.stats.figures(date(2026, 12, 1), date(2026, 12, 1))
        both = await services.stats.figures(date(2026, 12, 1), date(2026, 12, 2))
        today = await services.stats.figures()
        with pytest.raises(Invalid, match="before"):
            await services.stats.figures(date(2026, 12, 2), date(2026, 12, 1))
        with pytest.raises(Invalid, match="366"):
            await services.stats.figures(date(2025, 1, 1), date(2026, 12, 1))
    assert (day.from_, day.to) == (date(2026, 12, 1), date(2026, 12, 1))
    assert [(h.hour, h.visitors) for h in day.visitors_per_hour] == [
        ("2026-12-01T06", 1),
        ("2026-12-01T07", 0),
        ("2026-12-01T08", 0),
        ("2026-12-01T09", 0),
        ("2026-12-01T10", 2),
        ("2026-12-01T11", 0),
        ("2026-12-01T12", 1),
    ]
    assert [(s.scene_id, s.sessions, s.completed) for s in day.sessions_per_scene] == [
        ("test-kitchen", 3, 2),
        ("test-garage", 1, 1),
    ]
    assert day.sessions_per_scene[0].title is not None
    assert day.sessions_per_scene[0].title.th == "ครัวทดสอบ"
    assert (day.sessions, day.completed, day.completion_rate) == (4, 3, 0.75)
    assert day.average_duration_s == 320.0  # (300 + 360 + 300) / 3 finished sessions
    assert day.average_wait_s == 1200.0  # tickets waited 600 s and 1800 s
    # busy from assignment to end; open from 06:30 to 12:16 = 20,760 s
    use = {u.name: (u.busy_s, u.percent) for u in day.headset_utilisation}
    assert use == {"แว่น-01": (600.0, 2.9), "=Quest-02": (780.0, 3.8)}
    assert day.satisfaction.ratings == 3
    assert day.satisfaction.average == 4.0
    assert day.satisfaction.counts == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}

    assert (both.sessions, both.completed, both.satisfaction.ratings) == (5, 4, 4)
    assert both.visitors_per_hour[-1].hour == "2026-12-02T09"
    assert today.to == date(2026, 12, 2)  # no dates: the venue's today
    assert today.sessions == 1
    dumped = day.model_dump(mode="json", by_alias=True)
    assert dumped["from"] == "2026-12-01"
    assert ids["s1"] not in str(dumped)


async def test_csv_has_one_row_per_session_with_a_bom(tmp_path: Path, two_scenes: Path) -> None:
    clock = Clock(local(2, 20).timestamp())
    async with services_at(tmp_path, two_scenes, clock) as services:
        ids = await build_day(services)
        data = await services.stats.csv(date(2026, 12, 1), date(2026, 12, 1))
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 (Thai) only with the BOM
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == CSV_COLUMNS
    assert [r["session_id"] for r in rows] == [ids[k] for k in ("s6", "s1", "s2", "s3", "s4")]
    s1 = rows[1]
    assert s1 == {
        "session_id": ids["s1"],
        "date": "2026-12-01",
        "started_at": "2026-12-01T10:01:00+07:00",
        "ended_at": "2026-12-01T10:07:00+07:00",
        "headset": "แว่น-01",
        "scene_id": "test-kitchen",
        "language": "en",
        "state": "finished",
        "score": "40",
        "percent": "80",
        "duration_s": "360",
        "wait_s": "600.0",
        "rating": "5",
        "ticket": "A001",
    }
    s3 = rows[3]
    assert (s3["started_at"], s3["score"], s3["rating"], s3["ticket"]) == ("", "", "", "")
    assert rows[0]["date"] == "2026-12-01"  # 23:30 UTC on 30 November
    assert rows[4]["headset"] == "'=Quest-02"  # never a formula in a spreadsheet
    assert (rows[4]["ticket"], rows[4]["wait_s"]) == ("A002", "1800.0")
