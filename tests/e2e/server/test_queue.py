"""The queue over HTTP and the staff socket of a real server."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.harness import RawSocket, ServerProcess
from tests.support.http import http
from tests.support.sockets import hello_headset


def api(server: ServerProcess, token: str, method: str, path: str, body: Any = None) -> Any:
    return server.api(token, method, path, body)


def test_check_in_over_http_refuses_name_without_consent_and_stores_nothing(
    server: ServerProcess, token: str
) -> None:
    before = api(server, token, "GET", "/api/queue").json()
    refused = api(
        server,
        token,
        "POST",
        "/api/queue/tickets",
        {"language": "th", "interests": ["test-kitchen"], "consent": False, "name": "สมชาย"},
    )
    assert refused.status_code == 422, refused.text
    assert "consent" in refused.text
    assert (
        api(server, token, "POST", "/api/queue/tickets", {"interests": ["x" * 65]}).status_code
        == 422
    )
    after = api(server, token, "GET", "/api/queue").json()
    assert len(after["waiting"]) == len(before["waiting"])

    made = api(
        server,
        token,
        "POST",
        "/api/queue/tickets",
        {"interests": ["test-kitchen"], "consent": True, "name": "สมชาย", "phone": "0812345678"},
    )
    assert made.status_code == 201, made.text
    ticket = made.json()
    assert "name" not in ticket
    assert "phone" not in ticket
    assert ticket["has_personal_data"]
    assert ticket["label"].startswith("A")
    # staff read contact data only when an admin allowed it (test_access_matrix.py)
    admin = server.admin_token()
    contact = api(server, admin, "GET", f"/api/queue/tickets/{ticket['id']}/contact").json()
    assert (contact["name"], contact["phone"]) == ("สมชาย", "0812345678")
    board = api(server, token, "GET", "/api/queue/board").json()
    assert "สมชาย" not in str(board)
    assert "id" not in board["waiting"][-1]
    assert board["waiting"][-1]["label"] == ticket["label"]
    gone = api(server, token, "POST", f"/api/queue/tickets/{ticket['id']}/cancel", {})
    assert gone.json()["status"] == "cancelled"


def test_queue_routes_refuse_callers_without_login(server: ServerProcess) -> None:
    for method, path in [
        ("GET", "/api/queue"),
        ("GET", "/api/queue/board"),
        ("POST", "/api/queue/tickets"),
        ("GET", "/api/queue/tickets/x"),
        ("POST", "/api/queue/tickets/x/call"),
        ("POST", "/api/queue/tickets/x/cancel"),
        ("GET", "/api/queue/tickets/x/contact"),
        ("GET", "/api/stats"),
        ("GET", "/api/stats.csv"),
        ("GET", "/api/auth/me"),
    ]:
        response = http().request(method, server.url + path, json={})
        assert response.status_code == 401, (method, path, response.text)


def ticket_status(server: ServerProcess, token: str, ticket_id: str) -> str:
    return str(api(server, token, "GET", f"/api/queue/tickets/{ticket_id}").json()["status"])


async def test_staff_socket_calls_a_ticket_and_sees_queue_updates(
    server: ServerProcess, token: str, code: str
) -> None:
    headset, enrolled = await hello_headset(server, code)
    staff = await RawSocket.open(server.ws_url + "/ws/staff")
    try:
        await staff.send({"type": "auth", "token": token})
        snapshot = await staff.recv_type("snapshot")
        assert set(snapshot["queue"]) >= {"now_serving", "waiting", "free_headsets"}
        ticket = api(
            server, token, "POST", "/api/queue/tickets", {"interests": ["test-kitchen"]}
        ).json()
        update = await staff.recv_type("queue_update")
        assert ticket["id"] in [t["id"] for t in update["queue"]["waiting"]]

        def call_ticket(request_id: str, headset_id: str) -> dict[str, Any]:
            frame = {"type": "call_ticket", "request_id": request_id, "ticket_id": ticket["id"]}
            return {**frame, "headset_id": headset_id}

        # a refusal (no such headset) answers the request and leaves the ticket waiting
        await staff.send(call_ticket("c0", "nope"))
        error = await staff.recv_type("error")
        assert (error["request_id"], error["code"]) == ("c0", "not_found")
        assert ticket_status(server, token, ticket["id"]) == "waiting"

        await staff.send(call_ticket("c1", enrolled["headset_id"]))
        reply = await staff.recv_type("reply")
        assert reply["request_id"] == "c1"
        assert reply["session_id"]
        assignment = await headset.recv_type("assignment")
        assert assignment["session_id"] == reply["session_id"]

        # a second ticket to the same (busy) headset: 409 over HTTP, still waiting
        other = api(
            server, token, "POST", "/api/queue/tickets", {"interests": ["test-kitchen"]}
        ).json()
        busy = api(
            server,
            token,
            "POST",
            f"/api/queue/tickets/{other['id']}/call",
            {"headset_id": enrolled["headset_id"]},
        )
        assert busy.status_code == 409, busy.text
        assert ticket_status(server, token, other["id"]) == "waiting"

        # set_status on a headset in a session is refused; the session goes on
        await staff.send(
            {
                "type": "set_status",
                "request_id": "s1",
                "headset_id": enrolled["headset_id"],
                "status": "charging",
            }
        )
        refused = await staff.recv_type("error")
        assert refused["request_id"] == "s1"
        api(server, token, "POST", f"/api/queue/tickets/{other['id']}/cancel", {"no_show": True})
        api(
            server,
            token,
            "POST",
            f"/api/sessions/{reply['session_id']}/commands",
            {"command": "end"},
        )
        await asyncio.sleep(0.2)
        await staff.send(
            {
                "type": "set_status",
                "request_id": "s2",
                "headset_id": enrolled["headset_id"],
                "status": "available",
            }
        )
        assert (await staff.recv_type("reply"))["request_id"] == "s2"
    finally:
        await staff.close()
        await headset.close()
