"""`enroll` over an `httpx.MockTransport` (no server process)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from headset_client.enrollment import enroll, reply_detail
from headset_client.errors import EnrollmentFailed, EnrollmentRefused, ServerUnreachable
from headset_client.identity import Identity

Handler = Callable[[httpx.Request], httpx.Response]


async def enroll_with(handler: Handler) -> Identity:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        return await enroll(http, "http://venue:8000", "c0de", device_id="quest-1", name="Q1")


async def test_enroll_posts_the_code_and_returns_the_identity() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"headset_id": "h1", "name": "Q1", "device_token": "t"})

    identity = await enroll_with(handler)
    [request] = requests
    assert (request.method, str(request.url)) == ("POST", "http://venue:8000/api/devices/enroll")
    assert json.loads(request.content) == {"code": "c0de", "device_id": "quest-1", "name": "Q1"}
    assert identity.model_dump() == {
        "device_id": "quest-1",
        "token": "t",
        "headset_id": "h1",
        "name": "Q1",
        "server": "http://venue:8000",
    }


async def test_a_refused_code() -> None:
    with pytest.raises(EnrollmentRefused, match=r"refused \(HTTP 401\)"):
        await enroll_with(lambda _: httpx.Response(401, json={"detail": "bad code"}))


async def test_a_refused_request_says_what_was_wrong() -> None:
    detail = [
        {"loc": ["body", "device_id"], "msg": "String should match pattern"},
        {"loc": ["body"], "msg": "extra field"},
    ]
    with pytest.raises(
        EnrollmentFailed,
        match=r"^enrollment failed \(HTTP 422\): device_id: String should match pattern; "
        r"extra field$",
    ):
        await enroll_with(lambda _: httpx.Response(422, json={"detail": detail}))


async def test_a_reply_that_is_not_an_enrollment() -> None:
    with pytest.raises(EnrollmentFailed, match="reply not understood"):
        await enroll_with(lambda _: httpx.Response(200, json={"headset_id": "h1"}))


async def test_an_unreachable_server() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(
        ServerUnreachable,
        match=r"^cannot reach server at http://venue:8000: ConnectError: connection refused$",
    ):
        await enroll_with(handler)


@pytest.mark.parametrize(
    ("reply", "detail"),
    [
        (httpx.Response(500, text="boom"), "boom"),
        (httpx.Response(503, text=""), "Service Unavailable"),
        (httpx.Response(409, json={"message": "taken"}), "taken"),
        (httpx.Response(400, json={"detail": "x" * 400}), "x" * 300),
        (httpx.Response(400, json=["a", "b"]), "a; b"),
    ],
)
def test_reply_detail(reply: httpx.Response, detail: str) -> None:
    assert reply_detail(reply) == detail
