"""Result URLs and ratings through a real server's sockets and pages."""

from __future__ import annotations

import re

import httpx

from tests.support.harness import RawSocket, ServerProcess
from tests.support.http import http
from tests.support.scripts import correct_events, every_action_script
from tests.support.sockets import hello_headset, staff, start_session


def public_get(url: str) -> httpx.Response:
    return http().get(url)


async def finish(sock: RawSocket, session_id: str) -> dict[str, object]:
    for seq, body in enumerate(correct_events(every_action_script()), start=1):
        await sock.send({"type": "event", "session_id": session_id, "seq": seq, "event": body})
    return await sock.recv_type("result")


async def test_result_url_rating_and_public_page(
    server: ServerProcess, token: str, code: str
) -> None:
    sock, enrolled = await hello_headset(server, code)
    watcher = await staff(server, token)
    try:
        assignment = await start_session(server, token, sock, enrolled["headset_id"])
        session_id = assignment["session_id"]
        # rating before the end is refused; nothing is stored
        await sock.send({"type": "rating", "session_id": session_id, "rating": 5})
        early = await sock.recv_type("error")
        assert early["code"] == "invalid_state"

        result = await finish(sock, session_id)
        url = str(result["result_url"])
        # no VR_PUBLIC_URL: the address the headset reached the server at
        match = re.fullmatch(re.escape(server.url) + r"/results/([A-Za-z0-9_\-]{22,})", url)
        assert match, url
        token_in_url = match.group(1)

        await sock.send({"type": "rating", "session_id": session_id, "rating": 4})
        rated = await sock.recv_type("rated")
        assert rated == {"type": "rated", "session_id": session_id, "rating": 4}
        update = await watcher.recv_type("session_update")
        while update["session"]["rating"] != 4:
            update = await watcher.recv_type("session_update")
        assert update["session"]["result_url"].endswith(f"/results/{token_in_url}")

        await sock.send({"type": "rating", "session_id": session_id, "rating": 2})
        assert (await sock.recv_type("rated"))["rating"] == 2  # replaced within 10 minutes
        stored = server.api(token, "GET", f"/api/sessions/{session_id}").json()
        assert stored["rating"] == 2

        await sock.send({"type": "rating", "session_id": session_id, "rating": 6})
        assert (await sock.recv_type("error"))["code"] == "invalid_message"
    finally:
        await watcher.close()
        await sock.close()

    page = public_get(f"{server.url}/api/results/{token_in_url}")  # no credential at all
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["scene_id"] == "test-kitchen"
    assert body["title"] == {"th": "ครัวทดสอบ", "en": "Test kitchen"}
    assert (body["score"], body["max_score"], body["passed"]) == (50, 50, True)
    assert set(body["job_links"]) == {"th", "en"}
    assert body["language"] == "th"
    text = page.text
    for secret in (enrolled["headset_id"], enrolled["device_id"], session_id, "headset", "ticket"):
        assert secret not in text
    assert "no-store" in page.headers["cache-control"]
    for unknown in ("A" * 22, "short", token_in_url[:-1] + "x"):
        assert public_get(f"{server.url}/api/results/{unknown}").status_code == 404


async def test_rating_another_headsets_session_is_refused(
    server: ServerProcess, token: str, code: str
) -> None:
    owner, enrolled = await hello_headset(server, code)
    other, _ = await hello_headset(server, code)
    try:
        assignment = await start_session(server, token, owner, enrolled["headset_id"])
        await finish(owner, assignment["session_id"])
        await other.send({"type": "rating", "session_id": assignment["session_id"], "rating": 1})
        assert (await other.recv_type("error"))["code"] == "wrong_session"
        session = server.api(token, "GET", f"/api/sessions/{assignment['session_id']}").json()
        assert session["rating"] is None
    finally:
        await owner.close()
        await other.close()
