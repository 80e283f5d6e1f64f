"""What the server reports after sessions: the visitor's public result page and the day's
figures for staff (`GET /api/results/{token}`, `GET /api/stats`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field

from content_tools.format import Language, LocalizedText
from vr_server.protocol.common import StepOutcome, Wire

RiasecLetter = Literal["R", "I", "A", "S", "E", "C"]


class TriedResult(Wire):
    """One occupation the visitor tried that day, as their result page lists it."""

    scene_id: str
    title: LocalizedText
    isco08: str
    riasec: list[str]
    score: float
    max_score: int
    percent: float
    passed: bool
    rating: int | None = Field(description="The visitor's 1-5 rating, if given.")
    weight: float = Field(description="Its weight in the profile (docs/results.md), 0-1.")
    job_links: dict[Language, str]
    this_result: bool = Field(description="The session of this page.")


class InterestScore(Wire):
    code: RiasecLetter
    percent: float = Field(description="Share of the visitor's profile, 0-100.")


class SuggestedOccupation(Wire):
    """An occupation of the catalog the visitor did not try, that fits their profile."""

    scene_id: str
    title: LocalizedText
    summary: LocalizedText
    isco08: str
    riasec: list[str]
    fit: float = Field(description="Cosine similarity of profile and occupation, 0-100.")
    job_links: dict[Language, str]


class Visit(Wire):
    """A visitor's day: their sessions linked by one code (no personal data)."""

    code: str = Field(description="The visitor code as shown, K7QX-M4TZ.")
    occupations: list[TriedResult]
    profile: list[InterestScore] = Field(description="All six letters in RIASEC order.")
    holland_code: str = Field(description="The strongest letters, up to three, e.g. RIC.")
    suggestions: list[SuggestedOccupation]


class PublicResult(Wire):
    """A visitor's result behind the QR code. Nothing here names the visitor, the headset or
    the ticket: the token in the URL is the only key."""

    scene_id: str
    title: LocalizedText
    summary: LocalizedText
    score: float
    max_score: int
    percent: float
    passed: bool
    steps: list[StepOutcome]
    strengths: list[LocalizedText]
    riasec: list[str]
    skills: list[LocalizedText]
    isco08: str
    job_links: dict[Language, str]
    duration_s: float | None
    date: dt.date = Field(description="The venue day of the session.")
    language: Language = Field(description="The language the visitor used.")
    visit: Visit | None = Field(
        default=None,
        description="Every occupation the visitor tried that day, their interest profile and "
        "occupations that fit it (null for sessions stored before journeys existed).",
    )


class HourCount(Wire):
    hour: str = Field(description="Venue-local hour, YYYY-MM-DDTHH.")
    visitors: int


class SceneFigures(Wire):
    scene_id: str
    title: LocalizedText | None
    sessions: int
    completed: int


class HeadsetUse(Wire):
    headset_id: str
    name: str
    busy_s: float
    percent: float = Field(description="busy_s / the venue's open time, in percent.")


RatingKey = Literal["1", "2", "3", "4", "5"]


class Satisfaction(Wire):
    ratings: int
    average: float | None
    counts: dict[RatingKey, int]


class DayFigures(Wire):
    """The figures of the venue days `from` to `to` (inclusive). Definitions: docs/dashboard.md."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    visitors_per_hour: list[HourCount]
    sessions_per_scene: list[SceneFigures]
    sessions: int = Field(description="Sessions that started.")
    completed: int = Field(description="Sessions that finished every step.")
    completion_rate: float | None = Field(description="completed / sessions, 0 to 1.")
    average_duration_s: float | None
    average_wait_s: float | None
    headset_utilisation: list[HeadsetUse]
    satisfaction: Satisfaction
