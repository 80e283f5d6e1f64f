"""First start (issue 18): the setup page's API, and the gate that holds everything else
shut until the first admin account exists.

    GET  /setup/              the page (api/pages.py, vr_server/web/setup/)
    GET  /api/setup           {"required": bool}: public, also after setup
    POST /api/setup/check     {"token"}: 204 when the link is usable, 403 when not, 409 after
    POST /api/setup           {"token", "username", "password"}: 201, the admin is created and
                              signed in (the `vr_staff` cookie); 403 wrong or used-up token,
                              409 an admin exists (the link is used up), 422 weak password

While setup is required (`SetupService.required`), `SetupGate` answers every other request:
- a page (GET or HEAD outside /api/, /assets/ and /ws/): 303 to `/setup/` (its query, such
  as `?lang=en`, kept), which, opened without the link's token, says to use the link printed
  on the server's console;
- anything else: 503 `{"code": "setup_required"}` with Retry-After;
- a WebSocket: closed before it is accepted (the client sees HTTP 403).
`/health`, the pages' static files (`/ui/`: scripts and styles, no data), the Thai font and the
routes above stay open. Once an admin exists the gate asks nothing more: one flag per request.

The token travels in the link's fragment (`#token=`), which browsers never send, so it is in
no request line and no access log; the page posts it in a JSON body.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from vr_server.api.audit import client_address
from vr_server.api.body_limits import App, Receive, Scope, Send
from vr_server.api.deps import CredentialFirstRoute, ServicesDep
from vr_server.api.models import AccountView, SetupCheck, SetupRequest, SetupStatus
from vr_server.api.routes import set_token_cookie
from vr_server.services.setup import SETUP_PATH

router = APIRouter(route_class=CredentialFirstRoute)

OPEN_PATHS = frozenset({"/health", "/setup", SETUP_PATH, "/api/setup", "/api/setup/check"})
OPEN_PREFIXES = ("/ui/", "/vendor/@fontsource/")
"""The pages' scripts and styles (no data in them) and the Thai font."""
NOT_PAGES = ("/api/", "/assets/", "/ws/")
SETUP_REQUIRED_CODE = "setup_required"
"""The `code` of the 503: HTTP only (sockets are refused before they open), so not one of the
protocol's error codes."""
SETUP_REQUIRED = (
    "the server has no admin account yet: open the setup link printed on the server's "
    "console to create one"
)


@router.get("/api/setup", tags=["setup"])
async def setup_status(services: ServicesDep) -> SetupStatus:
    return SetupStatus(required=await services.setup.required())


@router.post("/api/setup/check", tags=["setup"], status_code=204)
async def setup_check(body: SetupCheck, services: ServicesDep) -> Response:
    await services.setup.check(body.token)
    return Response(status_code=204)


@router.post("/api/setup", tags=["setup"], status_code=201)
async def create_first_admin(
    body: SetupRequest, services: ServicesDep, request: Request, response: Response
) -> AccountView:
    """The first admin, signed in at once: the answer sets the `vr_staff` cookie (the token is
    not in the body)."""
    account = await services.setup.create_first_admin(
        body.token, body.username, body.password, client_address(request)
    )
    issued = await services.auth.issue_token(account)
    set_token_cookie(response, request, issued.token, services.settings.staff_token_hours * 3600)
    return AccountView.model_validate(account, from_attributes=True)


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


class SetupGate:
    """ASGI middleware: while the first admin account is missing, only the setup page, its
    API and /health answer (see the module's docstring)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.open = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.open or scope["type"] not in ("http", "websocket") or _is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        if not await scope["app"].state.services.setup.required():
            self.open = True
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013, "reason": "setup required"})
            return
        path: str = scope["path"]
        answer: Response
        if scope["method"] in ("GET", "HEAD") and not path.startswith(NOT_PAGES):
            query = scope.get("query_string", b"").decode("latin-1")
            answer = RedirectResponse(SETUP_PATH + (f"?{query}" if query else ""), 303)
            answer.headers["Cache-Control"] = "no-store"
        else:
            answer = JSONResponse(
                {"detail": SETUP_REQUIRED, "code": SETUP_REQUIRED_CODE},
                status_code=503,
                headers={"Retry-After": "10", "Cache-Control": "no-store"},
            )
        await answer(scope, receive, send)
