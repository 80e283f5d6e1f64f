"""A visitor's journey across occupations: one code links all their sessions of the day.

Every ticket gets a journey at check-in, or continues the journey of the visitor code given
there (printed on the ticket and on every result page); calling the ticket carries the code
into the session (`SessionService.assign(journey_code=...)`). A session assigned without a
ticket (staff assign, kiosk self-service) starts a journey of its own, so its result page has
a code too. Codes are valid on the venue day they began only.

The journey holds no personal data: a random code and when it began. The result page of any
session of the journey shows all of them (`visit`); staff see on the ticket what was tried
(`tried`). The profile's weighting is in `interests.py`.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from content_tools.format import LANGUAGES
from vr_server.errors import Invalid
from vr_server.protocol.common import SessionResult
from vr_server.protocol.queue import TriedOccupation, visitor_code_label
from vr_server.protocol.reports import InterestScore, SuggestedOccupation, TriedResult, Visit
from vr_server.services import interests
from vr_server.services.catalog import CatalogService
from vr_server.services.days import venue_day
from vr_server.storage.base import Store
from vr_server.storage.records import SessionRecord

_FROM_RESULT = ("isco08", "riasec", "score", "max_score", "percent", "passed", "job_links")
"""What a tried occupation shows of its session's result."""


def started(record: SessionRecord) -> bool:
    return record.machine.get("started_at") is not None


class JourneyService:
    def __init__(self, store: Store, catalog: CatalogService, *, zone: ZoneInfo) -> None:
        self.store = store
        self.catalog = catalog
        self.zone = zone

    async def for_check_in(self, code: str | None, now: datetime) -> str:
        """The journey of a new ticket checked in at `now`: the one of `code` (given by a
        returning visitor; it must be today's), else a new one."""
        if code is None:
            return (await self.store.journeys.create(now)).code
        journey = await self.store.journeys.get(code)
        if journey is None or venue_day(journey.created_at, self.zone) != venue_day(now, self.zone):
            raise Invalid(
                f"no visitor code {visitor_code_label(code)} today: check it, or leave it empty"
            )
        return journey.code

    async def tried(self, codes: list[str]) -> dict[str, list[TriedOccupation]]:
        """The started sessions of each journey, oldest first (one query for them all)."""
        out: dict[str, list[TriedOccupation]] = {}
        for record in await self.store.sessions.for_journeys(codes):
            if record.journey_code is None or not started(record):
                continue
            result = record.result or {}
            out.setdefault(record.journey_code, []).append(
                TriedOccupation.model_validate(
                    {
                        "session_id": record.id,
                        "scene_id": record.scene_id,
                        "state": record.state,
                        "percent": result.get("percent"),
                        "rating": record.rating,
                    }
                )
            )
        return out

    async def visit(self, current: SessionRecord) -> Visit | None:
        """The visitor's day as the result page of `current` shows it."""
        if current.journey_code is None:
            return None
        records = [
            r
            for r in await self.store.sessions.for_journeys([current.journey_code])
            if r.result is not None and (started(r) or r.id == current.id)
        ]
        occupations: list[TriedResult] = []
        tried: list[interests.Tried] = []
        for record in records:
            result = SessionResult.model_validate(record.result)
            manifest = await self.catalog.manifest(record.scene_id, record.scene_version)
            tried.append(interests.Tried(result.riasec, result.percent, record.rating))
            same = result.model_dump(include=set(_FROM_RESULT))
            occupations.append(
                TriedResult.model_validate(
                    {
                        **same,
                        "scene_id": record.scene_id,
                        "title": manifest.scene.title,
                        "rating": record.rating,
                        "weight": round(interests.session_weight(result.percent, record.rating), 3),
                        "this_result": record.id == current.id,
                    }
                )
            )
        profile = interests.interest_profile(tried)
        return Visit(
            code=visitor_code_label(current.journey_code),
            occupations=occupations,
            profile=[
                InterestScore.model_validate({"code": c, "percent": p}) for c, p in profile.items()
            ],
            holland_code=interests.holland_code(profile),
            suggestions=await self._suggestions(profile, {r.scene_id for r in records}),
        )

    async def _suggestions(
        self, profile: dict[str, float], tried: set[str]
    ) -> list[SuggestedOccupation]:
        scenes = {}
        for record in await self.store.content.list_active():
            if record.scene_id not in tried:
                scenes[record.scene_id] = (
                    await self.catalog.manifest(record.scene_id, record.version)
                ).scene
        best = interests.suggest(profile, ((sid, m.riasec) for sid, m in scenes.items()))
        return [
            SuggestedOccupation(
                scene_id=sid,
                title=scenes[sid].title,
                summary=scenes[sid].summary,
                isco08=scenes[sid].isco08,
                riasec=list(scenes[sid].riasec),
                fit=score,
                job_links={lang: scenes[sid].job_link(lang) for lang in LANGUAGES},
            )
            for sid, score in best
        ]
