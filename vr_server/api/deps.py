"""Typed dependencies for routes: the services and the caller's credential.

Staff credentials come as a bearer token or, from the browser pages, as the `vr_staff` cookie
set at login (HttpOnly, SameSite=Strict). A bearer header, when present, is the one checked.
Author routes accept only the header.

A cookie-authenticated request that may change something (any method but GET, HEAD, OPTIONS)
must also carry `X-Requested-With` (the pages' `api.js` sends it): another site can make a
browser send the cookie with a form or a simple request, but not with a custom header, which
needs a CORS preflight this server never grants. Bearer requests need no such header.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from vr_server.errors import Forbidden
from vr_server.services import Services
from vr_server.services.auth import Principal
from vr_server.storage.records import TokenKind

STAFF_COOKIE = "vr_staff"
CSRF_HEADER = "X-Requested-With"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_bearer = HTTPBearer(auto_error=False, description="A staff, author or device token.")
_cookie = APIKeyCookie(
    name=STAFF_COOKIE, auto_error=False, description="The staff token, set by the login."
)


# Dependencies are `async def` even where they await nothing: FastAPI runs a plain `def`
# dependency in a worker thread, a thread hop on every request.


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
CookieDep = Annotated[str | None, Depends(_cookie)]


def _presented(credentials: HTTPAuthorizationCredentials | None, cookie: str | None) -> str | None:
    """The bearer token, else the staff cookie."""
    return credentials.credentials if credentials else cookie or None


async def presented_token(credentials: BearerDep, cookie: CookieDep) -> str | None:
    return _presented(credentials, cookie)


TokenDep = Annotated[str | None, Depends(presented_token)]


def _requires(*kinds: TokenKind) -> object:
    if "staff" in kinds:

        async def staff_dependency(
            request: Request, services: ServicesDep, credentials: BearerDep, cookie: CookieDep
        ) -> Principal:
            token = _presented(credentials, cookie)
            principal = await services.auth.authenticate(token, set(kinds))
            if (
                credentials is None
                and request.method not in SAFE_METHODS
                and not request.headers.get(CSRF_HEADER)
            ):
                raise Forbidden(
                    f"a request signed in by the {STAFF_COOKIE} cookie that changes something "
                    f"needs the {CSRF_HEADER} header (or use the bearer header)"
                )
            return principal

        return Depends(staff_dependency)

    async def dependency(services: ServicesDep, credentials: BearerDep) -> Principal:
        token = credentials.credentials if credentials else None
        return await services.auth.authenticate(token, set(kinds))

    return Depends(dependency)


StaffDep = Annotated[Principal, _requires("staff")]
AuthorDep = Annotated[Principal, _requires("author")]
"""Publishing content: author tokens only (staff and device tokens get 403)."""
DeviceOrStaffDep = Annotated[Principal, _requires("device", "staff")]
