"""Types shared by the headset and staff protocols: states, poses and the views of headsets,
sessions and results that both the sockets and the HTTP API return."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from content_tools.format import Language, LocalizedText
from content_tools.hashing import SHA256_PATTERN

SessionState = Literal[
    "lobby", "assigned", "loading", "ready", "running", "paused", "finished", "aborted"
]
ACTIVE_STATES: frozenset[str] = frozenset({"assigned", "loading", "ready", "running", "paused"})
FINAL_STATES: frozenset[str] = frozenset({"finished", "aborted"})

HeadsetStatus = Literal["available", "in_session", "needs_cleaning", "charging"]
Sha256 = Annotated[str, Field(pattern=SHA256_PATTERN)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-.:]+$")]
NO_CONTROL_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]+$"
"""Names people give (visitors, headsets): no control characters (C0, DEL, C1), so none can
reach a terminal or a log as an escape sequence."""
HeadsetName = Annotated[str, Field(min_length=1, max_length=48, pattern=NO_CONTROL_PATTERN)]


class Wire(BaseModel):
    """Base of every protocol model: unknown fields are refused, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Pose(Wire):
    position: tuple[float, float, float]
    orientation: tuple[float, float, float, float] = Field(description="Quaternion x, y, z, w")


class HeadsetView(Wire):
    id: str
    name: str
    online: bool
    status: HeadsetStatus
    battery: float | None = Field(default=None, ge=0, le=1)
    charging: bool | None = None
    fps: float | None = None
    session_id: str | None = None
    scene_id: str | None = None
    step_id: str | None = None
    app_version: str | None = None
    last_seen: datetime | None = None
    enrolled_at: datetime


class StepOutcome(Wire):
    step_id: str
    title: LocalizedText
    completed: bool
    points: float
    max_points: int
    hints: int
    mistakes: int
    duration_s: float | None


class SessionResult(Wire):
    score: float
    max_score: int
    percent: float
    passed: bool
    steps: list[StepOutcome]
    strengths: list[LocalizedText] = Field(description="Steps done well, for the visitor.")
    riasec: list[str]
    skills: list[LocalizedText]
    isco08: str
    job_links: dict[Language, str]
    duration_s: float | None


class SessionView(Wire):
    id: str
    headset_id: str
    scene_id: str
    scene_version: str
    state: SessionState
    language: Language
    step_index: int
    step_id: str | None
    step_count: int
    next_seq: int
    autostart: bool
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    result: SessionResult | None
    step_started_at: datetime | None = Field(
        default=None,
        description="When the current step began (its step_started, else the "
        "end of the step before, else the session's start).",
    )
    step_expected_s: float | None = Field(
        default=None, description="The scene's duration_min x 60 / its number of steps."
    )
    stuck: bool = Field(
        default=False,
        description="Running, and on the current step longer than max(3 x step_expected_s, 120 s).",
    )
    ticket_label: str | None = Field(default=None, description="The walk-in ticket served.")
    rating: int | None = Field(default=None, ge=1, le=5, description="The visitor's 1-5 rating.")
    result_url: str | None = Field(
        default=None, description="The visitor's result page, once the session has a result."
    )


class SceneSummary(Wire):
    id: str
    version: str
    title: LocalizedText
    summary: LocalizedText
    isco08: str
    riasec: list[str]
    duration_min: float
    comfort: Literal["seated", "standing"]
    glb_sha256: str
    glb_size: int
    thumbnail_sha256: str | None
    versions: list[str]
