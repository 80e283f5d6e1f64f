"""The audit trail (admin accounts only) and `caller`, who a request's principal is for an
audit entry. `services/audit.py` does the work."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from vr_server.api.deps import AdminDep, CredentialFirstRoute, ServicesDep
from vr_server.protocol.audit import AuditEntry, AuditView
from vr_server.services.audit import ACTIONS, Actor
from vr_server.services.auth import Principal
from vr_server.storage.audit import AuditFilter

router = APIRouter(prefix="/api/audit", tags=["audit"], route_class=CredentialFirstRoute)


def client_address(request: Request) -> str | None:
    """The client's address: the connection's, or X-Forwarded-For's when the connection comes
    from one of VR_TRUSTED_PROXIES (uvicorn's proxy headers, set up by `serve`)."""
    return request.client.host if request.client else None


def caller(principal: Principal, request: Request) -> Actor:
    """The principal and the client's address, for an audit entry."""
    return Actor.of(principal, client_address(request))


@router.get("")
async def audit(
    _admin: AdminDep,
    services: ServicesDep,
    since: Annotated[datetime | None, Query(description="ISO 8601; from this moment on.")] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AuditView:
    records = await services.audit.entries(AuditFilter(since, action, actor, limit))
    entries = [
        AuditEntry(
            id=r.id or 0,
            at=r.at,
            action=r.action,
            actor=r.actor,
            actor_role=r.actor_role,
            target=r.target,
            address=r.address,
            details=r.details,
        )
        for r in records
    ]
    return AuditView(entries=entries, actions=ACTIONS)
