"""A typed client of the staff and admin HTTP API, for `vr-server`'s remote commands.

It takes an `httpx.Client` whose `base_url` is the server and whose headers carry the token
(`open_http`), so tests pass one built on `httpx.MockTransport`. Every method returns the
API's own pydantic models (vr_server/protocol, vr_server/api/models.py) and raises one of:

    ServerUnreachable   no answer (connection refused, timeout, ...)
    TokenRefused        HTTP 401: the token is unknown, expired or revoked
    Refused             any other HTTP 4xx/5xx, with the server's `detail`

Request bodies are sent as plain JSON, not built from the request models: the server is the
one that validates them, so a refusal reads the same whichever client sent it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from content_tools.format import Language
from vr_server.api.models import (
    AccountView,
    CodeView,
    KioskView,
    LoginResponse,
    SignedOut,
    StoredCode,
    StoredEvent,
)
from vr_server.protocol.common import HeadsetView, SceneSummary, SessionState, SessionView
from vr_server.protocol.enrollment import EnrollmentCode
from vr_server.protocol.staff import SessionCommandName

__all__ = [
    "ApiError",
    "Refused",
    "ServerUnreachable",
    "StaffClient",
    "TokenRefused",
    "open_http",
]

T = TypeVar("T")
TIMEOUT_S = 30.0


class ApiError(Exception):
    """The server could not be asked, or said no."""


class ServerUnreachable(ApiError):
    def __init__(self, cause: httpx.HTTPError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class TokenRefused(ApiError):
    """HTTP 401."""


class Refused(ApiError):
    """HTTP 4xx (not 401) or 5xx; `detail` is the JSON body's `detail`, else its text."""

    def __init__(self, status_code: int, detail: object) -> None:
        super().__init__(f"HTTP {status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


def open_http(server: str, token: str | None = None) -> httpx.Client:
    """An `httpx.Client` for `server` that presents `token` (a bearer token) if given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=TIMEOUT_S)


def _detail(response: httpx.Response) -> object:
    try:
        data = response.json()
    except ValueError:
        return response.text
    return data.get("detail") if isinstance(data, dict) else data


def _segment(value: str) -> str:
    return quote(value, safe="")


class StaffClient:
    """The staff (and admin) API over `http`; one method per request."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    # ------------------------------------------------------------ plumbing

    def _send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        try:
            return self.http.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise ServerUnreachable(exc) from exc

    def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = self._send(method, path, body)
        if response.status_code == 401:
            raise TokenRefused("the server refused the token (HTTP 401)")
        if response.status_code >= 400:
            raise Refused(response.status_code, _detail(response))
        return response

    def _get(self, model: type[T], method: str, path: str, body: Any = None) -> T:
        adapter: TypeAdapter[T] = TypeAdapter(model)
        return adapter.validate_json(self._call(method, path, body).content)

    # ------------------------------------------------------------ credentials

    def login(self, username: str, password: str) -> LoginResponse:
        """Raises Refused for any answer but 200 (a wrong password is a 401 here)."""
        body = {"username": username, "password": password}
        response = self._send("POST", "/api/auth/login", body)
        if response.status_code != 200:
            raise Refused(response.status_code, _detail(response))
        return LoginResponse.model_validate_json(response.content)

    def logout(self) -> None:
        self._call("POST", "/api/auth/logout")

    # ------------------------------------------------------------ staff

    def headsets(self) -> list[HeadsetView]:
        return self._get(list[HeadsetView], "GET", "/api/headsets")

    def catalog(self) -> list[SceneSummary]:
        return self._get(list[SceneSummary], "GET", "/api/catalog")

    def sessions(self, states: Sequence[SessionState] = ()) -> list[SessionView]:
        query = "&".join(f"state={state}" for state in states)
        return self._get(list[SessionView], "GET", "/api/sessions" + ("?" + query if query else ""))

    def session(self, session_id: str) -> SessionView:
        return self._get(SessionView, "GET", f"/api/sessions/{session_id}")

    def events(self, session_id: str) -> list[StoredEvent]:
        return self._get(list[StoredEvent], "GET", f"/api/sessions/{session_id}/events")

    def assign(
        self, headset_id: str, scene_id: str, language: Language, *, autostart: bool
    ) -> SessionView:
        body = {
            "headset_id": headset_id,
            "scene_id": scene_id,
            "language": language,
            "autostart": autostart,
        }
        return self._get(SessionView, "POST", "/api/sessions", body)

    def command(
        self, session_id: str, command: SessionCommandName, language: Language | None = None
    ) -> SessionView:
        body: dict[str, str] = {"command": command}
        if language:
            body["language"] = language
        return self._get(SessionView, "POST", f"/api/sessions/{session_id}/commands", body)

    def pairing_code(self, hours: float, label: str) -> CodeView:
        body = {"hours": hours, "label": label}
        return self._get(CodeView, "POST", "/api/kiosks/pairing-code", body)

    # ------------------------------------------------------------ admin

    def set_disabled(self, username: str, *, disabled: bool) -> AccountView:
        action = "disable" if disabled else "enable"
        return self._get(AccountView, "POST", f"/api/admin/accounts/{_segment(username)}/{action}")

    def sign_out(self, username: str) -> SignedOut:
        path = f"/api/admin/accounts/{_segment(username)}/sign-out"
        return self._get(SignedOut, "POST", path)

    def set_contact_access(self, username: str, *, allowed: bool) -> AccountView:
        path = f"/api/admin/accounts/{_segment(username)}/contact-access"
        return self._get(AccountView, "POST", path, {"allowed": allowed})

    def set_role(self, username: str, role: str) -> AccountView:
        path = f"/api/admin/accounts/{_segment(username)}/role"
        return self._get(AccountView, "POST", path, {"role": role})

    def remove_headset(self, headset_id: str) -> None:
        self._call("DELETE", f"/api/headsets/{_segment(headset_id)}")

    def enrollment_code(self, uses: int, minutes: int) -> EnrollmentCode:
        """A short-lived headset enrollment code (staff or admin: "Add headsets")."""
        body = {"uses": uses, "minutes": minutes}
        return self._get(EnrollmentCode, "POST", "/api/enrollment-codes", body)

    def codes(self) -> list[StoredCode]:
        return self._get(list[StoredCode], "GET", "/api/admin/codes")

    def revoke_code(self, code: str) -> None:
        self._call("POST", "/api/admin/codes/revoke", {"code": code})

    def kiosks(self) -> list[KioskView]:
        return self._get(list[KioskView], "GET", "/api/admin/kiosks")

    def remove_kiosk(self, kiosk_id: str) -> None:
        self._call("DELETE", f"/api/admin/kiosks/{_segment(kiosk_id)}")
