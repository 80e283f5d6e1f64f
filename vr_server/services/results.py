"""The visitor's side of a finished session: the public result page behind the QR code and
the 1-5 rating given on the headset.

The result page is found by the session's token only (128 random bits in the URL): it shows
the scene, the score and the job links, never the headset, the ticket or anything personal;
and the visitor's day (services/journeys.py): every occupation of their journey, their RIASEC
profile and occupations that fit it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from vr_server.errors import InvalidState, NotFound, WrongSession, found
from vr_server.protocol.common import FINAL_STATES, SessionResult
from vr_server.protocol.errors import Reason
from vr_server.protocol.headset import Rated, Rating
from vr_server.protocol.reports import PublicResult
from vr_server.services.catalog import CatalogService
from vr_server.services.days import venue_date
from vr_server.services.journeys import JourneyService
from vr_server.services.sessions import SessionService
from vr_server.services.venue_clock import VenueClockService
from vr_server.storage.base import Store

RATING_CHANGE_WINDOW = timedelta(minutes=10)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")
_RESULT_PREFIX = '{"type":"result",'


def with_result_address(frame: str, base: str) -> str:
    """`frame` (as published for a headset), except that a `result` frame whose `result_url`
    is a path (no VR_PUBLIC_URL: `SessionService.result_url`) gets `base`, the address the
    headset reached the server at, in front: its QR code then works on a visitor's phone."""
    if not frame.startswith(_RESULT_PREFIX):
        return frame
    data = json.loads(frame)
    url = data.get("result_url")
    if isinstance(url, str) and url.startswith("/"):
        data["result_url"] = base + url
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return frame


class ResultService(VenueClockService):
    def __init__(
        self,
        store: Store,
        catalog: CatalogService,
        sessions: SessionService,
        *,
        zone: ZoneInfo,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(store, catalog, zone=zone, clock=clock)
        self.sessions = sessions
        self.journeys = JourneyService(store, catalog, zone=zone)

    async def public_result(self, token: str) -> PublicResult:
        record = (
            await self.store.sessions.by_result_token(token) if _TOKEN_RE.match(token) else None
        )
        if record is None or record.result is None:
            raise NotFound("no such result")
        result = SessionResult.model_validate(record.result)
        manifest = await self.catalog.manifest(record.scene_id, record.scene_version)
        ended = record.machine.get("ended_at")
        when = datetime.fromtimestamp(ended, UTC) if ended is not None else record.created_at
        language = record.machine.get("language")
        return PublicResult(
            scene_id=record.scene_id,
            title=manifest.scene.title,
            summary=manifest.scene.summary,
            score=result.score,
            max_score=result.max_score,
            percent=result.percent,
            passed=result.passed,
            steps=result.steps,
            strengths=result.strengths,
            riasec=result.riasec,
            skills=result.skills,
            isco08=result.isco08,
            job_links=result.job_links,
            duration_s=result.duration_s,
            date=venue_date(when, self.zone),
            language="en" if language == "en" else "th",
            visit=await self.journeys.visit(record),
        )

    async def rate(self, headset_id: str, msg: Rating) -> Rated:
        """Store the visitor's rating of the headset's own ended session. A second rating
        replaces the first within RATING_CHANGE_WINDOW of the first; later it is refused."""
        record = found(
            await self.store.sessions.get(msg.session_id), f"no session {msg.session_id}"
        )
        if record.headset_id != headset_id:
            raise WrongSession(f"session {msg.session_id} belongs to another headset")
        if record.state not in FINAL_STATES:
            raise InvalidState(
                "a session can be rated once it has ended", reason=Reason.RATING_CLOSED
            )
        now = self.now()
        if record.rated_at is not None and now - record.rated_at > RATING_CHANGE_WINDOW:
            raise InvalidState(
                "the rating can only be changed within 10 minutes", reason=Reason.RATING_CLOSED
            )
        await self.store.sessions.rate(record.id, msg.rating, record.rated_at or now)
        await self.sessions.publish_view(record.id)
        return Rated(session_id=record.id, rating=msg.rating)
