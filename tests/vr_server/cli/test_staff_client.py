"""The typed staff client, driven through httpx.MockTransport: which request each method sends,
the models it returns, and the error each kind of failure raises. No server process."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from tests.vr_server.cli.views import HEADSET, SESSION
from vr_server.api.models import AccountView, LoginResponse, StoredCode
from vr_server.cli.staff_client import (
    Refused,
    ServerUnreachable,
    StaffClient,
    TokenRefused,
    open_http,
)
from vr_server.protocol.common import HeadsetView, SessionView

Handler = Callable[[httpx.Request], httpx.Response]

ACCOUNT = {
    "id": "a1",
    "username": "nok",
    "role": "staff",
    "disabled": True,
    "contact_access": False,
    "created_at": "2026-12-06T09:00:00Z",
}


class Recorder:
    """A MockTransport handler that answers `response` and keeps every request."""

    def __init__(self, status: int = 200, body: object = None) -> None:
        self.status = status
        self.body = body
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.body is None:
            return httpx.Response(self.status)
        return httpx.Response(self.status, json=self.body)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def client(handler: Handler, *, with_token: bool = True) -> StaffClient:
    headers = {"Authorization": "Bearer tok"} if with_token else {}
    http = httpx.Client(
        base_url="http://server:8000", headers=headers, transport=httpx.MockTransport(handler)
    )
    return StaffClient(http)


def test_headsets_are_views_and_carry_the_token() -> None:
    server = Recorder(body=[HEADSET])
    [headset] = client(server).headsets()
    assert isinstance(headset, HeadsetView)
    assert (headset.name, headset.battery) == ("Quest-01", 0.8)
    assert headset.enrolled_at == datetime(2026, 12, 6, 9, tzinfo=UTC)
    assert server.last.method == "GET"
    assert server.last.url == "http://server:8000/api/headsets"
    assert server.last.headers["Authorization"] == "Bearer tok"


def test_sessions_asks_for_the_given_states_only() -> None:
    server = Recorder(body=[SESSION])
    api = client(server)
    [session] = api.sessions(["running", "paused"])
    assert isinstance(session, SessionView)
    assert server.last.url.path == "/api/sessions"
    assert server.last.url.params.get_list("state") == ["running", "paused"]
    api.sessions()
    assert server.last.url.query == b""


def test_assign_sends_the_body_and_returns_the_session() -> None:
    server = Recorder(status=201, body=SESSION)
    session = client(server).assign("h1", "cook", "en", autostart=False)
    assert session.state == "running"
    assert (server.last.method, server.last.url.path) == ("POST", "/api/sessions")
    assert json.loads(server.last.content) == {
        "headset_id": "h1",
        "scene_id": "cook",
        "language": "en",
        "autostart": False,
    }


def test_a_command_without_a_language_sends_none() -> None:
    server = Recorder(body=SESSION)
    client(server).command("s1", "pause")
    assert server.last.url.path == "/api/sessions/s1/commands"
    assert json.loads(server.last.content) == {"command": "pause"}
    client(server).command("s1", "language", "th")
    assert json.loads(server.last.content) == {"command": "language", "language": "th"}


def test_account_names_are_quoted_into_one_path_segment() -> None:
    server = Recorder(body=ACCOUNT)
    account = client(server).set_disabled("nok/../x y", disabled=True)
    assert isinstance(account, AccountView)
    assert account.disabled
    assert server.last.url.raw_path == b"/api/admin/accounts/nok%2F..%2Fx%20y/disable"


def test_codes_parse_their_dates() -> None:
    code = {
        "label": "desk",
        "purpose": "headset",
        "uses_left": 3,
        "created_at": "2026-12-06T09:00:00Z",
        "expires_at": "2026-12-07T09:00:00Z",
    }
    [stored] = client(Recorder(body=[code])).codes()
    assert isinstance(stored, StoredCode)
    assert stored.expires_at == datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_answers_without_content_are_accepted() -> None:
    server = Recorder(status=204)
    api = client(server)
    api.remove_kiosk("k 1")
    assert (server.last.method, server.last.url.raw_path) == ("DELETE", b"/api/admin/kiosks/k%201")
    api.revoke_code("ABCD-1234")
    assert json.loads(server.last.content) == {"code": "ABCD-1234"}


def test_401_is_token_refused() -> None:
    with pytest.raises(TokenRefused):
        client(Recorder(status=401, body={"detail": "expired"})).headsets()


@pytest.mark.parametrize(
    ("status", "body", "detail"),
    [
        (404, {"detail": "no session 's9'"}, "no session 's9'"),
        (403, {"detail": "admins only"}, "admins only"),
        (503, None, ""),
    ],
)
def test_other_refusals_carry_the_status_and_detail(status: int, body: object, detail: str) -> None:
    with pytest.raises(Refused) as caught:
        client(Recorder(status=status, body=body)).session("s9")
    assert caught.value.status_code == status
    assert caught.value.detail == detail
    assert str(caught.value) == f"HTTP {status}: {detail}"


def test_no_answer_is_server_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ServerUnreachable) as caught:
        client(refuse).headsets()
    assert "connection refused" in str(caught.value.cause)


def test_login_sends_no_token_and_a_wrong_password_is_refused_not_token_refused() -> None:
    answer = {
        "token": "new",
        "expires_at": "2026-12-07T09:00:00Z",
        "username": "nok",
        "role": "staff",
    }
    server = Recorder(body=answer)
    login = client(server, with_token=False).login("nok", "secret-pass")
    assert isinstance(login, LoginResponse)
    assert login.token == "new"
    assert "Authorization" not in server.last.headers
    assert json.loads(server.last.content) == {"username": "nok", "password": "secret-pass"}
    wrong = Recorder(status=401, body={"detail": "wrong password"})
    with pytest.raises(Refused) as caught:
        client(wrong, with_token=False).login("a", "b")
    assert (caught.value.status_code, caught.value.detail) == (401, "wrong password")


def test_an_answer_that_is_not_the_model_is_an_error() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        client(Recorder(body=[{"id": "h1"}])).headsets()


def test_open_http_sets_the_base_url_and_the_token() -> None:
    with open_http("http://server:8000/", "tok") as http:
        assert http.base_url == "http://server:8000"
        assert http.headers["Authorization"] == "Bearer tok"
    with open_http("http://server:8000", None) as http:
        assert "Authorization" not in http.headers
