"""Typed dependencies for routes: the services and the caller's credential."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vr_server.services import Services
from vr_server.services.auth import Principal
from vr_server.storage.records import TokenKind

_bearer = HTTPBearer(auto_error=False, description="A staff, author or device token.")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _requires(*kinds: TokenKind) -> object:
    async def dependency(services: ServicesDep, credentials: BearerDep) -> Principal:
        token = credentials.credentials if credentials else None
        return await services.auth.authenticate(token, set(kinds))

    return Depends(dependency)


StaffDep = Annotated[Principal, _requires("staff")]
AuthorDep = Annotated[Principal, _requires("author")]
"""Publishing content: author tokens only (staff and device tokens get 403)."""
DeviceOrStaffDep = Annotated[Principal, _requires("device", "staff")]
