"""HTTP API routes. Each route checks credentials through a typed dependency and calls one
service; no logic lives here."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from content_tools.format import BundleManifest
from vr_server import __version__
from vr_server.api.audit import caller, client_address
from vr_server.api.deps import (
    STAFF_COOKIE,
    AccountDep,
    AdminDep,
    CatalogDep,
    CredentialFirstRoute,
    ServicesDep,
    StaffDep,
    TokenDep,
)
from vr_server.api.models import (
    AssignRequest,
    CommandRequest,
    Health,
    LoginRequest,
    LoginResponse,
    LoopHealth,
    Me,
    MessageRequest,
    StatusRequest,
    StoredEvent,
    SyncHealth,
)
from vr_server.protocol.common import HeadsetView, SceneSummary, SessionState, SessionView
from vr_server.protocol.enrollment import EnrollRequest, EnrollResponse
from vr_server.protocol.version import PROTOCOL_VERSION
from vr_server.services import Services
from vr_server.services.audit import Actor

router = APIRouter(route_class=CredentialFirstRoute)


@router.get("/health", tags=["public"])
async def health(services: ServicesDep) -> JSONResponse:
    try:
        await services.store.ping()
        database = "ok"
    except Exception:  # the health check reports any database failure
        database = "unreachable"
    body = Health(
        status="ok" if database == "ok" else "degraded",
        version=__version__,
        protocol=PROTOCOL_VERSION,
        database=database,
        bus=(
            "in-process"
            if services.settings.redis_url is None
            else "ok"
            if services.bus.connected
            else "reconnecting"
        ),
        blob_bucket=services.blobs.remote_state,
        headsets_online=await services.fleet.online_count(),
        headsets_here=len(services.fleet.live),
        loop=LoopHealth(**dataclasses.asdict(services.loop.stats()))
        if services.loop.samples
        else None,
        sync=await _sync_health(services) if database == "ok" else None,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if database == "ok" else 503)


async def _sync_health(services: Services) -> SyncHealth | None:
    if services.sync is None:
        return None
    try:
        status = await services.sync.status()
    except Exception:  # the health check reports, it does not fail
        return None
    fields = dataclasses.asdict(status)
    fields.pop("acked")
    return SyncHealth(**fields)


# ---------------------------------------------------------------- credentials


@router.post("/api/auth/login", tags=["auth"])
async def login(
    body: LoginRequest, services: ServicesDep, request: Request, response: Response
) -> LoginResponse:
    """Returns the token and also sets it as the `vr_staff` cookie for the staff pages (on a
    paired kiosk this replaces the kiosk's token: leaving kiosk mode needs a staff login).
    429 with Retry-After while the username or the caller's address is throttled."""
    issued = await services.auth.login(body.username, body.password, client_address(request))
    set_token_cookie(response, request, issued.token, services.settings.staff_token_hours * 3600)
    return LoginResponse(
        token=issued.token,
        expires_at=issued.expires_at,
        username=issued.account.username,
        role=issued.account.role,
    )


def set_token_cookie(response: Response, request: Request, token: str, max_age_s: float) -> None:
    response.set_cookie(
        STAFF_COOKIE,
        token,
        max_age=int(max_age_s),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


@router.post("/api/auth/logout", tags=["auth"], status_code=204)
async def logout(
    account: AccountDep, services: ServicesDep, token: TokenDep, request: Request
) -> Response:
    """Revokes the presented token (header or cookie), closes its sockets on every instance
    and clears the cookie. A kiosk cannot sign itself out (a staff login replaces it)."""
    assert token is not None  # noqa: S101 - AccountDep checked it: type narrowing
    await services.access.revoke_token(token)
    await services.audit.record("logout", caller(account, request))
    response = Response(status_code=204)
    response.delete_cookie(
        STAFF_COOKIE,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/api/auth/me", tags=["auth"])
async def me(account: AccountDep, services: ServicesDep, token: TokenDep) -> Me:
    found, expires_at = await services.auth.staff_identity(token, {account.kind})
    return Me(
        username=found.username,
        role=found.role,
        expires_at=expires_at,
        contact_access=account.reads_contacts,
    )


@router.post("/api/devices/enroll", tags=["auth"])
async def enroll(body: EnrollRequest, services: ServicesDep, request: Request) -> EnrollResponse:
    """Public: a headset exchanges an enrollment code for its device token. Staff see the
    headset at once (`headset_enrolled`, with the code's label). After 20 wrong codes from one
    address, 429 with Retry-After (reason `enrollment_throttled`)."""
    headset, token, label = await services.auth.enroll(
        body.code, body.device_id, body.name, client_address(request)
    )
    await services.audit.record(
        "headset_enrolled",
        Actor(headset.name, "device", client_address(request)),
        target=headset.id,
        details={"code_label": label},
    )
    await services.fleet.enrolled(headset.id, label)
    return EnrollResponse(headset_id=headset.id, name=headset.name, device_token=token)


# ---------------------------------------------------------------- catalog


@router.get("/api/catalog", tags=["catalog"])
async def catalog(_who: CatalogDep, services: ServicesDep) -> list[SceneSummary]:
    return await services.catalog.summaries()


@router.get("/api/catalog/{scene_id}", tags=["catalog"])
async def catalog_scene(scene_id: str, _who: CatalogDep, services: ServicesDep) -> SceneSummary:
    return await services.catalog.summary(scene_id)


@router.get("/api/catalog/{scene_id}/manifest", tags=["catalog"])
async def catalog_manifest(
    scene_id: str, _who: CatalogDep, services: ServicesDep, version: str | None = None
) -> BundleManifest:
    """The active version's manifest, or `?version=` (the spectator view draws the version a
    session runs, which may no longer be the active one)."""
    if version is not None:
        return await services.catalog.manifest(scene_id, version)
    return await services.catalog.active_manifest(scene_id)


# ---------------------------------------------------------------- headsets


@router.get("/api/headsets", tags=["headsets"])
async def headsets(_staff: StaffDep, services: ServicesDep) -> list[HeadsetView]:
    return await services.fleet.views()


@router.get("/api/headsets/{headset_id}", tags=["headsets"])
async def headset(headset_id: str, _staff: StaffDep, services: ServicesDep) -> HeadsetView:
    return await services.fleet.view(headset_id)


@router.delete("/api/headsets/{headset_id}", tags=["headsets"], status_code=204)
async def remove_headset(
    headset_id: str, admin: AdminDep, services: ServicesDep, request: Request
) -> None:
    """Admin: remove a headset (lost or retired). Its token stops working and its socket closes
    with 4401 at once; its sessions stay. Enrolling the device again brings it back."""
    await services.access.remove_headset(headset_id)
    await services.audit.record("headset_removed", caller(admin, request), target=headset_id)


@router.post("/api/headsets/{headset_id}/status", tags=["headsets"])
async def headset_status(
    headset_id: str, body: StatusRequest, _staff: StaffDep, services: ServicesDep
) -> HeadsetView:
    return await services.fleet.set_status(headset_id, body.status)


@router.post("/api/headsets/{headset_id}/message", tags=["headsets"], status_code=202)
async def headset_message(
    headset_id: str, body: MessageRequest, _staff: StaffDep, services: ServicesDep
) -> None:
    await services.sessions.message(headset_id, body.text)


# ---------------------------------------------------------------- sessions


@router.get("/api/sessions", tags=["sessions"])
async def sessions(
    _staff: StaffDep,
    services: ServicesDep,
    state: Annotated[list[SessionState] | None, Query()] = None,
    headset_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[SessionView]:
    return await services.sessions.views(
        states=list(state) if state else None, headset_id=headset_id, limit=limit
    )


@router.post("/api/sessions", tags=["sessions"], status_code=201)
async def assign(body: AssignRequest, _staff: StaffDep, services: ServicesDep) -> SessionView:
    return await services.sessions.assign(
        body.headset_id, body.scene_id, body.language, body.autostart
    )


@router.get("/api/sessions/{session_id}", tags=["sessions"])
async def session(session_id: str, _staff: StaffDep, services: ServicesDep) -> SessionView:
    return await services.sessions.view(session_id)


@router.post("/api/sessions/{session_id}/commands", tags=["sessions"])
async def session_command(
    session_id: str, body: CommandRequest, _staff: StaffDep, services: ServicesDep
) -> SessionView:
    return await services.sessions.command(session_id, body.command, body.language)


@router.get("/api/sessions/{session_id}/events", tags=["sessions"])
async def session_events(
    session_id: str, _staff: StaffDep, services: ServicesDep
) -> list[StoredEvent]:
    return [
        StoredEvent(
            seq=e.seq,
            kind=e.kind,
            step_id=e.step_id,
            event=e.body,
            client_at=e.client_at,
            received_at=e.received_at,
        )
        for e in await services.sessions.events(session_id)
    ]
