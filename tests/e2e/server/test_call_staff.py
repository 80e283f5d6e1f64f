"""`call_staff` reaches staff as an `alert`, once per headset per 10 s: more calls in that time
(a stuck button, a hostile client) are taken (events stored and acknowledged) but not broadcast
again (services/call_staff.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.support.harness import RawSocket, ServerProcess
from tests.support.sockets import hello_headset, ping_ok, staff, start_session

Alert = tuple[str, str | None, str]  # headset id, session id, detail


async def alerts_until(watcher: RawSocket, headset_id: str) -> list[Alert]:
    """The alerts staff receive up to and including the first one from `headset_id`."""
    seen: list[Alert] = []
    while True:
        alert = await watcher.recv_type("alert")
        seen.append((alert["headset_id"], alert["session_id"], alert["detail"]))
        if alert["headset_id"] == headset_id:
            return seen


@asynccontextmanager
async def two_headsets_and_staff(
    server: ServerProcess, token: str, code: str
) -> AsyncIterator[tuple[RawSocket, str, RawSocket, str, RawSocket]]:
    """A calling headset and its id, a second headset and its id, and a staff socket that
    watches both; all closed on leaving."""
    sock, enrolled = await hello_headset(server, code)
    other, other_enrolled = await hello_headset(server, code)
    watcher = await staff(server, token)
    try:
        yield sock, enrolled["headset_id"], other, other_enrolled["headset_id"], watcher
    finally:
        await watcher.close()
        await sock.close()
        await other.close()


async def test_call_staff_from_the_lobby_alerts_staff_once(
    server: ServerProcess, token: str, code: str
) -> None:
    async with two_headsets_and_staff(server, token, code) as (sock, hid, other, other_id, watcher):
        await sock.send({"type": "call_staff", "reason": "วิงเวียน"})
        for _ in range(300):
            await sock.send({"type": "call_staff", "reason": "flood"})
        await ping_ok(sock)  # every call above was handled
        await other.send({"type": "call_staff"})  # the reason is optional; another headset
        assert await alerts_until(watcher, other_id) == [
            (hid, None, "วิงเวียน"),
            (other_id, None, ""),
        ]
        await ping_ok(sock)  # not closed for calling too often


async def test_call_staff_events_in_a_session_are_stored_but_alert_once(
    server: ServerProcess, token: str, code: str
) -> None:
    async with two_headsets_and_staff(server, token, code) as (sock, hid, other, other_id, watcher):
        sid = (await start_session(server, token, sock, hid))["session_id"]
        for seq in range(1, 21):
            body = {"kind": "call_staff", "reason": f"call {seq}"}
            await sock.send({"type": "event", "session_id": sid, "seq": seq, "event": body})
            ack = await sock.recv_type("ack")
            assert (ack["seq"], ack["duplicate"]) == (seq, False)
        await sock.send({"type": "call_staff", "reason": "lobby frame too"})
        await ping_ok(sock)
        await other.send({"type": "call_staff"})  # its alert marks the end of the calls
        assert await alerts_until(watcher, other_id) == [
            (hid, sid, "call 1"),
            (other_id, None, ""),
        ]
        events = server.api(token, "GET", f"/api/sessions/{sid}/events").json()
        assert [e["seq"] for e in events if e["kind"] == "call_staff"] == list(range(1, 21))
