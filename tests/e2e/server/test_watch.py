"""Watching a headset on a real server: the first watcher raises its pose rate to 20 Hz, the
headset's `pose` frames reach every watcher as `watched_pose`, and the rate drops back to 2 Hz
once the last watcher has unwatched or disconnected (services/watch.py, ws/watching.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.harness import RawSocket, ServerProcess, wait_frame
from tests.support.sockets import hello_headset, staff, start_session, welcomed
from tests.support.watching import POSE, next_rate, relayed_pose, watch
from vr_server.ws.watching import MAX_WATCHING


async def test_watchers_are_counted_and_get_the_poses(
    server: ServerProcess, code: str, token: str
) -> None:
    headset, enrolled = await hello_headset(server, code)
    hid = enrolled["headset_id"]
    one, two = await staff(server, token), await staff(server, token)
    try:
        await watch(one, hid)
        assert await next_rate(headset) == 20
        await watch(two, hid)
        await watch(one, hid)  # the same connection again: still counted once
        await headset.send({**POSE, "t": 1})
        first, second = await relayed_pose(one, 1), await relayed_pose(two, 1)
        assert first == second == {**POSE, "t": 1, "type": "watched_pose", "headset_id": hid}
        await watch(one, hid, "unwatch")
        # On the in-process bus the control word reached the headset's outbox before the
        # reply: no rate change is queued before this pong (two still watches).
        await headset.send({"type": "ping", "t": 7})
        frame = await wait_frame(headset, lambda f: f["type"] in ("pose_rate", "pong"))
        assert frame["type"] == "pong"
        await headset.send({**POSE, "t": 2})
        assert (await relayed_pose(two, 2))["h"] == POSE["h"]
        await two.close()  # the last watcher disconnects
        assert await next_rate(headset) == 2
    finally:
        await one.close()
        await headset.close()


async def test_an_unknown_headset_cannot_be_watched(server: ServerProcess, token: str) -> None:
    sock = await staff(server, token)
    try:
        await sock.send({"type": "watch", "request_id": "w1", "headset_id": "no-such-headset"})
        error = await wait_frame(sock, lambda f: f.get("request_id") == "w1")
        assert error["type"] == "error"
        assert error["code"] == "not_found"
    finally:
        await sock.close()


@pytest.mark.parametrize("frame", [{**POSE, "h": [0, 0, 0, 0, 0, 0, 5000]}, {**POSE, "t": -1}])
async def test_a_bad_pose_frame_is_refused(
    server: ServerProcess, code: str, frame: dict[str, object]
) -> None:
    headset, _ = await hello_headset(server, code)
    try:
        await headset.send(frame)
        error = await headset.recv_type("error")
        assert error["code"] == "invalid_message"
    finally:
        await headset.close()


async def test_the_queue_board_shows_a_playing_headset_and_a_kiosk_may_watch_it(
    server: ServerProcess, code: str, token: str
) -> None:
    headset, enrolled = await hello_headset(server, code)
    hid = enrolled["headset_id"]
    pairing = server.api(token, "POST", "/api/kiosks/pairing-code", {"hours": 1}).json()["code"]
    async with httpx.AsyncClient() as http:
        body = {"code": pairing, "name": "tv"}
        kiosk_token = (await http.post(server.url + "/api/kiosks/pair", json=body)).json()["token"]
    kiosk = await RawSocket.open(server.ws_url + "/ws/staff")
    try:
        assert server.api(kiosk_token, "GET", "/api/queue/board").json()["now_playing"] is None
        assignment = await start_session(server, token, headset, hid)
        board = server.api(kiosk_token, "GET", "/api/queue/board").json()
        playing = board["now_playing"]
        assert playing["headset_id"] == hid
        assert playing["session_id"] == assignment["session_id"]
        assert playing["step_count"] == len(assignment["manifest"]["script"]["steps"])
        await kiosk.send({"type": "auth", "token": kiosk_token})
        assert (await kiosk.recv())["type"] == "queue_changed"
        await watch(kiosk, hid)
        assert await next_rate(headset) == 20
        await headset.send({**POSE, "t": 5})
        assert (await relayed_pose(kiosk, 5))["headset_id"] == hid
        await kiosk.send(
            {"type": "set_status", "request_id": "s", "headset_id": hid, "status": "charging"}
        )
        refused = await wait_frame(kiosk, lambda f: f.get("request_id") == "s")
        assert refused["code"] == "not_allowed"  # a kiosk still only watches
    finally:
        await kiosk.close()
        await headset.close()


async def test_a_connection_watches_at_most_four_headsets(
    server: ServerProcess, code: str, token: str
) -> None:
    headsets = [await hello_headset(server, code) for _ in range(MAX_WATCHING + 1)]
    sock = await staff(server, token)
    try:
        for _, enrolled in headsets[:MAX_WATCHING]:
            await watch(sock, enrolled["headset_id"])
        await watch(sock, headsets[0][1]["headset_id"])  # one already watched: fine
        last = headsets[-1][1]["headset_id"]
        await sock.send({"type": "watch", "request_id": "w5", "headset_id": last})
        error = await wait_frame(sock, lambda f: f.get("request_id") == "w5")
        assert error["code"] == "rate_limited"
        await watch(sock, headsets[0][1]["headset_id"], "unwatch")
        await watch(sock, last)  # room again
        assert await next_rate(headsets[-1][0]) == 20
    finally:
        await sock.close()
        for headset, _ in headsets:
            await headset.close()


def test_the_manifest_of_a_given_version(server: ServerProcess, token: str) -> None:
    active = server.api(token, "GET", "/api/catalog/test-kitchen/manifest").json()
    version = active["scene"]["version"]
    same = server.api(token, "GET", f"/api/catalog/test-kitchen/manifest?version={version}")
    assert same.json() == active
    missing = server.api(token, "GET", "/api/catalog/test-kitchen/manifest?version=9.9.9")
    assert missing.status_code == 404


async def test_a_reconnected_headset_is_told_it_is_watched(
    server: ServerProcess, code: str, token: str
) -> None:
    first, enrolled = await hello_headset(server, code)
    credentials = enrolled["device_id"], enrolled["device_token"]
    sock = await staff(server, token)
    await watch(sock, enrolled["headset_id"])
    assert await next_rate(first) == 20
    await first.close()
    again = await welcomed(server, *credentials)
    try:
        assert await next_rate(again) == 20  # asked on connecting, not at the next renewal
    finally:
        await sock.close()
        await again.close()
