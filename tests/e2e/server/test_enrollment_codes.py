"""The dashboard's "Add headsets" over HTTP against a real server: a staff member makes a short
code, the link /p/CODE leads to the headset app, a headset enrolling with it reaches the staff
socket as `headset_enrolled` with the code's label, both are in the audit trail, and revoking
the code stops it (the refusal carries the reason the headset app words)."""

from __future__ import annotations

import re

import httpx

from tests.e2e.server.test_audit import entries
from tests.support.harness import ServerProcess
from tests.support.sockets import staff


async def test_a_staff_code_enrolls_headsets_live_until_revoked(server: ServerProcess) -> None:
    token = server.staff_token()
    made = server.api(token, "POST", "/api/enrollment-codes", {"uses": 3, "minutes": 30})
    assert made.status_code == 201, made.text
    body = made.json()
    code = body["code"]
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code)
    assert body["path"] == f"/p/{code}"
    assert body["uses"] == 3
    assert body["loopback_only"] is True  # the test server listens on 127.0.0.1
    assert all(not a.startswith("127.") for a in body["lan_addresses"])

    # the link a Quest keyboard types (any case) leads to the headset app with the code
    async with httpx.AsyncClient(base_url=server.url) as client:
        link = await client.get(f"/p/{code.lower()}", follow_redirects=False)
        assert (link.status_code, link.headers["location"]) == (303, f"/headset/?enroll={code}")
        assert (await client.get("/p/not/a/code")).status_code == 404

    sock = await staff(server, token)
    enrolled = server.enroll(code.replace("-", "").lower(), "dev-add-1")
    frame = await sock.recv_type("headset_enrolled")
    assert frame["code_label"] == body["label"]
    assert (frame["headset"]["id"], frame["headset"]["name"]) == (
        enrolled["headset_id"],
        enrolled["name"],
    )
    assert frame["headset"]["online"] is False  # listed before it connects
    await sock.close()

    admin = server.admin_token()
    (created,) = entries(server, admin, action="enrollment_created")
    assert (created["actor"], created["actor_role"], created["target"]) == (
        "staff",
        "staff",
        f"{code[:3]}...",
    )
    assert created["details"]["uses"] == 3
    (joined,) = entries(server, admin, action="headset_enrolled")
    assert (joined["target"], joined["details"]) == (
        enrolled["headset_id"],
        {"code_label": body["label"]},
    )
    assert code not in str(entries(server, admin))  # the code itself is a secret

    assert (
        server.api(token, "POST", "/api/enrollment-codes/revoke", {"code": code}).status_code == 204
    )
    async with httpx.AsyncClient(base_url=server.url) as client:
        refused = await client.post(
            "/api/devices/enroll", json={"code": code, "device_id": "dev-add-2"}
        )
    assert refused.status_code == 401
    assert (refused.json()["code"], refused.json()["reason"]) == (
        "auth_failed",
        "enrollment_refused",
    )
    (revoked,) = entries(server, admin, action="enrollment_revoked")
    assert (revoked["actor"], revoked["target"]) == ("staff", f"{code[:3]}...")
    # staff revoke a code they hold, not others' codes by label
    labelled = server.api(token, "POST", "/api/enrollment-codes/revoke", {"code": body["label"]})
    assert labelled.status_code == 404


def test_staff_codes_are_bounded(server: ServerProcess) -> None:
    token = server.staff_token()
    for body in ({"uses": 51}, {"minutes": 12 * 60 + 1}, {"uses": 0}, {"minutes": 4}):
        assert server.api(token, "POST", "/api/enrollment-codes", body).status_code == 422


async def test_guessing_codes_is_throttled(server: ServerProcess) -> None:
    """Last in this module: it leaves 127.0.0.1 throttled for enrollment. The wrong codes from
    one address are checked (401) until 20 have failed (the revoked-code try above is one of
    them); then a try is refused unchecked with 429, Retry-After and the reason the headset app
    words. The first lock is 1 s, so on a slow machine one or two more may be checked first."""
    async with httpx.AsyncClient(base_url=server.url) as client:
        checked = 0
        for n in range(30):
            body = {"code": f"WRNG-{n:04d}", "device_id": "guesser"}
            answer = await client.post("/api/devices/enroll", json=body)
            if answer.status_code == 429:
                break
            assert (answer.status_code, answer.json()["reason"]) == (401, "enrollment_refused")
            checked += 1
    assert 15 <= checked <= 22, checked
    body = answer.json()
    assert (answer.status_code, body["code"], body["reason"]) == (
        429,
        "rate_limited",
        "enrollment_throttled",
    )
    assert int(answer.headers["retry-after"]) == int(body["params"]["seconds"]) >= 1
