"""Sessions: assignment, staff commands and headset reports, applied through the sans-I/O
`SessionMachine` and persisted on every change.

Every input follows one path (`_apply`): read the session row, restore the machine, feed the
input, write the new snapshot together with the accepted event and the transitions in one
transaction (optimistic on the row version), then publish what the outputs say: frames for the
headset on `headset.<id>`, updates and alerts for staff on `staff`. Acks go back to the caller
only after the commit, so an acknowledged event is never lost.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from content_tools.format import Language, LocalizedText
from vr_server.bus import Bus
from vr_server.bus.channels import STAFF_CHANNEL, frame_message, headset_channel
from vr_server.errors import (
    Conflict,
    HeadsetOffline,
    InvalidState,
    NotAllowed,
    NotFound,
    Rejected,
    ServerError,
    WrongSession,
    found,
)
from vr_server.protocol import session_machine as sm
from vr_server.protocol.common import ACTIVE_STATES, SessionResult, SessionView
from vr_server.protocol.errors import ErrorCode, Reason
from vr_server.protocol.headset import (
    Ack,
    Assignment,
    Command,
    CommandName,
    Event,
    LoadFailed,
    Loading,
    Ready,
    Result,
)
from vr_server.protocol.scoring import compute_result
from vr_server.protocol.staff import Alert, SessionUpdate
from vr_server.services.call_staff import CallStaffThrottle
from vr_server.services.catalog import CatalogService
from vr_server.services.fleet import FleetService
from vr_server.services.session_views import (
    TicketLabels,
    as_utc,
    assignment,
    result_url,
    session_view,
)
from vr_server.storage.base import DuplicateEvent, StaleSession, Store
from vr_server.storage.records import EventRecord, HeadsetRecord, SessionRecord, TransitionRecord

log = logging.getLogger(__name__)


SESSION_SLICE = 100
"""Session views built per turn of the event loop (`views`)."""
_STATUS_REASON = {
    "needs_cleaning": Reason.HEADSET_NEEDS_CLEANING,
    "charging": Reason.HEADSET_CHARGING,
}
"""Why a headset not `available` cannot take a session, as the headset app words it."""


SessionListener = Callable[[SessionRecord, sm.SessionMachine, list[sm.Output]], Awaitable[None]]
"""Called after every stored change of a session (the queue follows its tickets this way)."""


@dataclass(frozen=True)
class Applied:
    record: SessionRecord
    machine: sm.SessionMachine
    outputs: list[sm.Output]


class SessionService:
    def __init__(
        self,
        store: Store,
        catalog: CatalogService,
        fleet: FleetService,
        bus: Bus,
        clock: Callable[[], float] = time.time,
        *,
        self_service: bool = False,
        public_url: str | None = None,
    ) -> None:
        self.self_service = self_service
        self.public_url = public_url.rstrip("/") if public_url else None
        self.listeners: list[SessionListener] = []
        self._ticket_labels = TicketLabels(store.queue)
        self.store = store
        self.catalog = catalog
        self.fleet = fleet
        self.bus = bus
        self.clock = clock
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.call_staff_throttle = CallStaffThrottle(clock=clock)

    # ------------------------------------------------------------ staff side

    async def assign(
        self,
        headset_id: str,
        scene_id: str,
        language: Language = "th",
        autostart: bool = True,
        *,
        ticket_id: str | None = None,
        journey_code: str | None = None,
    ) -> SessionView:
        """`journey_code`: the visitor's journey (their ticket's); None starts a new one."""
        # One assignment per headset at a time: two staff assigning (or calling tickets) to the
        # same headset at once must not both pass the "no active session" check. (This instance
        # only; several instances on one database are not serialised here.)
        async with self._lock(f"headset:{headset_id}"):
            headset = found(await self.store.headsets.get(headset_id), f"no headset {headset_id}")
            named = {"headset": headset.name}
            if await self.store.sessions.live_for_headset(headset_id) is not None:
                raise Conflict(
                    f"headset {headset.name} already has an active session",
                    reason=Reason.HEADSET_BUSY,
                    params=named,
                )
            if headset.status != "available":
                raise InvalidState(
                    f"headset {headset.name} is marked {headset.status}; mark it available first",
                    reason=_STATUS_REASON.get(headset.status, Reason.HEADSET_BUSY),
                    params=named,
                )
            manifest = await self.catalog.active_manifest(scene_id)
            machine = sm.SessionMachine(manifest.script)
            now = self.clock()
            outputs = machine.handle(sm.Assign(language=language, autostart=autostart), now)
            transition = next(o for o in outputs if isinstance(o, sm.Transition))
            when = as_utc(now) or datetime.now(UTC)
            if journey_code is None:
                journey_code = (await self.store.journeys.create(when)).code
            record = SessionRecord(
                id=str(uuid.uuid4()),
                headset_id=headset_id,
                scene_id=manifest.scene_id,
                scene_version=manifest.version,
                state=machine.state,
                machine=machine.snapshot(),
                result=None,
                created_at=when,
                updated_at=when,
                row_version=1,
                ticket_id=ticket_id,
                result_token=secrets.token_urlsafe(16),  # 128 bits: the result page's only key
                journey_code=journey_code,
            )
            await self.store.sessions.create(
                record,
                TransitionRecord(record.id, when, transition.old, transition.new, transition.cause),
            )
        await self._send_headset(headset_id, await self.assignment_frame(record))
        view = await self._publish_session(record, machine)
        await self.fleet.publish(headset_id)
        return view

    async def command(
        self, session_id: str, command: str, language: Language | None = None
    ) -> SessionView:
        inp: sm.Input
        if command == "start":
            inp = sm.Start()
        elif command == "pause":
            inp = sm.Pause()
        elif command == "resume":
            inp = sm.Resume()
        elif command == "end":
            inp = sm.Abort("ended by staff")
        elif command == "language":
            if language is None:
                raise InvalidState("the language command needs a language")
            inp = sm.SetLanguage(language)
        elif command == "recenter":
            record = await self._get(session_id)
            if record.state not in ACTIVE_STATES:
                raise InvalidState(f"the session is {record.state}")
            if not await self._send_command(record.headset_id, "recenter", session_id):
                raise HeadsetOffline("the headset is not connected; recenter it when it is back")
            return await self.view(session_id)
        else:
            raise InvalidState(f"unknown command {command!r}")
        applied = await self._apply(session_id, inp)
        for out in applied.outputs:
            if isinstance(out, sm.Rejected):
                raise InvalidState(out.message)
        return await self._session_view(applied.record, applied.machine)

    async def request_scene(self, headset_id: str, scene_id: str, language: Language) -> None:
        """Self-service: the headset starts a scene; an active session is re-sent instead."""
        if not self.self_service:
            raise NotAllowed(
                "self-service is off on this server: staff assign scenes",
                reason=Reason.SELF_SERVICE_OFF,
            )
        active = await self.store.sessions.live_for_headset(headset_id)
        if active is not None:
            await self._send_headset(headset_id, await self.assignment_frame(active))
            return
        await self.assign(headset_id, scene_id, language, autostart=True)

    async def message(self, headset_id: str, text: LocalizedText) -> None:
        # The bus counts the connections that got it, on every instance sharing the bus.
        if not await self._send_command(headset_id, "message", None, text=text):
            if await self.store.headsets.get(headset_id) is None:
                raise NotFound(f"no headset {headset_id}")
            raise HeadsetOffline("the headset is offline")

    # ------------------------------------------------------------ headset side

    async def headset_connected(
        self, headset: HeadsetRecord, connection_id: str, app_version: str
    ) -> Assignment | None:
        """A headset's socket was accepted: it is online (in its active session, if any),
        and gets that session's assignment to resume."""
        active = await self.store.sessions.live_for_headset(headset.id)
        await self.fleet.connected(headset, connection_id, app_version, active)
        return await self.assignment_frame(active) if active else None

    async def assignment_for(self, headset_id: str) -> Assignment | None:
        record = await self.store.sessions.live_for_headset(headset_id)
        return await self.assignment_frame(record) if record else None

    async def assignment_frame(self, record: SessionRecord) -> Assignment:
        return assignment(
            record, await self.catalog.manifest(record.scene_id, record.scene_version)
        )

    async def headset_report(self, headset_id: str, msg: Loading | Ready | LoadFailed) -> None:
        """Raises Rejected when the session's state does not allow the report."""
        inp: sm.Input
        if isinstance(msg, Loading):
            inp = sm.LoadingStarted()
        elif isinstance(msg, Ready):
            inp = sm.Loaded()
        else:
            inp = sm.LoadFailed(msg.reason)
        applied = await self._apply(msg.session_id, inp, headset_id=headset_id)
        if isinstance(msg, LoadFailed):
            await self.bus.publish(
                STAFF_CHANNEL,
                Alert(
                    kind="load_failed",
                    headset_id=headset_id,
                    session_id=msg.session_id,
                    detail=msg.reason,
                ).model_dump_json(),
            )
        for out in applied.outputs:
            if isinstance(out, sm.Rejected):
                raise Rejected(out.code, out.message)

    async def headset_event(self, headset_id: str, msg: Event) -> Ack:
        """The `ack` of a stored (or already stored, identical) event; Rejected when the
        session refuses it (a gap: `expected_seq`), or it is stored with other content."""
        applied = await self._apply(
            msg.session_id,
            sm.HeadsetEvent(msg.seq, msg.event),
            headset_id=headset_id,
            client_at=msg.at,
        )
        for out in applied.outputs:
            if isinstance(out, sm.Accepted):
                return Ack(session_id=msg.session_id, seq=msg.seq)
            if isinstance(out, sm.Replayed):
                stored = await self.store.sessions.get_event(msg.session_id, msg.seq)
                if stored is not None and stored.body == msg.event.model_dump(mode="json"):
                    return Ack(session_id=msg.session_id, seq=msg.seq, duplicate=True)
                raise Rejected(
                    ErrorCode.SEQ_CONFLICT, f"event {msg.seq} is stored already with other content"
                )
            if isinstance(out, sm.Rejected):
                raise Rejected(out.code, out.message, expected_seq=out.expected_seq)
        raise AssertionError("the machine answered an event with nothing")  # pragma: no cover

    # ------------------------------------------------------------ the one path for changes

    def _lock(self, session_id: str) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[session_id] = lock
        return lock

    async def _get(self, session_id: str) -> SessionRecord:
        return found(await self.store.sessions.get(session_id), f"no session {session_id}")

    async def _apply(
        self,
        session_id: str,
        inp: sm.Input,
        *,
        headset_id: str | None = None,
        client_at: float | None = None,
    ) -> Applied:
        async with self._lock(session_id):
            for _attempt in range(10):
                record = await self._get(session_id)
                if headset_id is not None and record.headset_id != headset_id:
                    raise WrongSession(f"session {session_id} belongs to another headset")
                manifest = await self.catalog.manifest(record.scene_id, record.scene_version)
                machine = sm.SessionMachine.restore(record.machine, manifest.script)
                now = self.clock()
                outputs = machine.handle(inp, now)
                snapshot = machine.snapshot()
                if snapshot == record.machine:
                    return Applied(record, machine, outputs)
                result: SessionResult | None = None
                if machine.is_final and record.result is None:
                    result = compute_result(machine, manifest.scene)
                when = as_utc(now) or datetime.now(UTC)
                new_record = replace(
                    record,
                    state=machine.state,
                    machine=snapshot,
                    result=result.model_dump(mode="json") if result else record.result,
                    updated_at=when,
                    row_version=record.row_version + 1,
                )
                event = None
                if isinstance(inp, sm.HeadsetEvent) and any(
                    isinstance(o, sm.Accepted) for o in outputs
                ):
                    body = inp.event.model_dump(mode="json")
                    event = EventRecord(
                        session_id=session_id,
                        seq=inp.seq,
                        kind=inp.event.kind,
                        step_id=getattr(inp.event, "step_id", None),
                        body=body,
                        client_at=client_at,
                        received_at=when,
                    )
                transitions = [
                    TransitionRecord(session_id, when, o.old, o.new, o.cause)
                    for o in outputs
                    if isinstance(o, sm.Transition)
                ]
                try:
                    await self.store.sessions.save(
                        new_record,
                        expected_version=record.row_version,
                        event=event,
                        transitions=transitions,
                    )
                except (StaleSession, DuplicateEvent):
                    continue  # another instance wrote first: read again and re-decide
                await self._effects(new_record, machine, outputs)
                return Applied(new_record, machine, outputs)
            raise ServerError(f"session {session_id} is too busy; try again")

    async def call_staff(self, headset_id: str, reason: str) -> None:
        """A headset's `call_staff` frame from outside a session (the lobby): an alert for
        staff, with its active session if it has one (throttled, services/call_staff.py)."""
        active = await self.store.sessions.live_for_headset(headset_id)
        await self._call_staff(headset_id, active.id if active else None, reason)

    async def _call_staff(self, headset_id: str, session_id: str | None, detail: str) -> None:
        if not self.call_staff_throttle.allow(headset_id):
            log.debug("call_staff from headset %s within the interval: not broadcast", headset_id)
            return
        alert = Alert(
            kind="call_staff", headset_id=headset_id, session_id=session_id, detail=detail
        )
        await self.bus.publish(STAFF_CHANNEL, alert.model_dump_json())

    async def _effects(
        self, record: SessionRecord, machine: sm.SessionMachine, outputs: list[sm.Output]
    ) -> None:
        for out in outputs:
            if isinstance(out, sm.SendCommand):
                await self._send_command(
                    record.headset_id,
                    out.command,
                    record.id,
                    language=machine.language if out.command == "language" else None,
                )
            elif isinstance(out, sm.StaffAlert):
                await self._call_staff(record.headset_id, record.id, out.detail)
        if machine.is_final and any(isinstance(o, sm.Transition) for o in outputs):
            await self.store.headsets.update(record.headset_id, status="needs_cleaning")
            result = SessionResult.model_validate(record.result) if record.result else None
            await self._send_headset(
                record.headset_id,
                Result(
                    session_id=record.id,
                    state=machine.state,
                    result=result,
                    result_url=self.result_url(record),
                ),
            )
            await self.fleet.publish(record.headset_id)
        await self._publish_session(record, machine)
        for listener in self.listeners:
            try:
                await listener(record, machine, outputs)
            except Exception:  # the change is committed: a follower's failure must not undo it
                log.exception("session %s: a listener failed", record.id)

    # ------------------------------------------------------------ sending

    def result_url(self, record: SessionRecord) -> str | None:
        return result_url(record, self.public_url)

    async def publish_view(self, session_id: str) -> SessionView:
        """Send staff the session's current view (after a change made outside `_apply`)."""
        record = await self._get(session_id)
        manifest = await self.catalog.manifest(record.scene_id, record.scene_version)
        return await self._publish_session(
            record, sm.SessionMachine.restore(record.machine, manifest.script)
        )

    async def _send_headset(self, headset_id: str, frame: Assignment | Command | Result) -> int:
        """Publish a frame for the headset; returns how many connections received it.

        Assignments, session commands and results are also persisted, so a headset that is
        offline now gets them on reconnect; only `message` and `recenter` need a receiver.
        """
        return await self.bus.publish(
            headset_channel(headset_id), frame_message(frame.model_dump_json())
        )

    async def _send_command(
        self,
        headset_id: str,
        command: CommandName,
        session_id: str | None,
        *,
        language: Language | None = None,
        text: LocalizedText | None = None,
    ) -> int:
        frame = Command(
            command_id=uuid.uuid4().hex,
            command=command,
            session_id=session_id,
            language=language,
            text=text,
            issued_at=self.clock(),
        )
        return await self._send_headset(headset_id, frame)

    async def _publish_session(
        self, record: SessionRecord, machine: sm.SessionMachine
    ) -> SessionView:
        view = await self._session_view(record, machine)
        await self.bus.publish(STAFF_CHANNEL, SessionUpdate(session=view).model_dump_json())
        return view

    # ------------------------------------------------------------ views

    async def _session_view(self, record: SessionRecord, machine: sm.SessionMachine) -> SessionView:
        manifest = await self.catalog.manifest(record.scene_id, record.scene_version)
        label = await self._ticket_labels.get(record.ticket_id)
        return session_view(record, machine, manifest, self.clock(), label, self.result_url(record))

    async def _record_view(self, record: SessionRecord) -> SessionView:
        manifest = await self.catalog.manifest(record.scene_id, record.scene_version)
        return await self._session_view(
            record, sm.SessionMachine.restore(record.machine, manifest.script)
        )

    async def view(self, session_id: str) -> SessionView:
        return await self._record_view(await self._get(session_id))

    async def views(
        self, *, states: list[str] | None = None, headset_id: str | None = None, limit: int = 100
    ) -> list[SessionView]:
        records = await self.store.sessions.find(states=states, headset_id=headset_id, limit=limit)
        views = []
        for n, record in enumerate(records, start=1):
            views.append(await self._record_view(record))  # no await suspends when cached
            if n % SESSION_SLICE == 0:
                await asyncio.sleep(0)  # thousands of views: the event loop free in between
        return views

    async def events(self, session_id: str) -> list[EventRecord]:
        await self._get(session_id)
        return await self.store.sessions.events(session_id)
