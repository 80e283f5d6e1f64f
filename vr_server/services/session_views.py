"""A session as those who follow it see it, from its stored record: staff (`SessionView`: state,
step, timing, result, ticket, and when a visitor counts as stuck on a step), the headset
(`Assignment`, to load and resume it) and the visitor (the result page's URL)."""

from __future__ import annotations

from datetime import UTC, datetime

from content_tools.format import BundleManifest
from vr_server.protocol import session_machine as sm
from vr_server.protocol.common import SessionResult, SessionView
from vr_server.protocol.headset import Assignment, Resume
from vr_server.protocol.queue import ticket_label
from vr_server.storage.queue import Queue
from vr_server.storage.records import SessionRecord


def as_utc(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


STUCK_FACTOR = 3.0
STUCK_MIN_S = 120.0


def step_timing(
    machine: sm.SessionMachine, duration_min: float, now: float
) -> tuple[float | None, float, bool]:
    """(when the current step began, its expected seconds, whether the visitor is stuck).

    The step began at its `step_started`, else when the step before was completed, else when
    the session started. Stuck: running, and longer on the step than
    max(STUCK_FACTOR x expected, STUCK_MIN_S) seconds (pauses during the step count).
    """
    steps = machine.script.steps
    expected = duration_min * 60.0 / len(steps)
    began: float | None = None
    if machine.step_index < len(steps):
        began = machine.steps[machine.step_index].started_at
        if began is None and machine.step_index > 0:
            began = machine.steps[machine.step_index - 1].completed_at
        if began is None:
            began = machine.started_at
    stuck = (
        machine.state == "running"
        and began is not None
        and now - began > max(STUCK_FACTOR * expected, STUCK_MIN_S)
    )
    return began, expected, stuck


def session_view(
    record: SessionRecord,
    machine: sm.SessionMachine,
    manifest: BundleManifest,
    now: float,
    ticket_label: str | None,
    result_url: str | None,
) -> SessionView:
    began, expected, stuck = step_timing(machine, manifest.scene.duration_min, now)
    return SessionView(
        id=record.id,
        headset_id=record.headset_id,
        scene_id=record.scene_id,
        scene_version=record.scene_version,
        state=machine.state,
        language=machine.language,
        step_index=machine.step_index,
        step_id=machine.current_step_id,
        step_count=len(machine.script.steps),
        next_seq=machine.next_seq,
        autostart=machine.autostart,
        created_at=record.created_at,
        started_at=as_utc(machine.started_at),
        ended_at=as_utc(machine.ended_at),
        end_reason=machine.end_reason,
        result=SessionResult.model_validate(record.result) if record.result else None,
        step_started_at=as_utc(began),
        step_expected_s=round(expected, 1),
        stuck=stuck,
        ticket_label=ticket_label,
        rating=record.rating,
        result_url=result_url,
    )


class TicketLabels:
    """The label ("A001") of the ticket a session serves, by ticket id: kept, since a ticket's
    number never changes."""

    def __init__(self, queue: Queue) -> None:
        self.queue = queue
        self._labels: dict[str, str] = {}

    async def get(self, ticket_id: str | None) -> str | None:
        if ticket_id is None:
            return None
        label = self._labels.get(ticket_id)
        if label is None:
            ticket = await self.queue.get(ticket_id)
            if ticket is None:
                return None
            if len(self._labels) > 10_000:
                self._labels.clear()
            label = self._labels[ticket_id] = ticket_label(ticket.number)
        return label


def assignment(record: SessionRecord, manifest: BundleManifest) -> Assignment:
    """The headset's `assignment` of the session, with where to resume it."""
    m = record.machine
    return Assignment(
        session_id=record.id,
        manifest=manifest,
        resume=Resume(
            state=record.state,
            step_index=int(m["step_index"]),
            next_seq=int(m["next_seq"]),
            language=m["language"],
        ),
    )


def result_url(record: SessionRecord, public_url: str | None) -> str | None:
    """`<VR_PUBLIC_URL>/results/<token>`; without VR_PUBLIC_URL the path alone, which the
    headset socket completes with the address the headset reached the server at
    (`services.results.with_result_address`)."""
    if record.result is None or record.result_token is None:
        return None
    path = f"/results/{record.result_token}"
    return f"{public_url}{path}" if public_url else path
