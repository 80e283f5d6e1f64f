"""What the server reports after sessions: the visitor's public result page and the day's
figures for staff (`GET /api/results/{token}`, `GET /api/stats`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field

from content_tools.format import Language, LocalizedText
from vr_server.protocol.common import StepOutcome, Wire


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
