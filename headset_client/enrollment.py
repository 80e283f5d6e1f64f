"""Enrollment: trade a one-time code for a device token (`POST /api/devices/enroll`).

`enroll` speaks HTTP through the `httpx.AsyncClient` it is given (tests pass one on an
`httpx.MockTransport`) and returns the new `Identity`; saving it is the caller's choice
(`HeadsetClient.enroll` saves it in the state dir). Failures come out as the client's
exceptions: `ServerUnreachable`, `EnrollmentRefused` (HTTP 401), `EnrollmentFailed`.
"""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from headset_client.errors import (
    EnrollmentFailed,
    EnrollmentRefused,
    ServerUnreachable,
    describe,
)
from headset_client.identity import Identity
from vr_server.protocol.enrollment import EnrollRequest, EnrollResponse

__all__ = ["enroll", "reply_detail"]

ENROLL_PATH = "/api/devices/enroll"


async def enroll(
    http: httpx.AsyncClient, base_url: str, code: str, *, device_id: str, name: str | None
) -> Identity:
    """Enroll `device_id` at the server `base_url` (http(s)://host:port) with `code`."""
    # The server validates the request (and says what is wrong); the model gives the shape.
    body = EnrollRequest.model_construct(code=code, device_id=device_id, name=name)
    try:
        reply = await http.post(base_url + ENROLL_PATH, json=body.model_dump())
    except httpx.TransportError as exc:
        raise ServerUnreachable(f"cannot reach server at {base_url}: {describe(exc)}") from exc
    if reply.status_code == 401:
        raise EnrollmentRefused("enrollment code refused (HTTP 401)")
    if reply.status_code != 200:
        raise EnrollmentFailed(
            f"enrollment failed (HTTP {reply.status_code}): {reply_detail(reply)}"
        )
    try:
        data = EnrollResponse.model_validate_json(reply.content)
    except ValidationError as exc:
        raise EnrollmentFailed(f"enrollment reply not understood: {exc}") from exc
    return Identity(
        device_id=device_id,
        token=data.device_token,
        headset_id=data.headset_id,
        name=data.name,
        server=base_url,
    )


def reply_detail(reply: httpx.Response) -> str:
    """What an error reply says, in one line: FastAPI's `detail` (validation errors as
    `field: message`), a `message`, or the start of the body."""
    try:
        data = reply.json()
    except ValueError:
        return reply.text[:200] or reply.reason_phrase
    detail = data.get("detail") or data.get("message") or data if isinstance(data, dict) else data
    if isinstance(detail, list):  # FastAPI validation errors: [{"loc": [...], "msg": ...}]
        parts = []
        for item in detail[:3]:
            if isinstance(item, dict) and "msg" in item:
                loc = [str(p) for p in item.get("loc", []) if p != "body"]
                parts.append(f"{'.'.join(loc)}: {item['msg']}" if loc else str(item["msg"]))
            else:
                parts.append(str(item))
        return "; ".join(parts)[:300]
    return str(detail)[:300]
