"""The visitor's result, computed from a session machine's progress and the scene metadata."""

from __future__ import annotations

from content_tools.format import LANGUAGES, QuizAction, SceneMeta
from vr_server.protocol.common import SessionResult, StepOutcome
from vr_server.protocol.session_machine import SessionMachine, StepProgress


def _step_points(max_points: int, progress: StepProgress, machine: SessionMachine, i: int) -> float:
    step = machine.script.steps[i]
    if progress.completed_at is None:
        return 0.0
    if isinstance(step.action, QuizAction):
        return float(
            sum(q.points for q in step.action.questions if progress.answers.get(q.id) == q.answer)
        )
    scoring = machine.script.scoring
    factor = (
        1.0 - scoring.hint_penalty * progress.hints - scoring.mistake_penalty * progress.mistakes
    )
    return round(max_points * max(0.0, factor), 2)


def compute_result(machine: SessionMachine, meta: SceneMeta) -> SessionResult:
    outcomes: list[StepOutcome] = []
    strengths = []
    total = 0.0
    for i, (step, progress) in enumerate(zip(machine.script.steps, machine.steps, strict=True)):
        max_points = step.max_points
        points = _step_points(max_points, progress, machine, i)
        total += points
        duration = (
            round(progress.completed_at - progress.started_at, 2)
            if progress.completed_at is not None and progress.started_at is not None
            else None
        )
        outcomes.append(
            StepOutcome(
                step_id=step.id,
                title=step.title,
                completed=progress.completed_at is not None,
                points=points,
                max_points=max_points,
                hints=progress.hints,
                mistakes=progress.mistakes,
                duration_s=duration,
            )
        )
        if max_points > 0 and points >= max_points:
            strengths.append(step.title)
    max_score = machine.script.max_points
    percent = round(100.0 * total / max_score, 1) if max_score else 100.0
    active = machine.active_seconds()
    return SessionResult(
        score=round(total, 2),
        max_score=max_score,
        percent=percent,
        passed=percent >= 100.0 * machine.script.scoring.pass_ratio and machine.state == "finished",
        steps=outcomes,
        strengths=strengths,
        riasec=list(meta.riasec),
        skills=list(meta.skills),
        isco08=meta.isco08,
        job_links={lang: meta.job_link(lang) for lang in LANGUAGES},
        duration_s=round(active, 1) if active is not None else None,
    )
