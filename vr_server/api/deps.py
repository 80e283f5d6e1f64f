"""Typed dependencies for routes: the services and the caller's credential.

Admin, staff and kiosk credentials come as a bearer token or, from the browser pages, as the
`vr_staff` cookie set at login or at kiosk pairing (HttpOnly, SameSite=Strict). A bearer
header, when present, is the one checked. Author and device routes accept only the header.

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
_bearer = HTTPBearer(
    auto_error=False, description="An admin, staff, author, editor, kiosk or device token."
)
_cookie = APIKeyCookie(
    name=STAFF_COOKIE,
    auto_error=False,
    description="The admin or staff token set by the login, or the kiosk token set by pairing.",
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


def _requires(*kinds: TokenKind, cookie: bool = True) -> object:
    """A dependency that authenticates a token of one of `kinds`: from the bearer header, or
    (with `cookie`, for routes the pages call) from the `vr_staff` cookie."""
    if cookie:

        async def cookie_dependency(
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

        return Depends(cookie_dependency)

    async def dependency(services: ServicesDep, credentials: BearerDep) -> Principal:
        token = credentials.credentials if credentials else None
        return await services.auth.authenticate(token, set(kinds))

    return Depends(dependency)


# Who may call what (docs/operations.md "Roles"; tests/server/test_access_matrix.py checks
# every route against its own table):
AdminDep = Annotated[Principal, _requires("admin")]
"""Accounts, enrollment, kiosks, revocation, retention, visitors' contact data."""
StaffDep = Annotated[Principal, _requires("staff", "admin")]
"""Fleet, queue, sessions, statistics."""
KioskDep = Annotated[Principal, _requires("kiosk", "staff", "admin")]
"""A check-in tablet or queue TV: ticket creation and the queue board."""
CatalogDep = Annotated[Principal, _requires("device", "kiosk", "staff", "admin")]
"""The catalog and its assets (thumbnails on the check-in tablet)."""
AccountDep = Annotated[Principal, _requires("admin", "staff", "author", "editor")]
"""Any signed-in account: who am I, sign out."""
AuthorDep = Annotated[Principal, _requires("author", "editor", "admin", cookie=False)]
"""Publishing content (bearer header only): authors (their own scenes), editors and admins
(every scene)."""


async def contact_reader(principal: StaffDep) -> Principal:
    if not principal.reads_contacts:
        raise Forbidden("reading visitors' contact data needs an admin or contact access")
    return principal


ContactDep = Annotated[Principal, Depends(contact_reader)]
"""Visitors' names and phones: admins, and staff accounts an admin gave contact access."""
