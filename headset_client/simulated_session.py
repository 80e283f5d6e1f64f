"""What a simulated headset records: one session's state (`SimulatedSession`), the report it
ends with (`SessionReport`), and the progress lines it emits on the way (`Progress`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from content_tools.format import LocalizedText
from headset_client.downloads import DownloadResult
from vr_server.protocol.common import FINAL_STATES
from vr_server.protocol.headset import Assignment, Result

__all__ = [
    "Progress",
    "ProgressCallback",
    "SessionReport",
    "SimulatedSession",
    "Stop",
    "title",
]


@dataclass(frozen=True)
class Progress:
    """One thing that happened on a simulated headset."""

    kind: str
    """connected, disconnected, assigned, loaded, step, paused, resumed, command, finished,
    aborted, error, ..."""
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    error: bool = False

    def __str__(self) -> str:
        return self.text

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.text, "error": self.error, **self.fields}


ProgressCallback = Callable[[str, Progress], None]


@dataclass
class SessionReport:
    session_id: str
    scene_id: str
    state: str
    """finished, aborted, load_failed, lost or error."""
    steps_played: int = 0
    events_sent: int = 0
    hints: int = 0
    mistakes: int = 0
    seconds: float = 0.0
    score: float | None = None
    max_score: int | None = None
    percent: float | None = None
    passed: bool | None = None
    download: DownloadResult | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        """The session ended as a session should (finished, or ended by staff)."""
        return self.state in ("finished", "aborted")

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "scene_id": self.scene_id,
            "state": self.state,
            "steps_played": self.steps_played,
            "events_sent": self.events_sent,
            "hints": self.hints,
            "mistakes": self.mistakes,
            "seconds": round(self.seconds, 2),
            "score": self.score,
            "max_score": self.max_score,
            "percent": self.percent,
            "passed": self.passed,
            "cached": self.download.cached if self.download else None,
            "downloaded_bytes": self.download.downloaded_bytes if self.download else None,
            "detail": self.detail,
        }


class Stop(Exception):
    """The session ended (staff, result, lost): stop playing."""


class SimulatedSession:
    """The simulator's view of one session: where it is, what was sent, how it ended."""

    def __init__(self, assignment: Assignment) -> None:
        self.assignment = assignment
        self.session_id = assignment.session_id
        self.script = assignment.manifest.script
        resume = assignment.resume
        self.language = resume.language
        self.initial_state = resume.state
        self.started = resume.state in ("running", "paused")
        self.paused = resume.state == "paused"
        self.step_index = resume.step_index if self.started else 0
        self.step_id: str | None = None
        self.ended = False
        self.lost = False
        self.lost_dropped = 0
        self.result: Result | None = None
        self.loaded = False
        self.load_failed: str | None = None
        self.completed_sent = False
        self.download: DownloadResult | None = None
        self.events_sent = 0
        self.steps_played = 0
        self.hints = 0
        self.mistakes = 0
        self.started_at = time.monotonic()
        self.changed = asyncio.Event()
        self.task: asyncio.Task[SessionReport] | None = None

    def poke(self) -> None:
        self.changed.set()

    def check(self) -> None:
        if self.ended or self.lost or self.result is not None:
            raise Stop

    def report(self, detail: str = "", *, state: str | None = None) -> SessionReport:
        """The session's report: `state` as given, else read from how the session ended."""
        result = self.result
        if state is None:
            if result is not None:
                state = result.state if result.state in FINAL_STATES else "error"
            elif self.load_failed is not None:
                state, detail = "load_failed", detail or self.load_failed
            elif self.lost and self.completed_sent and self.lost_dropped == 0:
                state, detail = "finished", detail or "the result was not received"
            elif self.lost:
                state, detail = "lost", detail or "the server no longer has this session"
            elif self.ended:
                state = "aborted"
            else:
                state = "error"
        report = SessionReport(
            session_id=self.session_id,
            scene_id=self.assignment.manifest.scene.id,
            state=state,
            steps_played=self.steps_played,
            events_sent=self.events_sent,
            hints=self.hints,
            mistakes=self.mistakes,
            seconds=time.monotonic() - self.started_at,
            download=self.download,
            detail=detail,
        )
        if result is not None and result.result is not None:
            report.score = result.result.score
            report.max_score = result.result.max_score
            report.percent = result.result.percent
            report.passed = result.result.passed
        return report


def title(text: LocalizedText, language: str) -> str:
    """The text in the visitor's language (Thai or English)."""
    return text.th if language == "th" else text.en
