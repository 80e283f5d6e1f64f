"""A visitor's result behind the QR code: public, found by its unguessable token only."""

from __future__ import annotations

from fastapi import APIRouter, Response

from vr_server.api.deps import CredentialFirstRoute, ServicesDep
from vr_server.protocol.reports import PublicResult

router = APIRouter(tags=["public"], route_class=CredentialFirstRoute)


@router.get("/api/results/{token}")
async def public_result(token: str, services: ServicesDep, response: Response) -> PublicResult:
    # The URL is the secret: keep it out of shared caches and out of Referer headers.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return await services.results.public_result(token)
