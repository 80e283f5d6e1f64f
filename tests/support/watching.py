"""Steps of the spectator-view tests: a staff socket watching a headset, a pose frame."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.harness import RawSocket, wait_frame
from tests.support.sockets import staff_request

POSE = {
    "type": "pose",
    "t": 1000,
    "h": [12, 1604, -85, 0, 259, 0, 966],
    "l": [-231, 1102, -310, 87, 0, 0, 996],
    "r": [244, 1095, -301, 0, 0, 131, 991],
    "g": {"n": "pan", "p": [250, 1080, -330, 0, 0, 0, 1000]},
}


async def watch(staff: RawSocket, headset_id: str, kind: str = "watch") -> None:
    request = {"type": kind, "request_id": uuid.uuid4().hex[:8], "headset_id": headset_id}
    await staff_request(staff, request)


async def next_rate(headset: RawSocket) -> int:
    frame = await headset.recv_type("pose_rate")
    return int(frame["hz"])


async def relayed_pose(staff: RawSocket, t: int) -> dict[str, Any]:
    return await wait_frame(staff, lambda f: f["type"] == "watched_pose" and f["t"] == t)
