"""The dashboard's "Add headsets": a short-lived enrollment code and the link to type into the
Quest browser.

    POST /api/enrollment-codes          staff, admin: a code (at most 50 uses, 12 hours)
    POST /api/enrollment-codes/revoke   staff, admin: stop a code at once, by the code itself
    GET  /p/<code>                      public (api/pages.py): the link, to the headset app

Staff may make these (a floor task, like pairing a tablet); longer or larger codes, and
revoking by label, stay with admins (`/api/admin/codes`). Every code made or revoked here is
in the audit trail, recorded by its start only (a code is a secret).
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request

from vr_server.api.audit import caller
from vr_server.api.deps import CredentialFirstRoute, ServicesDep, StaffDep
from vr_server.protocol.enrollment import (
    EnrollmentCode,
    EnrollmentCodeRequest,
    RevokeEnrollmentCode,
)
from vr_server.services.lan import lan_addresses, loopback_only

router = APIRouter(tags=["headsets"], route_class=CredentialFirstRoute)
CODE_LENGTH = 8
"""40 bits: the code lives an hour or so and is used up after its uses."""


def shown(code: str) -> str:
    """How a code appears in the audit trail: its first characters only."""
    return f"{code.strip()[:3]}..."


@router.post("/api/enrollment-codes", status_code=201)
async def create_code(
    body: EnrollmentCodeRequest, staff: StaffDep, services: ServicesDep, request: Request
) -> EnrollmentCode:
    label = f"add-headsets {staff.name} {secrets.token_hex(3)}"
    code = await services.auth.create_enrollment_code(
        uses=body.uses, hours=body.minutes / 60, label=label, length=CODE_LENGTH
    )
    await services.audit.record(
        "enrollment_created",
        caller(staff, request),
        target=shown(code),
        details={"uses": body.uses, "minutes": body.minutes, "label": label},
    )
    settings = services.settings
    return EnrollmentCode(
        code=code,
        path=f"/p/{code}",
        label=label,
        uses=body.uses,
        expires_at=datetime.now(UTC) + timedelta(minutes=body.minutes),
        lan_addresses=await asyncio.to_thread(lan_addresses),
        public_url=settings.public_url,
        loopback_only=loopback_only(settings.host),
    )


@router.post("/api/enrollment-codes/revoke", status_code=204)
async def revoke_code(
    body: RevokeEnrollmentCode, staff: StaffDep, services: ServicesDep, request: Request
) -> None:
    await services.access.revoke_code(body.code, by_label=False)
    await services.audit.record(
        "enrollment_revoked", caller(staff, request), target=shown(body.code)
    )
