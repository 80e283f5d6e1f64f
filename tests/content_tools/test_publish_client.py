"""The typed publishing client, driven through httpx.MockTransport: the requests it sends, the
models it returns and the error each kind of answer raises; and `vr-content versions` on it, so
the command's output is checked without a server process."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from content_tools.cli import main as vr_content
from content_tools.cli import publish as publish_cli
from content_tools.format.publishing import PublishResponse, VersionsResponse
from content_tools.publish_client import (
    BadAnswer,
    PublishClient,
    Refused,
    ServerFailed,
    TokenRefused,
    Unreachable,
    open_http,
)

Handler = Callable[[httpx.Request], httpx.Response]
SHA = "a" * 64
VERSIONS = {
    "scene_id": "cook",
    "active_version": "1.1.0",
    "versions": [
        {
            "version": "1.0.0",
            "active": False,
            "published_at": "2026-12-01T08:30:00.123456Z",
            "manifest_sha256": "b" * 64,
            "glb_sha256": SHA,
            "glb_size": 1234,
        },
        {
            "version": "1.1.0",
            "active": True,
            "published_at": "2026-12-05T10:00:00Z",
            "manifest_sha256": "c" * 64,
            "glb_sha256": "d" * 64,
            "glb_size": 2345,
        },
    ],
}


class Recorder:
    """A MockTransport handler answering `status` and `body`, keeping every request."""

    def __init__(self, status: int = 200, body: object = None, text: str | None = None) -> None:
        self.status = status
        self.body = body
        self.text = text
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.text is not None:
            return httpx.Response(self.status, text=self.text)
        return httpx.Response(self.status, json=self.body)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def mock_http(handler: Handler) -> httpx.Client:
    return httpx.Client(
        base_url="http://server:8000",
        headers={"Authorization": "Bearer author-token"},
        transport=httpx.MockTransport(handler),
    )


def client(handler: Handler) -> PublishClient:
    return PublishClient(mock_http(handler))


def test_missing_blobs_sends_the_hashes_and_returns_the_limits() -> None:
    answer = {"missing": [SHA], "max_upload_bytes": 100, "max_model_bytes": 50}
    server = Recorder(body=answer)
    missing = client(server).missing_blobs([SHA, "e" * 64])
    assert (missing.missing, missing.max_upload_bytes, missing.max_model_bytes) == ([SHA], 100, 50)
    assert (server.last.method, server.last.url.path) == ("POST", "/api/content/blobs/missing")
    assert json.loads(server.last.content) == {"sha256": [SHA, "e" * 64]}
    assert server.last.headers["Authorization"] == "Bearer author-token"


def test_upload_streams_the_chunks_with_the_size() -> None:
    server = Recorder(status=201, body={"sha256": SHA, "size": 6, "stored": True})
    stored = client(server).upload_blob(SHA, 6, iter([b"abc", b"def"]))
    assert stored.stored
    request = server.last
    assert (request.method, request.url.path) == ("PUT", f"/api/content/blobs/{SHA}")
    assert request.url.params["size"] == "6"
    assert request.headers["Content-Type"] == "application/octet-stream"
    assert request.headers["Content-Length"] == "6"
    assert request.content == b"abcdef"


def test_publish_sends_the_manifest_and_returns_the_result() -> None:
    answer = {
        "scene_id": "cook",
        "version": "1.1.0",
        "new": True,
        "activated": False,
        "active_version": "1.0.0",
        "previous_active": "1.0.0",
    }
    server = Recorder(status=201, body=answer)
    published = client(server).publish({"scene_id": "cook"}, activate=False)
    assert isinstance(published, PublishResponse)
    assert (published.new, published.activated) == (True, False)
    assert json.loads(server.last.content) == {"manifest": {"scene_id": "cook"}, "activate": False}


def test_versions_and_activate() -> None:
    versions = client(Recorder(body=VERSIONS)).versions("cook")
    assert isinstance(versions, VersionsResponse)
    assert versions.versions[1].published_at == datetime(2026, 12, 5, 10, tzinfo=UTC)
    answer = {"scene_id": "cook", "active_version": "1.0.0", "previous_active": "1.1.0"}
    server = Recorder(body=answer)
    activated = client(server).activate("cook", "1.0.0")
    assert activated.previous_active == "1.1.0"
    assert server.last.url.path == "/api/content/scenes/cook/activate"
    assert json.loads(server.last.content) == {"version": "1.0.0"}


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, TokenRefused), (403, TokenRefused), (500, ServerFailed), (503, ServerFailed)],
)
def test_refused_tokens_and_server_failures(status: int, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        client(Recorder(status=status, body={"detail": "no"})).versions("cook")
    assert str(caught.value) == "no"


def test_a_4xx_is_the_contents_fault_with_the_servers_detail() -> None:
    server = Recorder(status=409, body={"detail": "1.0.0 exists with other content"})
    with pytest.raises(Refused) as caught:
        client(server).publish({}, activate=True)
    assert (caught.value.status_code, caught.value.detail) == (
        409,
        "1.0.0 exists with other content",
    )
    with pytest.raises(Refused) as caught:
        client(Recorder(status=422, body={"detail": [{"loc": ["x"]}]})).versions("cook")
    assert caught.value.detail == '[{"loc": ["x"]}]'
    with pytest.raises(Refused) as caught:
        client(Recorder(status=413, text="  too large  ")).versions("cook")
    assert caught.value.detail == "too large"


def test_answers_that_are_not_the_model_are_bad_answers() -> None:
    with pytest.raises(BadAnswer, match="did not answer with JSON"):
        client(Recorder(text="<html>")).versions("cook")
    with pytest.raises(BadAnswer, match="unexpected JSON"):
        client(Recorder(body={"scene_id": "cook"})).versions("cook")


def test_no_answer_is_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(Unreachable, match="connection refused"):
        client(refuse).versions("cook")


def test_open_http_presents_the_token() -> None:
    with open_http("http://server:8000/", "tok") as http:
        assert http.base_url == "http://server:8000"
        assert http.headers["Authorization"] == "Bearer tok"
        assert http.timeout.read == 300.0


def test_the_versions_command_prints_the_table_and_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = Recorder(body=VERSIONS)
    monkeypatch.setattr(publish_cli, "connect", lambda _server, _token: mock_http(server))
    argv = ["versions", "cook", "--token", "t", "--server", "http://server:8000"]
    assert vr_content(argv) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"  1.0.0        2026-12-01T08:30:00  model 1234 bytes, sha256 {SHA[:12]}",
        f"* 1.1.0        2026-12-05T10:00:00  model 2345 bytes, sha256 {'d' * 12}",
    ]
    assert vr_content([*argv, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {**VERSIONS, "ok": True, "command": "versions", "server": "http://server:8000"}


def test_the_rollback_command_exits_1_when_the_version_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    refusal = Recorder(status=404, body={"detail": "no version 9.9.9 of cook"})
    monkeypatch.setattr(publish_cli, "connect", lambda _server, _token: mock_http(refusal))
    assert vr_content(["rollback", "cook", "9.9.9", "--token", "t"]) == 1
    assert capsys.readouterr().err == "error: no version 9.9.9 of cook\n"
