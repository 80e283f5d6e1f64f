"""Typed dependencies for routes: the services and the caller's credential.

Admin, staff and kiosk credentials come as a bearer token or, from the browser pages, as the
`vr_staff` cookie set at login or at kiosk pairing (HttpOnly, SameSite=Strict). A bearer
header, when present, is the one checked. Author and device routes accept only the header.

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
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from vr_server.api.errors import error_response
from vr_server.errors import Forbidden, ServerError
from vr_server.services import Services
from vr_server.services.auth import STAFF_COOKIE as STAFF_COOKIE
from vr_server.services.auth import Principal
from vr_server.storage.records import TokenKind

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


async def _check(
    request: Request,
    services: Services,
    credentials: HTTPAuthorizationCredentials | None,
    cookie: str | None,
    kinds: tuple[TokenKind, ...],
) -> Principal:
    """The principal of a token of one of `kinds`, from the bearer header or else `cookie`
    (None for routes that take the header only); a cookie-signed change needs CSRF_HEADER."""
    principal = await services.auth.authenticate(_presented(credentials, cookie), set(kinds))
    if (
        credentials is None
        and cookie
        and request.method not in SAFE_METHODS
        and not request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden(
            f"a request signed in by the {STAFF_COOKIE} cookie that changes something "
            f"needs the {CSRF_HEADER} header (or use the bearer header)"
        )
    return principal


CREDENTIAL_KINDS = "vr_credential_kinds"
"""Attribute of a credential dependency: (the token kinds it accepts, whether the cookie
counts), read by CredentialFirstRoute."""


def requires(*kinds: TokenKind, cookie: bool = True) -> object:
    """A dependency that authenticates a token of one of `kinds`: from the bearer header, or
    (with `cookie`, for routes the pages call) from the `vr_staff` cookie."""
    if cookie:

        async def cookie_dependency(
            request: Request, services: ServicesDep, credentials: BearerDep, cookie: CookieDep
        ) -> Principal:
            return await _check(request, services, credentials, cookie, kinds)

        setattr(cookie_dependency, CREDENTIAL_KINDS, (kinds, True))
        return Depends(cookie_dependency)

    async def dependency(
        request: Request, services: ServicesDep, credentials: BearerDep
    ) -> Principal:
        return await _check(request, services, credentials, None, kinds)

    setattr(dependency, CREDENTIAL_KINDS, (kinds, False))
    return Depends(dependency)


def _credential(dependant: Dependant) -> tuple[tuple[TokenKind, ...], bool] | None:
    """The credential mark of `dependant`'s first credential dependency, searched depth-first
    (a dependency such as `contact_reader` stands on a credential dependency)."""
    for dependency in dependant.dependencies:
        mark: tuple[tuple[TokenKind, ...], bool] | None = getattr(
            dependency.call, CREDENTIAL_KINDS, None
        )
        if mark is None:
            mark = _credential(dependency)
        if mark is not None:
            return mark
    return None


def credential_kinds(route: APIRoute) -> tuple[TokenKind, ...] | None:
    """The token kinds `route`'s credential dependency accepts (None: it has none)."""
    mark = _credential(route.dependant)
    return mark[0] if mark else None


class CredentialFirstRoute(APIRoute):
    """A route whose credential is checked before its request body is read.

    FastAPI reads (and parses) a route's body before it runs the route's dependencies, so
    without this a request with no credential still had its body read and validated. Here a
    request that has a body is refused (401/403, as the dependency would) before a byte of
    it is read; the dependency then runs as usual. Every API router uses this class
    (tests/e2e/server/test_body_limits.py checks it)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        mark = _credential(self.dependant)
        if mark is None:
            return handler
        kinds, use_cookie = mark

        async def credential_first(request: Request) -> Response:
            if _has_body(request):
                services = await get_services(request)
                credentials = await _bearer(request)
                cookie = request.cookies.get(STAFF_COOKIE) if use_cookie else None
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


# Who may call what (docs/operations.md "Roles"; tests/e2e/server/test_access_matrix.py checks
# every route against its own table):
AdminDep = Annotated[Principal, requires("admin")]
"""Accounts, enrollment, kiosks, revocation, retention, visitors' contact data."""
StaffDep = Annotated[Principal, requires("staff", "admin")]
"""Fleet, queue, sessions, statistics."""
KioskDep = Annotated[Principal, requires("kiosk", "staff", "admin")]
"""A check-in tablet or queue TV: ticket creation and the queue board."""
CatalogDep = Annotated[Principal, requires("device", "kiosk", "staff", "admin")]
"""The catalog and its assets (thumbnails on the check-in tablet)."""
AccountDep = Annotated[Principal, requires("admin", "staff", "author", "editor")]
"""Any signed-in account: who am I, sign out."""
AuthorDep = Annotated[Principal, requires("author", "editor", "admin", cookie=False)]
"""Publishing content (bearer header only): authors (their own scenes), editors and admins
(every scene)."""


async def contact_reader(principal: StaffDep) -> Principal:
    if not principal.reads_contacts:
        raise Forbidden("reading visitors' contact data needs an admin or contact access")
    return principal


ContactDep = Annotated[Principal, Depends(contact_reader)]
"""Visitors' names and phones: admins, and staff accounts an admin gave contact access."""
