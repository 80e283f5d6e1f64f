"""Typed dependencies for routes: the services and the caller's credential.

Staff credentials come as a bearer token or, from the browser pages, as the `vr_staff` cookie
set at login (HttpOnly, SameSite=Strict). A bearer header, when present, is the one checked.
Author routes accept only the header.

A cookie-authenticated request that may change something (any method but GET, HEAD, OPTIONS)
must also carry `X-Requested-With` (the pages' `api.js` sends it): another site can make a
browser send the cookie with a form or a simple request, but not with a custom header, which
needs a CORS preflight this server never grants. Bearer requests need no such header.

The API routers use `CredentialFirstRoute`: a route's credential is checked before its body is
read, so a request without one cannot make the server read and parse a body.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from vr_server.api.errors import error_response
from vr_server.errors import Forbidden, ServerError
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


async def _check(
    request: Request,
    services: Services,
    credentials: HTTPAuthorizationCredentials | None,
    cookie: str | None,
    kinds: tuple[TokenKind, ...],
) -> Principal:
    if "staff" not in kinds:  # bearer tokens only
        token = credentials.credentials if credentials else None
        return await services.auth.authenticate(token, set(kinds))
    principal = await services.auth.authenticate(_presented(credentials, cookie), set(kinds))
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


CREDENTIAL_KINDS = "vr_credential_kinds"
"""Attribute of a credential dependency: the token kinds it accepts (CredentialFirstRoute)."""


def _requires(*kinds: TokenKind) -> object:
    if "staff" in kinds:

        async def staff_dependency(
            request: Request, services: ServicesDep, credentials: BearerDep, cookie: CookieDep
        ) -> Principal:
            return await _check(request, services, credentials, cookie, kinds)

        setattr(staff_dependency, CREDENTIAL_KINDS, kinds)
        return Depends(staff_dependency)

    async def dependency(
        request: Request, services: ServicesDep, credentials: BearerDep
    ) -> Principal:
        return await _check(request, services, credentials, None, kinds)

    setattr(dependency, CREDENTIAL_KINDS, kinds)
    return Depends(dependency)


def credential_kinds(route: APIRoute) -> tuple[TokenKind, ...] | None:
    """The token kinds `route`'s credential dependency accepts (None: it has none)."""
    for dependency in route.dependant.dependencies:
        kinds: tuple[TokenKind, ...] | None = getattr(dependency.call, CREDENTIAL_KINDS, None)
        if kinds:
            return kinds
    return None


class CredentialFirstRoute(APIRoute):
    """A route whose credential is checked before its request body is read.

    FastAPI reads (and parses) a route's body before it runs the route's dependencies, so
    without this a request with no credential still had its body read and validated. Here a
    request that has a body is refused (401/403, as the dependency would) before a byte of
    it is read; the dependency then runs as usual. Every API router uses this class
    (tests/server/test_body_limits.py checks it)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        kinds = credential_kinds(self)
        if kinds is None:
            return handler

        async def credential_first(request: Request) -> Response:
            if _has_body(request):
                services = await get_services(request)
                credentials = await _bearer(request)
                cookie = request.cookies.get(STAFF_COOKIE) if "staff" in kinds else None
                try:
                    await _check(request, services, credentials, cookie, kinds)
                except ServerError as exc:
                    refusal = error_response(exc)
                    refusal.headers["Connection"] = "close"  # the body is never read
                    return refusal
            return await handler(request)

        return credential_first


def _has_body(request: Request) -> bool:
    headers = request.headers
    return "transfer-encoding" in headers or headers.get("content-length", "0") != "0"


StaffDep = Annotated[Principal, _requires("staff")]
AuthorDep = Annotated[Principal, _requires("author")]
"""Publishing content: author tokens only (staff and device tokens get 403)."""
DeviceOrStaffDep = Annotated[Principal, _requires("device", "staff")]
