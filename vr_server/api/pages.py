"""The staff pages and the visitor's result page: plain HTML + ES modules from `vr_server/web/`.

    /login/              public: the staff sign-in form
    /pair/               public: pairs a check-in tablet or queue TV (a code from staff)
    /setup/              public: creates the first admin with the console's link (api/setup.py)
    /p/<code>            public: the "Add headsets" link typed into a Quest browser; to
                         /headset/?enroll=<code> (the headset app enrolls with it)
    /dashboard/          staff, admin: fleet board, remote control, walk-in queue
    /checkin/            kiosk, staff, admin: the entrance tablet (tickets)
    /queue-board/        kiosk, staff, admin: the TV by the queue
    /stats/              staff, admin: the day's figures and the CSV download
    /admin/              admin: accounts, codes, kiosks, headsets; taking access back
    /watch/<headset id>  staff, admin: the 3D spectator view of a headset's session (three.js
                         from /vendor/, its import map allowed by hash in the page's CSP)
    /venues/             staff, admin: the central dashboard, every venue's day (docs/sync.md)
    /audit/              staff, admin; its data admin only: the audit trail
                         (`GET /api/audit` answers 403 to other accounts)
    /results/<token>     public: a visitor's result (the token is the secret)
    /ui/<page>/<file>    the pages' scripts and styles (public: no data in them)

A page asked for without a `vr_staff` cookie of a role it allows answers 303 to
`/login/?next=<path>`: a kiosk asking for the dashboard gets the login form, so leaving kiosk
mode needs a staff login (which replaces the kiosk's cookie).
Files are served through the same safe-path helper as the headset app (`api/web.py`); HTML is
only served by the routes above, never from `/ui/`: each page's `page.html` in the one frame of
`api/page_html.py`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

import vr_server
from vr_server.api.deps import STAFF_COOKIE, ServicesDep
from vr_server.api.page_html import Pages
from vr_server.api.web import APP_CACHE, safe_file, serve_file
from vr_server.errors import Forbidden, NotFound, Unauthorized
from vr_server.storage.records import TokenKind

router = APIRouter(include_in_schema=False)

PAGES_DIR = Path(vr_server.__file__).resolve().parent / "web"
LOGIN_PATH = "/login/"

_STAFF: frozenset[TokenKind] = frozenset({"staff", "admin"})
_KIOSK: frozenset[TokenKind] = frozenset({"kiosk", "staff", "admin"})
STAFF_PAGES: dict[str, tuple[str, frozenset[TokenKind]]] = {
    "dashboard": ("dashboard", _STAFF),
    "checkin": ("checkin", _KIOSK),
    "queue-board": ("queue_board", _KIOSK),
    "stats": ("stats", _STAFF),
    "admin": ("admin", frozenset({"admin"})),
    "audit": ("audit", _STAFF),
    "venues": ("venues", _STAFF),
}
"""URL segment -> (folder in vr_server/web/, the token kinds that may open it)."""

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
_CODE = re.compile(r"[A-Za-z0-9]{2,16}-?[A-Za-z0-9]{2,16}")

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


_IMPORT_MAP = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)


@functools.lru_cache(maxsize=64)
def _csp(html: bytes) -> str:
    """The CSP of a page; one with an inline import map (a page that draws scenes with
    three.js) gets that script allowed by its sha256, WebAssembly, eval and workers from blob:
    URLs: three.js runs its Draco decoder and KTX2 transcoder in workers made from a blob, and
    the transcoder (Emscripten embind) builds its bindings with `new Function`
    (docs/security.md)."""
    found = _IMPORT_MAP.search(html.decode("utf-8"))
    if found is None:
        return _CSP
    digest = base64.b64encode(hashlib.sha256(found.group(1).encode()).digest()).decode()
    return _CSP.replace(
        "script-src 'self';",
        f"script-src 'self' 'sha256-{digest}' 'wasm-unsafe-eval' 'unsafe-eval'; "
        "worker-src 'self' blob:;",
    )


def _page(folder: str, request: Request, *, private: bool = False) -> Response:
    pages: Pages = request.app.state.pages
    response = pages.response(folder, request, APP_CACHE)
    # the pages that draw scenes with three.js (watch, queue board) carry an import map
    response.headers["Content-Security-Policy"] = _csp(pages.build(folder).html)
    response.headers["X-Frame-Options"] = "DENY"
    # The result page's URL is its secret: never send it to the job sites it links to.
    response.headers["Referrer-Policy"] = "no-referrer" if private else "same-origin"
    return response


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse(f"{LOGIN_PATH}?next={quote(target, safe='/')}", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _signed_in(request: Request, services: ServicesDep, kinds: frozenset[TokenKind]) -> bool:
    token = request.cookies.get(STAFF_COOKIE)
    if not token:
        return False
    try:
        await services.auth.authenticate(token, set(kinds))
    except (Unauthorized, Forbidden):
        return False
    return True


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/dashboard/", status_code=307)


@router.get("/login")
async def login_slash(request: Request) -> RedirectResponse:
    query = request.url.query
    return RedirectResponse(LOGIN_PATH + (f"?{query}" if query else ""), status_code=307)


@router.api_route("/login/", methods=["GET", "HEAD"])
async def login_page(request: Request) -> Response:
    return _page("login", request)


@router.api_route("/pair/", methods=["GET", "HEAD"])
async def pair_page(request: Request) -> Response:
    return _page("pair", request)


@router.get("/setup")
async def setup_slash() -> RedirectResponse:
    return RedirectResponse("/setup/", status_code=307)


@router.api_route("/setup/", methods=["GET", "HEAD"])
async def setup_page(request: Request) -> Response:
    return _page("setup", request, private=True)


@router.api_route("/p/{code}", methods=["GET", "HEAD"])
async def enroll_link(code: str) -> RedirectResponse:
    """The short link of the dashboard's "Add headsets": typed on a Quest keyboard, so any case
    and with or without its dash."""
    if not _CODE.fullmatch(code):
        raise NotFound("no such link")
    return RedirectResponse(f"/headset/?enroll={code.upper()}", status_code=303)


@router.api_route("/results/{token}", methods=["GET", "HEAD"])
async def results_page(token: str, request: Request) -> Response:
    if not _TOKEN.fullmatch(token):
        raise NotFound("no such result")
    return _page("results", request, private=True)


@router.api_route("/watch/{headset_id}", methods=["GET", "HEAD"])
async def watch_page(headset_id: str, request: Request, services: ServicesDep) -> Response:
    if not await _signed_in(request, services, _STAFF):
        return _login_redirect(request)
    response = _page("watch", request)
    response.headers["Cache-Control"] = "no-cache, private"
    return response


@router.api_route("/ui/{path:path}", methods=["GET", "HEAD"])
def page_file(path: str, request: Request) -> Response:
    if path.lower().endswith(".html"):
        raise NotFound("no such file")
    return serve_file(safe_file(PAGES_DIR, path), request, APP_CACHE)


def _add_staff_page(segment: str, folder: str, kinds: frozenset[TokenKind]) -> None:
    async def without_slash(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse(f"/{segment}/" + (f"?{query}" if query else ""), status_code=307)

    async def page(request: Request, services: ServicesDep) -> Response:
        if not await _signed_in(request, services, kinds):
            return _login_redirect(request)
        response = _page(folder, request)
        response.headers["Cache-Control"] = "no-cache, private"
        return response

    router.add_api_route(f"/{segment}", without_slash, methods=["GET"])
    router.add_api_route(f"/{segment}/", page, methods=["GET", "HEAD"])


for _segment, (_folder, _kinds) in STAFF_PAGES.items():
    _add_staff_page(_segment, _folder, _kinds)
