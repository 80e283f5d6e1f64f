"""`SimulatedHeadset`: a headset without a visitor, for load tests, demos and end-to-end tests.

It waits in the lobby for an assignment, downloads the scene (through the cache), reports
`loading`/`ready`, waits for `start`, then plays the whole script as `headset_client.playbook`
plans it, at visitor pace divided by `speed`. Staff commands work as on a real headset: pause
holds the visitor's clock until resume, end stops the session, language switches the titles.
A reconnect in the middle of a session continues where it was; a fresh process that gets a
running session skips to the step the server says. Telemetry goes out at `telemetry_hz`; while
staff watch the headset, `pose` frames at the rate the server asks (headset_client/pose_stream.py).

Progress is reported through `on_progress(headset_name, progress)`; `str(progress)` is a line
for people, `progress.to_json()` a record for machines.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from typing import Any

from content_tools.format import GrabPlaceAction, Language
from headset_client.client import HeadsetClient
from headset_client.errors import AuthRejected, DownloadError, NoActiveSession
from headset_client.notices import (
    ClientFailed,
    Connected,
    Disconnected,
    EventRejected,
    Notice,
    SessionLost,
)
from headset_client.playbook import Behaviour, StepPlan, plan_session
from headset_client.pose_stream import PoseStream
from headset_client.simulated_session import (
    Progress,
    ProgressCallback,
    SessionReport,
    SimulatedSession,
    Stop,
    title,
)
from vr_server.protocol.common import FINAL_STATES, Pose
from vr_server.protocol.events import HintShown, SessionCompleted, SessionEvent
from vr_server.protocol.headset import Assignment, Command, Error, Result
from vr_server.protocol.poses import IDLE_HZ, PoseRate

__all__ = ["Progress", "ProgressCallback", "SessionReport", "SimulatedHeadset"]

log = logging.getLogger(__name__)

RUN_COMMANDS: dict[str, tuple[str, bool, str, str]] = {
    "start": ("started", True, "started", "started"),
    "pause": ("paused", True, "paused", "paused by staff"),
    "resume": ("paused", False, "resumed", "resumed by staff"),
    "end": ("ended", True, "ending", "ended by staff"),
}
"""A staff command to the session being played: (the flag of SimulatedSession it sets, to
what, the progress kind and text it reports)."""


class SimulatedHeadset:
    def __init__(
        self,
        client: HeadsetClient,
        *,
        speed: float = 1.0,
        seed: int | str | None = None,
        telemetry_hz: float = 2.0,
        behaviour: Behaviour | None = None,
        on_progress: ProgressCallback | None = None,
        result_timeout: float = 30.0,
        scene: str | None = None,
        language: Language = "th",
    ) -> None:
        """`scene`: kiosk mode, start that scene on each connection with no session (the server
        must allow self-service); otherwise wait in the lobby for staff to assign one."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        if telemetry_hz < 0:
            raise ValueError("telemetry_hz must be 0 (off) or positive")
        self.client = client
        self.speed = speed
        self.telemetry_hz = min(telemetry_hz, 2.0)
        self.behaviour = behaviour or Behaviour()
        self.on_progress = on_progress
        self.result_timeout = result_timeout
        self.scene = scene
        self.language: Language = language
        self._rng = random.Random(seed)  # noqa: S311 - simulated visitor
        self._telemetry_rng = random.Random(f"telemetry/{seed}")  # noqa: S311 - simulated
        self.reports: list[SessionReport] = []
        self.errors: list[str] = []
        self._run: SimulatedSession | None = None
        self._battery = 0.6 + 0.4 * self._telemetry_rng.random()
        self.poses = PoseStream(client.send_pose, self._grabbed)

    @property
    def name(self) -> str:
        return self.client.name

    # ------------------------------------------------------------ main loop

    async def run(self, sessions: int = 1) -> list[SessionReport]:
        """Play `sessions` sessions (0: until cancelled) and return their reports.

        Raises the client's error if it gives up (token refused, protocol mismatch).
        """
        with self.client.subscribe() as inbox:
            await self.client.start()
            telemetry = (
                asyncio.create_task(self._telemetry_loop()) if self.telemetry_hz > 0 else None
            )
            getter: asyncio.Task[Notice] | None = None
            try:
                while sessions <= 0 or len(self.reports) < sessions:
                    if getter is None:
                        getter = asyncio.create_task(inbox.get())
                    waits: set[asyncio.Future[Any]] = {getter}
                    run = self._run
                    if run is not None and run.task is not None:
                        waits.add(run.task)
                    done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                    if getter in done:
                        notice = getter.result()
                        getter = None
                        await self._on_notice(notice)
                    run = self._run
                    if run is not None and run.task is not None and run.task.done():
                        self._finish(run)
            finally:
                pending: list[asyncio.Task[Any]] = [t for t in (getter, telemetry) if t is not None]
                if self._run is not None and self._run.task is not None:
                    pending.append(self._run.task)
                for task in pending:
                    task.cancel()
                for task in pending:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                await self.poses.stop()
        return self.reports

    async def run_once(self) -> SessionReport:
        return (await self.run(1))[-1]

    async def _on_notice(self, notice: Notice) -> None:
        run = self._run
        if isinstance(notice, ClientFailed):
            raise notice.error
        if isinstance(notice, PoseRate):
            await self.poses.set_rate(notice.hz)
        elif isinstance(notice, Connected):
            await self.poses.set_rate(IDLE_HZ)  # a new connection starts unwatched
            if notice.reconnect:
                self._emit("reconnected", "reconnected")
            else:
                self._emit("connected", f"connected to {self.client.http_url}, in the lobby")
            if self.scene and run is None:
                if not notice.welcome.self_service:
                    self._error("this server does not allow self-service; staff assign scenes")
                else:
                    # An active session is re-sent instead: requesting is always safe.
                    await self.client.request_scene(self.scene, self.language)
        elif isinstance(notice, Disconnected):
            if notice.will_retry:
                self._emit(
                    "disconnected",
                    f"connection lost ({notice.code}), reconnecting",
                    code=notice.code,
                )
        elif isinstance(notice, Assignment):
            await self._on_assignment(notice)
        elif isinstance(notice, Command):
            await self._on_command(notice)
        elif isinstance(notice, Result):
            if run is not None and notice.session_id == run.session_id:
                run.result = notice
                run.poke()
        elif isinstance(notice, SessionLost):
            if run is not None and notice.session_id == run.session_id:
                run.lost = True
                run.lost_dropped = notice.dropped
                run.poke()
        elif isinstance(notice, EventRejected):
            ev = notice.event
            self._error(
                f"server refused event {ev.seq} ({ev.event.kind}): {notice.code}: {notice.message}",
                code=str(notice.code),
                seq=ev.seq,
            )
        elif isinstance(notice, Error):
            self._error(f"server error {notice.code}: {notice.message}", code=str(notice.code))

    async def _on_assignment(self, assignment: Assignment) -> None:
        run = self._run
        resume = assignment.resume
        if run is not None and run.session_id == assignment.session_id:
            # Back after a reconnect: our own state is at least as far as the server's.
            run.assignment = assignment
            run.language = resume.language
            if resume.state in ("running", "paused"):
                run.started = True
                run.paused = resume.state == "paused"
            elif resume.state in ("assigned", "loading") and run.loaded:
                await self.client.send_ready(run.session_id)  # the first one was lost
            elif resume.state in FINAL_STATES:
                run.ended = True
            run.poke()
            self._emit(
                "resumed",
                f"session {run.session_id} continues ({resume.state}, step {run.step_index + 1})",
                session_id=run.session_id,
                state=resume.state,
            )
            return
        if run is not None and run.task is not None:
            run.lost = True  # the server moved on: do not wait for that session's result
            run.poke()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await run.task
            self._finish(run, "replaced by another assignment")
        if resume.state in FINAL_STATES:
            return
        run = SimulatedSession(assignment)
        self._run = run
        scene = assignment.manifest.scene
        self._emit(
            "assigned",
            f"assigned {title(scene.title, run.language)} ({scene.id} {scene.version}), "
            f"session {run.session_id}"
            + (f", resuming at step {run.step_index + 1}" if run.started else ""),
            session_id=run.session_id,
            scene_id=scene.id,
            version=scene.version,
            state=resume.state,
            step_index=run.step_index,
        )
        run.task = asyncio.create_task(self._play(run), name=f"session-{run.session_id}")

    async def _on_command(self, command: Command) -> None:
        run = self._run
        if command.session_id is not None and (run is None or command.session_id != run.session_id):
            self._emit("command", f"ignored {command.command} for session {command.session_id}")
            return
        name = command.command
        fields: dict[str, Any] = {"command": name, "command_id": command.command_id}
        if name in RUN_COMMANDS and run is not None:
            flag, value, kind, text = RUN_COMMANDS[name]
            setattr(run, flag, value)
            self._emit(kind, text, **fields)
        elif name == "language" and command.language is not None:
            if run is not None:
                run.language = command.language
            self._emit("command", f"language switched to {command.language}", **fields)
        elif name == "message" and command.text is not None:
            lang = run.language if run is not None else "en"
            self._emit("command", f"message: {command.text.get(lang)}", **fields)
        elif name == "recenter":
            self._emit("command", "view recentered", **fields)
        else:
            self._emit("command", f"{name} (nothing to do in the lobby)", **fields)
        if run is not None:
            run.poke()

    def _finish(self, run: SimulatedSession, detail: str = "") -> None:
        if self._run is run:
            self._run = None
        assert run.task is not None  # noqa: S101 - type narrowing, not an input check
        if run.task.cancelled():
            report = run.report(detail or "cancelled")
        elif (exc := run.task.exception()) is not None:
            log.error("session %s failed", run.session_id, exc_info=exc)
            report = run.report(f"{type(exc).__name__}: {exc}", state="error")
        else:
            report = run.task.result()
            if detail and not report.detail:
                report.detail = detail
        self.reports.append(report)
        fields = report.to_json()
        if report.state == "finished":
            score = (
                f", score {report.score:g}/{report.max_score} ({report.percent:g}%)"
                if report.score is not None
                else ""
            )
            self._emit(
                "finished",
                f"session {run.session_id} finished in {report.seconds:.1f} s{score}",
                **fields,
            )
        elif report.state == "aborted":
            self._emit("aborted", f"session {run.session_id} ended early", **fields)
        else:
            self._error(
                f"session {run.session_id} {report.state}: {report.detail or 'no detail'}",
                **fields,
            )

    # ------------------------------------------------------------ one session

    async def _play(self, run: SimulatedSession) -> SessionReport:
        try:
            await self._load(run)
            await self._sleep(run, 0.0)  # wait for start (and for the end of a pause)
            script = run.script
            total = len(script.steps)
            for plan in plan_session(
                script, self._rng, behaviour=self.behaviour, start_step=run.step_index
            ):
                await self._play_step(run, plan, total)
            run.step_index, run.step_id = total, None
            await self._send(run, SessionCompleted())
            run.completed_sent = True
        except Stop:
            pass
        if run.load_failed is None and run.result is None and not run.lost:
            try:
                async with asyncio.timeout(self.result_timeout):
                    await self._wait_for_result(run)
            except TimeoutError:
                return run.report("no result from the server", state="error")
        return run.report()

    async def _load(self, run: SimulatedSession) -> None:
        sid = run.session_id
        glb = run.assignment.manifest.glb
        # `loading` is only news for a new session; one that is further along just reloads.
        report = run.initial_state in ("assigned", "loading")
        if report:
            await self.client.send_loading(sid, 0.0)
        sent = 0.0

        async def on_progress(done: int, total: int | None) -> None:
            nonlocal sent
            if report and total and done / total - sent >= 0.1 and done < total:
                sent = done / total
                await self.client.send_loading(sid, sent)

        try:
            result = await self.client.download(glb, on_progress=on_progress, session_id=sid)
        except (DownloadError, AuthRejected) as exc:
            run.load_failed = str(exc)
            await self.client.send_load_failed(sid, str(exc))
            self._error(f"loading failed: {exc}", session_id=sid)
            raise Stop from exc
        run.download = result
        sounds_cached = await self._load_sounds(run)
        run.loaded = True
        if report:
            await self.client.send_loading(sid, 1.0)
        await self.client.send_ready(sid)
        cached = result.cached and sounds_cached  # the scene whole: model and sounds
        how = (
            "from the cache"
            if cached
            else f"{result.downloaded_bytes / 1e6:.1f} MB in {result.seconds:.1f} s"
        )
        self._emit("loaded", f"scene loaded ({how}), ready", session_id=sid, cached=cached)

    async def _load_sounds(self, run: SimulatedSession) -> bool:
        """Fetch the scene's sound files into the cache, as the headset app does; like the app,
        a sound that fails to load is reported and left out, and the session goes on. True
        when every one came from the cache."""
        cached = True
        for sound in run.assignment.manifest.sounds:
            try:
                cached = (await self.client.download(sound)).cached and cached
            except (DownloadError, AuthRejected) as exc:
                cached = False
                self._error(f"sound {sound.path} not loaded: {exc}", session_id=run.session_id)
        return cached

    async def _play_step(self, run: SimulatedSession, plan: StepPlan, total: int) -> None:
        run.step_index, run.step_id = plan.index, plan.step.id
        started = time.monotonic()
        previous = 0.0
        for beat in plan.beats:
            await self._sleep(run, beat.at_s - previous)
            previous = beat.at_s
            await self._send(run, beat.event)
            if isinstance(beat.event, HintShown):
                run.hints += 1
        run.steps_played += 1
        run.mistakes += plan.mistakes
        extras = []
        if plan.hints_shown:
            extras.append(f"{plan.hints_shown} hint{'s' if plan.hints_shown > 1 else ''}")
        if plan.mistakes:
            extras.append(f"{plan.mistakes} mistake{'s' if plan.mistakes > 1 else ''}")
        step_title = title(plan.step.title, run.language)
        self._emit(
            "step",
            f"step {plan.index + 1}/{total} {step_title} [{plan.step.action.kind}] done in "
            f"{time.monotonic() - started:.1f} s" + (f" ({', '.join(extras)})" if extras else ""),
            session_id=run.session_id,
            step_index=plan.index,
            step_id=plan.step.id,
            action=plan.step.action.kind,
            hints=plan.hints_shown,
            mistakes=plan.mistakes,
            simulated_s=plan.duration_s,
        )

    async def _send(self, run: SimulatedSession, event: SessionEvent) -> None:
        run.check()
        try:
            await self.client.send_event(event, session_id=run.session_id)
        except NoActiveSession as exc:
            raise Stop from exc
        run.events_sent += 1

    async def _sleep(self, run: SimulatedSession, simulated_s: float) -> None:
        """Let `simulated_s` seconds of visitor time pass (divided by speed); the clock
        stands still before start and while paused. Raises Stop when the session ends."""
        loop = asyncio.get_running_loop()
        remaining = max(0.0, simulated_s) / self.speed
        while True:
            run.check()
            run.changed.clear()
            if not run.started or run.paused:
                await run.changed.wait()
                continue
            if remaining <= 0:
                return
            t0 = loop.time()
            try:
                async with asyncio.timeout(remaining):
                    await run.changed.wait()
            except TimeoutError:
                remaining = 0.0
                continue
            remaining -= loop.time() - t0

    async def _wait_for_result(self, run: SimulatedSession) -> None:
        while run.result is None and not run.lost:
            run.changed.clear()
            await run.changed.wait()

    # ------------------------------------------------------------ telemetry

    def _grabbed(self) -> str | None:
        """The node in the visitor's hand: a grab-and-place step's node while it runs."""
        run = self._run
        if run is None or not run.started or run.paused or run.step_id is None:
            return None
        step = next((s for s in run.script.steps if s.id == run.step_id), None)
        action = step.action if step is not None else None
        return action.node if isinstance(action, GrabPlaceAction) else None

    async def _telemetry_loop(self) -> None:
        period = 1.0 / self.telemetry_hz
        rng = self._telemetry_rng
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        while True:
            t = loop.time() - t0
            run = self._run
            playing = run is not None and run.started and not run.paused
            self._battery = max(0.05, self._battery - 0.00005 * period * (3 if playing else 1))
            yaw = 0.6 * math.sin(t / 7.0) + rng.gauss(0, 0.02)
            head = Pose(
                position=(
                    round(0.1 * math.sin(t / 5.0), 3),
                    round(1.6 + 0.02 * math.sin(t / 1.3), 3),
                    round(0.1 * math.cos(t / 6.0), 3),
                ),
                orientation=(0.0, round(math.sin(yaw / 2), 4), 0.0, round(math.cos(yaw / 2), 4)),
            )
            await self.client.send_telemetry(
                fps=round(min(90.0, max(30.0, rng.gauss(71.5, 1.5))), 1),
                battery=round(self._battery, 3),
                charging=False,
                step_id=run.step_id if run is not None and playing else None,
                head=head,
            )
            await asyncio.sleep(period)

    # ------------------------------------------------------------ reporting

    def _emit(self, kind: str, text: str, *, error: bool = False, **fields: Any) -> None:
        if self.on_progress is not None:
            self.on_progress(self.name, Progress(kind, text, fields, error))

    def _error(self, text: str, **fields: Any) -> None:
        self.errors.append(text)
        self._emit("error", text, error=True, **fields)
