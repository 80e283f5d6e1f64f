"""`PoseStream`: pose frames at the rate the server asks for, none at 2 Hz; the simulated
visitor moves, and holds the grabbed node in the right hand."""

from __future__ import annotations

import asyncio

from headset_client.pose_stream import PoseStream, visitor_frame
from vr_server.protocol.poses import PoseFrame, dequantise


async def test_frames_flow_at_20_hz_and_stop_at_2() -> None:
    frames: list[PoseFrame] = []
    enough = asyncio.Event()

    async def send(frame: PoseFrame) -> bool:
        frames.append(frame)
        if len(frames) >= 3:
            enough.set()
        return True

    stream = PoseStream(send, lambda: "pan")
    await stream.set_rate(2)
    assert stream.hz == 2
    await asyncio.sleep(0)
    assert frames == []  # nobody watches: telemetry carries the poses
    await stream.set_rate(50)  # more than 20 is never sent
    assert stream.hz == 20
    async with asyncio.timeout(10):
        await enough.wait()
    await stream.set_rate(2)
    count = len(frames)
    await asyncio.sleep(0.06)  # longer than a period at 20 Hz
    assert len(frames) == count == stream.sent
    assert all(f.g is not None and f.g.n == "pan" for f in frames)
    assert [f.t for f in frames] == sorted(f.t for f in frames)
    await stream.stop()


def test_the_visitor_moves_and_holds_the_node_in_the_right_hand() -> None:
    a, b = visitor_frame(0.0, None), visitor_frame(1.0, "knife")
    assert a.g is None
    assert b.g is not None
    assert b.g.p == b.r
    assert a.h is not None
    assert b.h is not None
    assert a.h != b.h
    assert a.r != b.r
    head = dequantise(b.h)
    assert 1.5 < head.position[1] < 1.7  # standing height
    assert len(b.model_dump_json(exclude_none=True)) < 250
